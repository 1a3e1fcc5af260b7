import type { RuleExample } from "../example.ts";

export const examples: RuleExample[] = [
  {
    phrase: "2011 average order value between £100 and £200",
    root: {
      measure: "aov",
      comparison: { op: "between", value: 100, value2: 200 },
      window: { from: "2011-01-01", to: "2012-01-01" },
    },
  },
  {
    phrase: "customers with 2011 spend over £1,000",
    root: {
      measure: "spend",
      comparison: { op: "gt", value: 1000 },
      window: { from: "2011-01-01" },
    },
  },
];
