import type { RuleExample } from "../example.ts";

export const examples: RuleExample[] = [
  {
    phrase: "days since last order > 180",
    root: { type: "recency", which: "last", window: { to: "2011-06-13" } },
  },
  {
    phrase: "customers with days since last order over 120 in Germany",
    has: { type: "recency", which: "last", window: { to: "2011-08-12" } },
  },
  {
    phrase: "weeks since first purchase under 8",
    root: { type: "recency", which: "first", window: { from: "2011-10-16" } },
  },
];
