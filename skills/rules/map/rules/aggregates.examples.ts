import type { RuleExample } from "../example.ts";

export const examples: RuleExample[] = [
  {
    phrase: "customers who spent over £5k",
    root: { type: "behaviour", measure: "spend", comparison: { op: "gt", value: 5000 } },
  },
  {
    phrase: "customers with at least 3 orders",
    root: { measure: "orders", comparison: { op: "gte", value: 3 } },
  },
  {
    phrase: "customers with 10+ distinct products",
    root: { measure: "distinct_products", comparison: { op: "gte", value: 10 } },
  },
  {
    phrase: "customers with an average order value between £200 and £400",
    root: { measure: "aov", comparison: { op: "between", value: 200, value2: 400 } },
  },
  {
    phrase: "customers who cancelled more than 2 orders",
    root: { event: "cancellation", measure: "orders", comparison: { op: "gt", value: 2 } },
  },
  { phrase: "customers with more than 5", asks: "measure:" },
];
