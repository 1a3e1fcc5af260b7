/**
 * The lifecycle of a conversation thread as an explicit state machine. The graph's nodes
 * move it with events; the routers and the API only read it. Its transitions are data
 * (`TRANSITIONS`), so what a thread may do next is looked up, never inferred from flags.
 *
 *   new ──create──▶ understanding ──succeed──▶ ready(v1) ──edit──▶ editing ──succeed──▶ ready(v2)
 *                        │  ▲                    │  ▲                 │  ▲
 *                       ask answer            create explain         ask answer
 *                        ▼  │                    ▼  │                 ▼  │
 *                  needs_clarification      understanding …     needs_clarification
 *
 * A rejected creation leaves a thread that held no segment `rejected`, and one that held a
 * segment back at `ready` with it; a refused edit always goes back to `ready` unchanged. A run
 * cut short (client gone, timeout) is `aborted`, one that threw is `failed`; both keep the
 * version and the question of the stable state they started from, so the next message or
 * answer carries on from there.
 */
import { z } from "zod";

export const Phase = z.enum([
  /** Nothing asked yet. */
  "new",
  /** A creation run is in progress. */
  "understanding",
  /** A question waits for the user's answer (`flow` says whose question). */
  "needs_clarification",
  /** A verified segment is current (`version` is its number). */
  "ready",
  /** An edit run on the current segment is in progress. */
  "editing",
  /** The thread's only request was refused; it holds no segment. */
  "rejected",
  /** The last run was cut short (client gone, timeout, crash) before a stable state. */
  "aborted",
  /** The last run threw before a stable state. */
  "failed",
]);
export type Phase = z.infer<typeof Phase>;

/** Whose question a `needs_clarification` thread waits on, or what a run was doing. */
export const Flow = z.enum(["create", "edit", "intent"]);
export type Flow = z.infer<typeof Flow>;

export const Session = z
  .object({
    phase: Phase,
    /** Version of the thread's current verified segment; null until the first is ready. */
    version: z.number().int().positive().nullable(),
    /** The flow of the run in progress or of the pending question; null when idle. */
    flow: Flow.nullable(),
    /**
     * For `aborted` and `failed`: the phase of the stable state the cut-short run started from
     * (`new`, `ready`, `rejected` or `needs_clarification`), which the next run resumes.
     */
    resumes: Phase.nullable(),
  })
  .refine((s) => s.phase !== "ready" || s.version !== null, "ready needs a version")
  .refine((s) => s.phase !== "editing" || s.version !== null, "editing needs a version")
  .refine((s) => s.phase !== "new" || s.version === null, "new holds no version");
export type Session = z.infer<typeof Session>;

export const SessionEvent = z.enum([
  /** A message that starts a new segment. */
  "create",
  /** A message that changes the current segment (including undo, redo and revert). */
  "edit",
  /** A question about the current segment; nothing changes. */
  "explain",
  /** The run needs the user to answer a question. */
  "ask",
  /** The user answered the pending question. */
  "answer",
  /** The run produced a verified segment (a new version). */
  "succeed",
  /** The run refused its request or edit. */
  "reject",
  /** The run was cut short before it reached a stable state. */
  "abort",
  /** A saved segment was loaded into a fresh thread to be edited there (its latest version). */
  "load",
  /** The run threw before it reached a stable state. */
  "fail",
]);
export type SessionEvent = z.infer<typeof SessionEvent>;

/** Phases a thread rests in between runs; a run always ends in one of them (or is cut short). */
export const STABLE_PHASES: ReadonlySet<Phase> = new Set([
  "new",
  "needs_clarification",
  "ready",
  "rejected",
]);
/** Phases that mean a run is in progress. */
export const RUNNING_PHASES: ReadonlySet<Phase> = new Set(["understanding", "editing"]);

/** A precondition of a transition, named so the table stays data. */
export type Guard =
  "hasVersion" | "noVersion" | "flowCreate" | "flowEdit" | "resumesQuestion" | "resumesNoQuestion";

export interface Transition {
  from: Phase;
  event: SessionEvent;
  to: Phase;
  /** Every guard must hold. */
  when?: Guard[];
  /** What happens to `flow`: set it, keep it, or clear it. Default: clear. */
  flow?: Flow | "keep";
}

