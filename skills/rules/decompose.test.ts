import { describe, expect, it } from "vitest";
import { decomposeRequest } from "./decompose.ts";

const spans = (q: string) => decomposeRequest(q).subSegments.map((s) => s.text);

describe("decomposeRequest", () => {
  it("splits pre-modifiers from relative clauses at the head noun", () => {
    expect(spans("UK customers who spent over £10,000")).toEqual(["UK", "who spent over £10,000"]);
  });

  it("keeps verbatim spans whose offsets point into the request", () => {
    const q = "German or Swiss customers who bought kitchen items";
    for (const s of decomposeRequest(q).subSegments) expect(q.slice(s.start, s.end)).toBe(s.text);
  });

  it("keeps coordinated objects in one clause", () => {
    expect(spans("customers who bought jewellery and bags")).toEqual([
      "who bought jewellery and bags",
    ]);
    expect(spans("customers from the USA or Canada")).toEqual(["from the USA or Canada"]);
  });

  it("splits at contrast and keeps the negation inside the clause", () => {
    expect(spans("customers who bought party supplies but not Christmas items")).toEqual([
      "who bought party supplies",
      "but not Christmas items",
    ]);
  });

  it("splits 'and' or 'or' only when a new clause starts", () => {
    const r = decomposeRequest("customers who bought bags or spent over £500");
    expect(r.subSegments.map((s) => [s.text, s.connective])).toEqual([
      ["who bought bags", "and"],
      ["or spent over £500", "or"],
    ]);
  });

  it("marks clauses opened by an excluder as negated", () => {
    const r = decomposeRequest("customers who bought candles excluding those in France");
    expect(r.subSegments.at(-1)).toMatchObject({ negatedByConnective: true });
  });

  it("treats the whole request as one clause when there is no head noun", () => {
    expect(spans("bought textiles in Q4 2011")).toEqual(["bought textiles in Q4 2011"]);
  });

  it("returns nothing for empty text", () => {
    expect(decomposeRequest("").subSegments).toEqual([]);
  });

  it("splits at list separators between conditions, not inside ranges", () => {
    expect(spans("FR | 3+ orders | bought bags")).toEqual(["FR", "| 3+ orders", "| bought bags"]);
    expect(spans("bought candles - 2+ orders")).toEqual(["bought candles", "- 2+ orders"]);
    expect(spans("has a return + spent over £90")).toEqual(["has a return", "+ spent over £90"]);
    expect(spans("AOV £250 - £500")).toEqual(["AOV £250 - £500"]);
    expect(spans("bought in 2010 - 2011")).toEqual(["bought in 2010 - 2011"]);
    expect(spans("bought in Q2 2011 - 2+ orders")).toEqual(["bought in Q2 2011", "- 2+ orders"]);
    expect(spans("bought in Apr - Jun 2011")).toEqual(["bought in Apr - Jun 2011"]);
  });

  it("splits at a comma before an amount, not in a list of numbers or a year", () => {
    expect(spans("never returned anything, 4+ orders")).toEqual([
      "never returned anything",
      ", 4+ orders",
    ]);
    expect(spans("bought on 3 March, 2011")).toEqual(["bought on 3 March, 2011"]);
    expect(spans("bought 22423, 22697")).toEqual(["bought 22423, 22697"]);
  });

  it("keeps a colon after a preposition with its object", () => {
    expect(spans("bought any of: bags, candles")).toEqual(["bought any of: bags, candles"]);
  });
});
