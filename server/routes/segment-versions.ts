/**
 * A saved segment's history and its edits: edit it in plain English (PATCH), list and read its
 * versions, diff two of them, revert to one. Edits run as turns of the segment's conversation
 * thread — the one it was saved from while that thread still works on it, else a new thread
 * the segment is loaded into — so they are validated, clarified, sized and versioned exactly
 * like a follow-up message, under the same per-thread lock.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { diffTrees } from "../../segment/diff.ts";
import { editingThread, SegmentNotFoundError } from "../../runtime/segment-edits.ts";
import { getSegment, listVersions, type SegmentRecord } from "../../storage/segments.ts";
import { getThread, type ThreadRow } from "../../storage/threads.ts";
import type { VersionEntry } from "../../state/edit.ts";
import { runRequest } from "../../runtime/run.ts";
import { runOnThread, wantsEventStream, withRunSlot } from "../conversation.ts";
import type { AppDeps } from "../deps.ts";
import { ApiError, errorResponses, notFound, threadBusy } from "../errors.ts";
import { bearerAuth, createRouter, jsonBody, jsonResponse } from "../router.ts";
import {
  AcceptHeader,
  DiffSchema,
  RunResultSchema,
  SegmentParams,
  SegmentVersionSchema,
} from "../schemas.ts";
import type { ApiBindings } from "../types.ts";

const tags = ["Segment versions"];

const runResponses = {
  200: {
    description:
      "The edit's turn: the new version with its diff, a clarifying question (answer it on /v1/threads/{threadId}/answers), or why the edit was refused (nothing stored). With `Accept: text/event-stream`: the same events as a thread message, including `diff`.",
    content: {
      "application/json": { schema: RunResultSchema },
      "text/event-stream": { schema: z.string() },
    },
  },
};

/** A body's version number: a JSON number, never a string that looks like one. */
const VersionNumber = z.number().int().min(1).max(100_000).openapi({ example: 2 });

/** Path and query version numbers: plain decimal digits only. */
const VersionParam = z
  .string()
  .regex(/^[1-9]\d{0,5}$/, "expected a version number")
  .transform(Number);

const EditBody = z
  .object({
    text: z.string().trim().min(1).max(1000).openapi({
      description: "The change in plain English",
      example: "only the ones who spent over £500",
    }),
  })
  .strict();

const editRoute = createRoute({
  method: "patch",
  path: "/segments/{id}",
  tags,
  summary: "Edit a saved segment in plain English; an accepted edit is its next version",
  security: bearerAuth,
  request: { params: SegmentParams, headers: AcceptHeader, body: jsonBody(EditBody, "The edit") },
  responses: { ...runResponses, ...errorResponses(400, 401, 404, 409, 413, 415, 429, 503) },
});

const versionsRoute = createRoute({
  method: "get",
  path: "/segments/{id}/versions",
  tags,
  summary: "Every version of the segment, oldest first",
  security: bearerAuth,
  request: { params: SegmentParams },
  responses: {
    200: jsonResponse(
      z.object({ id: z.uuid(), items: z.array(SegmentVersionSchema) }),
      "The versions",
    ),
    ...errorResponses(400, 401, 404, 429, 503),
  },
});

const versionRoute = createRoute({
  method: "get",
  path: "/segments/{id}/versions/{version}",
  tags,
  summary: "One version of the segment",
  security: bearerAuth,
  request: {
    params: SegmentParams.extend({
      version: VersionParam.openapi({ param: { name: "version", in: "path" }, example: "2" }),
    }),
  },
  responses: {
    200: jsonResponse(SegmentVersionSchema, "The version"),
    ...errorResponses(400, 401, 404, 429, 503),
  },
});

const diffRoute = createRoute({
  method: "get",
  path: "/segments/{id}/diff",
  tags,
  summary: "What changed between two versions: conditions added, removed, changed; sizes",
  security: bearerAuth,
  request: {
    params: SegmentParams,
    query: z
      .object({
        from: VersionParam.openapi({ example: "1" }),
        to: VersionParam.optional().openapi({ description: "Default: the latest version" }),
      })
      .strict(),
  },
  responses: {
    200: jsonResponse(DiffSchema, "The diff"),
    ...errorResponses(400, 401, 404, 429, 503),
  },
});

const RevertBody = z.object({ version: VersionNumber }).strict();

const revertRoute = createRoute({
  method: "post",
  path: "/segments/{id}/revert",
  tags,
  summary: "Make an earlier version's definition current again, as the next version",
  security: bearerAuth,
  request: {
    params: SegmentParams,
    headers: AcceptHeader,
    body: jsonBody(RevertBody, "Which version"),
  },
  responses: { ...runResponses, ...errorResponses(400, 401, 404, 409, 413, 415, 429, 503) },
});

function versionView(segmentId: string, v: VersionEntry) {
  return {
    id: segmentId,
    version: v.version,
    kind: v.kind,
    text: v.text,
    definition: v.segment,
    sql: v.sql.text,
    params: v.sql.values,
    size: v.size,
    explanation: v.explanation,
    diff: v.diff,
    producer: v.producer,
    createdAt: v.at,
  };
}

