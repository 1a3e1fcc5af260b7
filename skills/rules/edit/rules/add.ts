/**
 * Add: "only the ones who spent over £500", "and who ordered at least 3 times", "also need
 * them to have bought candles". The clause is read like a request of its own and ANDed in.
 */
import type { EditRule } from "../frame.ts";
import { mergePlan } from "./merge.ts";

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
    for (const t of f.a.tokens) {
      if (LEADING.has(t.lower) || t.kind === "symbol") start = t.end;
      else break;
    }
    return mergePlan(f, "none", { start, end: f.text.length }, "add");
  },
};
