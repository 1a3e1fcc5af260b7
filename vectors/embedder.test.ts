import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { HashedNgramEmbedder } from "../catalog/embedder.ts";
import { embedText, FakeOpenAI } from "../tests/support/fake-openai.ts";
import {
  CachedEmbedder,
  embeddingCache,
  offlineEmbedder,
  OpenAIEmbedder,
  type OpenAIEmbedderOptions,
} from "./embedder.ts";

let fake: FakeOpenAI;
beforeAll(async () => {
  fake = await FakeOpenAI.start();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

const options = (extra: Partial<OpenAIEmbedderOptions> = {}): OpenAIEmbedderOptions => ({
  baseUrl: fake.url,
  apiKey: "test",
  model: "text-embedding-3-small",
  dimensions: 16,
  timeoutMs: 2_000,
  maxRetries: 0,
  ...extra,
});

const close = (a: Float32Array, b: number[]) =>
  a.length === b.length && a.every((x, i) => Math.abs(x - b[i]!) < 1e-6);

describe("OpenAIEmbedder against a local OpenAI-compatible server", () => {
  it("returns the server's vectors in the order of the texts, in batches", async () => {
    const embedder = new OpenAIEmbedder(options({ batchSize: 2 }));
    const texts = ["red retrospot bag", "jumbo bag", "christmas lights", "german", "ireland"];
    const vectors = await embedder.embed(texts);
    expect(vectors).toHaveLength(5);
    vectors.forEach((v, i) => expect(close(v, embedText(texts[i]!, 16))).toBe(true));
    expect(fake.embeddingRequests.map((r) => r.input.length)).toEqual([2, 2, 1]);
    expect(fake.embeddingRequests[0]!.dimensions).toBe(16);
    expect(fake.embeddingRequests[0]!.model).toBe("text-embedding-3-small");
  });

  it("names the endpoint, model and dimension in its id, so caches never mix models", () => {
    const a = new OpenAIEmbedder(options());
    const b = new OpenAIEmbedder(options({ model: "other" }));
    expect(a.id).toContain("text-embedding-3-small");
    expect(a.id).not.toBe(b.id);
  });

  it("rejects vectors of another length than configured", async () => {
    const embedder = new OpenAIEmbedder(options({ dimensions: undefined }));
    await expect(embedder.embed(["bag"])).rejects.toThrow(/16 dims, not 1536/);
  });

  it("fails when the server fails and no retry is allowed", async () => {
    fake.enqueueEmbeddings({ status: 500 });
    await expect(new OpenAIEmbedder(options()).embed(["bag"])).rejects.toThrow();
  });

  it("retries a 500 when retries are allowed", async () => {
    fake.enqueueEmbeddings({ status: 500 });
    const [v] = await new OpenAIEmbedder(options({ maxRetries: 1 })).embed(["bag"]);
    expect(close(v!, embedText("bag", 16))).toBe(true);
    expect(fake.embeddingRequests.length).toBeGreaterThanOrEqual(2);
  });

  it("gives up on a server slower than its timeout", async () => {
    fake.enqueueEmbeddings({ hangMs: 1_500 });
    await expect(new OpenAIEmbedder(options({ timeoutMs: 200 })).embed(["bag"])).rejects.toThrow();
  });
});

describe("CachedEmbedder (in-process LRU)", () => {
  const lru = () => embeddingCache({ ttlSeconds: 60, maxEntries: 100 });

  it("asks the server only for texts it has not embedded, each once", async () => {
    const embedder = new CachedEmbedder(new OpenAIEmbedder(options()), lru());
    await embedder.embed(["bag", "mug", "bag"]);
    expect(fake.embeddingRequests.map((r) => r.input)).toEqual([["bag", "mug"]]);
    const again = await embedder.embed(["mug", "lights", "bag"]);
    expect(fake.embeddingRequests.map((r) => r.input)).toEqual([["bag", "mug"], ["lights"]]);
    expect(close(again[0]!, embedText("mug", 16))).toBe(true);
    expect(close(again[2]!, embedText("bag", 16))).toBe(true);
    expect(embedder.stats).toEqual({ hits: 2, misses: 3 });
  });

  it("keeps models apart: another model's cached vector is a miss", async () => {
    const cache = lru();
    await new CachedEmbedder(new OpenAIEmbedder(options()), cache).embed(["bag"]);
    await new CachedEmbedder(new OpenAIEmbedder(options({ model: "other" })), cache).embed(["bag"]);
    expect(fake.embeddingRequests.map((r) => r.model)).toEqual(["text-embedding-3-small", "other"]);
  });

  it("caches nothing from a failed request", async () => {
    const embedder = new CachedEmbedder(new OpenAIEmbedder(options()), lru());
    fake.enqueueEmbeddings({ status: 500 });
    await expect(embedder.embed(["bag"])).rejects.toThrow();
    await embedder.embed(["bag"]);
    expect(fake.embeddingRequests).toHaveLength(2);
  });
});

describe("offlineEmbedder", () => {
  it("gives the hashed n-gram embedder's vectors asynchronously", async () => {
    const hashed = new HashedNgramEmbedder();
    const [v] = await offlineEmbedder(hashed).embed(["retrospot"]);
    expect(Array.from(v!)).toEqual(Array.from(hashed.embed(["retrospot"])[0]!));
    expect(offlineEmbedder(hashed).id).toBe(hashed.id);
  });
});
