/** The embedding cache in Redis: shared by embedders of different processes (here, instances). */
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeOpenAI } from "../tests/support/fake-openai.ts";
import { CachedEmbedder, embeddingCache, OpenAIEmbedder } from "./embedder.ts";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = `wt-vec:embed-test:${randomUUID()}:`;
let fake: FakeOpenAI;
let redis: Redis;

beforeAll(async () => {
  fake = await FakeOpenAI.start();
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
});
afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
  await fake.close();
});

const embedder = () =>
  new CachedEmbedder(
    new OpenAIEmbedder({
      baseUrl: fake.url,
      apiKey: "test",
      model: "text-embedding-3-small",
      dimensions: 16,
      timeoutMs: 2_000,
      maxRetries: 0,
    }),
    embeddingCache({ ttlSeconds: 60, maxEntries: 10, redis, keyPrefix: prefix }),
  );

describe("CachedEmbedder in Redis", () => {
  it("serves a second embedder from the first one's cache, bit for bit, with a TTL", async () => {
    const first = await embedder().embed(["red retrospot bag", "jumbo bag"]);
    expect(fake.embeddingRequests).toHaveLength(1);
    const second = embedder();
    const again = await second.embed(["jumbo bag", "red retrospot bag"]);
    expect(fake.embeddingRequests).toHaveLength(1);
    expect(second.stats).toEqual({ hits: 2, misses: 0 });
    expect(Array.from(again[1]!)).toEqual(Array.from(first[0]!));
    const [key] = await redis.keys(`${prefix}*`);
    expect(await redis.ttl(key!)).toBeGreaterThan(0);
  });
});
