import type { EditExample } from "../example.ts";

export const EXCLUDE: EditExample[] = [
  {
    base: "customers in France",
    edit: "but not those who bought bags",
    has: { type: "not", child: { item: { facet: "category", values: ["Bags"] } } },
  },
  {
    base: "customers who spent over £1,000",
    edit: "exclude anyone from Germany",
    has: { type: "attribute", facet: "country", op: "not_in", values: ["Germany"] },
  },
  {
    base: "customers in France or Germany",
    edit: "minus the Germans",
    root: { type: "attribute", values: ["France"] },
  },
  {
    base: "customers who bought candles",
    edit: "leave out people who cancelled an order",
    has: { type: "not", child: { event: "cancellation" } },
  },
  {
    base: "customers in France",
    edit: "excluding France",
    refuses: "edit_no_change",
  },
];
