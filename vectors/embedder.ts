/**
 * Asynchronous text embedders for the vector store: the offline hashed n-gram embedder
 * (catalog/embedder.ts) behind an async face, an OpenAI-compatible `/embeddings` model
 * (through @langchain/openai's OpenAIEmbeddings: batching, timeout and retries are its), and a
 * cache in front of either — per text, in an LRU in process, or in Redis when REDIS_URL is
 * set, keyed by the embedder's id so two models' vectors never mix.
 */
import { createHash } from "node:crypto";
import { OpenAIEmbeddings } from "@langchain/openai";
import type { Redis } from "ioredis";
import type { Embedder } from "../catalog/embedder.ts";
import { memoryCache, redisCache, type ResponseCache } from "../skills/llm/cache.ts";

export interface TextEmbedder {
  /** Names the model and its settings: part of every cache key and vector-space check. */
  readonly id: string;
  readonly dimension: number;
  /** One vector per text, in order. */
  embed(texts: readonly string[]): Promise<Float32Array[]>;
}

/** Today's offline embedder (or any synchronous one) as a TextEmbedder. */
export function offlineEmbedder(embedder: Embedder): TextEmbedder {
  return {
    id: embedder.id,
    dimension: embedder.dimension,
    embed: async (texts) => embedder.embed(texts),
  };
}

export interface OpenAIEmbedderOptions {
  /** An OpenAI-compatible base URL ending in /v1 (OPENAI_BASE_URL). */
  baseUrl: string;
  apiKey: string;
  model: string;
  /** Sent as `dimensions` when set; otherwise the model's own length, 1536 assumed. */
  dimensions?: number;
  timeoutMs: number;
  maxRetries: number;
  /** Texts per request. Default 256. */
  batchSize?: number;
}

/** text-embedding-3-small's and ada-002's length, for a model asked for no `dimensions`. */
const DEFAULT_DIMENSION = 1536;

export class OpenAIEmbedder implements TextEmbedder {
  readonly id: string;
  readonly dimension: number;
  private readonly client: OpenAIEmbeddings;

  constructor(opts: OpenAIEmbedderOptions) {
    this.dimension = opts.dimensions ?? DEFAULT_DIMENSION;
    const host = new URL(opts.baseUrl).host;
    this.id = `openai:${host}:${opts.model}:d${this.dimension}`;
    this.client = new OpenAIEmbeddings({
      model: opts.model,
      apiKey: opts.apiKey,
      configuration: { baseURL: opts.baseUrl },
      dimensions: opts.dimensions,
      timeout: opts.timeoutMs,
      maxRetries: opts.maxRetries,
      batchSize: opts.batchSize ?? 256,
    });
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    const rows = await this.client.embedDocuments([...texts]);
    if (rows.length !== texts.length) {
      throw new Error(`${this.id} returned ${rows.length} embeddings for ${texts.length} texts`);
    }
    return rows.map((row) => {
      if (row.length !== this.dimension) {
        throw new RangeError(`${this.id} returned ${row.length} dims, not ${this.dimension}`);
      }
      return Float32Array.from(row);
    });
  }
}

export interface CacheStats {
  hits: number;
  misses: number;
}

/**
 * Embeds only the texts not cached yet (one request for all of them) and remembers the
 * result. A failing cache is a miss (skills/llm/cache.ts), never an error.
 */
export class CachedEmbedder implements TextEmbedder {
  readonly stats: CacheStats = { hits: 0, misses: 0 };

  constructor(
    private readonly inner: TextEmbedder,
    private readonly cache: ResponseCache,
  ) {}

  get id(): string {
    return this.inner.id;
  }

  get dimension(): number {
    return this.inner.dimension;
  }

  private key(text: string): string {
    return `${this.inner.id}:${createHash("sha256").update(text).digest("hex")}`;
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    const out = new Array<Float32Array | undefined>(texts.length);
    const cached = await Promise.all(texts.map((t) => this.cache.get(this.key(t))));
    const missing = new Map<string, number[]>();
    cached.forEach((value, i) => {
      const vector = typeof value === "string" ? decodeVector(value) : undefined;
      if (vector !== undefined && vector.length === this.dimension) {
        out[i] = vector;
        this.stats.hits++;
      } else {
        const at = missing.get(texts[i]!) ?? [];
        at.push(i);
        missing.set(texts[i]!, at);
      }
    });
    if (missing.size > 0) {
      const unique = [...missing.keys()];
      this.stats.misses += unique.length;
      const fresh = await this.inner.embed(unique);
      await Promise.all(
        unique.map((text, j) => {
          for (const i of missing.get(text)!) out[i] = fresh[j]!;
          return this.cache.set(this.key(text), encodeVector(fresh[j]!));
        }),
      );
    }
    return out as Float32Array[];
  }
}

/** Float32 bytes as base64: exact, and a quarter of the size of the numbers as JSON text. */
function encodeVector(vector: Float32Array): string {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString("base64");
}

function decodeVector(text: string): Float32Array | undefined {
  const bytes = Buffer.from(text, "base64");
  if (bytes.length % 4 !== 0) return undefined;
  // Copied into a fresh buffer: a Buffer's offset in its pool need not be 4-aligned.
  return new Float32Array(new Uint8Array(bytes).buffer);
}

export interface EmbeddingCacheOptions {
  ttlSeconds: number;
  maxEntries: number;
  /** Shared across processes when given; otherwise an LRU of this process. */
  redis?: Redis;
  /** Separates deployments (and tests) sharing one Redis. Default "segment-embed:". */
  keyPrefix?: string;
  onError?: (err: unknown) => void;
}

export function embeddingCache(opts: EmbeddingCacheOptions): ResponseCache {
  return opts.redis
    ? redisCache(opts.redis, {
        ttlSeconds: opts.ttlSeconds,
        keyPrefix: opts.keyPrefix ?? "segment-embed:",
        onError: opts.onError,
      })
    : memoryCache({ ttlSeconds: opts.ttlSeconds, maxEntries: opts.maxEntries });
}
