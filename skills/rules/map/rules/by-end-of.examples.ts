import type { RuleExample } from "../example.ts";

export const examples: RuleExample[] = [
  {
    phrase: "customers who had placed their first order by the end of February 2011",
    has: { type: "recency", which: "first", window: { to: "2011-03-01" } },
  },
  {
    phrase: "customers who bought bags by the end of 2010",
    has: { type: "behaviour", window: { to: "2011-01-01" } },
    lacks: { window: { from: "2010-01-01" } },
  },
];