/**
 * Every allowed transition. A pair (phase, event) missing here — or whose guards fail — is
 * refused: editing a thread with no verified segment has no row, so it cannot happen.
 */
export const TRANSITIONS: readonly Transition[] = [
  { from: "new", event: "create", to: "understanding", flow: "create" },
  { from: "new", event: "load", to: "ready" },
  { from: "rejected", event: "create", to: "understanding", flow: "create" },
  { from: "ready", event: "create", to: "understanding", flow: "create" },
  { from: "ready", event: "edit", to: "editing", when: ["hasVersion"], flow: "edit" },
  { from: "ready", event: "explain", to: "ready", when: ["hasVersion"] },
  // The intent question ("edit this one or start a new one?") is asked before any run.
  { from: "ready", event: "ask", to: "needs_clarification", when: ["hasVersion"], flow: "intent" },
  { from: "understanding", event: "ask", to: "needs_clarification", flow: "keep" },
  { from: "editing", event: "ask", to: "needs_clarification", flow: "keep" },
  { from: "needs_clarification", event: "ask", to: "needs_clarification", flow: "keep" },
  // A message refused, or a question about the segment, while one is pending: it stays open.
  { from: "needs_clarification", event: "reject", to: "needs_clarification", flow: "keep" },
  {
    from: "needs_clarification",
    event: "explain",
    to: "needs_clarification",
    when: ["hasVersion"],
    flow: "keep",
  },
  {
    from: "needs_clarification",
    event: "answer",
    to: "understanding",
    when: ["flowCreate"],
    flow: "create",
  },
  {
    from: "needs_clarification",
    event: "answer",
    to: "editing",
    when: ["flowEdit", "hasVersion"],
    flow: "edit",
  },
  // A new message instead of an answer abandons the question; for the intent question
  // ("edit this one or start a new one?") the answer is itself the choice of flow.
  { from: "needs_clarification", event: "create", to: "understanding", flow: "create" },
  {
    from: "needs_clarification",
    event: "edit",
    to: "editing",
    when: ["hasVersion"],
    flow: "edit",
  },
  { from: "understanding", event: "succeed", to: "ready" },
  { from: "editing", event: "succeed", to: "ready" },
  { from: "understanding", event: "reject", to: "rejected", when: ["noVersion"] },
  { from: "understanding", event: "reject", to: "ready", when: ["hasVersion"] },
  { from: "editing", event: "reject", to: "ready", when: ["hasVersion"] },
  // A refused message that started no run (unsafe, unreadable) changes no segment: a thread
  // holding one stays ready with it, one holding none is rejected.
  { from: "new", event: "reject", to: "rejected" },
  { from: "ready", event: "reject", to: "ready", when: ["hasVersion"] },
  { from: "rejected", event: "reject", to: "rejected" },
  { from: "understanding", event: "abort", to: "aborted", flow: "keep" },
  { from: "editing", event: "abort", to: "aborted", flow: "keep" },
  { from: "understanding", event: "fail", to: "failed", flow: "keep" },
  { from: "editing", event: "fail", to: "failed", flow: "keep" },
  // After a cut-short run the thread carries on from the stable state it started from.
  { from: "aborted", event: "create", to: "understanding", flow: "create" },
  { from: "failed", event: "create", to: "understanding", flow: "create" },
  { from: "aborted", event: "edit", to: "editing", when: ["hasVersion"], flow: "edit" },
  { from: "failed", event: "edit", to: "editing", when: ["hasVersion"], flow: "edit" },
  { from: "aborted", event: "explain", to: "ready", when: ["hasVersion"] },
  { from: "failed", event: "explain", to: "ready", when: ["hasVersion"] },
  {
    from: "aborted",
    event: "answer",
    to: "understanding",
    when: ["resumesQuestion", "flowCreate"],
    flow: "create",
  },
  {
    from: "failed",
    event: "answer",
    to: "understanding",
    when: ["resumesQuestion", "flowCreate"],
    flow: "create",
  },
  {
    from: "aborted",
    event: "answer",
    to: "editing",
    when: ["resumesQuestion", "flowEdit", "hasVersion"],
    flow: "edit",
  },
  {
    from: "failed",
    event: "answer",
    to: "editing",
    when: ["resumesQuestion", "flowEdit", "hasVersion"],
    flow: "edit",
  },
  { from: "aborted", event: "reject", to: "ready", when: ["hasVersion", "resumesNoQuestion"] },
  { from: "aborted", event: "reject", to: "rejected", when: ["noVersion", "resumesNoQuestion"] },
  { from: "failed", event: "reject", to: "ready", when: ["hasVersion", "resumesNoQuestion"] },
  { from: "failed", event: "reject", to: "rejected", when: ["noVersion", "resumesNoQuestion"] },
];

