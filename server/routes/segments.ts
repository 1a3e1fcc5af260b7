/**
 * Saved segments: a finished thread's segment under a name, listed, re-sized, paged through
 * its members and deleted. Executions recompile the stored definition against the tenant's
 * binding. Saving and deleting keep the tenant's recipes (runtime/recipes.ts) in step.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { explainTree } from "../../segment/explain.ts";
import { appendAudit } from "../../storage/audit.ts";
import { memberPage } from "../../storage/members.ts";
import {
  AlreadySavedError,
  deleteSegment,
  getSegment,
  listSegments,
  saveSegment,
  updateSegmentSize,
  type SegmentRecord,
} from "../../storage/segments.ts";
import type { TenantRuntime } from "../../state/context.ts";
import { resumed } from "../../state/session.ts";
import { compileSegment } from "../../warehouse/compile.ts";
import { readConversation } from "../conversation.ts";
import type { AppDeps } from "../deps.ts";
import { ApiError, errorResponses, notFound, threadBusy } from "../errors.ts";
import { bearerAuth, createRouter, jsonBody, jsonResponse } from "../router.ts";
import {
  Cursor,
  PageQuery,
  SegmentParams,
  SegmentSchema,
  SegmentSummarySchema,
  decodeCursor,
  encodeCursor,
} from "../schemas.ts";
import type { ApiBindings } from "../types.ts";
import { requireThread } from "./threads.ts";

const tags = ["Segments"];

const SaveBody = z
  .object({
    threadId: z.uuid().openapi({ description: "A thread whose run finished with status ok" }),
    name: z.string().trim().min(1).max(200).openapi({ example: "UK big spenders" }),
  })
  .strict();

const saveRoute = createRoute({
  method: "post",
  path: "/segments",
  tags,
  summary: "Save a thread's finished segment under a name, with every version it has so far",
  security: bearerAuth,
  request: { body: jsonBody(SaveBody, "Which thread, and the name") },
  responses: {
    201: jsonResponse(SegmentSchema, "The saved segment"),
    ...errorResponses(400, 401, 404, 409, 413, 415, 429),
  },
});

const listRoute = createRoute({
  method: "get",
  path: "/segments",
  tags,
  summary: "The tenant's segments, newest first",
  security: bearerAuth,
  request: { query: PageQuery },
  responses: {
    200: jsonResponse(
      z.object({ items: z.array(SegmentSummarySchema), nextCursor: z.string().nullable() }),
      "A page of segments",
    ),
    ...errorResponses(400, 401, 429),
  },
});

const getRoute = createRoute({
  method: "get",
  path: "/segments/{id}",
  tags,
  summary: "One segment with its definition, SQL and explanation",
  security: bearerAuth,
  request: { params: SegmentParams },
  responses: {
    200: jsonResponse(SegmentSchema, "The segment"),
    ...errorResponses(400, 401, 404, 429),
  },
});

const deleteRoute = createRoute({
  method: "delete",
  path: "/segments/{id}",
  tags,
  summary: "Delete a saved segment with its versions; it is no longer suggested as a recipe",
  security: bearerAuth,
  request: { params: SegmentParams },
  responses: {
    204: { description: "Deleted" },
    ...errorResponses(400, 401, 404, 409, 429),
  },
});

const sqlRoute = createRoute({
  method: "get",
  path: "/segments/{id}/sql",
  tags,
  summary: "The segment's parameterised SQL and its parameters",
  security: bearerAuth,
  request: { params: SegmentParams },
  responses: {
    200: jsonResponse(
      z.object({ id: z.uuid(), sql: z.string(), params: z.array(z.unknown()) }),
      "SQL returning member ids; values are bound parameters",
    ),
    ...errorResponses(400, 401, 404, 429),
  },
});

const sizeRoute = createRoute({
  method: "post",
  path: "/segments/{id}/size",
  tags,
  summary: "Count the segment's members now",
  security: bearerAuth,
  request: { params: SegmentParams },
  responses: {
    200: jsonResponse(
      z.object({ id: z.uuid(), size: z.number().int(), estimatedAt: z.string() }),
      "The current size (also stored on the segment)",
    ),
    ...errorResponses(400, 401, 404, 429),
  },
});

/** As PageQuery: decimal digits only, unknown parameters refused. */
const MembersQuery = z
  .object({
    limit: z
      .string()
      .regex(/^[0-9]+$/, "expected a whole number in decimal digits")
      .transform(Number)
      .pipe(z.number().int().min(1).max(1000))
      .default(100)
      .openapi({ type: "integer", minimum: 1, maximum: 1000, default: 100 }),
    cursor: Cursor.optional(),
  })
  .strict();

const membersRoute = createRoute({
  method: "get",
  path: "/segments/{id}/members",
  tags,
  summary: "Member customer ids in ascending order, a page at a time",
  security: bearerAuth,
  request: { params: SegmentParams, query: MembersQuery },
  responses: {
    200: jsonResponse(
      z.object({
        id: z.uuid(),
        items: z.array(z.string()),
        nextCursor: z.string().nullable(),
      }),
      "A page of member ids",
    ),
    ...errorResponses(400, 401, 404, 429),
  },
});

function summary(s: SegmentRecord) {
  return {
    id: s.id,
    name: s.name,
    threadId: s.threadId,
    request: s.request,
    size: s.size,
    version: s.version,
    createdAt: s.createdAt.toISOString(),
  };
}

