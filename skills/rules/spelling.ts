/**
 * Typo correction against a closed vocabulary: the grammar's own words, the tenant's
 * catalog words and the words of its product names. Only words that are in none of them
 * are corrected, and only to a unique closest word (Damerau–Levenshtein: "Germnay" ->
 * "germany" is one transposition).
 */
import levenshtein from "damerau-levenshtein";
import type { TenantCatalog } from "../../state/catalog.ts";
import {
  BUY_VERBS,
  CANCEL_WORDS,
  CLAUSE_OPENERS,
  EVALUATIVE,
  FILLERS,
  HEAD_NOUNS,
  LAPSE_WORDS,
  NEGATORS,
  NUMBER_WORDS,
  STRUCTURAL,
} from "./lexicon.ts";
import { singular, tokenize } from "./text.ts";

const DATE_WORDS = [
  "january",
  "february",
  "march",
  "april",
  "may",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december",
  "spring",
  "summer",
  "autumn",
  "fall",
  "winter",
  "quarter",
  "quarters",
  "half",
  "week",
  "weeks",
  "weekend",
  "day",
  "days",
  "month",
  "months",
  "year",
  "years",
  "last",
  "past",
  "previous",
  "since",
  "before",
  "after",
  "during",
  "until",
  "today",
  "yesterday",
  "fiscal",
  "season",
  "holiday",
  "holidays",
  "easter",
  "christmas",
  "friday",
  "monday",
  "black",
  "cyber",
  "valentine's",
  "halloween",
  "mother's",
  "father's",
  "eve",
  "boxing",
  "sales",
  "first",
  "second",
  "third",
  "fourth",
  "recent",
  "recently",
  "ago",
  "spenders",
  "spender",
  "shoppers",
];

const NO_WORDS: ReadonlySet<string> = new Set();

const lengthIndex = new WeakMap<ReadonlySet<string>, Map<number, string[]>>();

/** Words of a set by length, computed once per set. */
function byLengthOf(words: ReadonlySet<string>): Map<number, string[]> {
  let index = lengthIndex.get(words);
  if (!index) {
    index = new Map();
    for (const w of words) index.set(w.length, [...(index.get(w.length) ?? []), w]);
    lengthIndex.set(words, index);
  }
  return index;
}

/** The words of a tenant glossary's terms and aliases, for the speller and the scope check. */
const glossaryWordCache = new WeakMap<object, Set<string>>();

export function glossaryWords(
  glossary: readonly { term: string; aliases?: string[]; expansion?: string }[],
): Set<string> {
  const hit = glossaryWordCache.get(glossary);
  if (hit) return hit;
  const out = new Set<string>();
  glossaryWordCache.set(glossary, out);
  for (const g of glossary)
    for (const phrase of [g.term, ...(g.aliases ?? [])])
      for (const t of tokenize(phrase.toLowerCase())) if (t.kind === "word") out.add(t.lower);
  return out;
}

export interface Correction {
  from: string;
  to: string;
  start: number;
  end: number;
}

export class SpellingCorrector {
  private readonly vocabulary = new Set<string>();
  private readonly byLength = new Map<number, string[]>();
  private readonly known = new Set<string>();

  constructor(catalog: TenantCatalog, productNames: readonly string[]) {
    const words = (text: string) =>
      tokenize(text.toLowerCase())
        .filter((t) => t.kind === "word")
        .map((t) => t.lower);
    const grammar = [
      HEAD_NOUNS,
      BUY_VERBS,
      CANCEL_WORDS,
      CLAUSE_OPENERS,
      FILLERS,
      NEGATORS,
      STRUCTURAL,
      EVALUATIVE,
      LAPSE_WORDS,
    ];
    for (const set of grammar) for (const w of set) this.addVocabulary(w);
    for (const w of Object.keys(NUMBER_WORDS)) this.addVocabulary(w);
    for (const w of DATE_WORDS) this.addVocabulary(w);
    for (const facet of catalog.facets) {
      for (const name of [facet.label, ...facet.synonyms])
        words(name).forEach((w) => this.addVocabulary(w));
      if (facet.id === "product") continue;
      for (const v of facet.values ?? []) {
        for (const name of [v.label, v.value, ...v.synonyms])
          words(name).forEach((w) => this.addVocabulary(w));
      }
    }
    // Product-name words are real words of this tenant; they are never "corrected" but are
    // not correction targets either (thousands of rare words would attract false fixes).
    for (const name of productNames) words(name).forEach((w) => this.known.add(w));
  }

  private addVocabulary(word: string): void {
    if (word.length < 2) return;
    this.vocabulary.add(word);
    const list = this.byLength.get(word.length) ?? [];
    list.push(word);
    this.byLength.set(word.length, list);
  }

  isKnown(word: string): boolean {
    const w = word.toLowerCase();
    return (
      this.vocabulary.has(w) ||
      this.known.has(w) ||
      this.vocabulary.has(singular(w)) ||
      this.known.has(singular(w))
    );
  }

  /**
   * The unique closest vocabulary word, or undefined when none is close or it is a tie.
   * `extra` words (the tenant's glossary) are known and are candidates too.
   */
  suggest(word: string, extra: ReadonlySet<string> = NO_WORDS): string | undefined {
    const w = word.toLowerCase();
    if (w.length < 5 || this.isKnown(w) || extra.has(w) || !/^[a-z][a-z'-]*$/.test(w))
      return undefined;
    const maxSteps = w.length >= 8 ? 2 : 1;
    let best: string | undefined;
    let bestSteps = Infinity;
    let tie = false;
    const extraOfLength = (len: number) => byLengthOf(extra).get(len) ?? [];
    for (let len = w.length - maxSteps; len <= w.length + maxSteps; len++) {
      for (const candidate of [...(this.byLength.get(len) ?? []), ...extraOfLength(len)]) {
        const { steps } = levenshtein(w, candidate);
        if (steps > maxSteps) continue;
        if (steps < bestSteps) {
          best = candidate;
          bestSteps = steps;
          tie = false;
        } else if (steps === bestSteps && candidate !== best) {
          tie = true;
        }
      }
    }
    return tie ? undefined : best;
  }

  /** Corrects every unknown word of the text; returns the new text and what changed. */
  correct(
    text: string,
    extra: ReadonlySet<string> = NO_WORDS,
  ): { text: string; corrections: Correction[] } {
    const corrections: Correction[] = [];
    for (const t of tokenize(text)) {
      if (t.kind !== "word") continue;
      const to = this.suggest(t.text, extra);
      if (to) corrections.push({ from: t.text, to, start: t.start, end: t.end });
    }
    let out = text;
    for (const c of [...corrections].reverse())
      out = out.slice(0, c.start) + c.to + out.slice(c.end);
    return { text: out, corrections };
  }
}
