import type { RuleExample } from "../example.ts";

export const examples: RuleExample[] = [
  {
    phrase: "customers who bought jewellery or bags",
    root: {
      type: "behaviour",
      item: { facet: "category", values: ["Jewellery & Accessories", "Bags"] },
    },
  },
  {
    phrase: "customers who bought jewellery and bags",
    root: {
      type: "and",
      children: [{ item: { values: ["Jewellery & Accessories"] } }, { item: { values: ["Bags"] } }],
    },
  },
  {
    phrase: "customers who bought Nike trainers",
    tenant: "demo-retail",
    has: { item: { facet: "brand", values: ["Nike"] }, andItems: [{ facet: "category" }] },
  },
  // "any of" opens a list of alternatives, commas included.
  {
    phrase: "bought any of: candles, bags, textiles",
    root: {
      type: "behaviour",
      item: { values: ["Candles & Lighting", "Bags", "Textiles"] },
    },
  },
  {
    phrase: "customers who never bought either of bags, storage",
    root: { type: "not", child: { item: { values: ["Bags", "Storage"] } } },
  },
];
