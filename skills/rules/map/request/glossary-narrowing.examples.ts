import type { RuleExample } from "../example.ts";

export const examples: RuleExample[] = [
  {
    phrase: "gold and platinum loyalty members",
    tenant: "demo-retail",
    root: { type: "attribute", facet: "loyalty_tier", values: ["gold", "platinum"] },
  },
  {
    phrase: "Gen Z loyalty members aged 18-24 in Wales",
    tenant: "demo-retail",
    has: { type: "attribute", facet: "age_band", values: ["18-24"] },
  },
];
