import type { RuleExample } from "../example.ts";

export const examples: RuleExample[] = [
  {
    phrase: "UK customers who spent under £100",
    has: { measure: "spend", comparison: { op: "lt", value: 100 }, zeroIfNone: true },
  },
  // Without a population too: a customer with no orders has spend 0 (data contract).
  {
    phrase: "customers who spent less than £50 in total",
    root: { measure: "spend", comparison: { op: "lt", value: 50 }, zeroIfNone: true },
  },
  {
    phrase: "customers who ordered in the last 12 months but spent less than £250 in that period",
    root: {
      type: "and",
      children: [{ measure: "exists" }, { measure: "spend", zeroIfNone: true }],
    },
  },
  {
    phrase: "German customers who spent over £100",
    lacks: { zeroIfNone: true },
    fires: false,
    has: { measure: "spend", comparison: { op: "gt", value: 100 } },
  },
];
