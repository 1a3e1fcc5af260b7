/**
 * Conversations: a thread is a conversation; each message is a turn (a new segment, an edit of
 * the current one, a question about it), answers resume a turn after a clarifying question.
 * What a thread may do next is its session's state machine's to say.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { appendAudit } from "../../storage/audit.ts";
import { createThread, getThread, type ThreadRow } from "../../storage/threads.ts";
import { nothingToEdit } from "../../nodes/perceive-message.ts";
import { screen } from "../../nodes/perceive.ts";
import { NscConfig } from "../../state/config.ts";
import { currentVersion } from "../../state/edit.ts";
import { INITIAL_SESSION, canApply, resumed } from "../../state/session.ts";
import { skillContextFor } from "../../state/context.ts";
import {
  readConversation,
  runOnThread,
  wantsEventStream,
  withRunSlot,
  type Conversation,
} from "../conversation.ts";
import type { AppDeps } from "../deps.ts";
import { ApiError, errorResponses, notFound, threadBusy } from "../errors.ts";
import { bearerAuth, createRouter, jsonBody, jsonResponse } from "../router.ts";
import { RememberScope } from "../../state/memory.ts";
import {
  AcceptHeader,
  IsoDate,
  RunResultSchema,
  ThreadParams,
  ThreadSchema,
  UserField,
} from "../schemas.ts";
import type { ApiBindings } from "../types.ts";

const tags = ["Conversations"];

const SSE_DESCRIPTION = [
  "With `Accept: text/event-stream`: server-sent events while the graph runs —",
  "`step` ({node, phase: started|finished, ms}), `draft` ({segment, explanation}),",
  "`size` ({size}), `diff` (the SegmentDiff of an edit), `clarification` ({key, question,",
  "options}), `done` (the RunResult)",
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
      description:
        'A segment request, or a follow-up on the thread\'s segment: an edit ("only those who spent over £500", "drop the country filter", "undo that") or a question about it ("explain it")',
      example: "UK customers who spent over £10,000",
    }),
    user: UserField.optional(),
  })
  .strict();

const postMessageRoute = createRoute({
  method: "post",
  path: "/threads/{threadId}/messages",
  tags,
  summary: "Send a message: a request, an edit of the current segment, or a question about it",
  description:
    "Each message is a turn of the conversation. With a segment on the thread, a follow-up edits it (a new version with its diff) unless it starts a new segment; 409 no_segment for an edit when there is nothing to edit yet, 409 thread_busy while another turn runs. " +
    SSE_DESCRIPTION,
  security: bearerAuth,
  request: {
    params: ThreadParams,
    headers: AcceptHeader,
    body: jsonBody(MessageBody, "The request"),
  },
  responses: { ...runResponses, ...errorResponses(400, 401, 404, 409, 413, 415, 429, 503) },
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
    user: UserField.optional(),
    remember: RememberScope.optional().describe(
      "Where the answer is remembered for new conversations: `user` (default when there is a user), `tenant` (everyone in the tenant) or `none`",
    ),
  })
  .strict();

const postAnswerRoute = createRoute({
  method: "post",
  path: "/threads/{threadId}/answers",
  tags,
  summary: "Answer the pending clarifying question; resumes the run",
  description: `409 not_waiting when the thread has no pending question; 409 thread_busy (with Retry-After) while another run holds it. ${SSE_DESCRIPTION}`,
  security: bearerAuth,
  request: {
    params: ThreadParams,
    headers: AcceptHeader,
    body: jsonBody(AnswerBody, "The answer"),
  },
  responses: { ...runResponses, ...errorResponses(400, 401, 404, 409, 413, 415, 429, 503) },
});

export function threadView(thread: ThreadRow, conv: Conversation) {
  const status = conv.session.phase;
  const current = conv.session.version !== null ? currentVersion(conv.state.lineage) : undefined;
  const q = conv.question;
  return {
    id: thread.id,
    status,
    version: current?.version ?? null,
    asOf: thread.asOf,
    createdAt: thread.createdAt.toISOString(),
    request: conv.state.message ?? conv.state.request ?? null,
    pendingQuestion: q ? { key: q.key, question: q.question, options: q.options } : null,
    segment: current?.segment ?? null,
    sql: current?.sql.text ?? null,
    params: current?.sql.values ?? [],
    size: current?.size ?? null,
    explanation: current?.explanation ?? [],
    versions: (conv.state.lineage?.versions ?? []).map((v) => ({
      version: v.version,
      kind: v.kind,
      text: v.text,
      size: v.size,
      at: v.at,
    })),
    turns: conv.state.turns ?? [],
    history: conv.state.audit ?? [],
  };
}

const EMPTY: Conversation = { started: false, state: {}, question: null, session: INITIAL_SESSION };

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
    return c.json(threadView(thread, EMPTY), 201);
  });

  router.openapi(postMessageRoute, async (c) => {
    const { threadId } = c.req.valid("param");
    const { text, user } = c.req.valid("json");
    const { accept } = c.req.valid("header");
    const tenantId = c.get("tenantId");
    return withRunSlot(deps, c, async (slot) => {
      const thread = await requireThread(deps, c, threadId);
      return runOnThread(deps, c, {
        thread,
        slot,
        sse: wantsEventStream(accept),
        event: "thread.message",
        busy: threadBusy("A run is in progress on this thread."),
        check: async (conv) => {
          // The state machine decides before anything runs: an edit with nothing to edit is 409.
          const session = resumed(conv.session);
          if (session.version !== null && canApply(session, "edit")) return;
          // Unsafe or unreadable text is the run's to refuse, with its reason, as any message.
          if (screen(text, NscConfig.parse({}).maxRequestChars).rejection) return;
          const intent = await deps.services.context.skills.intent.classify(text, {
            ...skillContextFor(
              deps.services.context,
              tenantId,
              thread.asOf ?? deps.services.tenants.get(tenantId)!.config.asOf,
            ),
            hasSegment: false,
          });
          if (intent.editOnly) throw new ApiError(409, "no_segment", nothingToEdit(session));
        },
        input: {
          tenant: tenantId,
          asOf: thread.asOf ?? undefined,
          request: text,
          threadId,
          ...(user ? { user } : {}),
        },
      });
    });
  });

  router.openapi(getThreadRoute, async (c) => {
    const { threadId } = c.req.valid("param");
    const thread = await requireThread(deps, c, threadId);
    const running = await deps.locks.isHeld(thread.id);
    const conv = await readConversation(deps.services, thread.id, running);
    return c.json(threadView(thread, conv), 200);
  });

  router.openapi(postAnswerRoute, async (c) => {
    const { threadId } = c.req.valid("param");
    const { answer, user, remember } = c.req.valid("json");
    const { accept } = c.req.valid("header");
    return withRunSlot(deps, c, async (slot) => {
      const thread = await requireThread(deps, c, threadId);
      return runOnThread(deps, c, {
        thread,
        slot,
        sse: wantsEventStream(accept),
        event: "thread.answer",
        busy: threadBusy(
          "This thread is busy with another request or answer; send the answer again in a moment.",
        ),
        check: (conv) => {
          if (!conv.question) {
            throw new ApiError(409, "not_waiting", "This thread is not waiting for an answer.");
          }
        },
        input: { threadId, answer, ...(user ? { user } : {}), ...(remember ? { remember } : {}) },
      });
    });
  });

  return router;
}
