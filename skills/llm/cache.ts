/**
 * Model answers reused for the same input: in Redis when REDIS_URL is set (shared by every
 * process), in an in-process LRU otherwise, both with a TTL. The key holds everything that
 * changes an answer — tenant, skill version, prompt hash, model, input — so a prompt edit or
 * a model change is a miss, never a stale hit. A cache that fails is a miss, not an error.
 */
import { createHash } from "node:crypto";
import type { Redis } from "ioredis";
import { LRUCache } from "lru-cache";

export interface CacheKeyParts {
  tenant: string;
  skill: string;
  promptHash: string;
  model: string;
  input: unknown;
}

export function cacheKey(parts: CacheKeyParts): string {
  const digest = createHash("sha256").update(JSON.stringify(parts.input)).digest("hex");
  return [parts.tenant, parts.skill, parts.promptHash, parts.model, digest].join(":");
}

export interface ResponseCache {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
}

export function memoryCache(opts: { ttlSeconds: number; maxEntries: number }): ResponseCache {
  const lru = new LRUCache<string, { value: unknown }>({
    max: opts.maxEntries,
    ttl: opts.ttlSeconds * 1000,
  });
  return {
    get: async (key) => lru.get(key)?.value,
    set: async (key, value) => {
      lru.set(key, { value });
    },
  };
}

export function redisCache(
  redis: Redis,
  opts: { ttlSeconds: number; keyPrefix: string; onError?: (err: unknown) => void },
): ResponseCache {
  const onError = opts.onError ?? (() => {});
  return {
    async get(key) {
      try {
        const text = await redis.get(opts.keyPrefix + key);
        return text === null ? undefined : (JSON.parse(text) as unknown);
      } catch (err) {
        onError(err);
        return undefined;
      }
    },
    async set(key, value) {
      try {
        await redis.set(opts.keyPrefix + key, JSON.stringify(value), "EX", opts.ttlSeconds);
      } catch (err) {
        onError(err);
      }
    },
  };
}
