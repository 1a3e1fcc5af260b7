/**
 * What a message in a conversation asks for: a new segment, a change of the current one, an
 * explanation of it — or, when a message could be either of the first two ("German customers
 * instead"), that it is unclear, so the conversation asks once. Named rules over the message's
 * typed cue tokens, tried in order; the first that decides wins.
 */
import type { IntentResult } from "../types.ts";
import { allCues, cuesOf, type Cue } from "./edit/cues.ts";
import { ORIGINAL_WORDS, VERSION_WORDS } from "./edit/lexicon.ts";
import { normaliseRequest, tokenize, type Token } from "./text.ts";

export const INTENT_PRODUCER = "rules/intent@1";

/** A population that makes a message a request of its own ("German customers"). */
const POPULATION_NOUNS = new Set([
  "customers",
  "customer",
  "shoppers",
  "shopper",
  "buyers",
  "buyer",
  "clients",
  "client",
  "people",
  "users",
  "purchasers",
  "members",
  "consumers",
  "folks",
  "households",
  "spenders",
  "accounts",
  "audience",
]);

/** Pronouns and determiners that point back at the current segment's members. */
const BACK_REFERENCES = new Set([
  "them",
  "those",
  "these",
  "they",
  "same",
  "ones",
  "remaining",
  "rest",
  "it",
  "that",
]);

/** Words a message may open with before it says anything ("ok, now…", "great — and…"). */
const GREETINGS = new Set([
  "ok",
  "okay",
  "now",
  "right",
  "so",
  "well",
  "hmm",
  "hm",
  "yeah",
  "yes",
  "great",
  "cool",
  "nice",
  "perfect",
  "thanks",
  "cheers",
  "actually",
  "then",
  "please",
  "pls",
  "hey",
  "hi",
  "good",
  "lovely",
  "awesome",
]);

/** Words that open an aside: what follows is not about the segment unless it says so. */
const ASIDE =
  /^(btw|by the way|off[- ]topic|unrelated|random question|side note|on another note|totally unrelated)\b/i;

/** Words a question about the segment opens with. */
const QUESTION_WORDS = new Set([
  "what",
  "which",
  "how",
  "is",
  "are",
  "does",
  "do",
  "did",
  "was",
  "were",
  "has",
  "have",
  "will",
  "would",
  "where",
  "when",
]);

/** Cue kinds that act on a segment. */
const ACTING_CUES = new Set<Cue["kind"]>([
  "remove",
  "exclude",
  "only",
  "also",
  "replace",
  "undo",
  "redo",
  "revert",
  "new_segment",
  "old_before_new",
  "new_before_old",
]);

/** Leading words that continue the current segment ("and…", "but not…", "who also…"). */
const CONTINUATIONS = new Set([
  "and",
  "but",
  "or",
  "plus",
  "also",
  "only",
  "just",
  "except",
  "excluding",
  "without",
  "who",
  "whose",
  "which",
  "that",
  "with",
  "having",
  "instead",
  "same",
  "minus",
  "not",
  "no",
]);

/** Words a request may open with that say nothing of the segment ("ok now I want a list of all our…"). */
const LEAD_WORDS = new Set([
  "a",
  "list",
  "of",
  "all",
  "our",
  "the",
  "every",
  "me",
  "us",
  "please",
  "pls",
  "just",
  "some",
]);

/**
 * The request a message makes once its conversational lead and tail are gone: "ok now show me
 * a list of all our German customers instead" → "German customers"; "who's bought toys?" →
 * "customers who is bought toys".
 */
export function cleanRequest(text: string): string {
  let t = text.trim();
  for (let again = true; again;) {
    again = false;
    const tokens = tokenize(t);
    const cues = [
      ...cuesOf(allCues(t, tokens), "show"),
      ...cuesOf(allCues(t, tokens), "new_segment"),
    ];
    const first = tokens[0];
    if (!first) break;
    // "List: FR party planners - …" names the list: its label stays for the mapper.
    if (tokens[1]?.text === ":" && tokens.length > 2 && !GREETINGS.has(first.lower)) break;
    const lead = cues.find((c) => c.first === 0);
    if (lead) {
      t = t.slice(lead.stop).replace(/^[\s,;:.!\-–—]+/, "");
      again = true;
    } else if (GREETINGS.has(first.lower) || (LEAD_WORDS.has(first.lower) && tokens.length > 2)) {
      t = t.slice(first.end).replace(/^[\s,;:.!\-–—]+/, "");
      again = true;
    }
  }
  t = t
    .replace(/[\s,;:]*\b(instead|then|please|pls|thanks)\b[\s.!?]*$/i, "")
    .replace(/[?!.\s]+$/, "")
    .trim();
  if (/^(who|whose|that|which)\b/i.test(t)) t = `customers ${t}`;
  // "everybody whose first order…", "ppl who bought…": the people are the customers.
  t = t.replace(/^(everybody|everyone|anybody|anyone|people|ppl|folks|all)\b/i, "customers");
  return t || text.trim();
}

