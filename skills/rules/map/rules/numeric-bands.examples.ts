import type { RuleExample } from "../example.ts";

export const examples: RuleExample[] = [
  {
    phrase: "customers over 55s in Scotland",
    tenant: "demo-retail",
    has: { facet: "age_band", values: ["55-64", "65+"] },
  },
  {
    phrase: "customers aged 55 and over",
    tenant: "demo-retail",
    root: { facet: "age_band", values: ["55-64", "65+"] },
  },
  {
    phrase: "age band 18-24 customers in London",
    tenant: "demo-retail",
    has: { facet: "age_band", values: ["18-24"] },
  },
  {
    phrase: "customers aged 40",
    tenant: "demo-retail",
    root: { facet: "age_band", values: ["35-44"] },
  },
  { phrase: "customers aged 30 to 40", tenant: "demo-retail", asks: "band:age_band" },
  {
    phrase: "customers aged 25-34 or 35-44 who bought makeup",
    tenant: "demo-retail",
    has: { facet: "age_band", values: ["25-34", "35-44"] },
  },
];
