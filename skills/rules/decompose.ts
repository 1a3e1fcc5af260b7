/**
 * Splits a request into sub-segments at clause boundaries, keeping each one's verbatim
 * span. Coordination inside a clause ("jewellery and bags", "German or Swiss") stays in
 * the clause: the mapper decides what it means.
 */
import type { DecomposeResult, SubSegment } from "../types.ts";
import { glossarySpans, type Glossary } from "./glossary.ts";
import {
  BUY_VERBS,
  CLAUSE_OPENERS,
  CLAUSE_STARTERS,
  CONTRAST,
  EXCLUDERS,
  HEAD_NOUNS,
  NUMBER_WORDS,
} from "./lexicon.ts";
import { tokenize, type Token } from "./text.ts";

export const DECOMPOSE_PRODUCER = "rules/decompose@1";

const PREPOSITIONS = new Set([
  "in",
  "during",
  "for",
  "over",
  "on",
  "at",
  "of",
  "within",
  "from",
  "since",
  "before",
  "after",
  "by",
]);
const TIME_NOUNS = new Set([
  "period",
  "time",
  "timeframe",
  "window",
  "year",
  "month",
  "quarter",
  "season",
  "week",
  "day",
  "half",
]);
const ORDER_NOUNS = new Set([
  "orders",
  "order",
  "purchases",
  "purchase",
  "transactions",
  "invoices",
  "baskets",
]);
/** "last order", "first purchase", "most recent order": the start of a recency condition. */
const RECENCY_WORDS = new Set(["last", "first", "latest", "earliest", "most"]);
const OBJECT_WORDS = new Set([
  "anything",
  "something",
  "everything",
  "products",
  "product",
  "items",
  "item",
  "goods",
  "things",
  "stuff",
]);

interface Boundary {
  /** Token index where the new clause starts (its opener included). */
  at: number;
  connective: "and" | "or";
  negated: boolean;
}

function excluderAt(tokens: Token[], i: number): number {
  for (const phrase of EXCLUDERS) {
    const words = phrase.split(" ");
    if (words.every((w, k) => tokens[i + k]?.lower === w)) return words.length;
  }
  return 0;
}

const SPLIT_WORDS = new Set([
  "with",
  "and",
  "or",
  "but",
  "that",
  "who",
  "which",
  "without",
  ",",
  "-",
  "+",
  "|",
]);

