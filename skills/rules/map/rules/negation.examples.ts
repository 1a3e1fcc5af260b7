import type { RuleExample } from "../example.ts";

export const examples: RuleExample[] = [
  {
    phrase: "customers who never bought Christmas items",
    root: { type: "not", child: { event: "line", item: { values: ["Christmas"] } } },
  },
  {
    phrase: "customers who have not ordered in the last 90 days",
    root: { type: "recency", which: "last", window: { to: "2011-09-11" } },
  },
  {
    phrase: "customers who bought bags excluding those who bought candles",
    has: { type: "not", child: { item: { values: ["Candles & Lighting"] } } },
  },
];