function detail(s: SegmentRecord, tenant: TenantRuntime) {
  const compiled = compileSegment(s.definition.root, tenant.binding);
  return {
    ...summary(s),
    definition: s.definition,
    sql: s.sql,
    params: compiled.values,
    explanation: explainTree(s.definition.root, tenant.catalog),
  };
}

function invalidCursor(): ApiError {
  return new ApiError(400, "validation_error", "query.cursor: not a cursor returned by this API");
}

export function segmentsRouter(deps: AppDeps) {
  const router = createRouter();
  const pool = deps.services.db.pool;
  const tenantOf = (c: Context<ApiBindings>) => deps.services.tenants.get(c.get("tenantId"))!;

  async function requireSegment(c: Context<ApiBindings>, id: string): Promise<SegmentRecord> {
    const segment = await getSegment(pool, c.get("tenantId"), id);
    if (!segment) throw notFound("Segment");
    return segment;
  }

  router.openapi(saveRoute, async (c) => {
    const { threadId, name } = c.req.valid("json");
    const tenantId = c.get("tenantId");
    const thread = await requireThread(deps, c, threadId);
    // Under the thread's lock, so no turn lands between reading its versions and saving them.
    const release = await deps.locks.tryAcquire(thread.id);
    if (!release)
      throw threadBusy("A turn of this conversation is running; save it when the turn ends.");
    let saved: SegmentRecord;
    try {
      const conv = await readConversation(deps.services, thread.id);
      const lineage = conv.state.lineage;
      // Only a thread resting at a verified version has something to save; a cut-short run
      // rests at the version it started from.
      if (resumed(conv.session).phase !== "ready" || !lineage || lineage.versions.length === 0) {
        throw new ApiError(409, "no_segment", "This thread has no finished segment to save.");
      }
      saved = await saveSegment(pool, {
        tenantId,
        threadId: thread.id,
        name,
        lineageId: lineage.id,
        versions: lineage.versions,
        savedBy: `key:${c.get("keyId")}`,
      });
    } catch (err) {
      if (err instanceof AlreadySavedError)
        throw new ApiError(
          409,
          "already_saved",
          `This conversation's segment is already saved as ${err.segmentId}; edit it with PATCH /v1/segments/${err.segmentId}.`,
        );
      throw err;
    } finally {
      await release();
    }
    await deps.services.recipes.saved(saved);
    await appendAudit(pool, {
      tenantId,
      threadId: thread.id,
      event: "segment.saved",
      detail: { segmentId: saved.id, name, requestId: c.get("requestId") },
    });
    c.header("Location", `/v1/segments/${saved.id}`);
    return c.json(detail(saved, tenantOf(c)), 201);
  });

  router.openapi(listRoute, async (c) => {
    const { limit, cursor } = c.req.valid("query");
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    if (after !== undefined && !z.uuid().safeParse(after).success) throw invalidCursor();
    const page = await listSegments(pool, c.get("tenantId"), { limit, after });
    return c.json(
      {
        items: page.items.map(summary),
        nextCursor: page.next === null ? null : encodeCursor(page.next),
      },
      200,
    );
  });

  router.openapi(getRoute, async (c) => {
    const segment = await requireSegment(c, c.req.valid("param").id);
    return c.json(detail(segment, tenantOf(c)), 200);
  });

  router.openapi(deleteRoute, async (c) => {
    const tenantId = c.get("tenantId");
    const segment = await requireSegment(c, c.req.valid("param").id);
    // Under its editing thread's lock: an edit running now would find its segment gone.
    const release = segment.threadId ? await deps.locks.tryAcquire(segment.threadId) : null;
    if (segment.threadId && !release)
      throw threadBusy("An edit of this segment is running; delete it when the edit ends.");
    try {
      const deleted = await deleteSegment(pool, tenantId, segment.id, {
        actor: `key:${c.get("keyId")}`,
        requestId: c.get("requestId"),
      });
      if (!deleted) throw notFound("Segment");
    } finally {
      await release?.();
    }
    await deps.services.recipes.deleted(tenantId, segment.id);
    return c.body(null, 204);
  });

  router.openapi(sqlRoute, async (c) => {
    const segment = await requireSegment(c, c.req.valid("param").id);
    const compiled = compileSegment(segment.definition.root, tenantOf(c).binding);
    return c.json({ id: segment.id, sql: compiled.text, params: compiled.values }, 200);
  });

  router.openapi(sizeRoute, async (c) => {
    const segment = await requireSegment(c, c.req.valid("param").id);
    const size = await deps.services.warehouse.size(
      compileSegment(segment.definition.root, tenantOf(c).binding),
    );
    await updateSegmentSize(pool, c.get("tenantId"), segment.id, size);
    return c.json(
      { id: segment.id, size, estimatedAt: new Date(deps.clock.now()).toISOString() },
      200,
    );
  });

  router.openapi(membersRoute, async (c) => {
    const { limit, cursor } = c.req.valid("query");
    const segment = await requireSegment(c, c.req.valid("param").id);
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    if (after !== undefined && !/^[\x20-\x7e]{1,100}$/.test(after)) throw invalidCursor();
    const page = await memberPage(
      pool,
      compileSegment(segment.definition.root, tenantOf(c).binding),
      { limit, after, statementTimeoutMs: deps.config.segmentTimeoutMs },
    );
    return c.json(
      {
        id: segment.id,
        items: page.items,
        nextCursor: page.next === null ? null : encodeCursor(page.next),
      },
      200,
    );
  });

  return router;
}