const CURRENCY = new Set(["£", "$", "€"]);
const MONTH_WORD = /^(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*$/;
/** "£1k - £2k", "£250 - £500": the number closing the left side of a range. */
const endsNumber = (tokens: Token[], i: number) =>
  tokens[i - 1]?.kind === "number" ||
  (/^(k|m|bn)$/.test(tokens[i - 1]?.lower ?? "") && tokens[i - 2]?.kind === "number");
const startsNumber = (t: Token | undefined) =>
  t !== undefined && (t.kind === "number" || CURRENCY.has(t.text));

/**
 * A list separator between conditions as segment builders take them: "UK | AOV £300+",
 * "lapsed 90 days+ - £500+ lifetime", "has a cancellation + spend over £2k". A spaced dash
 * or plus inside a range ("£250 - £500", "Jan - Mar") or a sum is not one.
 */
function isListSeparator(
  text: string,
  tokens: Token[],
  i: number,
  isValue: (phrase: string) => boolean,
): boolean {
  const t = tokens[i]!;
  if (t.text === "|") return i > 0 && i < tokens.length - 1;
  if (t.text !== "-" && t.text !== "+") return false;
  if (text[t.start - 1] !== " " || text[t.end] !== " " || i === 0) return false;
  const next = tokens[i + 1];
  // "Finland + Iceland", "candles + bags": a plus before a value adds it to the list.
  if (t.text === "+" && next && startsValue(text, tokens, i + 1, isValue)) return false;
  if (!next || (next.kind === "symbol" && !CURRENCY.has(next.text))) return false;
  // "2010 - 2011" is a range; "in Q4 2011 - 3+ orders" is a year, then a count.
  const year = (x: Token | undefined) => x?.kind === "number" && /^(19|20)\d\d$/.test(x.text);
  const yearThenCount = year(tokens[i - 1]) && !year(next);
  if (endsNumber(tokens, i) && startsNumber(next) && !yearThenCount) return false;
  return !(MONTH_WORD.test(tokens[i - 1]!.lower) && MONTH_WORD.test(next.lower));
}

/** Whether a catalog value of one to three words starts at token i. */
function startsValue(
  text: string,
  tokens: Token[],
  i: number,
  isValue: (phrase: string) => boolean,
): boolean {
  for (let n = 1; n <= 3 && i + n <= tokens.length; n++)
    if (isValue(text.slice(tokens[i]!.start, tokens[i + n - 1]!.end))) return true;
  return false;
}

/**
 * "never cancelled, 5+ orders", "first order in 2011, £1k+ spend": a comma before an amount
 * starts a new condition; a list of numbers ("22423, 22697") or a year ("14 Feb, 2011") does not.
 */
function commaBeforeAmount(tokens: Token[], i: number): boolean {
  const next = tokens[i + 1];
  if (!startsNumber(next)) return false;
  if (next!.kind === "number" && /^(19|20)\d\d$/.test(next!.text)) return false;
  const after = tokens[i + 2]?.lower;
  const listed = after === undefined || after === "," || after === "and" || after === "or";
  return !(tokens[i - 1]?.kind === "number" && next!.kind === "number" && listed);
}

/**
 * Token indexes inside a catalog value whose name holds a splitting word ("JAM MAKING SET
 * WITH JARS"): no clause boundary may fall there.
 */
function protectedTokens(
  text: string,
  tokens: Token[],
  isValue: (phrase: string) => boolean,
): Set<number> {
  const out = new Set<number>();
  for (let i = 0; i < tokens.length; i++) {
    for (let n = Math.min(8, tokens.length - i); n >= 3; n--) {
      const span = tokens.slice(i, i + n);
      if (!span.slice(1, -1).some((t) => SPLIT_WORDS.has(t.lower))) continue;
      if (isValue(text.slice(span[0]!.start, span[n - 1]!.end))) {
        for (let k = i; k < i + n; k++) out.add(k);
        break;
      }
    }
  }
  return out;
}

export function decomposeRequest(
  text: string,
  opts: { isValue?: (phrase: string) => boolean; glossary?: Glossary } = {},
): DecomposeResult {
  const tokens = tokenize(text);
  const isValue = opts.isValue ?? (() => false);
  const guarded = opts.isValue ? protectedTokens(text, tokens, opts.isValue) : new Set<number>();
  // A glossary term ("repeat buyers", "VIP customers") is one piece: never split inside it,
  // and a head noun inside it is the term's, not the request's head.
  const terms = glossarySpans(text, opts.glossary);
  const inTerm = new Set<number>();
  tokens.forEach((t, k) => {
    if (terms.some((g) => g.start <= t.start && t.end <= g.end)) inTerm.add(k);
  });
  for (const k of inTerm) guarded.add(k);
  if (tokens.length === 0) return { subSegments: [], confidence: 0, producer: DECOMPOSE_PRODUCER };

  // The first head noun ("customers") splits pre-modifiers from what follows; a leading
  // determiner or verb phrase ("show me all") is not a constraint.
  // The head is the first head noun before any contrast or exclusion: in "party stuff in
  // Q1, except UK customers" the customers after "except" are the excluded ones.
  const stop = tokens.findIndex((t, i) => CONTRAST.has(t.lower) || excluderAt(tokens, i) > 0);
  const head = tokens.findIndex(
    (t, i) => HEAD_NOUNS.has(t.lower) && !inTerm.has(i) && (stop < 0 || i < stop),
  );
  const boundaries: Boundary[] = [];
  const skip = new Set<number>();
  if (head >= 0) skip.add(head);

  const startPost = head >= 0 ? head + 1 : 0;
  if (head > 0) boundaries.push({ at: 0, connective: "and", negated: false });
  boundaries.push({ at: startPost, connective: "and", negated: false });
  // "Spring reactivation: customers who …", "Nordics list - Sweden, …": a header before a
  // colon or a spaced dash near the start is its own span (the mapper decides whether it is
  // a label or a condition).
  const header = tokens.findIndex(
    (t, i) =>
      i > 0 &&
      i <= 6 &&
      !guarded.has(i) &&
      i < tokens.length - 1 &&
      // "bought any of: X, Y": a colon after a preposition introduces its object, not a header.
      ((t.text === ":" && !PREPOSITIONS.has(tokens[i - 1]!.lower)) ||
        (t.text === "-" &&
          text[t.start - 1] === " " &&
          text[t.end] === " " &&
          tokens[i - 1]!.kind !== "number" &&
          tokens[i + 1]!.kind !== "number" &&
          tokens[i + 1]!.kind !== "symbol" &&
          !(MONTH_WORD.test(tokens[i - 1]!.lower) && MONTH_WORD.test(tokens[i + 1]!.lower)))),
  );
  if (header > 0) boundaries.push({ at: header + 1, connective: "and", negated: false });

  for (let i = startPost; i < tokens.length; i++) {
    if (guarded.has(i)) continue;
    const t = tokens[i]!;
    const lower = t.lower;
    const prev = tokens[i - 1]?.lower;
    const excl = excluderAt(tokens, i);
    if (excl) {
      boundaries.push({ at: i, connective: "and", negated: true });
      // "except those who bought X": the relative pronoun belongs to the excluded clause.
      i += excl - 1;
      continue;
    }
    // "at least one but fewer than twenty orders": one range, not two clauses.
    const next2 = `${tokens[i + 1]?.lower ?? ""} ${tokens[i + 2]?.lower ?? ""}`;
    const betweenNumbers =
      lower === "but" &&
      ((tokens[i - 1]?.kind === "number" && !/^(19|20)\d\d$/.test(prev ?? "")) ||
        (prev !== undefined && prev in NUMBER_WORDS)) &&
      /^(fewer|less|more|under|over|below|above) |^(no|not) (more|less|fewer)|^at (least|most)/.test(
        next2,
      );
    if (betweenNumbers) continue;
    if (
      CONTRAST.has(lower) ||
      lower === ";" ||
      (i !== header && isListSeparator(text, tokens, i, isValue))
    ) {
      boundaries.push({ at: i, connective: "and", negated: false });
      continue;
    }
    if (lower === "and" || lower === "or" || lower === ",") {
      // "and who", "or spent", "and not": a new clause; "jewellery and bags": coordination.
      const next = tokens[i + 1]?.lower ?? "";
      const connective = lower === "or" ? "or" : "and";
      // "… and last order date within 30 days": a first/last purchase opens its own clause.
      const then = tokens[i + 2]?.lower ?? "";
      const recency =
        RECENCY_WORDS.has(next) &&
        (ORDER_NOUNS.has(then) || BUY_VERBS.has(then) || then === "recent");
      const amount = lower === "," && commaBeforeAmount(tokens, i);
      if (CLAUSE_STARTERS.has(next) || CLAUSE_OPENERS.has(next) || recency || amount) {
        boundaries.push({ at: i, connective, negated: false });
      }
      continue;
    }
    // "products with 'heart' in the name", "anything with 'vintage'": "with" qualifies the
    // object, it does not open a clause.
    if (lower === "with" && OBJECT_WORDS.has(prev ?? "")) continue;
    // "ten orders that included lighting": the clause qualifies the orders being counted.
    if ((lower === "that" || lower === "which") && ORDER_NOUNS.has(prev ?? "")) continue;
    // "in that period", "that year": a determiner, not a relative pronoun.
    if (
      lower === "that" &&
      (PREPOSITIONS.has(prev ?? "") || TIME_NOUNS.has(tokens[i + 1]?.lower ?? ""))
    )
      continue;
    if (CLAUSE_OPENERS.has(lower)) {
      const last = boundaries[boundaries.length - 1]!;
      // "excluding those who ...": the opener continues the excluded clause.
      const between = tokens.slice(last.at, i).map((t) => t.lower);
      if (
        last.negated &&
        between.every((w, k) => k < 2 || HEAD_NOUNS.has(w) || w === "the" || w === "any")
      )
        continue;
      // An opener right after a split ("but who", "and whose") belongs to that split.
      if (
        last.at === i - 1 &&
        (CONTRAST.has(prev ?? "") || prev === "and" || prev === "or" || prev === ",")
      )
        continue;
      if (last.at === i) continue;
      // "with" inside a product phrase ("bag with handle") is rare; a clause is the norm.
      boundaries.push({ at: i, connective: "and", negated: false });
      continue;
    }
    if (lower === "outside" && i > startPost) {
      // "customers outside the UK" / "who bought bags outside the UK": its own constraint.
      boundaries.push({ at: i, connective: "and", negated: false });
    }
  }

  // Materialise spans; drop empty ones and the head noun.
  const subSegments: SubSegment[] = [];
  // Boundaries at the same token merge; an excluder's negation survives the merge.
  const byAt = new Map<number, Boundary>();
  for (const b of boundaries) {
    const seen = byAt.get(b.at);
    byAt.set(
      b.at,
      seen
        ? {
            ...seen,
            negated: seen.negated || b.negated,
            connective: b.connective === "or" ? "or" : seen.connective,
          }
        : b,
    );
  }
  const sorted = [...byAt.values()].sort((a, b) => a.at - b.at);
  for (let b = 0; b < sorted.length; b++) {
    const from = sorted[b]!.at;
    const to = (b + 1 < sorted.length ? sorted[b + 1]!.at : tokens.length) - 1;
    const inSpan = [];
    for (let k = from; k <= to; k++) if (!skip.has(k)) inSpan.push(k);
    if (inSpan.length === 0) continue;
    // Spans never cross the head noun.
    const groups: number[][] = [];
    for (const k of inSpan) {
      const g = groups[groups.length - 1];
      if (g && g[g.length - 1] === k - 1) g.push(k);
      else groups.push([k]);
    }
    for (const g of groups) {
      const first = tokens[g[0]!]!;
      const lastTok = tokens[g[g.length - 1]!]!;
      const zone = head >= 0 && g[0]! < head ? "pre" : "post";
      subSegments.push({
        id: `s${subSegments.length + 1}`,
        text: text.slice(first.start, lastTok.end),
        start: first.start,
        end: lastTok.end,
        connective: sorted[b]!.connective,
        negatedByConnective: sorted[b]!.negated,
        zone,
      });
    }
  }
  // One clause is certain; every extra split is a guess the mapper may still undo.
  const confidence = head >= 0 ? 0.9 : 0.75;
  return { subSegments, confidence, producer: DECOMPOSE_PRODUCER };
}
