/**
 * A thread's conversation as its session's state machine and its last stable checkpoint
 * record it, and running one turn (a message, an answer, a command) on it: under the thread's
 * lock, as JSON or as server-sent events, aborted when the client goes away.
 */
import type { Context } from "hono";
import { streamSSE, type SSEStreamingApi } from "hono/streaming";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import {
  InputError,
  reportedSession,
  runRequest,
  threadState,
  type RunInput,
  type RunResult,
} from "../runtime/run.ts";
import type { Services } from "../runtime/services.ts";
import { appendAudit } from "../storage/audit.ts";
import type { ThreadRow } from "../storage/threads.ts";
import type { ConversationStateType } from "../state/conversation-state.ts";
import { VersionConflictError } from "../state/context.ts";
import type { Clarification } from "../state/graph-state.ts";
import type { Session } from "../state/session.ts";
import { actingUser } from "./auth.ts";
import type { AppDeps } from "./deps.ts";
import { ApiError, dependencyUnavailable } from "./errors.ts";
import type { ReleaseSlot } from "./run-limits.ts";
import type { ApiBindings } from "./types.ts";

export interface Conversation {
  /** Whether the graph has run on this thread at all. */
  started: boolean;
  /** The last stable state of the thread (a run cut short left nothing half-written here). */
  state: Partial<ConversationStateType>;
  question: Clarification | null;
  /** The session as it stands (aborted when a run was cut short and nobody runs it). */
  session: Session;
}

export async function readConversation(
  services: Services,
  threadId: string,
  running = false,
): Promise<Conversation> {
  const { latest, resume, started } = await threadState(services, threadId);
  const stable = resume ?? latest;
  const state = (stable.values ?? {}) as Partial<ConversationStateType>;
  const interrupt = stable.tasks.flatMap((t) => t.interrupts)[0];
  return {
    started,
    state,
    question: (interrupt?.value as Clarification | undefined) ?? null,
    session: reportedSession(latest, running),
  };
}

export function toApiResult(result: RunResult) {
  return {
    threadId: result.thread_id,
    status: result.status,
    intent: result.intent,
    version: result.version,
    segment: result.segment,
    sql: result.sql,
    params: result.params,
    size: result.size,
    diff: result.diff,
    clarification: result.clarification,
    recalled: result.recalled,
    suggestions: result.suggestions,
    message: result.message,
    rejection: result.rejection,
    explanation: result.explanation,
    thread: { status: result.session.phase, version: result.session.version },
  };
}
export type ApiRunResult = ReturnType<typeof toApiResult>;

export function wantsEventStream(accept: string | undefined): boolean {
  return /\btext\/event-stream\b/i.test(accept ?? "");
}

/** A run's hold on its backpressure slots (withRunSlot). */
export interface RunSlot {
  /** Takes over the release (a streamed run holds its slots until its stream ends). */
  keep(): ReleaseSlot;
}

/**
 * Admits a graph run under the process's and the tenant's limits (run-limits.ts): 503
 * overloaded or 429 tenant_overloaded at once when they are reached, before `handler` reads
 * or writes anything; otherwise waits for the slots, runs `handler` and frees them when it
 * returns, unless the handler kept them.
 */
export async function withRunSlot(
  deps: AppDeps,
  c: Context<ApiBindings>,
  handler: (slot: RunSlot) => Promise<Response>,
): Promise<Response> {
  const release = await deps.runLimiter.admit(c.get("tenantId"), c.req.raw.signal);
  let kept = false;
  try {
    return await handler({
      keep: () => {
        kept = true;
        return release;
      },
    });
  } finally {
    if (!kept) release();
  }
}

export interface RunOnThread {
  thread: ThreadRow;
  /** The backpressure slot the route was admitted with. */
  slot: RunSlot;
  /** Throws an ApiError when the conversation is not in a state that allows this run. */
  check: (conv: Conversation) => void | Promise<void>;
  /** The error when another run holds the thread. */
  busy: ApiError;
  input: Omit<RunInput, "signal" | "onEvent" | "onStep">;
  event: "thread.message" | "thread.answer" | "segment.edit" | "segment.revert";
  sse: boolean;
}

/**
 * Takes the thread's lock (409 when another run, in any process, holds it), checks the
 * conversation under it, then runs. The lock is released when the run ends, however it ends.
 */
