import type { RuleExample } from "../example.ts";

export const examples: RuleExample[] = [
  {
    phrase: "customers who bought bags or spent over £500",
    root: { type: "or", children: [{ item: { values: ["Bags"] } }, { measure: "spend" }] },
  },
  {
    phrase: "French customers who bought candles",
    root: { type: "and", children: [{ type: "attribute" }, { type: "behaviour" }] },
  },
];
