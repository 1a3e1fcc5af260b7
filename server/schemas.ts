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
        request: z.string(),
        size: z.number().int().optional(),
      }),
    ),
  })
  .openapi("Clarification");

export const RunResultSchema = z
  .object({
    threadId: z.uuid(),
    status: z.enum(["ok", "needs_clarification", "rejected"]),
    segment: SegmentDefinitionSchema.nullable(),
    sql: z.string().nullable().openapi({ description: "Parameterised SQL; values in params" }),
    params: z.array(z.unknown()),
    size: z.number().int().nullable(),
    clarification: ClarificationSchema.nullable(),
    message: z.string(),
    rejection: z
      .object({ code: z.string(), message: z.string() })
      .nullable()
      .openapi({ description: "Why the request was rejected (stable code), when it was" }),
    explanation: z.array(z.string()),
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

export const ThreadStatus = z.enum([
  "new",
  "running",
  "needs_clarification",
  "ok",
  "rejected",
  "aborted",
]);

export const ThreadSchema = z
  .object({
    id: z.uuid(),
    status: ThreadStatus,
    asOf: z.string().nullable(),
    createdAt: z.string(),
    request: z.string().nullable(),
    pendingQuestion: ClarificationSchema.nullable(),
    segment: SegmentDefinitionSchema.nullable(),
    sql: z.string().nullable(),
    params: z.array(z.unknown()),
    size: z.number().int().nullable(),
    explanation: z.array(z.string()),
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
