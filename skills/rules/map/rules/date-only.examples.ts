import type { RuleExample } from "../example.ts";

export const examples: RuleExample[] = [
  {
    phrase: "customers who spent over £100, in 2011",
    root: { type: "behaviour", measure: "spend", window: { from: "2011-01-01", to: "2012-01-01" } },
  },
  {
    phrase: "customers in Q3 2011",
    root: {
      type: "behaviour",
      measure: "exists",
      window: { from: "2011-07-01", to: "2011-10-01" },
    },
  },
];
