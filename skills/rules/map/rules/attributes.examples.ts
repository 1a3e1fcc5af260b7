import type { RuleExample } from "../example.ts";

export const examples: RuleExample[] = [
  {
    phrase: "German or Swiss customers",
    root: { type: "attribute", facet: "country", op: "in", values: ["Germany", "Switzerland"] },
  },
  {
    phrase: "customers outside the UK",
    root: { type: "attribute", op: "not_in", values: ["United Kingdom"] },
  },
  {
    phrase: "non-UK customers who bought bags",
    has: { type: "attribute", op: "not_in", values: ["United Kingdom"] },
  },
  {
    phrase: "customers in London on the gold tier",
    tenant: "demo-retail",
    root: {
      type: "and",
      children: [
        { facet: "region", values: ["London"] },
        { facet: "loyalty_tier", values: ["gold"] },
      ],
    },
  },
];
