/**
 * Redis for a cache beside a durable store (LLM answers, embeddings, the memory's short-term
 * cache). No offline queue and one retry: a Redis that is down answers at once and a stalled
 * one within the command timeout, and the caller reads a miss. The client reconnects by itself.
 */
import { Redis } from "ioredis";

export function cacheRedis(url: string, onError: (err: Error) => void = () => {}): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    // What a stalled Redis costs a lookup before it counts as a miss.
    commandTimeout: 500,
  });
  redis.on("error", onError);
  return redis;
}

/** Closes a client, dropping the connection when a polite QUIT cannot be sent. */
export async function closeRedis(redis: Redis | undefined): Promise<void> {
  await redis?.quit().catch(() => redis.disconnect());
}
