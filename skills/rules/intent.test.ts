import { describe, expect, it } from "vitest";
import { cleanRequest, classifyIntent, INTENT_RULE_NAMES } from "./intent.ts";
import { INTENT_EXAMPLES } from "./intent.examples.ts";
import { testTenant } from "./testing.ts";

const retriever = testTenant("online-retail").retriever;
const isValue = (phrase: string) =>
  retriever.exactLookup(phrase).some((h) => h.value !== undefined);

describe("intent rules", () => {
  it("every rule has examples", () => {
    expect(Object.keys(INTENT_EXAMPLES).sort()).toEqual([...INTENT_RULE_NAMES].sort());
    for (const name of INTENT_RULE_NAMES)
      expect(INTENT_EXAMPLES[name]!.length, name).toBeGreaterThan(1);
  });

  for (const [rule, examples] of Object.entries(INTENT_EXAMPLES)) {
    describe(rule, () => {
      for (const ex of examples) {
        it(`${ex.hasSegment ? "with" : "without"} a segment: ${ex.message}`, () => {
          const r = classifyIntent(ex.message, ex.hasSegment, isValue);
          expect(r.cues).toEqual([rule]);
          expect(r.intent).toBe(ex.intent);
          if (ex.request !== undefined) expect(r.request).toBe(ex.request);
          if (ex.editOnly !== undefined) expect(r.editOnly).toBe(ex.editOnly);
        });
      }
    });
  }

  it("a request keeps its words once the conversational lead is gone", () => {
    expect(cleanRequest("who's bought toys?")).toBe("customers who's bought toys");
    expect(cleanRequest("customers in France")).toBe("customers in France");
    expect(cleanRequest("all customers who spent over £500")).toBe("customers who spent over £500");
    // A list's label before a colon is the mapper's to read, not a conversational lead.
    expect(cleanRequest("List: DE gift buyers - bought bags")).toBe(
      "List: DE gift buyers - bought bags",
    );
    expect(cleanRequest("a list of German customers")).toBe("German customers");
  });
});
