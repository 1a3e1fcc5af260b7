import type { RuleExample } from "../example.ts";

export const examples: RuleExample[] = [
  {
    phrase: "customers who bought toys but not in 2011",
    has: {
      type: "not",
      child: { item: { values: ["Toys & Kids"] }, window: { from: "2011-01-01" } },
    },
  },
  {
    phrase: "customers who bought Christmas items in 2010 and again in 2011",
    root: {
      type: "and",
      children: [
        { item: { values: ["Christmas"] }, window: { to: "2011-01-01" } },
        { item: { values: ["Christmas"] }, window: { from: "2011-01-01" } },
      ],
    },
  },
  // "none" is none of the items just named.
  {
    phrase: "customers who bought candles in autumn 2011 but none in winter",
    has: {
      type: "not",
      child: { item: { values: ["Candles & Lighting"] }, window: { from: "2011-12-01" } },
    },
  },
];
