import type { RuleExample } from "../example.ts";

export const examples: RuleExample[] = [
  {
    phrase: "customers with a single order over £200 in 2011",
    root: {
      measure: "order_value",
      comparison: { op: "gt", value: 200 },
      window: { from: "2011-01-01" },
    },
  },
  {
    phrase: "customers with at least one order worth more than £1,000",
    root: { measure: "order_value", comparison: { op: "gt", value: 1000 } },
  },
  // A single order alone is a count.
  {
    phrase: "customers who have only ever placed a single order",
    root: { measure: "orders", comparison: { op: "eq", value: 1 } },
    fires: false,
  },
];