interface Message {
  text: string;
  tokens: Token[];
  cues: Cue[];
  /** Index of the first token that is not a greeting or filler. */
  head: number;
  hasSegment: boolean;
  /** Whether a phrase is a catalog value ("Portugal", "Japan"). */
  isValue?: (phrase: string) => boolean;
}

type Decision = Omit<IntentResult, "producer" | "cues" | "editOnly">;

interface IntentRule {
  name: string;
  decide(m: Message): Decision | null;
}

const result = (
  intent: IntentResult["intent"],
  m: Message,
  confidence: number,
  request = m.text,
): Decision => ({ intent, request, confidence });

/**
 * Whether the message can only be a change of a segment: a version move, a removal, a
 * replacement ("make it…", "change… to…", "… instead") or a pointer back at the segment.
 */
function editOnly(m: Message): boolean {
  if (cuesOf(m.cues, "undo").length || cuesOf(m.cues, "redo").length || versionNamed(m.tokens))
    return true;
  if (startsWith(m, "remove") && populationAt(m) < 0) return true;
  if (startsWith(m, "replace") && (backReference(m) || cuesOf(m.cues, "old_before_new").length > 0))
    return true;
  if (m.tokens.some((t) => t.lower === "instead") && populationAt(m) < 0) return true;
  return backReference(m) && populationAt(m) < 0 && m.tokens.length <= 8;
}

function startsWith(m: Message, kind: Cue["kind"]): Cue | undefined {
  return cuesOf(m.cues, kind).find((c) => c.first <= m.head);
}

