/**
 * Feedback: thumbs up or down on a turn of a conversation or on a saved segment, with a
 * reason and, optionally, the segment it should have been. A corrected segment is compared
 * with the current one and each condition it changes or drops is recorded as a correction
 * (the user's words → what they should have meant), beside those learnt from edits.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { readConversation } from "../conversation.ts";
import { correctionsFromDiff } from "../../segment/corrections.ts";
import { diffTrees } from "../../segment/diff.ts";
import { currentVersion } from "../../state/edit.ts";
import { RuleNode, type SegmentDefinition } from "../../state/segment.ts";
import { appendAudit } from "../../storage/audit.ts";
import { insertCorrections, insertFeedback, listCorrections } from "../../storage/feedback.ts";
import { getSegment } from "../../storage/segments.ts";
import { getThread } from "../../storage/threads.ts";
import { actingUser } from "../auth.ts";
import type { AppDeps } from "../deps.ts";
import { ApiError, errorResponses, notFound } from "../errors.ts";
import { bearerAuth, createRouter, jsonBody, jsonResponse } from "../router.ts";
import { UserField } from "../schemas.ts";

const tags = ["Feedback"];

const FeedbackBody = z
  .object({
    threadId: z.uuid().optional().openapi({ description: "The conversation the feedback is on" }),
    turn: z.number().int().min(1).optional().openapi({
      description: "Which turn of the conversation (default: its latest)",
    }),
    segmentId: z.uuid().optional().openapi({ description: "The saved segment it is on" }),
    version: z.number().int().min(1).optional().openapi({
      description: "Which version of the saved segment (default: its latest)",
    }),
    rating: z.enum(["up", "down"]),
    reason: z.string().trim().min(1).max(1000).optional(),
    corrected: z
      .object({
        root: z.record(z.string(), z.unknown()).openapi({
          description: "The rule tree the segment should have had (as in SegmentDefinition)",
        }),
      })
      .strict()
      .optional(),
    user: UserField.optional(),
  })
  .strict()
  .refine((b) => (b.threadId === undefined) !== (b.segmentId === undefined), {
    message: "give threadId or segmentId (one of them)",
  })
  .refine((b) => b.turn === undefined || b.threadId !== undefined, {
    message: "turn goes with threadId",
    path: ["turn"],
  })
  .refine((b) => b.version === undefined || b.segmentId !== undefined, {
    message: "version goes with segmentId",
    path: ["version"],
  })
  .openapi("Feedback");

const CorrectionSchema = z
  .object({
    phrase: z.string().openapi({ description: "The user's words" }),
    was: z.object({ description: z.string(), span: z.string() }).nullable(),
    meant: z
      .object({ description: z.string(), span: z.string() })
      .nullable()
      .openapi({ description: "What the words should have meant; null: nothing (dropped)" }),
  })
  .openapi("Correction");

const FeedbackCreated = z
  .object({ id: z.uuid(), createdAt: z.string(), corrections: z.array(CorrectionSchema) })
  .openapi("FeedbackCreated");

const postRoute = createRoute({
  method: "post",
  path: "/feedback",
  tags,
  summary: "Feedback on a turn or a saved segment: up or down, why, and what it should have been",
  security: bearerAuth,
  request: { body: jsonBody(FeedbackBody, "The feedback") },
  responses: {
    201: jsonResponse(FeedbackCreated, "Stored, with the corrections it taught"),
    ...errorResponses(400, 401, 404, 413, 415, 429),
  },
});

const listCorrectionsRoute = createRoute({
  method: "get",
  path: "/corrections",
  tags,
  summary: "The tenant's corrections, newest first (from edits and from feedback)",
  security: bearerAuth,
  responses: {
    200: jsonResponse(
      z.object({
        corrections: z.array(
          CorrectionSchema.extend({
            id: z.uuid(),
            source: z.enum(["edit", "feedback"]),
            threadId: z.string().nullable(),
            createdAt: z.string(),
          }),
        ),
      }),
      "The corrections",
    ),
    ...errorResponses(401, 429),
  },
});

export function feedbackRouter(deps: AppDeps) {
  const router = createRouter();
  const pool = deps.services.db.pool;

  router.openapi(postRoute, async (c) => {
    const body = c.req.valid("json");
    const tenantId = c.get("tenantId");
    const tenant = deps.services.tenants.get(tenantId)!;
    // What the feedback is about, under this tenant only: another tenant's id is 404.
    let current: RuleNode | null = null;
    let definition: SegmentDefinition | null = null;
    let threadId: string | null = null;
    if (body.threadId) {
      const thread = await getThread(pool, tenantId, body.threadId);
      if (!thread) throw notFound("Thread");
      const conv = await readConversation(deps.services, thread.id);
      if (body.turn !== undefined && body.turn > (conv.state.turn ?? 0)) throw notFound("Turn");
      definition = currentVersion(conv.state.lineage)?.segment ?? null;
      current = definition?.root ?? null;
      threadId = thread.id;
    } else {
      const segment = await getSegment(pool, tenantId, body.segmentId!);
      if (!segment) throw notFound("Segment");
      if (body.version !== undefined && body.version > segment.version) throw notFound("Version");
      definition = segment.definition;
      current = segment.definition.root;
      threadId = segment.threadId;
    }
    let corrected: RuleNode | null = null;
    if (body.corrected) {
      const parsed = RuleNode.safeParse(body.corrected.root);
      if (!parsed.success)
        throw new ApiError(400, "validation_error", "body.corrected.root: not a valid rule tree");
      corrected = parsed.data;
    }
    const userId = actingUser(c, body.user);
    const stored = await insertFeedback(pool, {
      tenantId,
      userId,
      threadId: body.threadId ?? null,
      turn: body.turn ?? null,
      segmentId: body.segmentId ?? null,
      version: body.version ?? null,
      rating: body.rating,
      reason: body.reason ?? null,
      corrected,
    });
    const corrections =
      corrected && current
        ? correctionsFromDiff(diffTrees(current, corrected, tenant.catalog))
        : [];
    if (corrections.length)
      await insertCorrections(
        pool,
        { tenantId, userId, threadId },
        corrections,
        "feedback",
        // The corrected tree is where the user says the request should have ended.
        definition
          ? { request: definition.request, target: { ...definition, root: corrected! } }
          : undefined,
      );
    await appendAudit(pool, {
      tenantId,
      threadId,
      event: "feedback",
      detail: {
        rating: body.rating,
        corrections: corrections.length,
        requestId: c.get("requestId"),
      },
    });
    return c.json({ id: stored.id, createdAt: stored.createdAt.toISOString(), corrections }, 201);
  });

  router.openapi(listCorrectionsRoute, async (c) => {
    const rows = await listCorrections(pool, c.get("tenantId"));
    return c.json(
      { corrections: rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() })) },
      200,
    );
  });

  return router;
}
