import type { RuleExample } from "../example.ts";

export const examples: RuleExample[] = [
  {
    phrase: "customers who bought bags in 2011 in March",
    has: { type: "behaviour", window: { from: "2011-03-01", to: "2011-04-01" } },
  },
  {
    phrase: "customers who bought bags in March 2011 in June 2011",
    asks: "empty-window:",
  },
];
