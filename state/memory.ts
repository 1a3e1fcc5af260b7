/**
 * Memory beyond one thread, as the graph sees it: remembered answers to clarifying questions,
 * preferences and recent segments, per tenant and per user. The store is injected into the
 * nodes through the run context (`NscContext.memory`); who the run remembers for arrives in
 * `config.configurable` (`memoryFrom`), never from the environment.
 */
import { z } from "zod";
import type { SegmentDefinition } from "./segment.ts";

/**
 * Whose memory a run reads and writes. `user` null: nobody identified (the CLI, the
 * evaluation, a service key with no `user`), so only the tenant's shared entries are read
 * and nothing is written for a user.
 */
export interface MemorySubject {
  tenant: string;
  user: string | null;
}

/** Where an answer is remembered: for this user, for the whole tenant, or not at all. */
export const RememberScope = z.enum(["user", "tenant", "none"]);
export type RememberScope = z.infer<typeof RememberScope>;

export interface RememberedAnswer {
  id: string;
  /** `user`: this user's own; `tenant`: shared by everyone in the tenant. */
  scope: "user" | "tenant";
  /** The question's key (`vague:loyal`): the same question in any conversation. */
  key: string;
  /** The user's words the question was about. */
  term: string;
  question: string;
  /** The option label picked, or the free text typed. */
  answer: string;
  threadId: string | null;
  updatedAt: string;
}

export const CurrencyFormat = z
  .object({
    /** `symbol`: £1,000.00; `code`: GBP 1,000.00. */
    display: z.enum(["symbol", "code"]).default("symbol"),
    /** Digits after the decimal point. */
    decimals: z.union([z.literal(0), z.literal(2)]).default(2),
  })
  .strict();
export type CurrencyFormat = z.infer<typeof CurrencyFormat>;

/**
 * A user's (or the tenant's) defaults. The window and exclusions are words the parser reads
 * like any request, added to a new request that does not say them (source `memory`).
 */
export const Preferences = z
  .object({
    /** Added to a request that names no period: "in the last 12 months". */
    defaultWindow: z.string().trim().min(3).max(100).optional(),
    /** Added to every new request that does not already say them: "excluding Germany". */
    defaultExclusions: z.array(z.string().trim().min(3).max(100)).max(5).optional(),
    /** How amounts read in explanations. */
    currency: CurrencyFormat.optional(),
  })
  .strict();
export type Preferences = z.infer<typeof Preferences>;

export interface RecentSegment {
  id: string;
  threadId: string;
  version: number;
  request: string;
  size: number | null;
  explanation: string[];
  createdAt: string;
}

/** One condition's words and what they were read as, and what the user changed them to. */
export interface Correction {
  phrase: string;
  was: { description: string; span: string } | null;
  meant: { description: string; span: string } | null;
}

/** What a correction needs to be replayed: the request it corrected and where the user ended. */
export interface CorrectionContext {
  /** The creation's words, as the user wrote them. */
  request: string;
  /** The segment the user ended with (its as-of date is the one the request ran at). */
  target: SegmentDefinition;
}

export interface MemoryStore {
  /** The answer remembered for this question: the user's own first, then the tenant's. */
  answerFor(subject: MemorySubject, key: string): Promise<RememberedAnswer | null>;
  rememberAnswer(
    subject: MemorySubject,
    scope: "user" | "tenant",
    entry: { key: string; term: string; question: string; answer: string; threadId: string },
  ): Promise<void>;
  /** The tenant's preferences with the user's over them. */
  preferences(subject: MemorySubject): Promise<Preferences>;
  /** A segment the user created (a version 1), for the recall of recent segments. */
  recordSegment(
    subject: MemorySubject,
    segment: Omit<RecentSegment, "id" | "createdAt">,
  ): Promise<void>;
  /** Corrections learnt from an edit right after a creation. */
  recordCorrections(
    subject: MemorySubject,
    threadId: string,
    corrections: Correction[],
    context?: CorrectionContext,
  ): Promise<void>;
}

/** What a run remembers with, from `config.configurable` (set by the runtime per turn). */
export function memoryFrom(
  configurable: Record<string, unknown> | undefined,
  tenant: string,
): { subject: MemorySubject; remember: RememberScope } {
  const user = configurable?.user;
  const remember = RememberScope.safeParse(configurable?.remember);
  const subject = { tenant, user: typeof user === "string" && user ? user : null };
  // Without a user there is nobody to remember for, unless the answer is the tenant's.
  const scope = remember.success ? remember.data : subject.user ? "user" : "none";
  return { subject, remember: scope === "user" && !subject.user ? "none" : scope };
}

/**
 * Questions whose answer means the same in another request: keyed by the user's words
 * ("vague:loyal", "unmapped:shoe size"). Keys that name a position in one request
 * ("foreign-currency:12") or a finding about it (a contradiction) are not remembered.
 */
export function rememberable(key: string): boolean {
  const m = /^([a-z-]+):(.+)$/.exec(key);
  if (!m) return false;
  const [, kind, rest] = m;
  if (/^\d+$/.test(rest!)) return false;
  return !FINDING_KEYS.has(kind!);
}

/** Validator findings' question keys (segment/questions.ts): about one request's wording. */
const FINDING_KEYS = new Set([
  "contradiction",
  "no_conditions",
  "unknown_facet",
  "unknown_value",
  "operator_type",
  "value_range",
  "empty_window",
  "future_window",
  "duplicate",
  "schema",
]);
