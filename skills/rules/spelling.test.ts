import { describe, expect, it } from "vitest";
import { testTenant } from "./testing.ts";

const speller = () => testTenant("online-retail").speller;

/** typed -> corrected request */
const CORRECTED: [string, string][] = [
  ["custmers in Germnay", "customers in germany"],
  ["customers who purchsed lantrens", "customers who purchased lanterns"],
  ["shoppers in Portugl", "shoppers in portugal"],
  ["cancelations in 2011", "cancellations in 2011"],
];

/** requests no word of which may change */
const UNCHANGED = [
  "customers who bought teapots", // a product-name word, not a typo
  "customers in the UK", // short words are never corrected
  "REGENCY cakestand buyers",
  "customers who bought doilies",
];

describe("SpellingCorrector", () => {
  for (const [typed, fixed] of CORRECTED) {
    it(`${typed} -> ${fixed}`, () => {
      const { text, corrections } = speller().correct(typed);
      expect(text.toLowerCase()).toBe(fixed);
      for (const c of corrections) expect(typed.slice(c.start, c.end)).toBe(c.from);
    });
  }

  for (const request of UNCHANGED) {
    it(`keeps "${request}"`, () => expect(speller().correct(request).corrections).toEqual([]));
  }

  it("knows grammar, catalog and product words, and their plurals", () => {
    for (const w of ["customers", "haven't", "germany", "christmas", "retrospot", "teapots"])
      expect(speller().isKnown(w), w).toBe(true);
    expect(speller().isKnown("zqxv")).toBe(false);
  });

  it("suggests nothing on a tie or when no word is close", () => {
    expect(speller().suggest("qwertyuiop")).toBeUndefined();
  });
});
