/**
 * Reads one clause into typed tokens: its words, the date tags and catalog mentions the
 * earlier steps found in it (a date wins over a mention it overlaps unless the mention is
 * longer), the quantities among the words nobody claimed, and its cue words.
 */
import type { Mention, SubSegment } from "../../types.ts";
import { findCues, type Cue, type CueKind } from "../cues.ts";
import { GLOSSARY_FACET } from "../link.ts";
import { tagQuantities } from "../quantities.ts";
import { tokenize, type Token } from "../text.ts";
import type { Clause, MapScope, Span, Tagged } from "./types.ts";

export function overlaps(a: Span, b: Span): boolean {
  return a.start < b.end && b.start < a.end;
}

/** Parenthetical spans of the text, from its "(" and ")" tokens. */
export function parentheticals(tokens: Token[]): Span[] {
  const out: Span[] = [];
  let open: number | undefined;
  for (const t of tokens) {
    if (t.text === "(") open = t.start;
    else if (t.text === ")" && open !== undefined) {
      out.push({ start: open, end: t.end });
      open = undefined;
    }
  }
  return out;
}

export function readClause(
  scope: MapScope,
  seg: SubSegment,
  position: { index: number; isLast: boolean },
  mentionsIn: Mention[],
  tagsIn: Tagged[],
  request: { parens: Span[]; tokens: Token[] },
): Clause {
  const { parens } = request;
  const tokens: Token[] = tokenize(scope.text.slice(seg.start, seg.end)).map((t) => ({
    ...t,
    start: t.start + seg.start,
    end: t.end + seg.start,
  }));
  const dates = tagsIn.filter(
    (t) => !mentionsIn.some((m) => overlaps(m, t) && m.end - m.start > t.end - t.start),
  );
  const mentions = mentionsIn.filter((m) => !dates.some((t) => overlaps(m, t)));
  const masked = new Set<number>();
  tokens.forEach((tok, k) => {
    if (dates.some((t) => overlaps(t, tok))) masked.add(k);
    if (mentions.some((m) => m.value !== undefined && overlaps(m, tok))) masked.add(k);
  });
  const quantities = tagQuantities(scope.text, tokens, masked);
  const cues = findCues(tokens);
  const inQuantity = (c: Span) => quantities.some((q) => overlaps(q, c));
  const inValue = (c: Span) => mentions.some((m) => m.value !== undefined && overlaps(m, c));
  // A parenthesis explains the words before it ("zero orders (only cancellations)"): its
  // verbs and negators are not the clause's, unless the clause is all parenthesis.
  const explained = (x: Span) =>
    parens.some((p) => overlaps(p, x)) && tokens.some((t) => !parens.some((p) => overlaps(p, t)));
  const negators = cues.filter(
    (c) => c.kind === "negator" && !inQuantity(c) && !inValue(c) && !explained(c),
  );
  const verbs = cues.filter(
    (c) => (c.kind === "buy" || c.kind === "cancel") && !inQuantity(c) && !explained(c),
  );
  const kind = (m: Mention) => scope.facetKind(m.facetId);
  const measures = mentions.filter((m) => kind(m) === "measure");
  return {
    seg,
    index: position.index,
    isLast: position.isLast,
    tokens,
    dates,
    mentions,
    attrs: mentions.filter((m) => kind(m) === "attribute" && m.value !== undefined),
    items: mentions.filter((m) => kind(m) === "item" && m.value !== undefined),
    measures,
    recency: mentions.filter((m) => kind(m) === "recency"),
    terms: mentions.filter((m) => m.facetId === GLOSSARY_FACET),
    quantities,
    cues,
    negators,
    negated: negators.length > 0 || seg.negatedByConnective,
    verbs,
    buyVerb: verbs.some((v) => v.kind === "buy"),
    cancel:
      verbs.some((v) => v.kind === "cancel") ||
      measures.some((m) => scope.measureEvent(m.facetId) === "cancellation" && !explained(m)),
    parens,
    allTokens: request.tokens,
  };
}

/** The clause's cues of a kind, in order. */
export function cuesOf(c: Clause, kind: CueKind): Cue[] {
  return c.cues.filter((x) => x.kind === kind);
}

export function hasCue(c: Clause, kind: CueKind): boolean {
  return c.cues.some((x) => x.kind === kind);
}

/** Index of the first token that starts at or after `at`; tokens.length when none. */
export function tokenIndexFrom(c: Clause, at: number): number {
  const i = c.tokens.findIndex((t) => t.start >= at);
  return i < 0 ? c.tokens.length : i;
}

/** Tokens strictly between two spans (a before b). */
export function tokensBetween(c: Clause, a: Span, b: Span): Token[] {
  return c.tokens.filter((t) => t.start >= a.end && t.end <= b.start);
}

/** Nothing but spaces between a and b. */
export function adjacent(c: Clause, a: Span, b: Span): boolean {
  return a.end <= b.start && tokensBetween(c, a, b).length === 0;
}

/** Coordination between two spans: an "or" cue between them makes it a union. */
export function coordination(c: Clause, a: Span, b: Span): "and" | "or" {
  // "any of candles, bags": a list opened by "any of" / "one of" is a list of alternatives.
  if (c.cues.some((x) => x.kind === "any-of" && x.end <= a.start)) return "or";
  return c.cues.some((x) => x.kind === "or" && x.start >= a.end && x.end <= b.start) ? "or" : "and";
}
