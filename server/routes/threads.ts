/**
 * Conversations: a thread per segment request; messages run the NSC graph on it, answers
 * resume it after a clarifying question.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { appendAudit } from "../../storage/audit.ts";
import { createThread, getThread, type ThreadRow } from "../../storage/threads.ts";
import {
  readConversation,
  runOnThread,
  statusOf,
  wantsEventStream,
  type Conversation,
} from "../conversation.ts";
import type { AppDeps } from "../deps.ts";
import { ApiError, errorResponses, notFound } from "../errors.ts";
import { bearerAuth, createRouter, jsonBody, jsonResponse } from "../router.ts";
import { AcceptHeader, IsoDate, RunResultSchema, ThreadParams, ThreadSchema } from "../schemas.ts";
import type { ApiBindings } from "../types.ts";

const tags = ["Conversations"];

const SSE_DESCRIPTION = [
  "With `Accept: text/event-stream`: server-sent events while the graph runs —",
  "`step` ({node, phase: started|finished, ms}), `draft` ({segment, explanation}),",
  "`size` ({size}), `clarification` ({key, question, options}), `done` (the RunResult)",
  "and `error` ({code, message, requestId}). Disconnecting aborts the run.",
].join(" ");

const runResponses = {
  200: {
    description: `The run's result. ${SSE_DESCRIPTION}`,
    content: {
      "application/json": { schema: RunResultSchema },
      "text/event-stream": { schema: z.string() },
    },
  },
};

const CreateThreadBody = z
  .object({
    asOf: IsoDate.optional().openapi({
      description: "Resolve relative dates against this day instead of the tenant's as-of date",
    }),
  })
  .strict();

const createThreadRoute = createRoute({
  method: "post",
  path: "/threads",
  tags,
  summary: "Start a conversation",
  security: bearerAuth,
  request: {
    body: {
      content: { "application/json": { schema: CreateThreadBody } },
      description: "Optional settings",
      required: false,
    },
  },
  responses: {
    201: jsonResponse(ThreadSchema, "The new, empty thread"),
    ...errorResponses(400, 401, 413, 415, 429),
  },
});

const MessageBody = z
  .object({
    text: z.string().openapi({
      description: "The segment request in plain English",
      example: "UK customers who spent over £10,000",
    }),
  })
  .strict();

const postMessageRoute = createRoute({
  method: "post",
  path: "/threads/{threadId}/messages",
  tags,
  summary: "Send the segment request; runs the graph",
  description:
    "A thread takes one request; a rephrased request goes in a new thread. " + SSE_DESCRIPTION,
  security: bearerAuth,
  request: {
    params: ThreadParams,
    headers: AcceptHeader,
    body: jsonBody(MessageBody, "The request"),
  },
  responses: { ...runResponses, ...errorResponses(400, 401, 404, 409, 413, 415, 429) },
});

const getThreadRoute = createRoute({
  method: "get",
  path: "/threads/{threadId}",
  tags,
  summary: "The thread's state, pending question, segment and step history",
  security: bearerAuth,
  request: { params: ThreadParams },
  responses: {
    200: jsonResponse(ThreadSchema, "The thread"),
    ...errorResponses(400, 401, 404, 429),
  },
});

const AnswerBody = z
  .object({
    answer: z
      .union([z.string().trim().min(1).max(1000), z.number().int().min(1).max(100)])
      .openapi({
        description: "An option number (1-based), an option label, or free text",
        example: 1,
      }),
  })
  .strict();

const postAnswerRoute = createRoute({
  method: "post",
  path: "/threads/{threadId}/answers",
  tags,
  summary: "Answer the pending clarifying question; resumes the run",
  description: `409 not_waiting when the thread has no pending question. ${SSE_DESCRIPTION}`,
  security: bearerAuth,
  request: {
    params: ThreadParams,
    headers: AcceptHeader,
    body: jsonBody(AnswerBody, "The answer"),
  },
  responses: { ...runResponses, ...errorResponses(400, 401, 404, 409, 413, 415, 429) },
});

export function threadView(thread: ThreadRow, conv: Conversation, running: boolean) {
  const status = statusOf(conv, running);
  const ok = status === "ok";
  const q = conv.question;
  return {
    id: thread.id,
    status,
    asOf: thread.asOf,
    createdAt: thread.createdAt.toISOString(),
    request: conv.state.request ?? null,
    pendingQuestion: q ? { key: q.key, question: q.question, options: q.options } : null,
    segment: ok ? (conv.state.segment ?? null) : null,
    sql: ok ? (conv.state.sql?.text ?? null) : null,
    params: ok ? (conv.state.sql?.values ?? []) : [],
    size: ok ? (conv.state.size ?? null) : null,
    explanation: ok ? (conv.state.explanation ?? []) : [],
    history: conv.state.audit ?? [],
  };
}

const EMPTY: Conversation = { started: false, state: {}, question: null, next: [] };

export async function requireThread(
  deps: AppDeps,
  c: Context<ApiBindings>,
  threadId: string,
): Promise<ThreadRow> {
  const thread = await getThread(deps.services.db.pool, c.get("tenantId"), threadId);
  if (!thread) throw notFound("Thread");
  return thread;
}

export function threadsRouter(deps: AppDeps) {
  const router = createRouter();

  router.openapi(createThreadRoute, async (c) => {
    const body = c.req.valid("json");
    const tenantId = c.get("tenantId");
    const thread = await createThread(deps.services.db.pool, tenantId, { asOf: body.asOf });
    await appendAudit(deps.services.db.pool, {
      tenantId,
      threadId: thread.id,
      event: "thread.created",
      detail: { asOf: thread.asOf, requestId: c.get("requestId") },
    });
    c.header("Location", `/v1/threads/${thread.id}`);
    return c.json(threadView(thread, EMPTY, false), 201);
  });

  router.openapi(postMessageRoute, async (c) => {
    const { threadId } = c.req.valid("param");
    const { text } = c.req.valid("json");
    const { accept } = c.req.valid("header");
    const tenantId = c.get("tenantId");
    const thread = await requireThread(deps, c, threadId);
    return runOnThread(deps, c, {
      thread,
      sse: wantsEventStream(accept),
      event: "thread.message",
      busy: new ApiError(409, "thread_busy", "A run is in progress on this thread."),
      check: (conv) => {
        if (!conv.started) return;
        throw new ApiError(
          409,
          "thread_started",
          conv.question
            ? "This thread is waiting for an answer to its question: POST it to /answers."
            : "This thread already has a request; start a new thread for another one.",
        );
      },
      input: { tenant: tenantId, asOf: thread.asOf ?? undefined, request: text, threadId },
    });
  });

  router.openapi(getThreadRoute, async (c) => {
    const { threadId } = c.req.valid("param");
    const thread = await requireThread(deps, c, threadId);
    const [conv, running] = await Promise.all([
      readConversation(deps.services, thread.id),
      deps.locks.isHeld(thread.id),
    ]);
    return c.json(threadView(thread, conv, running), 200);
  });

  router.openapi(postAnswerRoute, async (c) => {
    const { threadId } = c.req.valid("param");
    const { answer } = c.req.valid("json");
    const { accept } = c.req.valid("header");
    const thread = await requireThread(deps, c, threadId);
    return runOnThread(deps, c, {
      thread,
      sse: wantsEventStream(accept),
      event: "thread.answer",
      busy: new ApiError(
        409,
        "not_waiting",
        "This thread is busy with another request or answer; it is not waiting for an answer.",
      ),
      check: (conv) => {
        if (!conv.question) {
          throw new ApiError(409, "not_waiting", "This thread is not waiting for an answer.");
        }
      },
      input: { threadId, answer },
    });
  });

  return router;
}
