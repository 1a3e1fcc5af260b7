import type { RuleExample } from "../example.ts";

export const examples: RuleExample[] = [
  { phrase: "customers with a shoe size of 42", asks: "unmapped:" },
  {
    phrase: "customers who bought fees (postage, carriage and similar charges)",
    has: { item: { values: ["Fees & Adjustments"] } },
  },
];
