import type { RuleExample } from "../example.ts";

export const examples: RuleExample[] = [
  {
    phrase: "Spring reactivation: customers who placed at least 2 orders in the last 90 days",
    root: {
      measure: "orders",
      comparison: { op: "gte", value: 2 },
      window: { from: "2011-09-11" },
    },
  },
  {
    phrase: "Q1 2011 cohort - customers whose first purchase was in Q1 2011",
    root: { type: "recency", which: "first", window: { from: "2011-01-01", to: "2011-04-01" } },
  },
  {
    phrase: "Geo: customers in the US or Canada",
    root: { type: "attribute", values: ["USA", "Canada"] },
  },
  {
    phrase: "scandi shoppers - norway, sweden, denmark, finland",
    root: { type: "attribute", values: ["Norway", "Sweden", "Denmark", "Finland"] },
  },
  // A header that states values is a condition, not a name.
  {
    phrase: "Germany - customers who bought textiles",
    root: { type: "and", children: [{ values: ["Germany"] }, { item: { values: ["Textiles"] } }] },
    fires: false,
  },
  // The piece after a short leading label is a name too when it states no condition.
  {
    phrase: "Region: Benelux - Belgium, Netherlands",
    root: { type: "attribute", values: ["Belgium", "Netherlands"] },
  },
  // After "Name:" or "List:" the next piece is the name, whatever it mentions.
  {
    phrase: "Name: German candle fans | 3+ orders | bought candles",
    root: {
      type: "and",
      children: [{ measure: "orders" }, { item: { values: ["Candles & Lighting"] } }],
    },
    lacks: { values: ["Germany"] },
  },
  {
    phrase: "List name: spring bag lovers - bought bags in Q2 2011",
    root: { item: { values: ["Bags"] }, window: { from: "2011-04-01" } },
  },
  // A campaign word beside a value: the value is a condition, the word its name.
  {
    phrase: "Retention France: 2+ orders",
    root: { type: "and", children: [{ values: ["France"] }, { measure: "orders" }] },
    fires: false,
  },
];
