import type { EditExample } from "../example.ts";

export const RETARGET: EditExample[] = [
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
