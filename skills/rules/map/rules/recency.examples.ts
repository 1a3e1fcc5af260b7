import type { RuleExample } from "../example.ts";

export const examples: RuleExample[] = [
  {
    phrase: "customers whose first order was in Q1 2011",
    root: { type: "recency", which: "first", window: { from: "2011-01-01", to: "2011-04-01" } },
  },
  {
    phrase: "customers whose last purchase was before March 2011",
    root: { type: "recency", which: "last", window: { to: "2011-03-01" } },
  },
  { phrase: "customers by last purchase", asks: "recency-window:" },
];
