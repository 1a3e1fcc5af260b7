/**
 * The server's environment: the application's `AppEnv` plus the HTTP settings, parsed once at
 * start. Nothing under server/ reads process.env after this.
 */
import { z } from "zod";
import { AppEnv } from "../state/config.ts";

const Origin = z
  .string()
  .url()
  .refine(
    (value) => new URL(value).origin === value,
    "expected an origin like https://app.example.com",
  );

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
  /** Shared rate-limit counters across server processes; in-process counters when unset. */
  REDIS_URL: z.string().url().optional(),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(120),
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(10 * 1024 * 1024)
    .default(64 * 1024),
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
}

export function serverConfigFrom(env: ServerEnv): ServerConfig {
  return {
    corsOrigins: env.CORS_ORIGINS,
    bodyLimitBytes: env.BODY_LIMIT_BYTES,
    rateLimitPerMinute: env.RATE_LIMIT_PER_MINUTE,
    segmentTimeoutMs: env.SEGMENT_TIMEOUT_MS,
  };
}
