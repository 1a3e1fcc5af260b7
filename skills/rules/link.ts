/**
 * Catalog linking: finds the spans of each sub-segment that name a facet or a value
 * (countries, categories, products, measures), exact first, then fuzzy for what is left,
 * plus words of product names ("with 'heart' in the name", "teapots").
 */
import type { CatalogHit, CatalogLookup } from "../../catalog/lookup.ts";
import { MIN_LINK_SCORE } from "../../catalog/retriever.ts";
import type { Mention, ShortlistResult, SubSegment } from "../types.ts";
import type { Span } from "./date-spans.ts";
import { glossarySpans, type Glossary } from "./glossary.ts";
import {
  BUY_VERBS,
  CANCEL_WORDS,
  EVALUATIVE,
  FILLERS,
  LAPSE_WORDS,
  NEGATORS,
  NUMBER_WORDS,
  STRUCTURAL,
} from "./lexicon.ts";
import { singular, tokenize, type Token } from "./text.ts";

export const LINK_PRODUCER = "rules/link@1";
/** The pseudo-facet of glossary-term mentions: the value is the entry's term. */
export const GLOSSARY_FACET = "@glossary";
const MAX_NGRAM = 8;
/** Fuzzy hits below this are not used without asking. */
export const FUZZY_ACCEPT = 0.72;
const GENERIC_VALUE_WORDS = new Set([
  "other",
  "others",
  "all",
  "any",
  "new",
  "misc",
  "item",
  "items",
  "product",
  "products",
  "goods",
  "things",
  "stuff",
  "range",
]);
const LOWERCASE_CODES = new Set(["uk", "usa", "uae", "rsa", "ksa", "gb"]);

/**
 * Country codes are capitals ("FR"); typed in lower case they are words ("it", "no", "us",
 * "is"), except the few people do write in lower case.
 */
export function codeTypedAsWord(hit: CatalogHit, typed: string): boolean {
  return (
    /^[A-Z]{2,3}$/.test(hit.matched) &&
    typed !== typed.toUpperCase() &&
    !LOWERCASE_CODES.has(typed.toLowerCase())
  );
}
/** Lead over the runner-up that lets a weaker fuzzy hit on a closed list through. */
export const FUZZY_MARGIN = 0.1;

/** Suffixes and currency words that belong to a number ("£5k", "10 grand", "500 pounds"). */
const NUMBER_SUFFIXES = new Set([
  "k",
  "m",
  "bn",
  "mn",
  "grand",
  "thousand",
  "million",
  "billion",
  "pounds",
  "pound",
  "quid",
  "gbp",
  "dollars",
  "euros",
]);

function isStructural(t: Token): boolean {
  return (
    t.kind !== "word" ||
    t.lower.length < 2 ||
    NUMBER_SUFFIXES.has(t.lower) ||
    FILLERS.has(t.lower) ||
    STRUCTURAL.has(t.lower) ||
    EVALUATIVE.has(t.lower) ||
    LAPSE_WORDS.has(t.lower) ||
    NEGATORS.has(t.lower) ||
    t.lower.endsWith("n't") ||
    BUY_VERBS.has(t.lower) ||
    CANCEL_WORDS.has(t.lower) ||
    t.lower in NUMBER_WORDS
  );
}

interface Candidate {
  first: number;
  last: number;
  hit: CatalogHit;
}

function toMention(text: string, tokens: Token[], seg: SubSegment, c: Candidate): Mention {
  const start = tokens[c.first]!.start;
  const end = tokens[c.last]!.end;
  return {
    subSegmentId: seg.id,
    start,
    end,
    text: text.slice(start, end),
    facetId: c.hit.facetId,
    value: c.hit.value,
    label: c.hit.label,
    score: c.hit.score,
    exact: c.hit.exact,
  };
}