export async function runOnThread(
  deps: AppDeps,
  c: Context<ApiBindings>,
  run: RunOnThread,
): Promise<Response> {
  const release = await deps.locks.tryAcquire(run.thread.id);
  if (!release) throw run.busy;
  try {
    // Under the lock nobody else runs: a running phase found now was cut short.
    await run.check(await readConversation(deps.services, run.thread.id, false));
  } catch (err) {
    await release();
    throw err;
  }
  const tenantId = c.get("tenantId");
  const finished = async (result: RunResult) => {
    deps.metrics.observeRun(tenantId, result);
    await appendAudit(deps.services.db.pool, {
      tenantId,
      threadId: run.thread.id,
      event: run.event,
      detail: {
        status: result.status,
        intent: result.intent,
        version: result.version,
        size: result.size,
        rejection: result.rejection?.code ?? null,
        requestId: c.get("requestId"),
      },
    }).catch((err: unknown) => c.get("logger").warn({ err }, "could not write the audit log"));
  };

  if (!run.sse) {
    try {
      // A client that disconnects aborts the run (the Node adapter aborts this signal).
      const result = await runRequest(deps.services, {
        ...run.input,
        actor: `key:${c.get("keyId")}`,
        user: actingUser(c, run.input.user) ?? undefined,
        signal: c.req.raw.signal,
      });
      await finished(result);
      return c.json(toApiResult(result), 200);
    } catch (err) {
      if (err instanceof VersionConflictError) throw versionConflict(err);
      if (err instanceof InputError) throw new ApiError(400, "validation_error", err.message);
      if (c.req.raw.signal.aborted) {
        // Nobody reads this answer; 499 (nginx's "client closed request") keeps it out of 5xx.
        c.get("logger").info({ threadId: run.thread.id }, "client went away; run aborted");
        throw new ApiError(
          499 as ContentfulStatusCode,
          "client_closed",
          "The client closed the request.",
        );
      }
      throw err;
    } finally {
      await release();
    }
  }

  c.header("X-Accel-Buffering", "no");
  const releaseSlot = run.slot.keep();
  return streamSSE(c, async (stream) => {
    const controller = new AbortController();
    const abort = () => controller.abort(new Error("client disconnected"));
    stream.onAbort(abort);
    c.req.raw.signal.addEventListener("abort", abort, { once: true });
    const events = new EventWriter(stream);
    try {
      const result = await runRequest(deps.services, {
        ...run.input,
        actor: `key:${c.get("keyId")}`,
        user: actingUser(c, run.input.user) ?? undefined,
        signal: controller.signal,
        onEvent: (event) => {
          if (event.type === "step_started") {
            events.send("step", { node: event.node, phase: "started" });
            return;
          }
          events.send("step", { node: event.node, phase: "finished", ms: event.ms });
          const { update } = event;
          if (update.segment) {
            events.send("draft", {
              segment: update.segment,
              explanation: update.explanation ?? [],
            });
          }
          if (typeof update.size === "number") events.send("size", { size: update.size });
          if (update.diff) events.send("diff", update.diff);
        },
      });
      await finished(result);
      if (result.clarification) events.send("clarification", result.clarification);
      events.send("done", toApiResult(result));
    } catch (err) {
      if (controller.signal.aborted) {
        c.get("logger").info({ threadId: run.thread.id }, "client went away; run aborted");
        return;
      }
      const input = err instanceof InputError;
      const conflict = err instanceof VersionConflictError;
      // A database down or stalled mid-run is said as such, as the JSON answer would (503).
      const unavailable = dependencyUnavailable(err);
      if (!input && !conflict && !unavailable)
        c.get("logger").error({ err, requestId: c.get("requestId") }, "run failed");
      events.send("error", {
        code: conflict
          ? "version_conflict"
          : input
            ? "validation_error"
            : (unavailable?.code ?? "internal_error"),
        message:
          conflict || input
            ? (err as Error).message
            : (unavailable?.message ?? "The run failed; quote the request id."),
        requestId: c.get("requestId"),
      });
    } finally {
      c.req.raw.signal.removeEventListener("abort", abort);
      await events.flushed();
      await release();
      releaseSlot();
    }
  });
}

/** Another edit of the same saved segment landed first. */
export function versionConflict(err: VersionConflictError): ApiError {
  return new ApiError(
    409,
    "version_conflict",
    `Another edit of this segment was saved first as version ${err.version}; nothing of this edit was stored. Read the segment again and repeat the edit if it still applies.`,
  );
}

/** Writes events in order without making the graph wait for a slow client. */
class EventWriter {
  private chain: Promise<unknown> = Promise.resolve();
  constructor(private readonly stream: SSEStreamingApi) {}

  send(event: string, data: unknown): void {
    if (this.stream.aborted) return;
    this.chain = this.chain.then(() => this.stream.writeSSE({ event, data: JSON.stringify(data) }));
  }

  flushed(): Promise<unknown> {
    return this.chain;
  }
}
