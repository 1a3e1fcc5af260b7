import { describe, expect, it } from "vitest";
import { HashedNgramEmbedder } from "../catalog/embedder.ts";
import { parseRequest, testTenant } from "../skills/rules/testing.ts";
import type { TenantRuntime } from "../state/context.ts";
import type { SegmentRecord } from "../storage/segments.ts";
import { offlineEmbedder } from "../vectors/embedder.ts";
import { InProcessVectorStore } from "../vectors/in-process.ts";
import { RecipeIndex } from "../vectors/recipes.ts";
import { RecipeBook, recipeExplanation } from "./recipes.ts";

const tenant = testTenant("online-retail");
const embedder = offlineEmbedder(new HashedNgramEmbedder());
const tenants = new Map([["online-retail", tenant as unknown as TenantRuntime]]);

function record(request: string): SegmentRecord {
  const parsed = parseRequest(request);
  return {
    id: "22222222-2222-4222-8222-222222222222",
    tenantId: "online-retail",
    name: "saved",
    threadId: null,
    lineageId: "l",
    request,
    definition: {
      version: 1,
      tenant: "online-retail",
      asOf: "2011-12-10",
      request: parsed.text,
      root: parsed.root!,
    },
    sql: "",
    size: 3,
    version: 1,
    createdAt: new Date(0),
    savedBy: "cli",
  };
}

function book(store: InProcessVectorStore, onError?: (what: string) => void) {
  const index = new RecipeIndex(store, embedder, {
    minScore: 0,
    limit: 3,
    timeoutMs: 1_000,
    breakerFailures: 3,
    breakerHalfOpenMs: 1_000,
  });
  // No database: indexing a saved segment needs none.
  return new RecipeBook(null as never, index, tenants, { limit: 3, onError });
}

describe("the recipe book", () => {
  it("embeds what a definition means without the explanation's provenance", () => {
    const { definition } = record("customers in France who did not buy candles");
    const lines = recipeExplanation(definition.root, tenant.catalog);
    expect(lines[0]).toBe("Country is France");
    expect(lines.some((l) => l.startsWith("NOT: "))).toBe(true);
    expect(lines.join("\n")).not.toMatch(/confidence|\[from/);
  });

  it("indexes a saved segment with its request and what it means", async () => {
    const store = new InProcessVectorStore(embedder.dimension);
    expect(await book(store).saved(record("customers in France"))).toBe(true);
    const [match] = await store.search({
      kind: "recipe",
      tenant: "online-retail",
      vector: (await embedder.embed(["customers in France"]))[0]!,
      k: 1,
    });
    expect(match?.text).toBe("customers in France\nCountry is France");
  });

  it("reports a store that refuses the write, and the save goes on", async () => {
    const store = new InProcessVectorStore(embedder.dimension);
    store.upsert = () => Promise.reject(new Error("store down"));
    const errors: string[] = [];
    const saved = await book(store, (what) => errors.push(what)).saved(
      record("customers in France"),
    );
    expect(saved).toBe(false);
    expect(errors).toEqual(["indexing recipe 22222222-2222-4222-8222-222222222222"]);
  });
});
