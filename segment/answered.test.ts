import { describe, expect, it } from "vitest";
import { addedSpan, markAnswered, markWindows } from "./answered.ts";
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

describe("markWindows", () => {
  const spend = {
    type: "behaviour" as const,
    event: "order" as const,
    measure: "spend" as const,
    comparison: { op: "gt" as const, value: 1000 },
    window: { from: "2010-12-10", to: "2011-12-10", label: "in the last 12 months" },
    provenance: {
      span: "spent over £1,000",
      start: 0,
      end: 17,
      source: "catalog" as const,
      confidence: 0.9,
      producer: "rules/map@1",
    },
  };

  it("marks a condition dated by words memory added", () => {
    const marked = markWindows({ type: "and", children: [spend] }, ["In the last 12 months "]);
    expect(marked).toMatchObject({ children: [{ provenance: { source: "memory" } }] });
  });

  it("leaves a condition dated by other words alone", () => {
    expect(markWindows(spend, ["in 2011"])).toBe(spend);
  });
});
