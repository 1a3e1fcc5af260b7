import type { RuleExample } from "../example.ts";

export const examples: RuleExample[] = [
  {
    phrase: "customers who, in Q3 2011, bought lighting",
    root: {
      item: { values: ["Candles & Lighting"] },
      window: { from: "2011-07-01", to: "2011-10-01" },
    },
  },
  {
    phrase: "new customers in 2011",
    root: { type: "recency", which: "first", window: { from: "2011-01-01" } },
  },
];
