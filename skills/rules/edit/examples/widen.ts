import type { EditExample } from "../example.ts";

export const WIDEN: EditExample[] = [
  {
    base: "customers in France",
    edit: "include Belgium too",
    root: { type: "attribute", values: ["France", "Belgium"] },
  },
  {
    base: "customers in Spain who spent over £500",
    edit: "add Portugal as well",
    has: { type: "attribute", values: ["Spain", "Portugal"] },
  },
  {
    base: "customers who bought bags",
    edit: "or candles",
    root: { item: { facet: "category", values: ["Bags", "Candles & Lighting"] } },
  },
  {
    base: "customers who spent over £500",
    edit: "include Belgium too",
    refuses: "edit_no_change",
  },
];
