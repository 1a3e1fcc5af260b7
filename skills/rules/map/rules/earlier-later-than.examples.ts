import type { RuleExample } from "../example.ts";

export const examples: RuleExample[] = [
  {
    phrase: "customers whose first order was earlier than 1 May 2011",
    has: { type: "recency", which: "first", window: { to: "2011-05-01" } },
  },
  {
    phrase: "customers whose last order was later than March 2011",
    has: { type: "recency", which: "last", window: { from: "2011-04-01" } },
  },
];
