/**
 * Configuration: one zod schema with defaults for the graph's knobs, and one for the
 * process environment (parsed once at start).
 */
import { z } from "zod";

export const NscConfig = z.object({
  /** Improve rounds after a failed validation before giving up to clarify. */
  maxImproveAttempts: z.number().int().min(0).max(5).default(2),
  /** Longer requests are rejected; nobody describes a segment in 20,000 characters. */
  maxRequestChars: z.number().int().min(10).max(20_000).default(1_000),
  /** Mappings less sure than this ask the user instead of guessing. */
  clarifyBelowConfidence: z.number().min(0).max(1).default(0.5),
  /** Clarifying options show their segment sizes (one count query each). */
  optionSizes: z.boolean().default(true),
  /** Questions one turn of a conversation may ask before it gives up and says why. */
  maxClarifications: z.number().int().min(1).max(10).default(4),
});
export type NscConfig = z.infer<typeof NscConfig>;

/** Reads the graph configuration from `config.configurable`, applying defaults. */
export function nscConfigFrom(configurable: Record<string, unknown> | undefined): NscConfig {
  const known = Object.fromEntries(
    Object.entries(configurable ?? {}).filter(([k]) => k in NscConfig.shape),
  );
  return NscConfig.parse(known);
}

const AppEnvFields = z.object({
  /** Managed Postgres; when unset an embedded Postgres is started under DATA_DIR. */
  DATABASE_URL: z.string().url().optional(),
  /** Where the embedded Postgres keeps its cluster. */
  DATA_DIR: z.string().default(".data"),
  /** Port of the embedded Postgres. */
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1024).max(65535).default(54329),
  /** Folder with online-retail.csv.gz, products.csv and dev-queries.jsonl. */
  ONLINE_RETAIL_DIR: z.string().default("../shared/data/online-retail"),
  /** Statement timeout for segment execution. */
  SEGMENT_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("warn"),
  /**
   * Opening a Postgres connection, and waiting for a free one when the pool is full (pg-pool
   * bounds both with this one setting).
   */
  PG_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).default(5_000),
  /**
   * Connections of the services' pool (checkpoints, app tables, segment execution); pg's own
   * default is 10. Each graph run holds one per statement, so raise it with GRAPH_RUNS_MAX.
   */
  PG_POOL_MAX: z.coerce.number().int().min(1).max(500).default(10),
  /** Server-side limit per statement; a segment run raises it to SEGMENT_TIMEOUT_MS. */
  PG_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  /** The server ends a session left idle inside a transaction this long. */
  PG_IDLE_IN_TRANSACTION_TIMEOUT_MS: z.coerce.number().int().min(100).default(15_000),
  /**
   * Client-side limit on waiting for any answer from Postgres: what bounds a stalled server,
   * which no server-side timeout can. Unset: see pgQueryTimeoutMs.
   */
  PG_QUERY_TIMEOUT_MS: z.coerce.number().int().min(100).optional(),
});

/** How much longer than the server's own statement timeout the client waits for an answer. */
export const QUERY_TIMEOUT_MARGIN_MS = 2_000;

export const AppEnv = AppEnvFields.superRefine((env, ctx) => {
  const longest = Math.max(env.SEGMENT_TIMEOUT_MS, env.PG_STATEMENT_TIMEOUT_MS);
  if (env.PG_QUERY_TIMEOUT_MS !== undefined && env.PG_QUERY_TIMEOUT_MS <= longest) {
    ctx.addIssue({
      code: "custom",
      path: ["PG_QUERY_TIMEOUT_MS"],
      message: `must be above SEGMENT_TIMEOUT_MS and PG_STATEMENT_TIMEOUT_MS (${longest} ms), or it would cut short a statement the server still allows`,
    });
  }
});
export type AppEnv = z.infer<typeof AppEnv>;

/**
 * PG_QUERY_TIMEOUT_MS, by default the longer of SEGMENT_TIMEOUT_MS and PG_STATEMENT_TIMEOUT_MS
 * plus the margin: the client never gives up on a statement the server would still run.
 */
export function pgQueryTimeoutMs(env: AppEnv): number {
  return (
    env.PG_QUERY_TIMEOUT_MS ??
    Math.max(env.SEGMENT_TIMEOUT_MS, env.PG_STATEMENT_TIMEOUT_MS) + QUERY_TIMEOUT_MARGIN_MS
  );
}

export function parseEnv(env: NodeJS.ProcessEnv = process.env): AppEnv {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ""));
  return AppEnv.parse(cleaned);
}
