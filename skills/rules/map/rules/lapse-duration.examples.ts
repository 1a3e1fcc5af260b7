import type { RuleExample } from "../example.ts";

export const examples: RuleExample[] = [
  {
    phrase: "lapsed 60+ days",
    root: { type: "recency", which: "last", window: { to: "2011-10-11" } },
  },
  {
    phrase: "French customers dormant for over 4 months",
    has: { type: "recency", which: "last", window: { to: "2011-08-10" } },
  },
  {
    phrase: "200 days inactive, 3+ orders",
    has: { type: "recency", which: "last", window: { to: "2011-05-24" } },
  },
  // A lapse word without a duration is still asked about.
  { phrase: "lapsed customers", fires: false, asks: "unmapped:lapsed" },
];
