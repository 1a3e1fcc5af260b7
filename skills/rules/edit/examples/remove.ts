import type { EditExample } from "../example.ts";

export const REMOVE: EditExample[] = [
  // Several targets in one message: every one goes.
  {
    base: "customers in France, Germany or Spain",
    edit: "remove France and Germany",
    root: { type: "attribute", facet: "country", values: ["Spain"] },
  },
  // What a later part narrows to stays: only the values before it go.
  {
    base: "customers in Italy or Greece",
    edit: "take off greece, italy only",
    root: { type: "attribute", facet: "country", values: ["Italy"] },
  },
  {
    base: "customers in Norway, Sweden or Denmark",
    edit: "remove denmark; norway and sweden only",
    root: { type: "attribute", facet: "country", values: ["Norway", "Sweden"] },
  },
  {
    base: "customers in France who spent over £500 and bought bags",
    edit: "drop the country and the spend",
    root: { type: "behaviour", item: { facet: "category", values: ["Bags"] } },
  },
  {
    base: "customers in France who spent over £500",
    edit: "drop the country and the spend",
    refuses: "edit_empties_segment",
  },
  {
    tenant: "demo-retail",
    base: "customers who bought Toys in 2024",
    edit: "take out the 55-64 crowd",
    has: { type: "attribute", facet: "age_band", op: "not_in", values: ["55-64"] },
  },
  // Removal said after its target, with the talk that joins it to the last change.
  {
    base: "customers in Spain who spent over £500",
    edit: "the spend bit can go too",
    lacks: { measure: "spend" },
    root: { type: "attribute", facet: "country" },
  },
  {
    tenant: "demo-retail",
    base: "gold customers who bought Electronics",
    edit: "tier doesnt matter anymore",
    lacks: { type: "attribute", facet: "loyalty_tier" },
  },
  {
    base: "customers who bought bags and never cancelled an order",
    edit: "cancellations are ok, don't filter on them",
    lacks: { type: "not" },
  },
  {
    base: "customers who bought candles in 2011",
    edit: "the 2011 limit as well - all time is fine",
    lacks: { window: {} },
    has: { item: { facet: "category" } },
  },
  {
    base: "customers in France who spent over £500",
    edit: "drop the country filter",
    lacks: { type: "attribute", facet: "country" },
    has: { measure: "spend" },
  },
  {
    base: "customers who bought Christmas items in November 2011",
    edit: "forget the date part",
    lacks: { window: { from: "2011-11-01" } },
    has: { item: { facet: "category", values: ["Christmas"] } },
  },
  {
    base: "German customers who bought Christmas items",
    edit: "without the Christmas condition",
    lacks: { item: { values: ["Christmas"] } },
    root: { type: "attribute", facet: "country" },
  },
  {
    base: "customers in France or Germany who spent over £500",
    edit: "remove Germany",
    has: { type: "attribute", values: ["France"] },
    lacks: { type: "attribute", values: ["Germany"] },
  },
  {
    base: "customers in France who placed at least 5 orders",
    edit: "get rid of the second condition",
    lacks: { measure: "orders" },
  },
  {
    base: "UK customers who spent over £500",
    edit: "drop the age filter",
    refuses: "edit_no_target",
  },
  {
    base: "UK customers who bought Christmas items in November 2011 but haven't ordered since December 2011",
    edit: "drop the date",
    asks: 2,
  },
  {
    base: "customers in France",
    edit: "remove the country filter",
    refuses: "edit_empties_segment",
  },
  {
    base: "customers in France who spent over £500",
    edit: "any country is fine",
    lacks: { type: "attribute" },
  },
];
