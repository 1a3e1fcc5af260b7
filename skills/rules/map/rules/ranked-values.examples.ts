import type { RuleExample } from "../example.ts";

export const examples: RuleExample[] = [
  {
    phrase: "Silver tier and above customers in Wales",
    tenant: "demo-retail",
    has: { facet: "loyalty_tier", op: "in", values: ["silver", "gold", "platinum"] },
  },
  {
    phrase: "customers on gold or higher",
    tenant: "demo-retail",
    root: { facet: "loyalty_tier", values: ["gold", "platinum"] },
  },
  {
    phrase: "bronze tier and below",
    tenant: "demo-retail",
    root: { facet: "loyalty_tier", values: ["bronze"] },
  },
];
