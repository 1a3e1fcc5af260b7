/**
 * Per-tenant rate limits: counters in Redis when REDIS_URL is set (shared by every server
 * process), in process memory otherwise. When Redis is unreachable the in-memory limiter
 * stands in, so a Redis outage degrades the limits instead of failing the requests.
 */
import { Redis } from "ioredis";
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from "rate-limiter-flexible";
import type { MiddlewareHandler } from "hono";
import type { Logger } from "pino";
import { ApiError } from "./errors.ts";
import type { ApiBindings } from "./types.ts";

export interface RedisTimeouts {
  /** Opening the connection (each reconnect too). */
  connectMs: number;
  /** Waiting for a command's answer: a stalled Redis fails over to memory after this. */
  commandMs: number;
}

/** ServerEnv's REDIS_CONNECT_TIMEOUT_MS and REDIS_COMMAND_TIMEOUT_MS defaults. */
export const DEFAULT_REDIS_TIMEOUTS: RedisTimeouts = { connectMs: 2_000, commandMs: 500 };

export interface RateLimiterHandle {
  limiter: RateLimiterAbstract;
  /**
   * Resolves once Redis is connected (true) or after `timeoutMs` (false; by default the
   * connect timeout); until then the in-memory limiter counts, so start-up should wait for it.
   */
  ready(timeoutMs?: number): Promise<boolean>;
  /** Disconnects from Redis, when there is one. */
  close(): Promise<void>;
}

export function createRateLimiter(opts: {
  pointsPerMinute: number;
  redisUrl?: string;
  /** Separates the counters of different deployments (or test runs) sharing one Redis. */
  keyPrefix?: string;
  logger?: Logger;
  timeouts?: RedisTimeouts;
}): RateLimiterHandle {
  const timeouts = opts.timeouts ?? DEFAULT_REDIS_TIMEOUTS;
  const base = {
    points: opts.pointsPerMinute,
    duration: 60,
    keyPrefix: opts.keyPrefix ?? "segment-api",
  };
  if (!opts.redisUrl) {
    return {
      limiter: new RateLimiterMemory(base),
      ready: async () => true,
      close: async () => {},
    };
  }
  // No offline queue: a limit check must answer now, not when Redis comes back. A command
  // that gets no answer (a stalled Redis) fails after commandTimeout, and the in-memory
  // limiter answers instead.
  const redis = new Redis(opts.redisUrl, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: timeouts.connectMs,
    commandTimeout: timeouts.commandMs,
  });
  redis.on("error", (err: Error) => opts.logger?.warn({ err }, "redis error (rate limits)"));
  const limiter = new RateLimiterRedis({
    ...base,
    storeClient: redis,
    rejectIfRedisNotReady: true,
    insuranceLimiter: new RateLimiterMemory(base),
  });
  return {
    limiter,
    ready: (timeoutMs = timeouts.connectMs) =>
      redis.status === "ready"
        ? Promise.resolve(true)
        : new Promise<boolean>((resolve) => {
            const timer = setTimeout(() => {
              redis.off("ready", onReady);
              resolve(false);
            }, timeoutMs);
            const onReady = () => {
              clearTimeout(timer);
              resolve(true);
            };
            redis.once("ready", onReady);
          }),
    close: async () => {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

function resetSeconds(res: RateLimiterRes): number {
  return Math.max(1, Math.ceil(res.msBeforeNext / 1000));
}

/** One point per request, keyed by the tenant the auth middleware resolved. */
export function rateLimit(limiter: RateLimiterAbstract): MiddlewareHandler<ApiBindings> {
  return async (c, next) => {
    const tenant = c.get("tenantId");
    let res: RateLimiterRes;
    try {
      res = await limiter.consume(tenant);
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) {
        const retryAfter = String(resetSeconds(rejection));
        throw new ApiError(
          429,
          "rate_limited",
          `Rate limit of ${limiter.points} requests per minute exceeded; retry in ${retryAfter} s.`,
          {
            "Retry-After": retryAfter,
            "RateLimit-Limit": String(limiter.points),
            "RateLimit-Remaining": "0",
            "RateLimit-Reset": retryAfter,
          },
        );
      }
      // Both stores failed: serving without a limit beats refusing every request.
      c.get("logger").error({ err: rejection }, "rate limiter unavailable");
      return next();
    }
    c.header("RateLimit-Limit", String(limiter.points));
    c.header("RateLimit-Remaining", String(res.remainingPoints));
    c.header("RateLimit-Reset", String(resetSeconds(res)));
    return next();
  };
}
