import type { EditExample } from "../example.ts";

export const BARE: EditExample[] = [
  {
    tenant: "demo-retail",
    base: "customers who bought Toys in 2024",
    edit: "who are 35-44",
    has: { type: "attribute", facet: "age_band", values: ["35-44"] },
    root: { type: "and" },
  },
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