export function segmentVersionsRouter(deps: AppDeps) {
  const router = createRouter();
  const pool = deps.services.db.pool;

  async function requireSegment(c: Context<ApiBindings>, id: string): Promise<SegmentRecord> {
    const segment = await getSegment(pool, c.get("tenantId"), id);
    if (!segment) throw notFound("Segment");
    return segment;
  }

  async function requireVersions(c: Context<ApiBindings>, id: string) {
    const segment = await requireSegment(c, id);
    return { segment, versions: await listVersions(pool, c.get("tenantId"), segment.id) };
  }

  /** The segment's editing thread (runtime/segment-edits.ts), 404 for another tenant's. */
  async function editingThreadOf(c: Context<ApiBindings>, id: string) {
    try {
      const found = await editingThread(deps.services, c.get("tenantId"), id);
      const thread = await getThread(pool, c.get("tenantId"), found.threadId);
      if (!thread) throw notFound("Segment");
      return { ...found, thread };
    } catch (err) {
      if (err instanceof SegmentNotFoundError) throw notFound("Segment");
      throw err;
    }
  }

  router.openapi(editRoute, async (c) => {
    const { id } = c.req.valid("param");
    const { text } = c.req.valid("json");
    const { accept } = c.req.valid("header");
    // Admitted first: finding the editing thread may create one.
    return withRunSlot(deps, c, async (slot) => {
      const { segment, thread, load } = await editingThreadOf(c, id);
      return runOnThread(deps, c, {
        thread,
        slot,
        sse: wantsEventStream(accept),
        event: "segment.edit",
        busy: threadBusy("Another edit of this segment is running."),
        check: (conv) => {
          if (conv.session.phase === "needs_clarification" && !load)
            throw new ApiError(
              409,
              "not_waiting",
              `This segment's conversation is waiting for the answer to a question: POST it to /v1/threads/${thread.id}/answers.`,
            );
        },
        input: {
          threadId: thread.id,
          tenant: c.get("tenantId"),
          request: text,
          forceEdit: true,
          ...(load ? { command: { kind: "load" as const, segmentId: segment.id } } : {}),
        },
      });
    });
  });

  router.openapi(revertRoute, async (c) => {
    const { id } = c.req.valid("param");
    const { version } = c.req.valid("json");
    const { accept } = c.req.valid("header");
    return withRunSlot(deps, c, async (slot) => {
      const { segment, versions } = await requireVersions(c, id);
      if (!versions.some((v) => v.version === version))
        throw new ApiError(
          409,
          "no_such_version",
          `Segment ${segment.id} has no version ${version}; it has versions 1 to ${versions.length}.`,
        );
      const { thread, load } = await editingThreadOf(c, segment.id);
      if (load) {
        // Loading is its own turn, so the revert turn runs on the loaded segment.
        await loadInto(thread, segment);
      }
      return runOnThread(deps, c, {
        thread,
        slot,
        sse: wantsEventStream(accept),
        event: "segment.revert",
        busy: threadBusy("Another edit of this segment is running."),
        check: () => undefined,
        input: {
          threadId: thread.id,
          tenant: c.get("tenantId"),
          command: { kind: "revert", version },
        },
      });
    });
  });

  /** Loads a saved segment into a fresh thread (a turn of its own, under the thread's lock). */
  async function loadInto(thread: ThreadRow, segment: SegmentRecord): Promise<void> {
    const release = await deps.locks.tryAcquire(thread.id);
    if (!release) throw threadBusy("Another edit of this segment is running.");
    try {
      await runRequest(deps.services, {
        threadId: thread.id,
        tenant: segment.tenantId,
        command: { kind: "load", segmentId: segment.id },
      });
    } finally {
      await release();
    }
  }

  router.openapi(versionsRoute, async (c) => {
    const { segment, versions } = await requireVersions(c, c.req.valid("param").id);
    return c.json({ id: segment.id, items: versions.map((v) => versionView(segment.id, v)) }, 200);
  });

  router.openapi(versionRoute, async (c) => {
    const { id, version } = c.req.valid("param");
    const { segment, versions } = await requireVersions(c, id);
    const v = versions.find((x) => x.version === version);
    if (!v) throw notFound(`Version ${version}`);
    return c.json(versionView(segment.id, v), 200);
  });

  router.openapi(diffRoute, async (c) => {
    const { id } = c.req.valid("param");
    const { from, to } = c.req.valid("query");
    const { versions } = await requireVersions(c, id);
    const a = versions.find((x) => x.version === from);
    const b =
      to === undefined ? versions[versions.length - 1] : versions.find((x) => x.version === to);
    if (!a || !b) throw notFound(`Version ${!a ? from : to}`);
    const tenant = deps.services.tenants.get(c.get("tenantId"))!;
    return c.json(
      diffTrees(a.segment.root, b.segment.root, tenant.catalog, {
        fromVersion: a.version,
        toVersion: b.version,
        sizeBefore: a.size,
        sizeAfter: b.size,
      }),
      200,
    );
  });

  return router;
}
