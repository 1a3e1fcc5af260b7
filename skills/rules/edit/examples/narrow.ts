import type { EditExample } from "../example.ts";

export const NARROW: EditExample[] = [
  {
    base: "customers in Spain or Portugal",
    edit: "only Spain, not Portugal",
    root: { type: "attribute", values: ["Spain"] },
  },
  {
    base: "customers who spent over £1,000",
    edit: "just the UK ones",
    has: { type: "attribute", values: ["United Kingdom"] },
  },
  {
    tenant: "demo-retail",
    base: "gold and platinum members",
    edit: "only platinum",
    root: { type: "attribute", facet: "loyalty_tier", values: ["platinum"] },
  },
];
