import type { RuleExample } from "../example.ts";

export const examples: RuleExample[] = [
  {
    phrase: "customers whose last order was more than 6 months ago",
    has: { type: "recency", which: "last", window: { to: "2011-06-10" } },
  },
  {
    phrase: "customers whose first purchase was less than 30 days ago",
    has: { type: "recency", which: "first", window: { from: "2011-11-10" } },
  },
];
