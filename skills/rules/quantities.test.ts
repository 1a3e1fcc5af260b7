import { describe, expect, it } from "vitest";
import { tagQuantities } from "./quantities.ts";
import { tokenize } from "./text.ts";

function tag(text: string) {
  return tagQuantities(text, tokenize(text), new Set());
}

describe("tagQuantities", () => {
  it("reads currency amounts with thousands separators and comparison words", () => {
    expect(tag("spent over £10,000")[0]).toMatchObject({ op: "gt", value: 10000, currency: "GBP" });
    expect(tag("spent at least £2,000 in total")[0]).toMatchObject({ op: "gte", value: 2000 });
  });

  it("expands k and m suffixes, glued or spaced", () => {
    expect(tag("spent more than £5k")[0]).toMatchObject({ op: "gt", value: 5000 });
    expect(tag("spent over 1.5 million pounds")[0]).toMatchObject({
      op: "gt",
      value: 1_500_000,
      currency: "GBP",
    });
  });

  it("keeps a glued minus, so a negative amount is asked about rather than read as positive", () => {
    expect(tag("spent over £-5")[0]).toMatchObject({ op: "gt", value: -5, currency: "GBP" });
    expect(tag("spent -£200 or more")[0]).toMatchObject({ op: "gte", value: -200 });
    expect(tag("at least -3 orders")[0]).toMatchObject({ op: "gte", value: -3 });
    // A dash between numbers is a range, and one with a space after it is punctuation.
    expect(tag("placed 3-5 orders")[0]).toMatchObject({ op: "between", value: 3, value2: 5 });
    expect(tag("spent over £50 - in 2011")[0]).toMatchObject({ value: 50 });
  });

  it("reads scientific notation as its number, and leaves one too large to be a number unread", () => {
    expect(tag("spent over 1e3 pounds")[0]).toMatchObject({ op: "gt", value: 1000 });
    expect(tag("ordered at least 1e309 times").filter((q) => q.value === 1)).toEqual([]);
  });

  it("reads number words and 'twice'", () => {
    expect(tag("at least three orders")[0]).toMatchObject({
      op: "gte",
      value: 3,
      unit: ["orders"],
    });
    expect(tag("ordered twice")[0]).toMatchObject({ op: "eq", value: 2, unit: ["times"] });
    expect(tag("exactly two orders")[0]).toMatchObject({ op: "eq", value: 2 });
  });

  it("reads inclusive ranges with between, from-to and dashes", () => {
    expect(tag("between £200 and £400")[0]).toMatchObject({
      op: "between",
      value: 200,
      value2: 400,
    });
    expect(tag("from 3 to 5 orders")[0]).toMatchObject({
      op: "between",
      value: 3,
      value2: 5,
      unit: ["orders"],
    });
    expect(tag("£200-£400")[0]).toMatchObject({ op: "between", value: 200, value2: 400 });
  });

  it("reads post-posed comparisons", () => {
    expect(tag("5 orders or more")[0]).toMatchObject({ op: "gte", value: 5 });
    expect(tag("£100 or less")[0]).toMatchObject({ op: "lte", value: 100 });
    expect(tag("10+ orders")[0]).toMatchObject({ op: "gte", value: 10 });
  });

  it("distinguishes negated comparators from their plain forms", () => {
    expect(tag("no more than 4 orders")[0]).toMatchObject({ op: "lte", value: 4 });
    expect(tag("fewer than 100 units")[0]).toMatchObject({ op: "lt", value: 100, unit: ["units"] });
  });

  it("captures the unit words after the number", () => {
    expect(tag("more than 200 distinct products")[0]?.unit).toEqual(["distinct", "products"]);
  });

  it("skips masked tokens such as dates", () => {
    const text = "in 2011 spent over £5";
    const tokens = tokenize(text);
    const tags = tagQuantities(text, tokens, new Set([0, 1]));
    expect(tags).toHaveLength(1);
    expect(tags[0]).toMatchObject({ value: 5 });
  });

  it("ignores ordinals and words that are not numbers", () => {
    expect(tag("the 5th of March")).toEqual([]);
    expect(tag("customers from the USA")).toEqual([]);
  });
});
