/**
 * Each tenant's daily token allowance, counted by rate-limiter-flexible (in Redis when the
 * tier has one, in memory otherwise). A call is allowed while the day's count is under the
 * allowance; its tokens are charged after it answers, since nobody knows them before.
 */
import type { Redis } from "ioredis";
import {
  RateLimiterMemory,
  RateLimiterRedis,
  type RateLimiterAbstract,
} from "rate-limiter-flexible";

export interface TokenBudget {
  /** False when the tenant spent its allowance today. */
  allows(tenant: string): Promise<boolean>;
  charge(tenant: string, tokens: number): Promise<void>;
}

const DAY_SECONDS = 86_400;

/** The UTC day in the key: the allowance renews at midnight, not 24 h after the first call. */
const dayKey = (tenant: string, now: Date) => `${tenant}:${now.toISOString().slice(0, 10)}`;

export function tokenBudget(opts: {
  dailyTokens: number;
  redis?: Redis;
  keyPrefix: string;
  now?: () => Date;
  onError?: (err: unknown) => void;
}): TokenBudget {
  const now = opts.now ?? (() => new Date());
  const base = { points: opts.dailyTokens, duration: DAY_SECONDS, keyPrefix: opts.keyPrefix };
  const limiter: RateLimiterAbstract = opts.redis
    ? new RateLimiterRedis({
        ...base,
        storeClient: opts.redis,
        rejectIfRedisNotReady: true,
        insuranceLimiter: new RateLimiterMemory(base),
      })
    : new RateLimiterMemory(base);
  return {
    async allows(tenant) {
      if (opts.dailyTokens === 0) return false;
      try {
        const res = await limiter.get(dayKey(tenant, now()));
        return (res?.consumedPoints ?? 0) < opts.dailyTokens;
      } catch (err) {
        // A counter store that fails must not fail the request: the call goes ahead.
        opts.onError?.(err);
        return true;
      }
    },
    async charge(tenant, tokens) {
      if (tokens <= 0) return;
      await limiter.penalty(dayKey(tenant, now()), Math.ceil(tokens)).catch(opts.onError);
    },
  };
}
