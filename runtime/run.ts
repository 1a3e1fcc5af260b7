/**
 * One turn of a conversation — a request, a follow-up, an answer, or a command — through the
 * conversation graph, returned in the CLI's JSON contract. Shared by the CLI, the batch mode,
 * the server, the evaluation and the benchmark.
 *
 * A run that was cut short (client gone, timeout, crash) or that threw leaves its thread in a
 * running state; the next turn on the thread carries on from the last stable checkpoint (the
 * question still pending, or the last finished version): one rule for abort, crash and
 * timeout.
 */
import { Command } from "@langchain/langgraph";
import { randomUUID } from "node:crypto";
import type { ConversationStateType, TurnCommand } from "../state/conversation-state.ts";
import { sessionOf } from "../state/conversation-state.ts";
import { currentVersion, type SegmentDiff } from "../state/edit.ts";
import type { AuditEntry, Clarification, RecalledAnswer } from "../state/graph-state.ts";
import type { RememberScope } from "../state/memory.ts";
import { suggestionOf, type RecipeSuggestion } from "../state/recipes.ts";
import type { SegmentDefinition } from "../state/segment.ts";
import {
  RUNNING_PHASES,
  settle,
  STABLE_PHASES,
  transition,
  type Session,
} from "../state/session.ts";
import type { ClarificationAnswer } from "../segment/questions.ts";
import type { Services } from "./services.ts";

export interface RunResult {
  status: "ok" | "needs_clarification" | "rejected";
  thread_id: string;
  /** What the message asked for: create, edit, explain; null for an answer or a command. */
  intent: string | null;
  /** The thread's current segment version after this turn (null while it has none). */
  version: number | null;
  /** The thread's current segment after this turn, changed or not (null while it has none). */
  segment: SegmentDefinition | null;
  /** Parameterised SQL text; values are in `params`. */
  sql: string | null;
  params: unknown[];
  size: number | null;
  /** What this turn changed, when it made a new version by an edit, undo, redo or revert. */
  diff: SegmentDiff | null;
  clarification: { key: string; question: string; options: Clarification["options"] } | null;
  /**
   * Questions this turn answered from memory instead of asking, with every option (each a
   * whole request) so the client can switch.
   */
  recalled: RecalledAnswer[];
  /**
   * Saved segments of the tenant like this turn's request (recipes), best first: "a similar
   * segment exists". Empty for turns that make no new segment (edits, explanations).
   */
  suggestions: RecipeSuggestion[];
  message: string;
  /** Why the request or edit was refused (a stable code and a message), when it was. */
  rejection: { code: string; message: string } | null;
  explanation: string[];
  /** The thread's state machine after the turn. */
  session: Session;
  members?: string[];
  audit: AuditEntry[];
}

export class InputError extends Error {}

