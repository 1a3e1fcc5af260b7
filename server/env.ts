/**
 * The server's environment: the application's `AppEnv` plus the HTTP settings, parsed once at
 * start. Nothing under server/ reads process.env after this.
 */
import { z } from "zod";
import { AppEnv } from "../state/config.ts";
import { DEFAULT_REDIS_TIMEOUTS, type RedisTimeouts } from "./rate-limit.ts";
import type { RunLimits } from "./run-limits.ts";

const Origin = z
  .string()
  .url()
  .refine(
    (value) => new URL(value).origin === value,
    "expected an origin like https://app.example.com",
  );

const Millis = z.coerce.number().int().min(100);

export const ServerEnv = AppEnv.extend({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /** Loopback by default: exposing the API is a decision, not an accident. */
  HOST: z.string().min(1).default("127.0.0.1"),
  /** Comma-separated origins allowed to call the API from a browser; none by default. */
  CORS_ORIGINS: z
    .string()
    .default("")
    .transform((value) =>
      value
        .split(",")
        .map((origin) => origin.trim())
        .filter(Boolean),
    )
    .pipe(z.array(Origin)),
  // REDIS_URL is AppEnv's: the LLM tier's cache shares it with the rate-limit counters.
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(120),
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(10 * 1024 * 1024)
    .default(64 * 1024),
  /** Connecting to Redis; each reconnect too. */
  REDIS_CONNECT_TIMEOUT_MS: Millis.default(DEFAULT_REDIS_TIMEOUTS.connectMs),
  /** A Redis command without an answer fails after this; the limits then count in memory. */
  REDIS_COMMAND_TIMEOUT_MS: Millis.default(DEFAULT_REDIS_TIMEOUTS.commandMs),
  /** A client must have sent all its request headers within this (Node's headersTimeout). */
  HTTP_HEADERS_TIMEOUT_MS: Millis.default(10_000),
  /** ... and its whole request, body included (Node's requestTimeout). */
  HTTP_REQUEST_TIMEOUT_MS: Millis.default(30_000),
  /** An idle keep-alive connection is closed after this (Node's keepAliveTimeout). */
  HTTP_KEEP_ALIVE_TIMEOUT_MS: Millis.default(5_000),
  /** Graph runs (messages, answers, segment edits and reverts) at once in this process. */
  GRAPH_RUNS_MAX: z.coerce.number().int().min(1).max(1_000).default(4),
  /** Runs that may wait for a slot in this process beyond those; more get 503 overloaded. */
  GRAPH_RUNS_QUEUE: z.coerce.number().int().min(0).max(100_000).default(32),
  /** Graph runs at once for one tenant, within the process's. */
  TENANT_GRAPH_RUNS_MAX: z.coerce.number().int().min(1).max(1_000).default(3),
  /** Runs of one tenant that may wait beyond those; more get 429 tenant_overloaded. */
  TENANT_GRAPH_RUNS_QUEUE: z.coerce.number().int().min(0).max(100_000).default(24),
  /** A run that waited this long for a slot is refused as if the queue were full. */
  GRAPH_QUEUE_TIMEOUT_MS: Millis.default(10_000),
  /** The least Retry-After (seconds) on 503 overloaded and 429 tenant_overloaded. */
  OVERLOAD_RETRY_AFTER_SECONDS: z.coerce.number().int().min(1).max(600).default(2),
}).superRefine((env, ctx) => {
  if (env.TENANT_GRAPH_RUNS_MAX > env.GRAPH_RUNS_MAX) {
    ctx.addIssue({
      code: "custom",
      path: ["TENANT_GRAPH_RUNS_MAX"],
      message: `must not exceed GRAPH_RUNS_MAX (${env.GRAPH_RUNS_MAX}): a tenant's runs are the process's`,
    });
  }
  if (env.HTTP_HEADERS_TIMEOUT_MS > env.HTTP_REQUEST_TIMEOUT_MS) {
    ctx.addIssue({
      code: "custom",
      path: ["HTTP_HEADERS_TIMEOUT_MS"],
      message: `must not exceed HTTP_REQUEST_TIMEOUT_MS (${env.HTTP_REQUEST_TIMEOUT_MS} ms): the headers are part of the request`,
    });
  }
});
export type ServerEnv = z.infer<typeof ServerEnv>;

export function parseServerEnv(env: NodeJS.ProcessEnv = process.env): ServerEnv {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ""));
  return ServerEnv.parse(cleaned);
}

/** What the app itself needs to know; the rest of the environment is for start-up. */
export interface ServerConfig {
  corsOrigins: string[];
  bodyLimitBytes: number;
  rateLimitPerMinute: number;
  /** Statement timeout when listing members (as for every segment execution). */
  segmentTimeoutMs: number;
  /** Bounds on concurrent and waiting graph runs (run-limits.ts). */
  runLimits: RunLimits;
}

export function serverConfigFrom(env: ServerEnv): ServerConfig {
  return {
    corsOrigins: env.CORS_ORIGINS,
    bodyLimitBytes: env.BODY_LIMIT_BYTES,
    rateLimitPerMinute: env.RATE_LIMIT_PER_MINUTE,
    segmentTimeoutMs: env.SEGMENT_TIMEOUT_MS,
    runLimits: {
      concurrency: env.GRAPH_RUNS_MAX,
      queue: env.GRAPH_RUNS_QUEUE,
      tenantConcurrency: env.TENANT_GRAPH_RUNS_MAX,
      tenantQueue: env.TENANT_GRAPH_RUNS_QUEUE,
      queueTimeoutMs: env.GRAPH_QUEUE_TIMEOUT_MS,
      retryAfterSeconds: env.OVERLOAD_RETRY_AFTER_SECONDS,
    },
  };
}

export function redisTimeoutsFrom(env: ServerEnv): RedisTimeouts {
  return { connectMs: env.REDIS_CONNECT_TIMEOUT_MS, commandMs: env.REDIS_COMMAND_TIMEOUT_MS };
}

/** Node HTTP server limits on slow clients. */
export interface HttpTimeouts {
  headersMs: number;
  requestMs: number;
  keepAliveMs: number;
}

export function httpTimeoutsFrom(env: ServerEnv): HttpTimeouts {
  return {
    headersMs: env.HTTP_HEADERS_TIMEOUT_MS,
    requestMs: env.HTTP_REQUEST_TIMEOUT_MS,
    keepAliveMs: env.HTTP_KEEP_ALIVE_TIMEOUT_MS,
  };
}
