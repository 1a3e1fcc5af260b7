import type { RuleExample } from "../example.ts";

export const examples: RuleExample[] = [
  {
    phrase: "customers who cancelled orders in 2011 but not in 2010",
    has: { type: "not", child: { event: "cancellation", window: { from: "2010-01-01" } } },
  },
  {
    phrase: "customers who bought bags but not candles",
    has: { type: "not", child: { event: "order", item: { values: ["Candles & Lighting"] } } },
  },
];
