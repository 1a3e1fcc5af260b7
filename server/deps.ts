/**
 * What the app is built from. `createApp` takes these ready-made; `createDeps` builds the usual
 * set for a process (serve, tests, benchmark) and knows how to close what it opened.
 */
import pg from "pg";
import type { Logger } from "pino";
import type { RateLimiterAbstract } from "rate-limiter-flexible";
import type { Services } from "../runtime/services.ts";
import {
  applyPoolTimeouts,
  guardCheckedOutClients,
  poolTimeoutOptions,
  shortStatementTimeouts,
  type PoolTimeouts,
} from "../storage/database.ts";
import { ThreadLocks } from "../storage/threads.ts";
import type { ServerConfig } from "./env.ts";
import { createMetrics, type ApiMetrics } from "./metrics.ts";
import { createRateLimiter, type RedisTimeouts } from "./rate-limit.ts";
import { RunLimiter } from "./run-limits.ts";
import { systemClock, type Clock } from "./types.ts";

export interface AppDeps {
  services: Services;
  config: ServerConfig;
  logger: Logger;
  rateLimiter: RateLimiterAbstract;
  clock: Clock;
  /** Per-thread run locks; on a pool of their own (see ThreadLocks). */
  locks: ThreadLocks;
  metrics: ApiMetrics;
  /** Backpressure on graph runs, per process and per tenant (run-limits.ts). */
  runLimiter: RunLimiter;
  /** True once shutdown began: readiness fails so a load balancer stops sending requests. */
  isDraining?: () => boolean;
}

export interface OwnedDeps {
  deps: AppDeps;
  /**
   * Resolves once the database pool carries its timeouts (when given); false when Redis
   * (REDIS_URL) did not connect in time, limits then count in memory.
   */
  ready(): Promise<boolean>;
  close(): Promise<void>;
}

export function createDeps(
  services: Services,
  config: ServerConfig,
  opts: {
    logger: Logger;
    redisUrl?: string;
    rateLimitKeyPrefix?: string;
    clock?: Clock;
    isDraining?: () => boolean;
    /** Runs that may hold a thread lock at once, per process. */
    lockConnections?: number;
    /**
     * Bounds on every Postgres connection the app uses: put on the services' pool (see
     * applyPoolTimeouts) and on the lock pool. Without them a stalled database hangs requests.
     */
    poolTimeouts?: PoolTimeouts;
    /** Connections of the services' pool (PG_POOL_MAX), set with the timeouts. */
    poolMax?: number;
    /** Connect and command timeouts for Redis; rate-limit.ts has the defaults. */
    redisTimeouts?: RedisTimeouts;
  },
): OwnedDeps {
  const lockPool = new pg.Pool({
    connectionString: services.db.url,
    max: opts.lockConnections ?? 32,
    application_name: "segmentation-agent-locks",
    ...(opts.poolTimeouts ? poolTimeoutOptions(shortStatementTimeouts(opts.poolTimeouts)) : {}),
  });
  lockPool.on("error", (err) => opts.logger.warn({ err }, "idle lock connection failed"));
  // A lock's connection is held idle for a whole run: its loss must not crash the process.
  guardCheckedOutClients(lockPool, opts.logger);
  const poolReady = opts.poolTimeouts
    ? applyPoolTimeouts(services.db.pool, opts.poolTimeouts, opts.poolMax)
    : Promise.resolve();
  const limiter = createRateLimiter({
    pointsPerMinute: config.rateLimitPerMinute,
    redisUrl: opts.redisUrl,
    keyPrefix: opts.rateLimitKeyPrefix,
    logger: opts.logger,
    timeouts: opts.redisTimeouts,
  });
  const locks = new ThreadLocks(lockPool);
  const metrics = createMetrics({ also: services.llm ? [services.llm.metrics.registry] : [] });
  const runLimiter = new RunLimiter(config.runLimits, metrics.runLimiterObserver);
  metrics.watchRuns(() => runLimiter.counts());
  return {
    deps: {
      services,
      config,
      logger: opts.logger,
      rateLimiter: limiter.limiter,
      clock: opts.clock ?? systemClock,
      locks,
      metrics,
      runLimiter,
      isDraining: opts.isDraining,
    },
    ready: async () => {
      await poolReady;
      return limiter.ready();
    },
    close: async () => {
      await Promise.allSettled([locks.close(), limiter.close()]);
    },
  };
}
