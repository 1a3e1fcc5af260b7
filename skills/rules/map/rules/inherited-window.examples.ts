import type { RuleExample } from "../example.ts";

export const examples: RuleExample[] = [
  {
    phrase: "customers who bought candles in 2011 but no bags",
    has: { type: "not", child: { item: { values: ["Bags"] }, window: { from: "2011-01-01" } } },
  },
  {
    phrase: "customers who bought textiles in Q4 2011 but not candles",
    has: {
      type: "not",
      child: { item: { values: ["Candles & Lighting"] }, window: { from: "2011-10-01" } },
    },
  },
];
