import type { RuleExample } from "../example.ts";

export const examples: RuleExample[] = [
  {
    phrase: "customers who bought Christmas items in October or November 2011",
    has: { type: "behaviour", window: { from: "2011-10-01", to: "2011-12-01" } },
  },
  {
    phrase: "customers who ordered in both 2010 and 2011",
    root: {
      type: "and",
      children: [
        { type: "behaviour", window: { from: "2010-01-01", to: "2011-01-01" } },
        { type: "behaviour", window: { from: "2011-01-01", to: "2012-01-01" } },
      ],
    },
  },
];
