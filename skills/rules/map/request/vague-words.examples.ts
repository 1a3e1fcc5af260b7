import type { RuleExample } from "../example.ts";

export const examples: RuleExample[] = [
  { phrase: "lapsed customers", asks: "unmapped:lapsed" },
  {
    phrase: "high spenders who spent over £10k",
    root: { measure: "spend", comparison: { op: "gt", value: 10000 } },
  },
  { phrase: "our most loyal customers", asks: "unmapped:" },
];
