import { afterEach, describe, expect, it } from "vitest";
import { skillContext, testTenant } from "../rules/testing.ts";
import {
  exampleSources,
  examplesFor,
  shippedExamples,
  similarity,
  type ExampleSkill,
} from "./examples.ts";

const ctx = skillContext(testTenant("online-retail"));
const words = (skill: ExampleSkill, text: string, k?: number) =>
  examplesFor(skill, text, ctx, k).map((e) => e.request ?? e.message);

describe("few-shot examples chosen per request", () => {
  const sources = [...exampleSources];
  afterEach(() => exampleSources.splice(0, exampleSources.length, ...sources));

  it("ships a set for every skill that takes examples", () => {
    for (const skill of ["decompose", "dates", "link", "intent"] as const)
      expect(shippedExamples(skill).length).toBeGreaterThanOrEqual(2);
  });

  it("scores the same words 1 and unrelated words near 0", () => {
    expect(similarity("Dutch shoppers", "dutch  SHOPPERS")).toBe(1);
    expect(similarity("Dutch shoppers", "qqq zzz")).toBe(0);
  });

  it("picks the examples most like the request", () => {
    const [first] = words("dates", "people with no purchase in the past 90 days", 1);
    expect(first).toBe("customers with no order in the past 60 days");
    const [other] = words("dates", "lantern buyers during May 2011", 1);
    expect(other).toBe("buyers of lanterns during March 2010");
  });

  it("takes examples from another source, such as a tenant's recipes, through the seam", () => {
    exampleSources.unshift(() => [
      { request: "people with no purchase in the past 90 days", answer: { dates: [] } },
    ]);
    expect(words("dates", "people with no purchase in the past 90 days", 1)).toEqual([
      "people with no purchase in the past 90 days",
    ]);
  });
});
