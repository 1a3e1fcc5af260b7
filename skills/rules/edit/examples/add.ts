import type { EditExample } from "../example.ts";

export const ADD: EditExample[] = [
  {
    base: "customers with at least 5 orders who bought candles",
    edit: "now just the ones who haven't ordered since 1 October",
    has: { type: "recency", which: "last", window: { to: "2011-10-01" } },
    root: { type: "and" },
  },
  {
    base: "customers who bought bags in Q3 2011",
    edit: "and who bought candles in that same period",
    has: {
      item: { facet: "category", values: ["Candles & Lighting"] },
      window: { from: "2011-07-01" },
    },
  },
  {
    base: "customers in France",
    edit: "only the ones who spent over £500",
    has: { type: "behaviour", measure: "spend", comparison: { op: "gt", value: 500 } },
    root: { type: "and" },
  },
  {
    base: "customers in France",
    edit: "and who ordered at least 3 times",
    has: { type: "behaviour", measure: "orders", comparison: { op: "gte", value: 3 } },
  },
  {
    base: "UK customers",
    edit: "also need them to have bought candles",
    has: { type: "behaviour", item: { facet: "category", values: ["Candles & Lighting"] } },
  },
  {
    base: "customers who bought bags",
    edit: "placed an order in the last 90 days",
    has: { type: "behaviour", window: { from: "2011-09-11", to: "2011-12-10" } },
  },
  {
    base: "customers who spent over £1,000",
    edit: "only those who spent over £2,000",
    has: { measure: "spend", comparison: { op: "gt", value: 2000 } },
    lacks: { measure: "spend", comparison: { op: "gt", value: 1000 } },
  },
  {
    base: "customers who bought a doormat in autumn 2011",
    edit: "fine, add a spend condition then: over £300 total",
    has: { measure: "spend", comparison: { op: "gt", value: 300 } },
    lacks: { measure: "spend", item: {} },
  },
];
