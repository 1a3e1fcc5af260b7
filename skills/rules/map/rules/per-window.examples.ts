import type { RuleExample } from "../example.ts";

export const examples: RuleExample[] = [
  {
    phrase: "customers who bought bags in both 2010 and 2011",
    root: {
      type: "and",
      children: [
        { item: { values: ["Bags"] }, window: { to: "2011-01-01" } },
        { item: { values: ["Bags"] }, window: { from: "2011-01-01" } },
      ],
    },
  },
  {
    phrase: "customers who ordered in both Q1 2011 and Q2 2011",
    has: { type: "behaviour", window: { from: "2011-04-01", to: "2011-07-01" } },
  },
];
