/**
 * One request (or one answer) through the NSC graph, returned in the CLI's JSON contract.
 * Shared by the CLI, the batch mode, the evaluation and the benchmark.
 */
import { randomUUID } from "node:crypto";
import { Command } from "@langchain/langgraph";
import type { ClarificationAnswer } from "../nodes/clarify.ts";
import type { AuditEntry, Clarification, NscStateType } from "../state/graph-state.ts";
import type { SegmentDefinition } from "../state/segment.ts";
import type { Services } from "./services.ts";

export interface RunResult {
  status: "ok" | "needs_clarification" | "rejected";
  thread_id: string;
  segment: SegmentDefinition | null;
  /** Parameterised SQL text; values are in `params`. */
  sql: string | null;
  params: unknown[];
  size: number | null;
  clarification: { key: string; question: string; options: Clarification["options"] } | null;
  message: string;
  /** Why the request was rejected (a stable code and a message), when it was. */
  rejection: { code: string; message: string } | null;
  explanation: string[];
  members?: string[];
  audit: AuditEntry[];
}

export class InputError extends Error {}

/** Progress of a run for streaming clients: a node started, or finished with its update. */
export type RunEvent =
  | { type: "step_started"; node: string }
  | { type: "step_finished"; node: string; ms: number; update: Partial<NscStateType> };

export interface RunInput {
  tenant?: string;
  asOf?: string;
  request?: string;
  threadId?: string;
  answer?: ClarificationAnswer;
  members?: boolean;
  /** Called with each finished step, for progress displays. */
  onStep?: (step: string, ms: number) => void;
  /** Step starts and finishes with their state updates, for server-sent events. */
  onEvent?: (event: RunEvent) => void;
  /** Stops the run between steps (a client that went away); the run then rejects. */
  signal?: AbortSignal;
}

export async function runRequest(services: Services, input: RunInput): Promise<RunResult> {
  const resuming = input.answer !== undefined;
  const threadId = input.threadId ?? randomUUID();
  const config = { configurable: { thread_id: threadId }, context: services.context };
  let before = 0;
  if (resuming) {
    if (!input.threadId)
      throw new InputError("--answer needs --thread: the conversation to resume");
    const snapshot = await services.graph.getState(config);
    const waiting = snapshot.tasks.some((t) => t.interrupts.length > 0);
    if (!snapshot.values || Object.keys(snapshot.values).length === 0)
      throw new InputError(`No conversation ${threadId}.`);
    if (!waiting) throw new InputError(`Conversation ${threadId} is not waiting for an answer.`);
    before = (snapshot.values as NscStateType).audit?.length ?? 0;
  } else {
    if (!input.tenant) throw new InputError("--tenant is required");
    if (!services.tenants.has(input.tenant))
      throw new InputError(`Unknown tenant "${input.tenant}".`);
    if (input.asOf !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(input.asOf))
      throw new InputError("--as-of must be YYYY-MM-DD");
    if (input.threadId) {
      const existing = await services.graph.getState(config);
      if (existing.values && Object.keys(existing.values).length > 0)
        throw new InputError(`Conversation ${threadId} already exists; answer it with --answer.`);
    }
  }
  // Task starts are only streamed when someone listens for them.
  const streamMode: ("updates" | "tasks")[] = input.onEvent ? ["updates", "tasks"] : ["updates"];
  const options = { ...config, streamMode, signal: input.signal };
  const stream = resuming
    ? await services.graph.stream(
        new Command<ClarificationAnswer>({ resume: input.answer }) as never,
        options,
      )
    : await services.graph.stream(
        { request: input.request ?? "", tenant: input.tenant, asOf: input.asOf ?? "", answers: {} },
        options,
      );
  for await (const [mode, chunk] of stream as AsyncIterable<[string, unknown]>) {
    if (mode === "tasks") {
      // A task is streamed twice: with its input when it starts, with its result when done.
      const task = chunk as { name: string; input?: unknown };
      if ("input" in task) input.onEvent?.({ type: "step_started", node: task.name });
      continue;
    }
    for (const [node, update] of Object.entries(
      chunk as Record<string, Partial<NscStateType> | undefined>,
    )) {
      const entry = update?.audit?.[0];
      if (!entry || !update) continue;
      input.onStep?.(node, entry.ms);
      input.onEvent?.({ type: "step_finished", node, ms: entry.ms, update });
    }
  }
  const snapshot = await services.graph.getState(config);
  const state = snapshot.values as NscStateType;
  const interrupt = snapshot.tasks.flatMap((t) => t.interrupts)[0];
  const question = interrupt?.value as Clarification | undefined;
  const status: RunResult["status"] = question
    ? "needs_clarification"
    : state.status === "ok"
      ? "ok"
      : "rejected";
  const result: RunResult = {
    status,
    thread_id: threadId,
    segment: status === "ok" ? state.segment : null,
    sql: status === "ok" ? (state.sql?.text ?? null) : null,
    params: status === "ok" ? (state.sql?.values ?? []) : [],
    size: status === "ok" ? state.size : null,
    clarification: question
      ? { key: question.key, question: question.question, options: question.options }
      : null,
    message:
      status === "ok"
        ? [
            `${state.size} customers`,
            ...(state.findings ?? []).filter((f) => f.severity === "warning").map((f) => f.message),
          ].join(". ")
        : status === "needs_clarification"
          ? question!.question
          : (state.rejection?.message ?? "The request could not be turned into a segment."),
    rejection:
      status === "rejected" ? (state.rejection ?? { code: "unresolved", message: "" }) : null,
    explanation: status === "ok" ? state.explanation : [],
    audit: (state.audit ?? []).slice(before),
  };
  if (input.members && status === "ok" && state.sql)
    result.members = await services.warehouse.members(state.sql);
  return result;
}
