import { describe, expect, it } from "vitest";
import { decomposeRequest } from "./decompose.ts";
import { shortlistRequest } from "./link.ts";
import { testTenant, type TestTenantId } from "./testing.ts";

function mentions(text: string, tenant: TestTenantId = "online-retail") {
  const { retriever } = testTenant(tenant);
  const { subSegments } = decomposeRequest(text);
  return shortlistRequest(text, subSegments, retriever).mentions;
}

/** request -> the [words, facet, value] it must link (value undefined for facet names) */
const LINKS: [string, [string, string, string | undefined][], TestTenantId?][] = [
  ["customers in Germany", [["Germany", "country", "Germany"]]],
  ["Irish customers", [["Irish", "country", "EIRE"]]],
  [
    "customers from FR or DE",
    [
      ["FR", "country", "France"],
      ["DE", "country", "Germany"],
    ],
  ],
  ["customers in the uk", [["uk", "country", "United Kingdom"]]],
  ["non-UK customers", [["UK", "country", "United Kingdom"]]],
  [
    "customers who bought Christmas decorations",
    [["Christmas decorations", "category", "Christmas"]],
  ],
  [
    "customers who bought the JUMBO BAG RED RETROSPOT",
    [["the JUMBO BAG RED RETROSPOT", "product", "85099B"]],
  ],
  // Words before an item that form a product-name phrase with it are that phrase.
  ["customers who bought lunch bags", [["lunch bags", "product_word", "lunch bag"]]],
  ["products with 'heart' in the name", [["'heart'", "product_word", "heart"]]],
  [
    "customers with an average order value over £50",
    [["an average order value", "aov", undefined]],
  ],
  ["customers who ordered more than 5 times", [["times", "orders", undefined]]],
  // A close variant of a closed list's value links fuzzily (the speller usually got there first).
  ["customers in Germny", [["Germny", "country", "Germany"]]],
  [
    "gold tier customers in Scotland",
    [
      ["gold tier", "loyalty_tier", "gold"],
      ["Scotland", "region", "Scotland"],
    ],
    "demo-retail",
  ],
];

/** request -> words that must not link to anything */
const NOT_LINKED: [string, string][] = [
  ["customers who bought it in 2011", "it"], // "IT" is Italy only in capitals
  ["customers who bought other items", "other"],
  ["customers who spent over £500", "spent"], // a verb of buying is grammar: the mapper reads it
];

describe("shortlistRequest", () => {
  for (const [text, expected, tenant] of LINKS) {
    it(text, () => {
      const got = mentions(text, tenant).map((m) => [m.text, m.facetId, m.value]);
      for (const e of expected) expect(got).toContainEqual(e);
    });
  }

  for (const [text, word] of NOT_LINKED) {
    it(`"${word}" in "${text}" links nothing`, () => {
      expect(mentions(text).filter((m) => m.text.toLowerCase() === word)).toEqual([]);
    });
  }

  it("anchors every mention to its verbatim span", () => {
    const text = "French customers who bought candles or bags in 2011";
    for (const m of mentions(text)) expect(text.slice(m.start, m.end)).toBe(m.text);
  });
});