function versionNamed(tokens: Token[]): boolean {
  return tokens.some(
    (t, i) =>
      /^v(?:er)?\.?\d+$/.test(t.lower) ||
      (VERSION_WORDS.has(t.lower) && /^#?\d+$/.test(tokens[i + 1]?.text ?? "")) ||
      (ORIGINAL_WORDS.has(t.lower) && t.lower === "original"),
  );
}

function populationAt(m: Message): number {
  return m.tokens.findIndex((t) => POPULATION_NOUNS.has(t.lower));
}

function backReference(m: Message): boolean {
  return m.tokens.some((t, i) => {
    if (!BACK_REFERENCES.has(t.lower)) return false;
    // "that" and "it" only as pronouns, not as "customers that bought…".
    if (t.lower === "that" || t.lower === "it") {
      const prev = m.tokens[i - 1]?.lower;
      return (
        prev !== undefined &&
        /^(make|change|set|undo|drop|remove|switch|narrow|widen|limit|restrict|keep|filter|extend|expand|of|in|to|from|with)$/.test(
          prev,
        )
      );
    }
    return true;
  });
}

const RULES: IntentRule[] = [
  {
    name: "explain",
    decide: (m) =>
      m.hasSegment && startsWith(m, "explain") && !startsWith(m, "show")
        ? result("explain", m, 0.9)
        : m.hasSegment && startsWith(m, "explain") && /\?$/.test(m.text)
          ? result("explain", m, 0.8)
          : null,
  },
  {
    // "what rules are in this segment right now?", "are cancelled orders counted in that
    // spend?": a question that asks for no change (no edit cue, no number, no population) is
    // answered with the segment's explanation.
    name: "segment-question",
    decide: (m) => {
      if (!m.hasSegment || !/\?\s*$/.test(m.text)) return null;
      if (!QUESTION_WORDS.has(m.tokens[m.head]?.lower ?? "")) return null;
      const acts = m.cues.some(
        (c) =>
          ACTING_CUES.has(c.kind) &&
          !/^(and|or|&|n|in|to|for|with|by|not|include|including)$/i.test(c.text.trim()),
      );
      if (acts || populationAt(m) >= 0 || m.tokens.some((t) => t.kind === "number")) return null;
      return result("explain", m, 0.7);
    },
  },
  {
    name: "new-segment",
    decide: (m) => {
      const c = cuesOf(m.cues, "new_segment")[0];
      if (!c) return null;
      // What follows the cue ("start over: customers who…") is the request itself.
      const rest = m.text
        .slice(c.stop)
        .replace(/^[\s:;,.\-–—]+/, "")
        .trim();
      const before = m.text
        .slice(0, c.start)
        .replace(/[\s:;,.\-–—]+$/, "")
        .trim();
      const request = rest || before;
      return result("create", m, 0.95, request ? cleanRequest(request) : request);
    },
  },
  {
    name: "no-segment",
    decide: (m) => (m.hasSegment ? null : result("create", m, 1, cleanRequest(m.text))),
  },
  {
    name: "version-move",
    decide: (m) =>
      cuesOf(m.cues, "undo").length || cuesOf(m.cues, "redo").length || versionNamed(m.tokens)
        ? result("edit", m, 0.95)
        : null,
  },
  {
    // "btw who won the football last night", "off topic: is it raining?": an aside about
    // something else, with nothing that acts on a segment, changes nothing.
    name: "aside",
    decide: (m) => {
      if (!ASIDE.test(m.text.replace(/^[\s,.!]+/, ""))) return null;
      const acts = m.cues.some(
        (c) =>
          ACTING_CUES.has(c.kind) && !/^(and|or|&|\+|n|to|for|with|by|not)$/i.test(c.text.trim()),
      );
      return acts || populationAt(m) >= 0 ? null : result("off_topic", m, 0.7);
    },
  },
  {
    // "what about the candle buyers", "how about people in Spain": another population offered
    // in place of this one could be a new segment or this one changed; ask.
    name: "population-question",
    decide: (m) => {
      const c = startsWith(m, "show");
      if (!c || !/^(what|how) about$/.test(c.text.toLowerCase().replace(/\s+/g, " "))) return null;
      return populationAt(m) >= 0 && !backReference(m)
        ? result("unclear", m, 0.5, cleanRequest(m.text.slice(c.stop)))
        : null;
    },
  },
  {
    name: "show-population",
    decide: (m) => {
      const show = startsWith(m, "show");
      const at = populationAt(m);
      if (!show || at < 0 || backReference(m)) return null;
      // "now show me German customers instead": the request is the population, not the move.
      return result("create", m, 0.85, cleanRequest(m.text));
    },
  },
  {
    // "and Portugal?", "what about Japan?": a bare value asked about could widen the segment,
    // replace its value or start another; ask.
    name: "value-question",
    decide: (m) => {
      if (!/\?\s*$/.test(m.text) || !m.isValue) return null;
      const bare = m.text
        .replace(/^\s*(and|or|also|plus|what about|how about|maybe|perhaps)\b/i, "")
        .replace(/[?\s]+$/, "")
        .trim();
      const parts = bare.split(/\s*(?:,|\band\b|\bor\b|&|\/)\s*/i).filter(Boolean);
      return parts.length && parts.length <= 3 && parts.every((p) => m.isValue!(p))
        ? result("unclear", m, 0.5, cleanRequest(m.text))
        : null;
    },
  },
  {
    name: "leading-edit-cue",
    decide: (m) => {
      const first = m.tokens[m.head];
      if (!first) return null;
      const cue = ["remove", "exclude", "only", "also", "replace", "undo", "redo", "revert"].some(
        (k) => startsWith(m, k as Cue["kind"]),
      );
      return cue || CONTINUATIONS.has(first.lower) ? result("edit", m, 0.85) : null;
    },
  },
  {
    name: "back-reference",
    decide: (m) => (backReference(m) ? result("edit", m, 0.8) : null),
  },
  {
    name: "population",
    decide: (m) => {
      if (populationAt(m) < 0) return null;
      // A population with a word that continues the segment ("German customers instead",
      // "UK customers too") could be either: ask.
      const continues = m.tokens.some((t) => /^(instead|too|also|only|just|now)$/.test(t.lower));
      return continues
        ? result("unclear", m, 0.5, cleanRequest(m.text))
        : result("create", m, 0.8, cleanRequest(m.text));
    },
  },
  {
    name: "edit-cue",
    decide: (m) =>
      ["remove", "exclude", "only", "also", "replace", "new_before_old", "unrestricted"].some(
        (k) => cuesOf(m.cues, k as Cue["kind"]).length > 0,
      )
        ? result("edit", m, 0.7)
        : null,
  },
  // A fragment with no population ("over £500", "in Germany", "bags"): in a conversation that
  // holds a segment, a refinement of it.
  { name: "fragment", decide: (m) => result("edit", m, 0.6) },
];

/** The rules' names, in the order they are tried. */
export const INTENT_RULE_NAMES: readonly string[] = RULES.map((r) => r.name);

export function classifyIntent(
  raw: string,
  hasSegment: boolean,
  isValue?: (phrase: string) => boolean,
): IntentResult {
  const text = normaliseRequest(raw);
  const tokens = tokenize(text);
  const head = Math.max(
    0,
    tokens.findIndex((t) => !GREETINGS.has(t.lower) && t.kind !== "symbol"),
  );
  const m: Message = { text, tokens, cues: allCues(text, tokens), head, hasSegment, isValue };
  const only = editOnly(m);
  for (const rule of RULES) {
    const r = rule.decide(m);
    if (r) return { ...r, editOnly: only, cues: [rule.name], producer: INTENT_PRODUCER };
  }
  return {
    intent: "create",
    request: text,
    confidence: 0.5,
    editOnly: only,
    cues: ["default"],
    producer: INTENT_PRODUCER,
  };
}
