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
  // Measures come from the tenant's catalog: demo-retail has one online-retail lacks.
  {
    phrase: "customers who bought from 3 or more different brands",
    tenant: "demo-retail",
    root: { measure: "distinct_brands", comparison: { op: "gte", value: 3 } },
  },
  // ...and online-retail, which has no brands, asks rather than counting products.
  { phrase: "customers who bought from 3 or more different brands", asks: "measure:" },
  {
    phrase: "customers who placed 5 separate orders",
    root: { measure: "orders", comparison: { op: "eq", value: 5 } },
  },
  // A count below one is having none.
  {
    phrase: "Customers with zero completed orders (only cancellations)",
    root: { type: "not", child: { event: "order", measure: "exists" } },
  },
  // The unit after words that only qualify it.
  {
    phrase: "3+ online orders in Q4 2024",
    tenant: "demo-retail",
    root: {
      measure: "orders",
      item: { facet: "channel", values: ["online"] },
      comparison: { op: "gte", value: 3 },
    },
  },
];
