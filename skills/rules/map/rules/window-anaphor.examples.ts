import type { RuleExample } from "../example.ts";

export const examples: RuleExample[] = [
  {
    phrase: "customers who bought bags in Q2 2011 and spent less than £250 in that period",
    has: {
      measure: "spend",
      comparison: { op: "lt", value: 250 },
      window: { from: "2011-04-01", to: "2011-07-01" },
    },
  },
  {
    phrase: "customers who ordered in March 2011 and placed 3 or more orders during the same month",
    has: { measure: "orders", window: { from: "2011-03-01", to: "2011-04-01" } },
  },
];
