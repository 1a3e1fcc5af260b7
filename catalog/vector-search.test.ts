import { setTimeout as sleep } from "node:timers/promises";
import { CircuitState } from "cockatiel";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TenantCatalog } from "../state/catalog.ts";
import { FakeOpenAI } from "../tests/support/fake-openai.ts";
import { OpenAIEmbedder } from "../vectors/embedder.ts";
import { InProcessVectorStore } from "../vectors/in-process.ts";
import type { VectorQuery, VectorStore } from "../vectors/store.ts";
import { CatalogRetriever, MIN_LINK_SCORE } from "./retriever.ts";
import { CatalogVectorSearch } from "./vector-search.ts";

const catalogOf = (tenant: string, products: [string, string][]): TenantCatalog => ({
  tenant,
  currency: "GBP",
  facets: [
    {
      id: "country",
      label: "Country",
      description: "",
      kind: "attribute",
      type: "enum",
      synonyms: ["country"],
      values: [
        { value: "Germany", label: "Germany", synonyms: ["German", "Germans"] },
        { value: "EIRE", label: "Ireland", synonyms: ["Irish", "EIRE"] },
        { value: "France", label: "France", synonyms: ["French"] },
      ],
    },
    {
      id: "product",
      label: "Product",
      description: "",
      kind: "item",
      type: "enum",
      synonyms: ["product"],
      values: products.map(([value, label]) => ({ value, label, synonyms: [value] })),
    },
  ],
});

const catalog = catalogOf("shop-a", [
  ["85099B", "JUMBO BAG RED RETROSPOT"],
  ["20725", "LUNCH BAG RED RETROSPOT"],
  ["85123A", "WHITE HANGING HEART T-LIGHT HOLDER"],
  ["22423", "REGENCY CAKESTAND 3 TIER"],
  ["47566", "PARTY BUNTING"],
]);

/** An in-process store that fails on cue: down (rejects) or slow (answers late). */
class FlakyStore implements VectorStore {
  mode: "ok" | "down" | "slow" = "ok";
  slowMs = 300;
  searches = 0;
  constructor(private readonly inner: InProcessVectorStore) {}
  get name() {
    return "flaky";
  }
  get dimension() {
    return this.inner.dimension;
  }
  upsert: VectorStore["upsert"] = (r) => this.inner.upsert(r);
  delete: VectorStore["delete"] = (d) => this.inner.delete(d);
  health: VectorStore["health"] = () => this.inner.health();
  close: VectorStore["close"] = () => this.inner.close();
  async search(q: VectorQuery) {
    this.searches++;
    if (this.mode === "down") throw new Error("connection refused");
    if (this.mode === "slow") await sleep(this.slowMs);
    return this.inner.search(q);
  }
}

