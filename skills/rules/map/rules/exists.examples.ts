import type { RuleExample } from "../example.ts";

export const examples: RuleExample[] = [
  {
    phrase: "customers who bought Christmas decorations",
    root: { type: "behaviour", event: "order", measure: "exists", item: { values: ["Christmas"] } },
  },
  {
    phrase: "customers who cancelled an order",
    root: { type: "behaviour", event: "cancellation", measure: "exists" },
  },
];
