import type { RuleExample } from "../example.ts";

export const examples: RuleExample[] = [
  {
    phrase: "UK customers who spent under £100",
    has: { measure: "spend", comparison: { op: "lt", value: 100 }, zeroIfNone: true },
  },
  {
    phrase: "German customers who spent over £100",
    lacks: { zeroIfNone: true },
    has: { measure: "spend", comparison: { op: "gt", value: 100 } },
  },
];
