import type { EditExample } from "../example.ts";

export const REPLACE: EditExample[] = [
  {
    base: "customers in Spain with an average order value above £100",
    edit: "AOV floor => £300",
    has: { measure: "aov", comparison: { op: "gt", value: 300 } },
  },
  {
    base: "customers who bought candles in 2011",
    edit: "swap candles -> bags",
    has: { item: { facet: "category", values: ["Bags"] }, window: { from: "2011-01-01" } },
    lacks: { values: ["Candles & Lighting"] },
  },
  {
    base: "customers in France who spent over £500",
    edit: "make it Germany instead of France",
    has: { type: "attribute", facet: "country", values: ["Germany"] },
    lacks: { values: ["France"] },
  },
  {
    base: "customers who spent over £1,000",
    edit: "change £1,000 to £2,000",
    root: { measure: "spend", comparison: { op: "gt", value: 2000 } },
  },
  {
    base: "customers in France",
    edit: "swap France for Spain",
    root: { type: "attribute", values: ["Spain"] },
  },
  {
    base: "customers who bought bags in Q4 2011",
    edit: "make it Q3 2011 not Q4 2011",
    has: { window: { from: "2011-07-01", to: "2011-10-01" } },
  },
  {
    base: "customers in France or Spain",
    edit: "Portugal instead of Spain",
    root: { type: "attribute", values: ["France", "Portugal"] },
  },
  {
    base: "customers in France",
    edit: "change Italy to Spain",
    refuses: "edit_no_target",
  },
];
