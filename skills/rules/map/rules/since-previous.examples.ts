import type { RuleExample } from "../example.ts";

export const examples: RuleExample[] = [
  {
    phrase: "customers who bought in November 2010 but not since",
    has: { type: "recency", which: "last", window: { to: "2010-12-01" } },
  },
  {
    phrase: "customers who bought candles in Q1 2011 but never bought candles after",
    has: {
      type: "not",
      child: {
        type: "behaviour",
        item: { values: ["Candles & Lighting"] },
        window: { from: "2011-04-01" },
      },
    },
  },
];
