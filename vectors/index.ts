/**
 * The vector store and embedder a configuration asks for (state/config.ts, vectorConfigFrom):
 * Milvus when MILVUS_ADDRESS is set, else in process; the OpenAI-compatible embedder with its
 * cache when EMBEDDINGS_MODEL and OPENAI_BASE_URL are set, else the offline one given.
 */
import type { Embedder } from "../catalog/embedder.ts";
import type { VectorConfig } from "../state/config.ts";
import { cacheRedis, closeRedis } from "../storage/redis-cache.ts";
import {
  CachedEmbedder,
  embeddingCache,
  offlineEmbedder,
  OpenAIEmbedder,
  type TextEmbedder,
} from "./embedder.ts";
import { InProcessVectorStore } from "./in-process.ts";
import { MilvusVectorStore } from "./milvus.ts";
import type { VectorStore } from "./store.ts";

export function createVectorStore(cfg: VectorConfig, dimension: number): VectorStore {
  return cfg.milvus
    ? new MilvusVectorStore({ ...cfg.milvus, dimension })
    : new InProcessVectorStore(dimension);
}

export interface ConfiguredEmbedder {
  embedder: TextEmbedder;
  /** Closes the Redis connection of the cache, if there is one. */
  close(): Promise<void>;
}

export function createTextEmbedder(
  cfg: VectorConfig,
  offline: Embedder,
  opts: { keyPrefix?: string; onError?: (err: unknown) => void } = {},
): ConfiguredEmbedder {
  const e = cfg.embeddings;
  if (!e) return { embedder: offlineEmbedder(offline), close: async () => {} };
  const redis = e.redisUrl ? cacheRedis(e.redisUrl, (err) => opts.onError?.(err)) : undefined;
  const cache = embeddingCache({
    ttlSeconds: e.cacheTtlSeconds,
    maxEntries: e.cacheMaxEntries,
    redis,
    keyPrefix: opts.keyPrefix,
    onError: opts.onError,
  });
  return {
    embedder: new CachedEmbedder(new OpenAIEmbedder(e), cache),
    close: async () => {
      await closeRedis(redis);
    },
  };
}
