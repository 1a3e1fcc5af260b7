/**
 * State of the New Segment Creation graph. Every key is documented; only `audit` has a
 * reducer, because it is the only key the parallel branches both write (and the one a
 * subgraph hands back whole to the conversation that runs it).
 */
import { Annotation } from "@langchain/langgraph";
import { randomUUID } from "node:crypto";
import type {
  Ambiguity,
  DateTagResult,
  DecomposeResult,
  ShortlistResult,
} from "../skills/types.ts";
import type { RuleNode, SegmentDefinition } from "./segment.ts";
import type { Recipe } from "./recipes.ts";

/** One validator finding. `fixable` findings go to improve; the others to clarify or reject. */
export interface Finding {
  code:
    | "schema"
    | "unknown_facet"
    | "unknown_value"
    | "restricted_facet"
    | "operator_type"
    | "value_range"
    | "contradiction"
    | "empty_window"
    | "future_window"
    | "duplicate"
    | "no_conditions"
    | "ambiguity";
  severity: "error" | "warning";
  message: string;
  fixable: boolean;
  /** Where it applies, when it applies to a span of the request. */
  span?: { text: string; start: number; end: number };
  /** For contradictions: the spans that conflict (each becomes a "keep only" option). */
  parts?: { text: string; start: number; end: number }[];
}

/** One answer a question offers. */
export interface ClarificationOption {
  label: string;
  /** For a creation's question: the full rewritten request this option stands for. */
  request: string;
  /** Segment size this option would give, when known. */
  size?: number;
  /** For an edit's or the intent question: which reading (index into the turn's choices). */
  pick?: number;
  /** More words a free answer may use to pick it (the user's own words of the condition). */
  match?: string;
}

/** A question put to the user through `interrupt()`. */
export interface Clarification {
  /** Registry key: the same key is never asked twice in a thread. */
  key: string;
  question: string;
  options: ClarificationOption[];
  /** The span of the request a free-text answer replaces (the whole request when absent). */
  span?: { text: string; start: number; end: number };
  /**
   * Whose question: a creation's (an answer rewrites the request), an edit's (an answer picks
   * a reading of the edit, or is a new edit), or the intent question (edit or start anew).
   */
  flow?: "create" | "edit" | "intent";
}

export interface AuditEntry {
  /** Unique per entry: subgraphs hand their whole audit back, and ids keep it from doubling. */
  id?: string;
  step: string;
  /** Wall-clock milliseconds the step took. */
  ms: number;
  at: string;
  detail?: Record<string, unknown>;
}

/**
 * Appends entries not already present. A subgraph's output holds every audit entry it was
 * given plus its own, so a plain concat would repeat the parent's history on every return.
 */
export function mergeAudit(left: AuditEntry[], right: AuditEntry[]): AuditEntry[] {
  const key = (e: AuditEntry) => e.id ?? JSON.stringify(e);
  const seen = new Set(left.map(key));
  const out = [...left];
  for (const e of right) {
    const k = key(e);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(e);
  }
  return out;
}

/** A new audit entry with its id. */
export function auditEntry(step: string, ms: number, detail?: Record<string, unknown>): AuditEntry {
  return {
    id: randomUUID(),
    step,
    ms,
    at: new Date().toISOString(),
    ...(detail ? { detail } : {}),
  };
}

/** A question answered from memory (state/memory.ts) rather than asked. */
export interface RecalledAnswer {
  /** The memory entry's id (`DELETE /v1/memory/{id}` forgets it). */
  id: string;
  scope: "user" | "tenant";
  key: string;
  question: string;
  /** The answer applied: an option's label or the free text remembered. */
  answer: string;
  /** Every option of the question; `request` is the whole request with that option instead. */
  options: ClarificationOption[];
}

export type Status =
  | "running"
  | "ok"
  | "needs_clarification"
  | "rejected"
  /** An earlier answer was applied: understand the rewritten request again. */
  | "rephrased";

export const NscState = Annotation.Root({
  /** The request as the user sent it; clarification answers rewrite it in place. */
  request: Annotation<string>,
  /** Tenant id the request runs against. */
  tenant: Annotation<string>,
  /** As-of date for relative windows (the tenant's, unless overridden). */
  asOf: Annotation<string>,
  /** Normalised request text: the offsets of every span refer to it. */
  text: Annotation<string>,
  /** Where the run stands for the caller. */
  status: Annotation<Status>,
  /** Why the request was rejected, when it was. */
  rejection: Annotation<{ code: string; message: string } | null>,
  /** Sub-segments with their verbatim spans. */
  decomposition: Annotation<DecomposeResult | null>,
  /** Date expressions per sub-segment, resolved to windows. */
  dates: Annotation<DateTagResult | null>,
  /** Catalog mentions per sub-segment. */
  shortlist: Annotation<ShortlistResult | null>,
  /** The mapped rule tree before validation. */
  draft: Annotation<RuleNode | null>,
  /** What the mapper could not settle (each may become a question). */
  ambiguities: Annotation<Ambiguity[]>,
  /** Confidence of the mapping, 0..1. */
  confidence: Annotation<number>,
  /** Latest validation findings. */
  findings: Annotation<Finding[]>,
  /** How many improve rounds have run (bounded by configuration). */
  improveAttempts: Annotation<number>,
  /** The question waiting for an answer, if any. */
  pendingQuestion: Annotation<Clarification | null>,
  /** Answers given in this turn, by question key (the ambiguity registry). */
  answers: Annotation<Record<string, string>>,
  /**
   * Answers from earlier turns of the thread, by question key (the option label picked, or
   * the free text): the same question coming up again is answered with them, not re-asked.
   */
  remembered: Annotation<Record<string, string>>,
  /**
   * Who gave the answer the request was last rewritten with: the user (in this thread) or
   * memory (another conversation's answer): the source of the conditions its words bring.
   */
  answerSource: Annotation<"user" | "memory" | null>,
  /**
   * Questions this turn answered from memory instead of asking, each with its options, so a
   * client can show what was assumed and switch to another option in one step.
   */
  recalled: Annotation<RecalledAnswer[]>,
  /**
   * The tenant's saved segments most like this request (state/recipes.ts), best first: shown
   * as suggestions and given to the LLM tier as examples. Found again on every pass.
   */
  recipes: Annotation<Recipe[]>,
  /** The validated definition. */
  segment: Annotation<SegmentDefinition | null>,
  /** Compiled SQL and its parameters. */
  sql: Annotation<{ text: string; values: unknown[] } | null>,
  /** Number of members. */
  size: Annotation<number | null>,
  /** The definition in plain words, one line per condition. */
  explanation: Annotation<string[]>,
  /** Step log with timings; appended to by every node, including parallel ones. */
  audit: Annotation<AuditEntry[]>({
    reducer: mergeAudit,
    default: () => [],
  }),
});

export type NscStateType = typeof NscState.State;
export type NscUpdate = typeof NscState.Update;
