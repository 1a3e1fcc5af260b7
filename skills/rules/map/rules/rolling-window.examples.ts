import type { RuleExample } from "../example.ts";

export const examples: RuleExample[] = [
  { phrase: "customers who ordered twice within a month", asks: "rolling:within a month" },
  {
    phrase: "customers with 5 orders within any 30 days",
    asks: "rolling:within any 30 days",
    lacks: { comparison: { value: 30 } },
  },
];