export const INITIAL_SESSION: Session = { phase: "new", version: null, flow: null, resumes: null };

function holds(guard: Guard, s: Session): boolean {
  switch (guard) {
    case "hasVersion":
      return s.version !== null;
    case "noVersion":
      return s.version === null;
    case "flowCreate":
      return s.flow === "create";
    case "flowEdit":
      return s.flow === "edit";
    case "resumesQuestion":
      return s.resumes === "needs_clarification";
    case "resumesNoQuestion":
      return s.resumes !== "needs_clarification";
  }
}

/** The transition that applies, or undefined when the event is not allowed in this state. */
export function findTransition(s: Session, event: SessionEvent): Transition | undefined {
  return TRANSITIONS.find(
    (t) => t.from === s.phase && t.event === event && (t.when ?? []).every((g) => holds(g, s)),
  );
}

export function canApply(s: Session, event: SessionEvent): boolean {
  return findTransition(s, event) !== undefined;
}

export class InvalidTransitionError extends Error {
  constructor(
    readonly session: Session,
    readonly event: SessionEvent,
  ) {
    super(`"${event}" is not allowed while the thread is ${describePhase(session)}`);
  }
}

/** Events that set the thread's version: they must say which. */
const SETS_VERSION: ReadonlySet<SessionEvent> = new Set(["succeed", "load"]);

/**
 * Applies an event. `version` is the segment's version for `succeed` and `load` (required
 * there). Throws InvalidTransitionError when the table has no row for it.
 */
export function transition(s: Session, event: SessionEvent, version?: number): Session {
  const t = findTransition(s, event);
  if (!t) throw new InvalidTransitionError(s, event);
  if (SETS_VERSION.has(event) && (version === undefined || version < 1))
    throw new Error(`${event} needs the version number`);
  const flow = t.flow === undefined ? null : t.flow === "keep" ? s.flow : t.flow;
  const cutShort = t.to === "aborted" || t.to === "failed";
  // A run that starts from a stable phase remembers it, so a cut-short run can resume it.
  const resumes = cutShort
    ? s.resumes
    : RUNNING_PHASES.has(t.to)
      ? STABLE_PHASES.has(s.phase)
        ? s.phase
        : s.resumes
      : null;
  return Session.parse({
    phase: t.to,
    version: SETS_VERSION.has(event) ? version : s.version,
    flow,
    resumes,
  });
}

/**
 * The state to report for a stored session: a running phase that no run holds any more (the
 * process died, or the client went away before the abort was recorded) was cut short.
 */
export function settle(s: Session, running: boolean): Session {
  if (running || !RUNNING_PHASES.has(s.phase)) return s;
  return transition(s, "abort");
}

/** The stable state a cut-short session goes back to (the one its run started from). */
export function resumed(s: Session): Session {
  if (s.phase !== "aborted" && s.phase !== "failed") return s;
  const phase = s.resumes ?? (s.version === null ? "new" : "ready");
  if (phase === "needs_clarification") return { ...s, phase, resumes: null };
  if (phase === "ready" && s.version !== null) return { ...s, phase, flow: null, resumes: null };
  if (phase === "rejected") return { ...s, phase, flow: null, resumes: null, version: null };
  return s.version === null
    ? INITIAL_SESSION
    : { phase: "ready", version: s.version, flow: null, resumes: null };
}

export function describePhase(s: Session): string {
  switch (s.phase) {
    case "new":
      return "new (no request yet)";
    case "understanding":
      return "working on a new segment";
    case "needs_clarification":
      return "waiting for the answer to its question";
    case "ready":
      return `ready (segment version ${s.version})`;
    case "editing":
      return `editing version ${s.version}`;
    case "rejected":
      return "holding no segment (its request was refused)";
    case "aborted":
      return "recovering from a run that was cut short";
    case "failed":
      return "recovering from a run that failed";
  }
}
