import type { RuleExample } from "../example.ts";

export const examples: RuleExample[] = [
  {
    phrase: "customers with 3 orders in the last 180 days and £200 spend in the last 60 days",
    root: {
      type: "and",
      children: [
        { measure: "orders", window: { from: "2011-06-13" } },
        { measure: "spend", window: { from: "2011-10-11" } },
      ],
    },
  },
  {
    phrase: "repeat purchasers with lifetime AOV over £300 and at least one order in Q4 2011",
    has: { measure: "aov", comparison: { op: "gt", value: 300 } },
    lacks: { measure: "aov", window: { from: "2011-10-01" } },
  },
];
