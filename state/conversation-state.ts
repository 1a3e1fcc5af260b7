/**
 * State of the conversation graph: one thread is one conversation. It holds the keys of both
 * flows' subgraphs (creation's and editing's, which share the validate/improve/clarify keys)
 * and the conversation's own: the message, the session's state machine, the segment's
 * versions. Only `audit` has a reducer (see graph-state.ts).
 */
import { Annotation } from "@langchain/langgraph";
import type { IntentResult } from "../skills/types.ts";
import type { EditChoice, EditPlan, Lineage, SegmentDiff, VersionKind } from "./edit.ts";
import { NscState } from "./graph-state.ts";
import type { SegmentDefinition } from "./segment.ts";
import { INITIAL_SESSION, type Session } from "./session.ts";

/** A turn given as data instead of words (the API's revert, a saved segment loaded for edits). */
export type TurnCommand = { kind: "revert"; version: number } | { kind: "load"; segmentId: string };

/** One finished turn of the conversation, for the thread's history. */
export interface TurnRecord {
  turn: number;
  message: string;
  intent: IntentResult["intent"] | "command" | "refused";
  /** How it ended: a new version, a question, or a refusal (with its code). */
  outcome: "version" | "unchanged" | "question" | "rejected";
  version: number | null;
  code?: string;
  at: string;
}

/** Keys of editing that the DSE subgraph reads and writes, beside creation's. */
export const EditKeys = {
  /** The current version's definition while an edit runs: what the edit changes. */
  baseSegment: Annotation<SegmentDefinition | null>,
  /** Size of the current version, for the diff and the empty-result check. */
  baseSize: Annotation<number | null>,
  /** The current version's number while an edit runs. */
  baseVersion: Annotation<number | null>,
  /** The thread's versions (read by the edit skill for undo, redo and revert). */
  lineage: Annotation<Lineage | null>,
  /** What the edit skill understood of the message. */
  editPlan: Annotation<EditPlan | null>,
  /** The readings an edit's question offers; an answer picks one by its option's `pick`. */
  editChoices: Annotation<EditChoice[]>,
  /** The kind of change the turn makes (edit, undo, redo, revert). */
  editKind: Annotation<VersionKind | null>,
  /** The user confirmed an edit that leaves no customers. */
  confirmedEmpty: Annotation<boolean>,
  /** The change against the current version, once sized. */
  diff: Annotation<SegmentDiff | null>,
};

export const DseState = Annotation.Root({ ...NscState.spec, ...EditKeys });
export type DseStateType = typeof DseState.State;
export type DseUpdate = typeof DseState.Update;

export const ConversationState = Annotation.Root({
  ...NscState.spec,
  ...EditKeys,
  /** The user's latest message, as sent. */
  message: Annotation<string>,
  /** A turn given as data instead of a message, if this one is. */
  command: Annotation<TurnCommand | null>,
  /** The caller edits a saved segment (PATCH): the message is an edit, whatever it sounds like. */
  forceEdit: Annotation<boolean>,
  /** Where the thread stands (state/session.ts); routers read it, nodes move it. */
  session: Annotation<Session>,
  /** What the latest message asks for. */
  intent: Annotation<IntentResult | null>,
  /** Messages so far in this thread (the turn number of the latest). */
  turn: Annotation<number>,
  /** Questions asked in this turn (bounded by `maxClarifications`). */
  clarifications: Annotation<number>,
  /** Finished turns, oldest first. */
  turns: Annotation<TurnRecord[]>,
});
export type ConversationStateType = typeof ConversationState.State;

/** What a caller sends for a turn (Studio renders it as the input form). */
export const ConversationInput = Annotation.Root({
  /** The message: a segment request, or a follow-up on the thread's segment. */
  message: Annotation<string>,
  /** Tenant id; default: the host's default tenant. */
  tenant: Annotation<string>,
  /** As-of date for relative windows (YYYY-MM-DD); default: the tenant's. */
  asOf: Annotation<string>,
  /** A turn given as data instead of a message (revert to a version, load a saved segment). */
  command: Annotation<TurnCommand | null>,
  /** The message edits the thread's segment whatever it sounds like. */
  forceEdit: Annotation<boolean>,
});

/** The thread's session; a thread that has not run yet is `new`. */
export function sessionOf(state: { session?: Session | null }): Session {
  return state.session ?? INITIAL_SESSION;
}

/** A clarifying question is put and still waits for its answer. */
export function questionWaits(session: Session, question: unknown): boolean {
  return session.phase === "needs_clarification" && question !== null && question !== undefined;
}
export type ConversationUpdate = typeof ConversationState.Update;
