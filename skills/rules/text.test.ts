import { describe, expect, it } from "vitest";
import { normaliseRequest, singular, tokenize } from "./text.ts";

/** raw request -> normalised request */
const NORMALISED: [string, string][] = [
  ["customers who bought  “heart”  items", 'customers who bought "heart" items'],
  ["who haven’t ordered", "who haven't ordered"],
  ["spent £200–£400", "spent £200-£400"],
  ["orders w/ bags", "orders with bags"],
  ["swap candles -> bags", "swap candles \u2192 bags"],
  ["Q3 => Q4", "Q3 \u2192 Q4"],
  ["ctrl+z that", "undo that"],
  ["Cmd-Shift-Z", "redo"],
  ["customers w/o orders", "customers without orders"],
  ["all customers excl. UK", "all customers excluding UK"],
  ["ordered in the last fortnight", "ordered in the last 2 weeks"],
  ["ordered within 3 fortnights", "ordered within 6 weeks"],
  ["customers who's spent over £5k", "customers who is spent over £5k"],
  ["whose baskets contained candles", "whose orders contained candles"],
  ["customers who've bought bags", "customers who have bought bags"],
  ["they'd bought bags", "they had bought bags"],
  ["  spaced\u00a0out\tcustomers ", "spaced out customers"],
  [
    "amount_spent > 1000 AND last_order_date within last 30 days",
    "amount spent > 1000 AND last order date within last 30 days",
  ],
  ["under-25s and over-55s", "under 25s and over 55s"],
  ["bought candles L14D", "bought candles last 14 days"],
  ["3+ orders in the l8w", "3+ orders in the last 8 weeks"],
  ["spend T6M over £40", "spend last 6 months over £40"],
  ["AOV LTM", "AOV last 12 months"],
  ["2 orders L1Y", "2 orders last 1 year"],
  ["units\u2265 12", "units >= 12"],
  ["spend \u2264£75", "spend <= £75"],
  ["basket val over £9", "basket value over £9"],
  ["orders \u2260 2", "orders not exactly 2"],
  ["units != 6", "units not exactly 6"],
  ["average order vals.", "average order value"],
];

/** text -> [token text, kind][] */
const TOKENS: [string, [string, string][]][] = [
  [
    "haven't bought t-lights",
    [
      ["haven't", "word"],
      ["bought", "word"],
      ["t-lights", "word"],
    ],
  ],
  [
    "over £5k",
    [
      ["over", "word"],
      ["£", "symbol"],
      ["5", "number"],
      ["k", "word"],
    ],
  ],
  [
    "10,000.50 in the U.S.",
    [
      ["10,000.50", "number"],
      ["in", "word"],
      ["the", "word"],
      ["U.S.", "word"],
    ],
  ],
  [
    "'heart', 3rd",
    [
      ["'", "quote"],
      ["heart", "word"],
      ["'", "quote"],
      [",", "symbol"],
      ["3rd", "number"],
    ],
  ],
  // A sentence's closing dot is not a token; "u.s." keeps its dots.
  ["bags.", [["bags", "word"]]],
];

const SINGULAR: [string, string][] = [
  ["teapots", "teapot"],
  ["candies", "candy"],
  ["boxes", "box"],
  ["glasses", "glass"],
  ["bus", "bus"],
  ["dress", "dress"],
  ["tins", "tin"],
];

describe("normaliseRequest", () => {
  for (const [raw, out] of NORMALISED)
    it(JSON.stringify(raw), () => expect(normaliseRequest(raw)).toBe(out));
});

describe("tokenize", () => {
  for (const [text, tokens] of TOKENS) {
    it(text, () => {
      const got = tokenize(text);
      expect(got.map((t) => [t.text, t.kind])).toEqual(tokens);
      for (const t of got) expect(text.slice(t.start, t.end)).toBe(t.text);
    });
  }
});

describe("singular", () => {
  for (const [plural, one] of SINGULAR) it(plural, () => expect(singular(plural)).toBe(one));
});
