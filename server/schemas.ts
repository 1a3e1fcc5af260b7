/** Request and response schemas shared by the routers; they double as the OpenAPI document. */
import { z } from "@hono/zod-openapi";

export const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "expected YYYY-MM-DD")
  .refine((value) => {
    const date = new Date(`${value}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
  }, "not a calendar date")
  .openapi({ example: "2011-12-10" });

/** Opaque pagination cursor (base64url); clients pass back what they were given. */
export const Cursor = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,200}$/, "not a cursor returned by this API")
  .openapi({ description: "`nextCursor` of the previous page" });

export function encodeCursor(value: string): string {
  return Buffer.from(value, "utf8").toString("base64url");
}

export function decodeCursor(cursor: string): string {
  return Buffer.from(cursor, "base64url").toString("utf8");
}

export const ThreadParams = z.object({
  threadId: z.uuid().openapi({
    param: { name: "threadId", in: "path" },
    example: "0b5e8f7a-3c1d-4e2f-9a6b-7c8d9e0f1a2b",
  }),
});

export const SegmentParams = z.object({
  id: z.uuid().openapi({
    param: { name: "id", in: "path" },
    example: "5f0c2a9e-1b3d-4c5e-8f7a-9b0c1d2e3f4a",
  }),
});

export const AcceptHeader = z.object({
  accept: z.string().max(1000).optional().openapi({
    description: "`text/event-stream` for server-sent events while the graph runs",
    example: "application/json",
  }),
});

/** The rule tree is documented in state/segment.ts; here it travels as JSON. */
export const SegmentDefinitionSchema = z
  .object({
    version: z.literal(1),
    tenant: z.string(),
    asOf: z.string(),
    request: z.string(),
    root: z.record(z.string(), z.unknown()).openapi({
      description: "Rule tree: and/or/not groups of attribute, behaviour and recency conditions",
    }),
  })
  .openapi("SegmentDefinition");

export const ClarificationSchema = z
  .object({
    key: z.string(),
    question: z.string(),
    options: z.array(
      z.object({
        label: z.string(),
        request: z.string().openapi({
          description: "For a creation's question: the whole request this option stands for",
        }),
        size: z.number().int().optional(),
        pick: z.number().int().optional().openapi({
          description: "For an edit's question: which reading of the edit this option is",
        }),
        match: z.string().optional(),
      }),
    ),
  })
  .openapi("Clarification");

/** Who a request is for, within the key's tenant: whose memory it reads and writes. */
export const UserField = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .regex(/^[^\s]+$/, "no spaces")
  .openapi({
    description:
      "The user this request is for (whose memory is read and written); default: the key's user",
    example: "ana@example.com",
  });

export const RecalledSchema = z
  .object({
    id: z.uuid().openapi({ description: "The memory entry (DELETE /v1/memory/{id} forgets it)" }),
    scope: z.enum(["user", "tenant"]),
    key: z.string(),
    question: z.string(),
    answer: z.string().openapi({ description: "The remembered answer that was applied" }),
    options: ClarificationSchema.shape.options.openapi({
      description: "Every option of the question: send an option's `request` to switch",
    }),
  })
  .openapi("RecalledAnswer");

export const SuggestionSchema = z
  .object({
    segmentId: z.uuid().openapi({ description: "The saved segment (GET /v1/segments/{id})" }),
    name: z.string(),
    request: z.string().openapi({ description: "The saved segment's request" }),
    size: z.number().int().nullable().openapi({ description: "Its size when last sized" }),
    savedBy: z.string().nullable().openapi({ description: "Who saved it (`key:<id>`, `cli`)" }),
    score: z.number().openapi({ description: "Cosine similarity with this request, -1..1" }),
  })
  .openapi("Suggestion");

const DiffItemSchema = z.object({
  description: z.string(),
  span: z.string().openapi({ description: "The user's words the condition came from" }),
  excluded: z.boolean(),
});

export const DiffSchema = z
  .object({
    added: z.array(DiffItemSchema),
    removed: z.array(DiffItemSchema),
    changed: z.array(
      z.object({ before: DiffItemSchema, after: DiffItemSchema, what: z.array(z.string()) }),
    ),
    unchanged: z.number().int(),
    fromVersion: z.number().int().nullable(),
    toVersion: z.number().int().nullable(),
    sizeBefore: z.number().int().nullable(),
    sizeAfter: z.number().int().nullable(),
    summary: z.array(z.string()).openapi({ description: "The diff in plain sentences" }),
  })
  .openapi("SegmentDiff");

/** The session state machine's phases (state/session.ts); a thread's status is one of them. */
export const ThreadStatus = z
  .enum([
    "new",
    "understanding",
    "needs_clarification",
    "ready",
    "editing",
    "rejected",
    "aborted",
    "failed",
  ])
  .openapi({
    description:
      "The thread's state machine: new → understanding → (needs_clarification →) ready(vN) → editing → ready(vN+1); rejected, aborted, failed",
  });

export const RunResultSchema = z
  .object({
    threadId: z.uuid(),
    status: z.enum(["ok", "needs_clarification", "rejected"]).openapi({
      description: "How this turn ended",
    }),
    intent: z.string().nullable().openapi({
      description: "What the message asked for: create, edit, explain (null for an answer)",
    }),
    version: z.number().int().nullable().openapi({
      description: "The thread's current segment version after the turn",
    }),
    segment: SegmentDefinitionSchema.nullable().openapi({
      description: "The thread's current segment after the turn (unchanged by a refused edit)",
    }),
    sql: z.string().nullable().openapi({ description: "Parameterised SQL; values in params" }),
    params: z.array(z.unknown()),
    size: z.number().int().nullable(),
    diff: DiffSchema.nullable().openapi({
      description: "What this turn changed, when it made a new version",
    }),
    clarification: ClarificationSchema.nullable(),
    recalled: z.array(RecalledSchema).openapi({
      description: "Questions answered from memory instead of asked (source `memory`)",
    }),
    suggestions: z.array(SuggestionSchema).openapi({
      description:
        'The tenant\'s saved segments most like this request, best first ("a similar segment exists"); empty for edits',
    }),
    message: z.string(),
    rejection: z
      .object({ code: z.string(), message: z.string() })
      .nullable()
      .openapi({ description: "Why the request or edit was refused (stable code), when it was" }),
    explanation: z.array(z.string()),
    thread: z.object({ status: ThreadStatus, version: z.number().int().nullable() }),
  })
  .openapi("RunResult");

export const AuditStepSchema = z
  .object({
    step: z.string(),
    ms: z.number(),
    at: z.string(),
    detail: z.record(z.string(), z.unknown()).optional(),
  })
  .openapi("AuditStep");

export const ThreadSchema = z
  .object({
    id: z.uuid(),
    status: ThreadStatus,
    version: z.number().int().nullable().openapi({ description: "Current segment version" }),
    asOf: z.string().nullable(),
    createdAt: z.string(),
    request: z.string().nullable(),
    pendingQuestion: ClarificationSchema.nullable(),
    segment: SegmentDefinitionSchema.nullable(),
    sql: z.string().nullable(),
    params: z.array(z.unknown()),
    size: z.number().int().nullable(),
    explanation: z.array(z.string()),
    versions: z
      .array(
        z.object({
          version: z.number().int(),
          kind: z.string(),
          text: z.string(),
          size: z.number().int().nullable(),
          at: z.string(),
        }),
      )
      .openapi({ description: "The current segment's versions in this thread, oldest first" }),
    turns: z.array(
      z.object({
        turn: z.number().int(),
        message: z.string(),
        intent: z.string(),
        outcome: z.string(),
        version: z.number().int().nullable(),
        code: z.string().optional(),
        at: z.string(),
      }),
    ),
    history: z.array(AuditStepSchema),
  })
  .openapi("Thread");

export const SegmentSummarySchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    threadId: z.string().nullable(),
    request: z.string(),
    size: z.number().int().nullable(),
    version: z.number().int(),
    createdAt: z.string(),
  })
  .openapi("SegmentSummary");

export const SegmentVersionSchema = z
  .object({
    id: z.uuid().openapi({ description: "The segment" }),
    version: z.number().int(),
    kind: z.enum(["create", "edit", "undo", "redo", "revert"]),
    text: z.string().openapi({ description: "The words that made this version" }),
    definition: SegmentDefinitionSchema,
    sql: z.string(),
    params: z.array(z.unknown()),
    size: z.number().int().nullable(),
    explanation: z.array(z.string()),
    diff: DiffSchema.nullable(),
    producer: z.string(),
    createdAt: z.string(),
  })
  .openapi("SegmentVersion");

export const SegmentSchema = SegmentSummarySchema.extend({
  definition: SegmentDefinitionSchema,
  sql: z.string(),
  params: z.array(z.unknown()),
  explanation: z.array(z.string()),
}).openapi("Segment");

/**
 * A page size as a query string carries it: plain decimal digits only. (`z.coerce.number()`
 * also reads "0x10", "1e2", " 10", "+5" and "" as numbers.)
 */
export function pageLimit(max: number, fallback: number) {
  return z
    .string()
    .regex(/^[0-9]+$/, "expected a whole number in decimal digits")
    .transform(Number)
    .pipe(z.number().int().min(1).max(max))
    .default(fallback)
    .openapi({ type: "integer", minimum: 1, maximum: max, default: fallback });
}

/**
 * Strict: an unknown parameter is refused rather than ignored, so `limit[]=1` or a misspelt
 * `limt=5` is a 400, not a silent default page.
 */
export const PageQuery = z
  .object({
    limit: pageLimit(100, 20),
    cursor: Cursor.optional(),
  })
  .strict();
