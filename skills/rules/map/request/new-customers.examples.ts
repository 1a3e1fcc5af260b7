import type { RuleExample } from "../example.ts";

export const examples: RuleExample[] = [
  { phrase: "new customers who bought bags", asks: "new-customers:" },
  {
    phrase: "new customers since September 2011",
    root: { type: "recency", which: "first", window: { from: "2011-09-01" } },
  },
  {
    phrase: "newly acquired customers in the last 90 days",
    root: { type: "recency", which: "first", window: { from: "2011-09-11" } },
  },
];
