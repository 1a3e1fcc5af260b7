import type { EditExample } from "../example.ts";

export const BARE: EditExample[] = [
  {
    base: "customers in France",
    edit: "Germany",
    root: { type: "attribute", values: ["Germany"] },
  },
  {
    base: "customers who spent over £500",
    edit: "bags",
    has: { type: "behaviour", item: { facet: "category", values: ["Bags"] } },
  },
];