/** Quoted words and "named X" / "X in the name" phrases are product-name words. */
function quotedWords(
  text: string,
  seg: SubSegment,
): { start: number; end: number; word: string }[] {
  const out: { start: number; end: number; word: string }[] = [];
  const slice = text.slice(seg.start, seg.end);
  // A quote opens after a space and closes before one: apostrophes inside words ("haven't",
  // "'11") are not quotes.
  for (const m of slice.matchAll(/(?<![\p{L}\p{N}])(["'])([^"']{1,60})\1(?![\p{L}\p{N}])/gu)) {
    const start = seg.start + (m.index ?? 0);
    out.push({ start, end: start + m[0].length, word: m[2]!.trim() });
  }
  for (const m of slice.matchAll(
    /\b(?:named|called|containing|contains|with|labelled|labeled)\s+(?:the\s+(?:word|term)\s+)?([a-z][a-z-]{1,30})\s+(?:in\s+(?:the|their|its)\s+(?:name|description|title)s?)/gi,
  )) {
    const start = seg.start + (m.index ?? 0);
    out.push({ start, end: start + m[0].length, word: m[1]! });
  }
  // "containing the word lantern", "with the term vintage": the word is named outright.
  for (const m of slice.matchAll(
    /\b(?:containing|contains|with|including|includes)\s+the\s+(?:word|term|phrase)\s+([a-z][a-z-]{1,30})\b/gi,
  )) {
    const start = seg.start + (m.index ?? 0);
    if (!out.some((o) => o.start <= start && start < o.end)) {
      out.push({ start, end: start + m[0].length, word: m[1]! });
    }
  }
  return out;
}

/** Whether tokens `[first, last]` all lie inside one of `spans`. */
function withinOne(tokens: Token[], first: number, last: number, spans: readonly Span[]): boolean {
  const start = tokens[first]!.start;
  const end = tokens[last]!.end;
  return spans.some((s) => s.start <= start && end <= s.end);
}

/**
 * Links one sub-segment. `dates` are the spans the date tagger claims: a run of words inside
 * one of them is not fuzzy-searched, because the mapper drops a mention that a date as long
 * or longer overlaps (skills/rules/map/clause.ts), and the search scans the whole catalog.
 */
export function linkSubSegment(
  text: string,
  seg: SubSegment,
  retriever: CatalogLookup,
  glossary?: Glossary,
  dates: readonly Span[] = [],
): Mention[] {
  const tokens = tokenize(text.slice(seg.start, seg.end)).map((t) => ({
    ...t,
    start: t.start + seg.start,
    end: t.end + seg.start,
  }));
  const mentions: Mention[] = [];
  const used = new Set<number>();

  // 0. Glossary terms claim their words first: "repeat buyers" is the tenant's term.
  for (const g of glossarySpans(text, glossary)) {
    if (g.start < seg.start || g.end > seg.end) continue;
    mentions.push({
      subSegmentId: seg.id,
      start: g.start,
      end: g.end,
      text: g.text,
      facetId: GLOSSARY_FACET,
      value: g.entry.term,
      label: g.entry.meaning,
      score: 1,
      exact: true,
    });
    tokens.forEach((t, k) => {
      if (t.start >= g.start && t.end <= g.end) used.add(k);
    });
  }

  // 1. Quoted product words claim their tokens first: 'heart' is never a category.
  for (const q of quotedWords(text, seg)) {
    const word = q.word.toLowerCase();
    mentions.push({
      subSegmentId: seg.id,
      start: q.start,
      end: q.end,
      text: text.slice(q.start, q.end),
      facetId: "product_word",
      value: word,
      label: `"${word}" in the product name`,
      score: retriever.textMatches("product_word", word) > 0 ? 1 : 0,
      exact: true,
    });
    tokens.forEach((t, k) => {
      if (t.start >= q.start && t.end <= q.end) used.add(k);
    });
  }

  // 2. Exact hits on every n-gram, longest first; "non-UK" links "UK" (negated by the mapper).
  const candidates: Candidate[] = [];
  tokens.forEach((t, k) => {
    const m = /^non-(.+)$/.exec(t.lower);
    if (!m || used.has(k)) return;
    for (const hit of retriever.exactLookup(m[1]!)) {
      const start = t.start + 4;
      mentions.push({
        subSegmentId: seg.id,
        start,
        end: t.end,
        text: text.slice(start, t.end),
        facetId: hit.facetId,
        value: hit.value,
        label: hit.label,
        score: hit.score,
        exact: hit.exact,
      });
      used.add(k);
    }
  });
  for (let first = 0; first < tokens.length; first++) {
    if (used.has(first)) continue;
    // An n-gram starts and ends on a word: "UK, £" must not swallow the pound sign.
    if (tokens[first]!.kind === "symbol" || tokens[first]!.kind === "quote") continue;
    for (let last = Math.min(tokens.length - 1, first + MAX_NGRAM - 1); last >= first; last--) {
      if (tokens[last]!.kind === "symbol" || tokens[last]!.kind === "quote") continue;
      const phrase = text.slice(tokens[first]!.start, tokens[last]!.end);
      for (const hit of retriever.exactLookup(phrase)) candidates.push({ first, last, hit });
    }
  }
  candidates.sort(
    (a, b) =>
      b.last - b.first - (a.last - a.first) ||
      Number(b.hit.value !== undefined) - Number(a.hit.value !== undefined) ||
      retriever.facetRank(a.hit.facetId) - retriever.facetRank(b.hit.facetId),
  );
  for (const c of candidates) {
    let free = true;
    for (let k = c.first; k <= c.last; k++) if (used.has(k)) free = false;
    if (!free) continue;
    if (codeTypedAsWord(c.hit, text.slice(tokens[c.first]!.start, tokens[c.last]!.end))) continue;
    // A one-word grammar word is a value only when the tenant really has that value
    // ("online", "store"); generic words ("other", "items") are too weak to claim alone.
    const word = tokens[c.first]!.lower;
    if (c.first === c.last && FILLERS.has(word)) {
      const weak =
        c.hit.value === undefined ? c.hit.facetId !== "orders" : GENERIC_VALUE_WORDS.has(word);
      if (weak) continue;
    }
    for (let k = c.first; k <= c.last; k++) used.add(k);
    mentions.push(toMention(text, tokens, seg, c));
  }

  // 3. Runs of content words nobody claimed: fuzzy values, else product-name words.
  let k = 0;
  while (k < tokens.length) {
    if (used.has(k) || isStructural(tokens[k]!)) {
      k++;
      continue;
    }
    let last = k;
    while (last + 1 < tokens.length && !used.has(last + 1) && !isStructural(tokens[last + 1]!))
      last++;
    const phrase = text.slice(tokens[k]!.start, tokens[last]!.end);
    // "lunch bags": when the words before an item mention form, with it, a phrase of
    // product names, the phrase is meant, not the category plus a stray word.
    const next = mentions.find(
      (m) =>
        m.start === tokens[last + 1]?.start &&
        m.facetId !== "product_word" &&
        m.value !== undefined,
    );
    if (next) {
      const joined = singular(text.slice(tokens[k]!.start, next.end).toLowerCase());
      if (retriever.wordMatches("product_word", joined) > 0) {
        mentions.splice(mentions.indexOf(next), 1, {
          subSegmentId: seg.id,
          start: tokens[k]!.start,
          end: next.end,
          text: text.slice(tokens[k]!.start, next.end),
          facetId: "product_word",
          value: joined,
          label: `"${joined}" in the product name`,
          score: 0.85,
          exact: false,
        });
        k = last + 1;
        continue;
      }
    }
    const knownWord = retriever.wordMatches("product_word", singular(phrase.toLowerCase())) > 0;
    const hits = (
      withinOne(tokens, k, last, dates)
        ? []
        : retriever.search(phrase, { limit: 4, kinds: ["attribute", "item"] })
    )
      .filter((h) => h.value !== undefined && h.score >= MIN_LINK_SCORE)
      // A few words of a long product name name many products, not that one; and one word
      // of a longer name ("came" of "came from SEO") is not that name misspelt.
      .filter((h) =>
        h.facetId === "product"
          ? last - k + 1 >= 0.8 * h.label.split(/\s+/).length
          : 2 * (last - k + 1) >= h.matched.split(/\s+/).length,
      );
    const best = hits[0];
    // A close variant of a small closed list (a country, a category) is safe to link when
    // it clearly beats the runner-up; product names need a stronger match.
    const margin = best ? best.score - (hits[1]?.score ?? 0) : 0;
    const accept =
      best &&
      (best.score >= FUZZY_ACCEPT ||
        // ...but a word that product names use ("gifts") is that word, not a typo.
        (best.facetId !== "product" && margin >= FUZZY_MARGIN && !knownWord));
    if (best && accept) {
      mentions.push(toMention(text, tokens, seg, { first: k, last, hit: best }));
    } else {
      const word = singular(phrase.toLowerCase());
      const matches = retriever.wordMatches("product_word", word);
      if (matches > 0) {
        mentions.push({
          subSegmentId: seg.id,
          start: tokens[k]!.start,
          end: tokens[last]!.end,
          text: phrase,
          facetId: "product_word",
          value: word,
          label: `"${word}" in the product name`,
          score: 0.8,
          exact: false,
        });
      }
    }
    k = last + 1;
  }
  return mentions.sort((a, b) => a.start - b.start);
}

export function shortlistRequest(
  text: string,
  subSegments: SubSegment[],
  retriever: CatalogLookup,
  glossary?: Glossary,
  dates: readonly Span[] = [],
): ShortlistResult {
  return {
    mentions: subSegments.flatMap((s) => linkSubSegment(text, s, retriever, glossary, dates)),
    producer: LINK_PRODUCER,
  };
}
