import { describe, expect, it } from "vitest";
import { testTenant } from "../skills/rules/testing.ts";
import type { Condition } from "../state/segment.ts";
import { describeCondition } from "./explain.ts";
import { prov } from "./testing.ts";

const catalog = () => testTenant("online-retail").catalog;
const window = { from: "2011-01-01", to: "2012-01-01", label: "in 2011" };
const bags = { facet: "category", values: ["Bags"] };
const measured = (measure: string, extra: object = {}): Condition =>
  ({
    type: "behaviour",
    event: "order",
    measure,
    comparison: { op: "gt", value: 3 },
    provenance: prov("x"),
    ...extra,
  }) as Condition;

/** condition -> its sentence (each measure's phrasing is its catalog facet's) */
const SENTENCES: [Condition, string][] = [
  [measured("spend", { window }), "Spent more than £3.00 from 2011-01-01 to 2011-12-31"],
  [
    measured("spend", { comparison: { op: "lt", value: 100 }, zeroIfNone: true }),
    "Spent less than £100.00 at any time (no orders counts as £0)",
  ],
  [
    measured("orders", { item: bags }),
    "Placed more than 3 orders including Bags products at any time",
  ],
  [measured("orders", { event: "cancellation" }), "Cancelled more than 3 orders at any time"],
  [measured("units", { item: bags }), "Bought more than 3 units on Bags products at any time"],
  [measured("distinct_products"), "Bought more than 3 distinct products at any time"],
  [measured("distinct_categories"), "Bought from more than 3 distinct categories at any time"],
  [measured("aov"), "Average order value more than £3.00 at any time"],
  [
    { type: "behaviour", event: "line", item: bags, measure: "exists", provenance: prov("x") },
    "Ordered or cancelled Bags products at any time",
  ],
  [
    {
      type: "recency",
      which: "last",
      window: { to: "2011-06-01", label: "before June" },
      provenance: prov("x"),
    },
    "Last purchase before 2011-06-01",
  ],
];

describe("describeCondition", () => {
  for (const [condition, sentence] of SENTENCES) {
    it(sentence, () => expect(describeCondition(condition, catalog())).toBe(sentence));
  }

  it("phrases a tenant's own measure from its catalog (demo-retail's distinct brands)", () => {
    expect(describeCondition(measured("distinct_brands"), testTenant("demo-retail").catalog)).toBe(
      "Bought from more than 3 distinct brands at any time",
    );
  });
});
