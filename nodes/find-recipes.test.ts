import { describe, expect, it } from "vitest";
import type { NscContext } from "../state/context.ts";
import type { AuditEntry, NscStateType } from "../state/graph-state.ts";
import type { Recipe, RecipeFinder } from "../state/recipes.ts";
import { findRecipes } from "./find-recipes.ts";

const saved: Recipe = {
  segmentId: "11111111-1111-4111-8111-111111111111",
  name: "French customers",
  request: "customers in France",
  size: 87,
  savedBy: "cli",
  score: 0.91234,
  definition: {
    version: 1,
    tenant: "t",
    asOf: "2011-12-10",
    request: "customers in France",
    root: {
      type: "attribute",
      facet: "country",
      op: "in",
      values: ["France"],
      provenance: {
        span: "in France",
        start: 10,
        end: 19,
        source: "catalog",
        confidence: 1,
        producer: "rules/map@1",
      },
    },
  },
};

const state = (text: string) => ({ tenant: "t", text }) as NscStateType;

async function run(finder: RecipeFinder | undefined, text = "shoppers in France") {
  const context = { tenant: () => undefined, recipes: finder } as unknown as NscContext;
  return (await findRecipes(state(text), { context })) as {
    recipes: Recipe[];
    audit?: AuditEntry[];
  };
}

describe("findRecipes", () => {
  it("keeps the recipes found and audits which were suggested, with their scores", async () => {
    const asked: string[] = [];
    const update = await run({
      find: (tenant, request) => {
        asked.push(`${tenant}: ${request}`);
        return Promise.resolve({ recipes: [saved], source: "vector" });
      },
    });
    expect(asked).toEqual(["t: shoppers in France"]);
    expect(update.recipes).toEqual([saved]);
    expect(update.audit?.[0]).toMatchObject({
      step: "findRecipes",
      detail: { suggested: [{ segmentId: saved.segmentId, score: 0.912 }], source: "vector" },
    });
  });

  it("records that the store was unavailable, and finds nothing", async () => {
    const update = await run({
      find: () => Promise.resolve({ recipes: [], source: "unavailable", reason: "timeout" }),
    });
    expect(update.recipes).toEqual([]);
    expect(update.audit?.[0]?.detail).toEqual({
      suggested: [],
      source: "unavailable",
      reason: "timeout",
    });
  });

  it("finds nothing where no recipes are kept", async () => {
    expect(await run(undefined)).toEqual({ recipes: [] });
  });
});
