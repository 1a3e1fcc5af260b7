import type { RuleExample } from "../example.ts";

export const examples: RuleExample[] = [
  { phrase: "lapsed customers", asks: "unmapped:lapsed" },
  {
    phrase: "high spenders who spent over £10k",
    root: { measure: "spend", comparison: { op: "gt", value: 10000 } },
  },
  { phrase: "our most loyal customers", asks: "unmapped:" },
  { phrase: "recent customers in France", asks: "vague:recent" },
  { phrase: "customers who buy a lot", asks: "vague:a lot" },
  { phrase: "customers likely to churn", asks: "vague:likely to churn" },
  {
    phrase: "recent customers who ordered in the last 30 days",
    root: { type: "behaviour", window: { from: "2011-11-10" } },
  },
];
