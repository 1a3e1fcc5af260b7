/**
 * Add: "only the ones who spent over £500", "and who ordered at least 3 times", "also need
 * them to have bought candles". The clause is read like a request of its own and ANDed in.
 */
import type { EditRule } from "../frame.ts";
import { ANAPHORA, POPULATION_WORDS } from "../lexicon.ts";
import { contentFrom, continuesExclusion, isInterjection, mergePlan } from "./merge.ts";

const LEADING = new Set([
  "only",
  "also",
  "and",
  "plus",
  "just",
  "but",
  "then",
  "too",
  "now",
  "ok",
  "okay",
  "so",
  "add",
  "include",
  "keep",
  "filter",
  "narrow",
  "limit",
  "restrict",
  "need",
  "want",
  "make",
  "sure",
  "must",
  "should",
  "have",
  "had",
  "has",
  "to",
  "down",
  "for",
  "them",
  "they",
  "those",
  "the",
  "ones",
  "of",
  "these",
  "that",
  "are",
  "were",
]);

export const add: EditRule = {
  name: "add",
  applies: () => true,
  apply: (f) => {
    // Skip the cue words in front: what is left is the clause.
    let start = 0;
    const cueTokens = f.a.cues
      .filter((c) => c.kind !== "exclude")
      .map((c) => ({ start: c.start, end: c.stop }));
    // ">£1000": a symbol that opens an amount belongs to it.
    const inAmount = (t: { start: number; end: number }) =>
      f.a.quantities.some((q) => q.start <= t.start && t.end <= q.end);
    for (const t of f.a.tokens) {
      if (inAmount(t)) break;
      const inCue = cueTokens.some((c) => c.start <= t.start && t.end <= c.end);
      const lead =
        LEADING.has(t.lower) ||
        ANAPHORA.has(t.lower) ||
        POPULATION_WORDS.has(t.lower) ||
        isInterjection(t.lower);
      if (lead || inCue || t.kind === "symbol") start = t.end;
      else break;
    }
    // "and anyone who bought Easter stuff" right after an exclusion leaves them out too.
    const mode = continuesExclusion(f) ? "exclude" : "none";
    const range = mode === "exclude" ? contentFrom(f, start) : { start, end: f.text.length };
    return mergePlan(f, mode, range, "add");
  },
};
