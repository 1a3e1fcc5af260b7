/**
 * Short-term memory in front of the durable tables: per subject (tenant and user), a few
 * named values (preferences, the recent segments), read on every creation turn. In Redis when
 * REDIS_URL is set, so every process sees one copy and a write or an erase in one process is
 * seen by the next turn in another; in process otherwise. Postgres stays the truth: a cache
 * that fails is a miss, and an entry lives at most `ttlSeconds`.
 */
import type { Redis } from "ioredis";
import { LRUCache } from "lru-cache";

export interface SubjectCache {
  get(subject: string, field: string): Promise<unknown>;
  set(subject: string, field: string, value: unknown): Promise<void>;
  /** Forgets everything cached for the subject (after a write or an erase). */
  drop(subject: string): Promise<void>;
}

export function inProcessSubjectCache(opts: {
  ttlSeconds: number;
  maxSubjects: number;
}): SubjectCache {
  const lru = new LRUCache<string, Map<string, unknown>>({
    max: opts.maxSubjects,
    ttl: opts.ttlSeconds * 1000,
  });
  return {
    get: async (subject, field) => lru.get(subject)?.get(field),
    set: async (subject, field, value) => {
      const bag = lru.get(subject) ?? new Map<string, unknown>();
      bag.set(field, value);
      lru.set(subject, bag);
    },
    drop: async (subject) => {
      lru.delete(subject);
    },
  };
}

/** One Redis hash per subject (`<prefix><subject>`), so an erase is one DEL. */
export function redisSubjectCache(
  redis: Redis,
  opts: { ttlSeconds: number; keyPrefix: string; onError?: (err: unknown) => void },
): SubjectCache {
  const onError = opts.onError ?? (() => {});
  const key = (subject: string) => opts.keyPrefix + subject;
  return {
    async get(subject, field) {
      try {
        const text = await redis.hget(key(subject), field);
        return text === null ? undefined : (JSON.parse(text) as unknown);
      } catch (err) {
        onError(err);
        return undefined;
      }
    },
    async set(subject, field, value) {
      try {
        await redis
          .multi()
          .hset(key(subject), field, JSON.stringify(value))
          .expire(key(subject), opts.ttlSeconds)
          .exec();
      } catch (err) {
        onError(err);
      }
    },
    async drop(subject) {
      // A failed drop could leave a stale entry for up to the TTL: said, not swallowed.
      try {
        await redis.del(key(subject));
      } catch (err) {
        onError(err);
      }
    },
  };
}
