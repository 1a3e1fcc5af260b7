import type { RuleExample } from "../example.ts";

export const examples: RuleExample[] = [
  { phrase: "customers with a shoe size of 42", asks: "unmapped:" },
  {
    phrase: "customers who bought fees (postage, carriage and similar charges)",
    has: { item: { values: ["Fees & Adjustments"] } },
  },
  // A word the user defines in the parenthesis after it is what the parenthesis says.
  {
    phrase: "DACH audience (DE / AT / CH)",
    root: { type: "attribute", values: ["Germany", "Austria", "Switzerland"] },
  },
  {
    phrase: "VIPs (over £2,500 spent) in Spain",
    has: { measure: "spend", comparison: { op: "gt", value: 2500 } },
    lacks: { comparison: { value: 5000 } },
  },
];
