import type { RuleExample } from "../example.ts";

export const examples: RuleExample[] = [
  {
    phrase: "customers who bought bags but spent under £50 on them",
    has: { measure: "spend", item: { values: ["Bags"] }, comparison: { op: "lt", value: 50 } },
  },
  {
    phrase: "customers who bought candles and spent over £100 on those items",
    has: { measure: "spend", item: { values: ["Candles & Lighting"] } },
  },
];
