import type { RuleExample } from "../example.ts";

export const examples: RuleExample[] = [
  {
    phrase: "customers who bought bags 5 or more months ago",
    has: { type: "behaviour", item: { values: ["Bags"] }, window: { to: "2011-07-10" } },
  },
  {
    phrase: "customers whose last order was 6 or more months ago",
    root: { type: "recency", which: "last", window: { to: "2011-06-10" } },
  },
];
