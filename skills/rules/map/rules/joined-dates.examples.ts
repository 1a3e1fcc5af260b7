import type { RuleExample } from "../example.ts";

export const examples: RuleExample[] = [
  {
    phrase: "customers who bought Christmas items in October or November 2011",
    has: { type: "behaviour", window: { from: "2011-10-01", to: "2011-12-01" } },
  },
  {
    phrase: "customers who ordered in both 2010 and 2011",
    root: {
      type: "and",
      children: [
        { type: "behaviour", window: { from: "2010-01-01", to: "2011-01-01" } },
        { type: "behaviour", window: { from: "2011-01-01", to: "2012-01-01" } },
      ],
    },
  },
  {
    phrase: "customers who ordered in each of Jul, Aug and Sep 2011",
    root: {
      type: "and",
      children: [
        { window: { from: "2011-07-01", to: "2011-08-01" } },
        { window: { from: "2011-08-01", to: "2011-09-01" } },
        { window: { from: "2011-09-01", to: "2011-10-01" } },
      ],
    },
  },
  {
    phrase: "Wine & Spirits bought in store, December 2023 or December 2024",
    tenant: "demo-retail",
    root: {
      type: "or",
      children: [{ window: { from: "2023-12-01" } }, { window: { from: "2024-12-01" } }],
    },
  },
];
