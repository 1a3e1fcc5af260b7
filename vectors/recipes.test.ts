import { CircuitState } from "cockatiel";
import { describe, expect, it } from "vitest";
import { HashedNgramEmbedder } from "../catalog/embedder.ts";
import { offlineEmbedder } from "./embedder.ts";
import { InProcessVectorStore } from "./in-process.ts";
import { RecipeIndex, recipeText, type RecipeDoc, type RecipeIndexOptions } from "./recipes.ts";
import type { VectorStore } from "./store.ts";

const embedder = offlineEmbedder(new HashedNgramEmbedder());

const OPTIONS: RecipeIndexOptions = {
  minScore: 0.3,
  limit: 3,
  timeoutMs: 1_000,
  breakerFailures: 2,
  breakerHalfOpenMs: 60_000,
};

function doc(tenant: string, segmentId: string, request: string, size = 10): RecipeDoc {
  return {
    tenant,
    segmentId,
    name: `name of ${segmentId}`,
    request,
    explanation: [],
    size,
    savedBy: "key:k1",
  };
}

function index(store: VectorStore = new InProcessVectorStore(embedder.dimension), opts = {}) {
  return { store, index: new RecipeIndex(store, embedder, { ...OPTIONS, ...opts }) };
}

const SAVED = [
  doc("a", "fr", "customers in France"),
  doc("a", "uk-big", "UK customers who spent over £10,000"),
  doc("a", "xmas", "customers who bought Christmas products in October 2011"),
];

describe("the recipe index", () => {
  it("embeds a recipe as its request followed by its explanation", () => {
    expect(recipeText({ request: "customers in France", explanation: ["Country is France"] })).toBe(
      "customers in France\nCountry is France",
    );
  });

  it("finds the saved segment most like a new request first, with what it was saved as", async () => {
    const { index: recipes } = index();
    await recipes.upsert(SAVED);
    const found = await recipes.search("a", "UK customers who spent more than £10000");
    expect(found.source).toBe("vector");
    expect(found.matches[0]).toMatchObject({
      segmentId: "uk-big",
      name: "name of uk-big",
      request: "UK customers who spent over £10,000",
    });
    expect(found.matches[0]!.score).toBeGreaterThan(0.5);
  });

  it("keeps who saved it and its size with the vector", async () => {
    const { store, index: recipes } = index();
    await recipes.upsert([doc("a", "fr", "customers in France", 87)]);
    const [match] = await store.search({
      kind: "recipe",
      tenant: "a",
      vector: (await embedder.embed(["customers in France"]))[0]!,
      k: 1,
    });
    expect(match!.meta).toEqual({
      segmentId: "fr",
      name: "name of fr",
      request: "customers in France",
      size: "87",
      savedBy: "key:k1",
    });
  });

  it("leaves out matches below the score threshold", async () => {
    const { index: recipes } = index(undefined, { minScore: 0.99 });
    await recipes.upsert(SAVED);
    expect((await recipes.search("a", "UK customers who spent more than £10000")).matches).toEqual(
      [],
    );
    expect(
      (await recipes.search("a", "customers in France")).matches.map((m) => m.segmentId),
    ).toEqual(["fr"]);
  });

  it("never finds another tenant's recipes, even for the very same words", async () => {
    const { index: recipes } = index();
    await recipes.upsert([...SAVED, doc("b", "b-fr", "customers in France")]);
    const forB = await recipes.search("b", "customers in France");
    expect(forB.matches.map((m) => m.segmentId)).toEqual(["b-fr"]);
    const forC = await recipes.search("c", "customers in France");
    expect(forC).toEqual({ matches: [], source: "vector" });
  });

  it("upserts by segment id: indexing a segment again replaces its recipe", async () => {
    const { index: recipes } = index();
    await recipes.upsert(SAVED);
    await recipes.upsert([{ ...SAVED[0]!, name: "renamed" }]);
    const found = await recipes.search("a", "customers in France", 10);
    expect(found.matches.filter((m) => m.segmentId === "fr").map((m) => m.name)).toEqual([
      "renamed",
    ]);
  });

  it("stops finding a removed recipe, and only that tenant's", async () => {
    const { index: recipes } = index();
    await recipes.upsert([...SAVED, doc("b", "fr", "customers in France")]);
    await recipes.remove("a", ["fr"]);
    const ids = (await recipes.search("a", "customers in France", 10)).matches.map(
      (m) => m.segmentId,
    );
    expect(ids).not.toContain("fr");
    expect((await recipes.search("b", "customers in France")).matches[0]?.segmentId).toBe("fr");
  });

  it("answers unavailable, not an error, when the store fails, and opens its breaker", async () => {
    const failing = new InProcessVectorStore(embedder.dimension);
    let searches = 0;
    failing.search = () => {
      searches++;
      return Promise.reject(new Error("store down"));
    };
    const reasons: string[] = [];
    const { index: recipes } = index(failing, { onUnavailable: (r: string) => reasons.push(r) });
    expect(await recipes.search("a", "customers in France")).toEqual({
      matches: [],
      source: "unavailable",
      reason: "error",
    });
    await recipes.search("a", "customers in France");
    expect(recipes.breakerState).toBe(CircuitState.Open);
    expect((await recipes.search("a", "customers in France")).reason).toBe("breaker_open");
    expect(searches).toBe(2);
    expect(reasons).toEqual(["error", "error", "breaker_open"]);
  });

  it("abandons a store slower than its timeout", async () => {
    const slow = new InProcessVectorStore(embedder.dimension);
    slow.search = () => new Promise(() => {});
    const { index: recipes } = index(slow, { timeoutMs: 20 });
    expect(await recipes.search("a", "customers in France")).toMatchObject({
      source: "unavailable",
      reason: "timeout",
    });
  });
});
