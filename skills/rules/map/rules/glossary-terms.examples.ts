import type { RuleExample } from "../example.ts";

export const examples: RuleExample[] = [
  {
    phrase: "VIPs in Germany",
    root: {
      type: "and",
      children: [
        { facet: "country", values: ["Germany"] },
        {
          measure: "spend",
          comparison: { op: "gt", value: 5000 },
          provenance: {
            span: "VIPs",
            source: "glossary",
            glossary: { term: "VIP customers", version: 1 },
          },
        },
      ],
    },
  },
  {
    phrase: "overseas repeat buyers",
    root: {
      type: "and",
      children: [
        {
          facet: "country",
          op: "not_in",
          values: ["United Kingdom"],
          provenance: { span: "overseas" },
        },
        {
          measure: "orders",
          comparison: { op: "gte", value: 2 },
          provenance: { span: "repeat buyers" },
        },
      ],
    },
  },
  {
    phrase: "Millennials in the Midlands on platinum",
    tenant: "demo-retail",
    root: {
      type: "and",
      children: [
        { facet: "loyalty_tier", values: ["platinum"] },
        { facet: "age_band", values: ["25-34", "35-44"] },
        { facet: "region", values: ["East Midlands", "West Midlands"] },
      ],
    },
  },
  {
    phrase: "Northern Ireland, not enroled in the loyalty programme",
    tenant: "demo-retail",
    root: {
      type: "and",
      children: [
        { facet: "region", op: "in", values: ["Northern Ireland"] },
        { facet: "loyalty_tier", op: "not_in", values: ["bronze", "silver", "gold", "platinum"] },
      ],
    },
  },
];
