import type { RuleExample } from "../example.ts";

export const examples: RuleExample[] = [
  {
    phrase: "customers who bought candles in Q3 2011 and textiles in Q4 2011",
    root: {
      type: "and",
      children: [
        {
          item: { values: ["Candles & Lighting"] },
          window: { from: "2011-07-01", to: "2011-10-01" },
        },
        { item: { values: ["Textiles"] }, window: { from: "2011-10-01", to: "2012-01-01" } },
      ],
    },
  },
  {
    phrase: "customers who bought Easter items in April 2011 or garden products in May 2011",
    has: {
      item: { values: ["Garden & Outdoor"] },
      window: { from: "2011-05-01", to: "2011-06-01" },
    },
  },
];
