import type { EditExample } from "../example.ts";

export const EXCLUDE: EditExample[] = [
  // People first, the verdict last.
  {
    base: "customers who spent over £100",
    edit: "people in Germany can go",
    has: { type: "attribute", facet: "country", op: "not_in", values: ["Germany"] },
  },
  {
    tenant: "demo-retail",
    base: "customers in Scotland",
    edit: "anyone who bought Le Creuset: out",
    has: { type: "not", child: { item: { facet: "brand" } } },
  },
  // A window named by pointing at the segment's own.
  {
    base: "customers who ordered in October 2011",
    edit: "leave out anyone who bought doormats back then",
    has: {
      type: "not",
      child: { item: { values: ["doormat"] }, window: { from: "2011-10-01" } },
    },
  },
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
