import type { EditExample } from "../example.ts";

export const RETARGET: EditExample[] = [
  {
    base: "customers who placed more than 8 orders",
    edit: "knock it down to 5",
    has: { measure: "orders", comparison: { op: "gt", value: 5 } },
  },
  {
    base: "customers who spent over £500 in Q2 2011",
    edit: "same but for Q3",
    has: { measure: "spend", window: { from: "2011-07-01", to: "2011-10-01" } },
  },
  {
    base: "customers who bought bags in Q4 2010",
    edit: "ok, do Q1 2011",
    has: { item: { facet: "category" }, window: { from: "2011-01-01", to: "2011-04-01" } },
  },
  {
    base: "customers who bought bags in 2011",
    edit: "last 6 months instead",
    has: { window: { from: "2011-06-10", to: "2011-12-10" } },
  },
  {
    base: "customers in France who placed at least 3 orders",
    edit: "make that 5 orders",
    has: { measure: "orders", comparison: { op: "gte", value: 5 } },
  },
  {
    base: "customers in France",
    edit: "make it Germany",
    root: { type: "attribute", values: ["Germany"] },
  },
  {
    base: "customers who spent over £500",
    edit: "make it Germany",
    has: { type: "attribute", values: ["Germany"] },
    root: { type: "and" },
  },
  {
    base: "customers in France",
    edit: "last 6 months instead",
    refuses: "edit_no_target",
  },
];
