import type { RuleExample } from "../example.ts";

export const examples: RuleExample[] = [
  {
    phrase: "customers who bought bags and bought bags",
    root: { type: "behaviour", item: { values: ["Bags"] } },
  },
  {
    phrase: "customers who ordered in 2011 and bought candles in 2011",
    root: { type: "behaviour", item: { values: ["Candles & Lighting"] } },
  },
  {
    phrase: "Electronics buyers 2024 - exclude anyone who bought Video Games",
    tenant: "demo-retail",
    root: {
      type: "and",
      children: [
        { item: { values: ["Electronics"] }, window: { from: "2024-01-01" } },
        { type: "not" },
      ],
    },
  },
  // The same period said twice in other words is one condition, not none.
  {
    phrase: "Easter Sunday 2011 shoppers (ordered on 24 April)",
    root: {
      type: "behaviour",
      measure: "exists",
      window: { from: "2011-04-24", to: "2011-04-25" },
    },
  },
];
