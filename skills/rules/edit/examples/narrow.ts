import type { EditExample } from "../example.ts";

export const NARROW: EditExample[] = [
  {
    base: "customers who bought the regency cakestand 3 tier",
    edit: "only if they bought it in the second half of 2011 tho",
    has: { item: { facet: "product" }, window: { from: "2011-07-01", to: "2012-01-01" } },
    lacks: { item: { facet: "product_word" } },
  },
  {
    tenant: "demo-retail",
    base: "customers who bought Toys in 2024",
    edit: "right, 65+ only",
    has: { type: "attribute", facet: "age_band", values: ["65+"] },
  },
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
