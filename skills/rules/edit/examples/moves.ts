import type { EditExample } from "../example.ts";

export const SHIFT: EditExample[] = [
  {
    base: "customers who bought bags in Q3 2011",
    edit: "same period a year earlier",
    has: { window: { from: "2010-07-01", to: "2010-10-01" } },
  },
  {
    base: "customers who bought candles in March 2011",
    edit: "a month later",
    has: { window: { from: "2011-04-01", to: "2011-05-01" } },
  },
  { base: "customers in France", edit: "the year before", refuses: "edit_no_target" },
];

export const BARE_AMOUNT: EditExample[] = [
  {
    base: "customers who spent over £500",
    edit: "£800 then",
    root: { measure: "spend", comparison: { op: "gt", value: 800 } },
  },
  {
    base: "customers with fewer than 5 orders",
    edit: "fewer than 10",
    root: { measure: "orders", comparison: { op: "lt", value: 10 } },
  },
  {
    base: "customers who bought Easter items in April 2011",
    edit: "whole of Q2 now",
    has: { window: { from: "2011-04-01", to: "2011-07-01" } },
  },
];

const history = { versions: [1, 2, 3], undo: [1, 2], redo: [] };

export const BRING_BACK: EditExample[] = [
  {
    base: "UK customers",
    edit: "bring the spend filter back",
    version: 3,
    history: {
      ...history,
      trees: [
        {
          version: 2,
          root: {
            type: "and",
            children: [
              {
                type: "attribute",
                facet: "country",
                op: "in",
                values: ["United Kingdom"],
                provenance: {
                  span: "UK",
                  start: 0,
                  end: 2,
                  source: "catalog",
                  confidence: 1,
                  producer: "test",
                },
              },
              {
                type: "behaviour",
                event: "order",
                measure: "spend",
                comparison: { op: "gt", value: 2000 },
                provenance: {
                  span: "spent over 2k",
                  start: 0,
                  end: 13,
                  source: "inferred",
                  confidence: 1,
                  producer: "test",
                },
              },
            ],
          },
        },
      ],
    },
    has: { measure: "spend", comparison: { op: "gt", value: 2000 } },
  },
  {
    base: "UK customers",
    edit: "put the Christmas condition back",
    version: 3,
    history: { ...history, trees: [] },
    refuses: "edit_no_target",
  },
];
