import type { EditExample } from "../example.ts";

export const REMOVE: EditExample[] = [
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
