import type { RuleExample } from "../example.ts";

export const examples: RuleExample[] = [
  {
    phrase: "customers who bought bags in Q4 2011",
    has: { type: "behaviour", window: { from: "2011-10-01", to: "2012-01-01" } },
  },
  {
    phrase: "bought candles since June 2011",
    has: { type: "behaviour", window: { from: "2011-06-01" } },
  },
];