/** A turn the thread's state machine does not allow (editing with nothing to edit). */
export class TurnRefusedError extends InputError {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Progress of a run for streaming clients: a node started, or finished with its update. */
export type RunEvent =
  | { type: "step_started"; node: string }
  | {
      type: "step_finished";
      node: string;
      ms: number;
      update: Partial<ConversationStateType>;
    };

export interface RunInput {
  tenant?: string;
  asOf?: string;
  /** A message: the first request of a thread, or any follow-up on it. */
  request?: string;
  threadId?: string;
  answer?: ClarificationAnswer;
  /** A turn given as data (revert to a version; load a saved segment into a fresh thread). */
  command?: TurnCommand;
  /** The message edits the thread's segment whatever it sounds like (PATCH of a segment). */
  forceEdit?: boolean;
  members?: boolean;
  /** Who asks (`key:<id>`, `cli`): recorded with each saved version the turn writes. */
  actor?: string;
  /** Whose memory the turn reads and writes (state/memory.ts); none when absent. */
  user?: string;
  /** Where an answer given in this turn is remembered (default: for the user, if any). */
  remember?: RememberScope;
  /** Called with each finished step, for progress displays. */
  onStep?: (step: string, ms: number) => void;
  /** Step starts and finishes with their state updates, for server-sent events. */
  onEvent?: (event: RunEvent) => void;
  /** Stops the run between steps (a client that went away); the run then rejects. */
  signal?: AbortSignal;
}

type Snapshot = Awaited<ReturnType<Services["graph"]["getState"]>>;

function valuesOf(s: Snapshot): Partial<ConversationStateType> {
  return (s.values ?? {}) as Partial<ConversationStateType>;
}

function pendingQuestion(s: Snapshot): Clarification | undefined {
  return s.tasks.flatMap((t) => t.interrupts)[0]?.value as Clarification | undefined;
}

/** Whether the snapshot is a state a thread may rest in (not the middle of a run). */
function stable(s: Snapshot): boolean {
  const session = sessionOf(valuesOf(s));
  if (session.phase === "needs_clarification") return pendingQuestion(s) !== undefined;
  return STABLE_PHASES.has(session.phase) && s.next.length === 0;
}

/** The thread as it stands: its latest snapshot and, when a run was cut short, the stable one. */
export async function threadState(
  services: Services,
  threadId: string,
): Promise<{ latest: Snapshot; resume: Snapshot | null; started: boolean }> {
  const config = { configurable: { thread_id: threadId } };
  const latest = await services.graph.getState(config);
  const started = Object.keys(latest.values ?? {}).length > 0;
  if (!started || stable(latest)) return { latest, resume: null, started };
  for await (const s of services.graph.getStateHistory(config, { limit: 200 })) {
    if (s.config.configurable?.checkpoint_id === latest.config.configurable?.checkpoint_id)
      continue;
    if (stable(s)) return { latest, resume: s, started };
  }
  return { latest, resume: null, started };
}

/** The session to report: a run cut short (or a failed one) shows as aborted / failed. */
export function reportedSession(latest: Snapshot, running: boolean): Session {
  const session = sessionOf(valuesOf(latest));
  if (
    !running &&
    !stable(latest) &&
    !RUNNING_PHASES.has(session.phase) &&
    session.phase !== "aborted" &&
    session.phase !== "failed"
  )
    return { ...session, phase: "aborted", resumes: session.phase };
  return settle(session, running);
}

/**
 * The saved segment of a thread cut short comes back to the thread's stable state: a version
 * its run stored before the cut but never checkpointed is discarded (one rule for kill -9,
 * a client gone and a timeout: the thread's stable checkpoint is the truth, the store follows).
 */
async function reconcileSaved(services: Services, threadId: string, stable: Snapshot | null) {
  const store = services.context.segments;
  const { lineage, tenant } = stable ? valuesOf(stable) : {};
  if (!store || !lineage || !tenant) return;
  const keepThrough = Math.max(0, ...lineage.versions.map((v) => v.version));
  await store.discardUnrecorded(tenant, lineage.id, { threadId, keepThrough });
}

/** Records that a run was cut short or threw, so the thread reports it (best effort). */
async function recordCutShort(services: Services, threadId: string, event: "abort" | "fail") {
  const config = { configurable: { thread_id: threadId } };
  // The stream of a run whose caller left ends before the checkpoint of its last step is
  // written: read the thread once that write is done.
  await services.checkpointer.settled(threadId);
  const latest = await services.graph.getState(config);
  const session = sessionOf(valuesOf(latest));
  if (!RUNNING_PHASES.has(session.phase)) return;
  // Written as the refusal step, which leads to the end: no half-run step is left pending.
  await services.graph.updateState(
    config,
    { session: transition(session, event) },
    "refuseMessage",
  );
  const { resume } = await threadState(services, threadId);
  await reconcileSaved(services, threadId, resume);
}

function messageOf(
  state: Partial<ConversationStateType>,
  status: RunResult["status"],
  q?: Clarification,
): string {
  // A message refused while a question waits: why, and that the question is still open.
  if (status === "needs_clarification" && state.status === "rejected" && state.rejection)
    return `${state.rejection.message} The question is still open: ${q!.question}`;
  const asked = state.turns?.[state.turns.length - 1];
  if (status === "needs_clarification" && asked?.intent === "explain")
    return [...(state.explanation ?? []), `The question is still open: ${q!.question}`].join("\n");
  if (status === "needs_clarification") return q!.question;
  if (status === "rejected")
    return state.rejection?.message ?? "The request could not be turned into a segment.";
  const current = currentVersion(state.lineage);
  const last = state.turns?.[state.turns.length - 1];
  if (state.intent?.intent === "explain" || last?.intent === "explain")
    return (state.explanation ?? []).join("\n");
  const warnings = (state.findings ?? [])
    .filter((f) => f.severity === "warning")
    .map((f) => f.message);
  if (last?.outcome === "unchanged")
    return [
      `No change: version ${current?.version} stays (${current?.size} customers)`,
      ...warnings,
    ].join(". ");
  if (current && current.version > 1 && state.diff)
    return [`Version ${current.version}: ${state.diff.summary.join(" ")}`, ...warnings].join(" ");
  return [`${current?.size ?? state.size} customers`, ...warnings, ...similar(state)].join(". ");
}

/** The line that points at the best saved segment like this request, if there is one. */
function similar(state: Partial<ConversationStateType>): string[] {
  const best = state.recipes?.[0];
  if (!best) return [];
  const size = best.size === null ? "not sized yet" : `${best.size} customers`;
  return [`A similar segment exists: "${best.name}" (${size})`];
}

function validateInput(services: Services, input: RunInput, started: boolean): void {
  if (input.answer !== undefined) return;
  if (!started) {
    if (!input.tenant) throw new InputError("--tenant is required");
    if (!services.tenants.has(input.tenant))
      throw new InputError(`Unknown tenant "${input.tenant}".`);
  }
  if (input.asOf !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(input.asOf))
    throw new InputError("--as-of must be YYYY-MM-DD");
}

export async function runRequest(services: Services, input: RunInput): Promise<RunResult> {
  const resuming = input.answer !== undefined;
  const threadId = input.threadId ?? randomUUID();
  if (resuming && !input.threadId)
    throw new InputError("--answer needs --thread: the conversation to resume");
  const { latest, resume, started } = input.threadId
    ? await threadState(services, threadId)
    : { latest: undefined, resume: null, started: false };
  validateInput(services, input, started);
  // A process killed mid-run left no one to reconcile its store write: the next run does.
  if (resume) await reconcileSaved(services, threadId, resume);
  const from = resume ?? latest;
  if (resuming) {
    if (!started) throw new InputError(`No conversation ${threadId}.`);
    if (!from || !pendingQuestion(from))
      throw new InputError(`Conversation ${threadId} is not waiting for an answer.`);
  }
  // After a cut-short run, the turn forks from the last stable checkpoint.
  const configurable: Record<string, unknown> = { thread_id: threadId };
  if (resume) configurable.checkpoint_id = resume.config.configurable?.checkpoint_id;
  if (input.actor) configurable.actor = input.actor;
  if (input.user) configurable.user = input.user;
  if (input.remember) configurable.remember = input.remember;
  const config = { configurable, context: services.context };
  const before = new Set((from ? (valuesOf(from).audit ?? []) : []).map((e) => e.id));
  // Task starts are only streamed when someone listens for them.
  const streamMode: ("updates" | "tasks")[] = input.onEvent ? ["updates", "tasks"] : ["updates"];
  const options = { ...config, streamMode, signal: input.signal, subgraphs: true };
  const values = from ? valuesOf(from) : {};
  const reported = new Set<string | undefined>();
  try {
    const stream = resuming
      ? await services.graph.stream(
          new Command<ClarificationAnswer>({ resume: input.answer }) as never,
          options,
        )
      : await services.graph.stream(
          {
            message: input.request ?? "",
            command: input.command ?? null,
            forceEdit: input.forceEdit ?? false,
            // A first run cut short before it rested left no stable state: the thread's
            // tenant and as-of date then come from this turn, as for a new thread.
            tenant: (started ? values.tenant : undefined) ?? input.tenant,
            asOf: (started ? values.asOf : undefined) ?? input.asOf ?? "",
          },
          options,
        );
    for await (const chunk of stream as AsyncIterable<[string[], string, unknown]>) {
      const [, mode, payload] = chunk;
      if (mode === "tasks") {
        // A task is streamed twice: with its input when it starts, with its result when done.
        const task = payload as { name: string; input?: unknown };
        if ("input" in task) input.onEvent?.({ type: "step_started", node: task.name });
        continue;
      }
      for (const [node, update] of Object.entries(
        payload as Record<string, Partial<ConversationStateType> | undefined>,
      )) {
        // A subgraph's own steps stream from inside it; its return repeats them, skipped.
        const entry = update?.audit?.[update.audit.length - 1];
        if (!entry || !update || before.has(entry.id) || reported.has(entry.id)) continue;
        reported.add(entry.id);
        input.onStep?.(node, entry.ms);
        input.onEvent?.({ type: "step_finished", node, ms: entry.ms, update });
      }
    }
  } catch (err) {
    await recordCutShort(services, threadId, input.signal?.aborted ? "abort" : "fail").catch(
      () => undefined,
    );
    throw err;
  }
  const snapshot = await services.graph.getState({ configurable: { thread_id: threadId } });
  return resultOf(services, threadId, snapshot, before, input.members ?? false);
}

async function resultOf(
  services: Services,
  threadId: string,
  snapshot: Snapshot,
  before: Set<string | undefined>,
  members: boolean,
): Promise<RunResult> {
  const state = valuesOf(snapshot);
  const question = pendingQuestion(snapshot);
  const status: RunResult["status"] = question
    ? "needs_clarification"
    : state.status === "ok"
      ? "ok"
      : "rejected";
  const session = sessionOf(state);
  const current = session.version !== null ? currentVersion(state.lineage) : undefined;
  const last = state.turns?.[state.turns.length - 1];
  const newVersion =
    status === "ok" && last?.outcome === "version" && current && current.version > 1;
  const result: RunResult = {
    status,
    thread_id: threadId,
    intent: state.command ? "command" : (state.intent?.intent ?? null),
    version: current?.version ?? null,
    segment: current?.segment ?? null,
    sql: current?.sql.text ?? null,
    params: current?.sql.values ?? [],
    size: current?.size ?? null,
    diff: newVersion ? (current.diff ?? null) : null,
    clarification: question
      ? { key: question.key, question: question.question, options: question.options }
      : null,
    recalled: state.recalled ?? [],
    suggestions: (state.recipes ?? []).map(suggestionOf),
    message: messageOf(state, status, question),
    rejection:
      status === "rejected"
        ? (state.rejection ?? { code: "unresolved", message: "" })
        : state.status === "rejected"
          ? (state.rejection ?? null)
          : null,
    explanation: current?.explanation ?? [],
    session,
    audit: (state.audit ?? []).filter((e) => !before.has(e.id)),
  };
  if (members && current) result.members = await services.warehouse.members(current.sql as never);
  return result;
}
