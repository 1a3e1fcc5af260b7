import { describe, expect, it } from "vitest";
import {
  BUY_VERBS,
  CANCEL_WORDS,
  CLAUSE_STARTERS,
  EVALUATIVE,
  EXCLUDERS,
  FILLERS,
  HEAD_NOUNS,
  LAPSE_WORDS,
  NEGATORS,
  NUMBER_WORDS,
  STRUCTURAL,
} from "./lexicon.ts";

/** word -> the word classes it must belong to */
const CLASSES: [string, string[]][] = [
  ["customers", ["HEAD_NOUNS", "FILLERS"]],
  ["shoppers", ["HEAD_NOUNS", "FILLERS"]],
  ["bought", ["BUY_VERBS", "CLAUSE_STARTERS"]],
  ["spent", ["BUY_VERBS"]],
  ["cancelled", ["CANCEL_WORDS", "CLAUSE_STARTERS"]],
  ["haven't", ["NEGATORS", "CLAUSE_STARTERS"]],
  ["never", ["NEGATORS", "STRUCTURAL"]],
  ["excluding", ["EXCLUDERS", "STRUCTURAL"]],
  ["lapsed", ["LAPSE_WORDS"]],
  ["loyal", ["EVALUATIVE"]],
  ["vips", ["EVALUATIVE"]],
  ["twice", ["NUMBER_WORDS"]],
  ["products", ["FILLERS"]],
];

const SETS: Record<string, Set<string> | string[] | Record<string, number>> = {
  BUY_VERBS,
  CANCEL_WORDS,
  CLAUSE_STARTERS,
  EVALUATIVE,
  EXCLUDERS,
  FILLERS,
  HEAD_NOUNS,
  LAPSE_WORDS,
  NEGATORS,
  NUMBER_WORDS,
  STRUCTURAL,
};

function has(set: (typeof SETS)[string], word: string): boolean {
  if (set instanceof Set) return set.has(word);
  if (Array.isArray(set)) return set.includes(word);
  return word in set;
}

describe("lexicon", () => {
  for (const [word, classes] of CLASSES) {
    it(`${word}: ${classes.join(", ")}`, () => {
      for (const c of classes) expect(has(SETS[c]!, word), c).toBe(true);
    });
  }

  it("is lower case, as the tokens it is matched against", () => {
    for (const [name, set] of Object.entries(SETS)) {
      const words = set instanceof Set ? [...set] : Array.isArray(set) ? set : Object.keys(set);
      for (const w of words) expect(w, name).toBe(w.toLowerCase());
    }
  });

  it("never lets a negator count as a verb of buying or a filler", () => {
    for (const w of NEGATORS) {
      expect(BUY_VERBS.has(w), w).toBe(false);
      expect(FILLERS.has(w), w).toBe(false);
    }
  });

  it("gives every number word a value", () => {
    expect(NUMBER_WORDS.dozen).toBe(12);
    expect(Object.values(NUMBER_WORDS).every((n) => Number.isInteger(n) && n >= 0)).toBe(true);
  });
});
