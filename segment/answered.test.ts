import { describe, expect, it } from "vitest";
import { addedSpan, markAnswered } from "./answered.ts";
import { country, prov, spent } from "./testing.ts";

/** [request before, request after the answer, the words the answer brought] */
const ADDED: [string, string, string[]][] = [
  [
    "lapsed customers",
    "lapsed customers who have not ordered in the last 90 days",
    ["who have not ordered in the last 90 days"],
  ],
  ["customers in Atlantis", "customers in France", ["France"]],
  // An option that drops the vague word and adds a clause.
  [
    "lapsed customers in the UK",
    "customers in the UK who have not ordered in the last 90 days",
    ["who have not ordered in the last 90 days"],
  ],
  ["customers with a shoe size of 42", "customers", []],
  ["UK customers", "UK customers", []],
];

describe("addedSpan", () => {
  for (const [before, after, words] of ADDED) {
    it(`${before} -> ${after}`, () =>
      expect(addedSpan(before, after).map((s) => after.slice(s.start, s.end).trim())).toEqual(
        words,
      ));
  }
});

describe("markAnswered", () => {
  it("makes the conditions read from the answer's words the user's, and only those", () => {
    const text = "UK customers who spent over £500";
    const uk = { ...country("United Kingdom"), provenance: prov("UK", 0) };
    const spend = { ...spent("gt", 500), provenance: prov("spent over £500", 17) };
    const marked = markAnswered({ type: "and", children: [uk, spend] }, [
      { start: 13, end: text.length },
    ]);
    expect(marked).toMatchObject({
      children: [{ provenance: { source: "catalog" } }, { provenance: { source: "user" } }],
    });
  });
});