describe("CatalogVectorSearch over a healthy store", () => {
  it("equals the retriever's own search when the store returns every name", async () => {
    const retriever = new CatalogRetriever(catalog);
    const store = new InProcessVectorStore(retriever.embedder.dimension);
    const search = new CatalogVectorSearch(retriever, store, {
      candidates: retriever.vectorRows().length,
    });
    expect(await search.index()).toBe(retriever.vectorRows().length);
    for (const q of ["jumbo bag", "germny", "retro spot", "irish", "cake stand", "shoe size"]) {
      const { hits, source } = await search.search(q, { limit: 5 });
      expect(source).toBe("hybrid");
      const own = retriever.search(q, { limit: 5 });
      // Same hits in the same order; scores equal but for float32 rounding (the store
      // re-normalises what it is given).
      expect(hits.map((h) => [h.facetId, h.value, h.matched])).toEqual(
        own.map((h) => [h.facetId, h.value, h.matched]),
      );
      hits.forEach((h, i) => expect(h.score).toBeCloseTo(own[i]!.score, 6));
    }
  });

  it("indexes one tenant without touching another's vectors in a shared store", async () => {
    const other = new CatalogRetriever(catalogOf("shop-b", [["1", "PINK POLKADOT MUG"]]));
    const mine = new CatalogRetriever(catalog);
    const store = new InProcessVectorStore(mine.embedder.dimension);
    await new CatalogVectorSearch(other, store).index();
    await new CatalogVectorSearch(mine, store).index();
    await new CatalogVectorSearch(mine, store).index();
    expect(store.count("catalog_value", "shop-b")).toBe(other.vectorRows().length);
    expect(store.count("catalog_value", "shop-a")).toBe(mine.vectorRows().length);
    const { hits } = await new CatalogVectorSearch(mine, store).search("polkadot mug");
    expect(hits.every((h) => h.facetId !== "product" || h.value !== "1")).toBe(true);
  });

  it("uses a remote embedder for names and queries (a local fake /embeddings)", async () => {
    const fake = await FakeOpenAI.start();
    try {
      const embedder = new OpenAIEmbedder({
        baseUrl: fake.url,
        apiKey: "test",
        model: "fake-embed",
        dimensions: 16,
        timeoutMs: 2_000,
        maxRetries: 0,
      });
      const retriever = new CatalogRetriever(catalog);
      const search = new CatalogVectorSearch(retriever, new InProcessVectorStore(16), { embedder });
      await search.index();
      const { hits, source } = await search.search("party bunting", { target: "value" });
      expect(source).toBe("hybrid");
      expect(hits[0]!.value).toBe("47566");
      expect(hits[0]!.vector).toBeCloseTo(1, 5);
    } finally {
      await fake.close();
    }
  });
});

describe("CatalogVectorSearch when the store fails", () => {
  let flaky: FlakyStore;
  let search: CatalogVectorSearch;
  const fallbacks: string[] = [];
  const retriever = new CatalogRetriever(catalog);

  beforeAll(async () => {
    flaky = new FlakyStore(new InProcessVectorStore(retriever.embedder.dimension));
    search = new CatalogVectorSearch(retriever, flaky, {
      timeoutMs: 50,
      breakerFailures: 2,
      breakerHalfOpenMs: 200,
      onFallback: (reason) => fallbacks.push(reason),
    });
    await search.index();
  });
  afterAll(() => flaky.close());

  it("answers lexically when the store is down: exact and lexical matches still link", async () => {
    flaky.mode = "down";
    const exact = await search.search("germans");
    expect(exact.source).toBe("lexical");
    expect(exact.reason).toBe("error");
    expect(exact.hits[0]).toMatchObject({ value: "Germany", exact: true, score: 1 });
    const words = await search.search("jumbo bag", { target: "value" });
    expect(words.hits[0]!.value).toBe("85099B");
    expect(words.hits[0]!.score).toBeGreaterThanOrEqual(MIN_LINK_SCORE);
    expect(words.hits[0]!.vector).toBe(0);
  });

  it("opens the breaker after consecutive failures, then stops calling the store", async () => {
    expect(search.breakerState).toBe(CircuitState.Open);
    const before = flaky.searches;
    const result = await search.search("party bunting");
    expect(result).toMatchObject({ source: "lexical", reason: "breaker_open" });
    expect(flaky.searches).toBe(before);
  });

  it("lets a trial through after the half-open delay and closes on success", async () => {
    flaky.mode = "ok";
    await sleep(250);
    const result = await search.search("party bunting");
    expect(result.source).toBe("hybrid");
    expect(search.breakerState).toBe(CircuitState.Closed);
  });

  it("abandons a store slower than the timeout and answers lexically", async () => {
    flaky.mode = "slow";
    const result = await search.search("lunch bag");
    expect(result).toMatchObject({ source: "lexical", reason: "timeout" });
    expect(result.hits[0]!.value).toBe("20725");
    expect(fallbacks).toEqual(["error", "error", "breaker_open", "timeout"]);
    flaky.mode = "ok";
  });
});
