import type { EditExample } from "../example.ts";

export const WIDEN: EditExample[] = [
  {
    tenant: "demo-retail",
    base: "customers in Wales",
    edit: "who are silver or bronze",
    has: { type: "attribute", facet: "loyalty_tier", values: ["silver", "bronze"] },
    root: { type: "and" },
  },
  {
    tenant: "demo-retail",
    base: "customers who bought Toys",
    edit: "and slap the 25-34 band on",
    has: { type: "attribute", facet: "age_band", values: ["25-34"] },
    lacks: { item: { facet: "product_word" } },
  },
  {
    tenant: "demo-retail",
    base: "customers in Scotland",
    edit: "and who bought online",
    has: { type: "behaviour" },
  },
  {
    tenant: "demo-retail",
    base: "customers who ordered more than twice",
    edit: "who are also platinum",
    has: { type: "attribute", facet: "loyalty_tier", values: ["platinum"] },
    root: { type: "and" },
  },
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
  {
    base: "customers who spent over £500",
    edit: "open it up to Belgium",
    refuses: "edit_no_change",
  },
  // With no condition on the facet, "also" and "add" can only mean a new condition.
  {
    tenant: "demo-retail",
    base: "customers who bought Electronics",
    edit: "add the silver tier",
    has: { type: "attribute", facet: "loyalty_tier", values: ["silver"] },
    root: { type: "and" },
  },
  {
    tenant: "demo-retail",
    base: "customers who spent over £100",
    edit: "and they need to be in Scotland as well",
    has: { type: "attribute", facet: "region" },
    root: { type: "and" },
  },
];
