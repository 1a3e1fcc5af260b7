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

/** The LLM tier's steps, each routed on its own (skills/llm/router.ts). */
export const LLM_STEPS = ["intent", "decompose", "dates", "link", "map", "edit"] as const;
export type LlmStep = (typeof LLM_STEPS)[number];

/** The models of one step: the cheap one asked first, the strong one an invalid answer goes to. */
export const StepModel = z
  .object({ model: z.string().min(1), strongModel: z.string().min(1).optional() })
  .strict();
export type StepModel = z.infer<typeof StepModel>;
export const StepModels = z.partialRecord(z.enum(LLM_STEPS), StepModel);
export type StepModels = z.infer<typeof StepModels>;

/** An environment variable holding JSON of a schema (given lazily: declared further down). */
function jsonOf<T>(schema: () => z.ZodType<T>, shape: string) {
  return z
    .string()
    .transform((text, ctx): T => {
      const parsed = (() => {
        try {
          return schema().safeParse(JSON.parse(text));
        } catch {
          return undefined;
        }
      })();
      if (parsed?.success) return parsed.data;
      ctx.addIssue({ code: "custom", message: `expected ${shape}` });
      return z.NEVER;
    })
    .optional();
}

/**
 * The LLM tier's settings. It is off unless OPENAI_BASE_URL is set: the product then runs on
 * the rules tier alone, exactly as without these variables.
 */
const LlmEnvFields = z.object({
  /** Any OpenAI-compatible endpoint (OpenAI, Azure's /openai/v1, vLLM, Ollama, llama.cpp). */
  OPENAI_BASE_URL: z.string().url().optional(),
  /** Sent as the bearer token; local servers accept any. */
  OPENAI_API_KEY: z.string().optional(),
  /** The cheap model the router tries first when the rules are not sure. */
  LLM_MAP_MODEL: z.string().min(1).default("gpt-4o-mini"),
  /** The model an answer that failed validation is escalated to, once; unset: no escalation. */
  LLM_MAP_STRONG_MODEL: z.string().min(1).optional(),
  /**
   * Models per step, JSON `{"dates": {"model": "m", "strongModel": "s"}}` (steps: intent,
   * decompose, dates, link, map, edit); a step not named uses LLM_MAP_MODEL and
   * LLM_MAP_STRONG_MODEL.
   */
  LLM_MODELS: jsonOf(() => StepModels, '{"<step>": {"model": "…", "strongModel": "…"}}'),
  /** Per tenant, the same shape by tenant id: `{"acme": {"map": {"model": "m"}}}`; wins. */
  LLM_TENANT_MODELS: jsonOf(
    () => z.record(z.string(), StepModels),
    '{"<tenant>": {"<step>": {"model": "…"}}}',
  ),
  /**
   * `hybrid`: the rules first, a model only when they are unsure. `llm`: a model first on every
   * routed step, the rules only when it fails (what `npm run eval -- --tier llm` measures).
   */
  LLM_MODE: z.enum(["hybrid", "llm"]).default("hybrid"),
  /** The rules' answer stands when its confidence is at least this and it has no ambiguity. */
  LLM_ROUTE_BELOW_CONFIDENCE: z.coerce.number().min(0).max(1).default(0.75),
  /** One model call (one attempt) gives up after this. */
  LLM_TIMEOUT_MS: z.coerce.number().int().min(50).default(8_000),
  /** Retries after a 429, a 5xx or a network error (with exponential backoff). */
  LLM_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
  /** First backoff delay; it doubles per retry. */
  LLM_RETRY_BASE_MS: z.coerce.number().int().min(1).default(250),
  /** Consecutive failed calls to an endpoint that open its breaker. */
  LLM_BREAKER_FAILURES: z.coerce.number().int().min(1).default(5),
  /** An open breaker lets one trial call through after this. */
  LLM_BREAKER_HALF_OPEN_MS: z.coerce.number().int().min(10).default(30_000),
  /** Tokens (in + out) one tenant may spend per UTC day; over it, the rules answer. */
  LLM_TENANT_DAILY_TOKENS: z.coerce.number().int().min(0).default(2_000_000),
  /** How long a model's answer is reused for the same input. */
  LLM_CACHE_TTL_SECONDS: z.coerce.number().int().min(1).default(86_400),
  /** Entries of the in-process cache (when REDIS_URL is unset). */
  LLM_CACHE_MAX_ENTRIES: z.coerce.number().int().min(1).default(5_000),
  /** How structured output is asked for: response_format json_schema, or a forced tool call. */
  LLM_STRUCTURED_METHOD: z.enum(["jsonSchema", "functionCalling"]).default("jsonSchema"),
  /**
   * USD per million tokens, JSON `{"model": {"input": n, "output": n}}`, merged over the
   * shipped table (DEFAULT_PRICES); a model in neither costs 0.
   */
  LLM_PRICES: z
    .string()
    .transform((text, ctx) => {
      try {
        return ModelPrices.parse(JSON.parse(text));
      } catch {
        ctx.addIssue({ code: "custom", message: 'expected {"model": {"input": n, "output": n}}' });
        return z.NEVER;
      }
    })
    .optional(),
});

export const ModelPrices = z.record(
  z.string(),
  z.object({ input: z.number().min(0), output: z.number().min(0) }),
);
export type ModelPrices = z.infer<typeof ModelPrices>;

/** USD per million tokens, list prices at the time of writing; LLM_PRICES overrides. */
export const DEFAULT_PRICES: ModelPrices = {
  "gpt-4o-mini": { input: 0.15, output: 0.6 },
  "gpt-4o": { input: 2.5, output: 10 },
  "gpt-4.1-mini": { input: 0.4, output: 1.6 },
  "gpt-4.1": { input: 2, output: 8 },
};

export interface LlmConfig {
  baseUrl: string;
  apiKey: string;
  mapModel: string;
  mapStrongModel?: string;
  /** Per step, over mapModel / mapStrongModel. */
  stepModels: StepModels;
  /** Per tenant and step, over everything else. */
  tenantModels: Record<string, StepModels>;
  mode: "hybrid" | "llm";
  routeBelowConfidence: number;
  timeoutMs: number;
  maxRetries: number;
  retryBaseMs: number;
  breakerFailures: number;
  breakerHalfOpenMs: number;
  tenantDailyTokens: number;
  cacheTtlSeconds: number;
  cacheMaxEntries: number;
  structuredMethod: "jsonSchema" | "functionCalling";
  prices: ModelPrices;
  redisUrl?: string;
}

/** The LLM tier's configuration, or null when it is off (no OPENAI_BASE_URL). */
export function llmConfigFrom(env: AppEnv): LlmConfig | null {
  if (!env.OPENAI_BASE_URL) return null;
  return {
    baseUrl: env.OPENAI_BASE_URL,
    // The SDK refuses to start without a key; local servers ignore it.
    apiKey: env.OPENAI_API_KEY ?? "not-needed",
    mapModel: env.LLM_MAP_MODEL,
    mapStrongModel: env.LLM_MAP_STRONG_MODEL,
    stepModels: env.LLM_MODELS ?? {},
    tenantModels: env.LLM_TENANT_MODELS ?? {},
    mode: env.LLM_MODE,
    routeBelowConfidence: env.LLM_ROUTE_BELOW_CONFIDENCE,
    timeoutMs: env.LLM_TIMEOUT_MS,
    maxRetries: env.LLM_MAX_RETRIES,
    retryBaseMs: env.LLM_RETRY_BASE_MS,
    breakerFailures: env.LLM_BREAKER_FAILURES,
    breakerHalfOpenMs: env.LLM_BREAKER_HALF_OPEN_MS,
    tenantDailyTokens: env.LLM_TENANT_DAILY_TOKENS,
    cacheTtlSeconds: env.LLM_CACHE_TTL_SECONDS,
    cacheMaxEntries: env.LLM_CACHE_MAX_ENTRIES,
    structuredMethod: env.LLM_STRUCTURED_METHOD,
    prices: { ...DEFAULT_PRICES, ...env.LLM_PRICES },
    redisUrl: env.REDIS_URL,
  };
}

/**
 * The vector store and the remote embedder. Without MILVUS_ADDRESS the vectors stay in
 * process (the default); without EMBEDDINGS_MODEL (or OPENAI_BASE_URL) the offline hashed
 * n-gram embedder embeds.
 */
const VectorEnvFields = z.object({
  /** Milvus 2.6+ (host:port, or an https URL for Zilliz Cloud); unset: the in-process store. */
  MILVUS_ADDRESS: z.string().min(1).optional(),
  MILVUS_TOKEN: z.string().optional(),
  MILVUS_DATABASE: z.string().optional(),
  /** Collections are `<prefix><kind>_d<dimension>`; deployments sharing a Milvus differ here. */
  MILVUS_COLLECTION_PREFIX: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
    .default("segment_"),
  /** Deadline of Milvus's connection attempt and of every call (the SDK's own default is 15 s). */
  MILVUS_TIMEOUT_MS: z.coerce.number().int().min(50).default(2_000),
  /** A vector search slower than this is abandoned for lexical search. */
  VECTOR_SEARCH_TIMEOUT_MS: z.coerce.number().int().min(1).default(250),
  /** Vector matches fused with the lexical scores per search (remote stores return top-k). */
  VECTOR_SEARCH_CANDIDATES: z.coerce.number().int().min(1).max(16_384).default(100),
  /** Consecutive failed or slow vector searches that open the breaker (lexical only). */
  VECTOR_BREAKER_FAILURES: z.coerce.number().int().min(1).default(3),
  /** An open vector-store breaker lets one trial search through after this. */
  VECTOR_BREAKER_HALF_OPEN_MS: z.coerce.number().int().min(10).default(10_000),
  /** An OpenAI-compatible /embeddings model at OPENAI_BASE_URL; unset: the offline embedder. */
  EMBEDDINGS_MODEL: z.string().min(1).optional(),
  /** Vector length: sent as `dimensions` when set (text-embedding-3-*); else the model's 1536. */
  EMBEDDINGS_DIMENSIONS: z.coerce.number().int().min(1).optional(),
  /** One /embeddings request gives up after this. */
  EMBEDDINGS_TIMEOUT_MS: z.coerce.number().int().min(50).default(10_000),
  EMBEDDINGS_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
  /** How long an embedding is reused for the same model and text (Redis or in process). */
  EMBEDDINGS_CACHE_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .default(30 * 86_400),
  /** Entries of the in-process embedding cache (when REDIS_URL is unset). */
  EMBEDDINGS_CACHE_MAX_ENTRIES: z.coerce.number().int().min(1).default(50_000),
  /**
   * A saved segment is suggested for a new request (and shown to the LLM tier as an example)
   * when the cosine of the request with its recipe is at least this. The default is set on the
   * labelled recipe set of bench/recipe-bench.ts with the offline embedder (README, Recipes).
   */
  RECIPE_MIN_SCORE: z.coerce.number().min(-1).max(1).default(0.5),
  /** Most recipes found per request; 0 turns suggestions and recipe examples off. */
  RECIPE_SUGGESTIONS: z.coerce.number().int().min(0).max(20).default(3),
});

export interface VectorConfig {
  milvus?: {
    address: string;
    token?: string;
    database?: string;
    collectionPrefix: string;
    timeoutMs: number;
  };
  searchTimeoutMs: number;
  candidates: number;
  breakerFailures: number;
  breakerHalfOpenMs: number;
  /** Recipes (saved segments found by similarity): threshold and how many per request. */
  recipes: { minScore: number; limit: number };
  /** The remote embedder, when EMBEDDINGS_MODEL and OPENAI_BASE_URL are both set. */
  embeddings?: {
    baseUrl: string;
    apiKey: string;
    model: string;
    dimensions?: number;
    timeoutMs: number;
    maxRetries: number;
    cacheTtlSeconds: number;
    cacheMaxEntries: number;
    redisUrl?: string;
  };
}

export function vectorConfigFrom(env: AppEnv): VectorConfig {
  return {
    milvus: env.MILVUS_ADDRESS
      ? {
          address: env.MILVUS_ADDRESS,
          token: env.MILVUS_TOKEN,
          database: env.MILVUS_DATABASE,
          collectionPrefix: env.MILVUS_COLLECTION_PREFIX,
          timeoutMs: env.MILVUS_TIMEOUT_MS,
        }
      : undefined,
    searchTimeoutMs: env.VECTOR_SEARCH_TIMEOUT_MS,
    candidates: env.VECTOR_SEARCH_CANDIDATES,
    breakerFailures: env.VECTOR_BREAKER_FAILURES,
    breakerHalfOpenMs: env.VECTOR_BREAKER_HALF_OPEN_MS,
    recipes: { minScore: env.RECIPE_MIN_SCORE, limit: env.RECIPE_SUGGESTIONS },
    embeddings:
      env.EMBEDDINGS_MODEL && env.OPENAI_BASE_URL
        ? {
            baseUrl: env.OPENAI_BASE_URL,
            apiKey: env.OPENAI_API_KEY ?? "not-needed",
            model: env.EMBEDDINGS_MODEL,
            dimensions: env.EMBEDDINGS_DIMENSIONS,
            timeoutMs: env.EMBEDDINGS_TIMEOUT_MS,
            maxRetries: env.EMBEDDINGS_MAX_RETRIES,
            cacheTtlSeconds: env.EMBEDDINGS_CACHE_TTL_SECONDS,
            cacheMaxEntries: env.EMBEDDINGS_CACHE_MAX_ENTRIES,
            redisUrl: env.REDIS_URL,
          }
        : undefined,
  };
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
  /**
   * `steps`: checkpoint creation's and editing's inner steps too, so a cut turn resumes from
   * its last step. `turns` (default): checkpoint the conversation's own steps (each message,
   * question, answer and version) and run the inner steps without checkpoints, so a cut turn
   * runs again from the thread's last resting state: half the statements per run. LLM answers
   * are cached, so a turn run again asks no model twice.
   */
  CHECKPOINTS: z.enum(["turns", "steps"]).default("turns"),
  /** Shared caches (LLM responses) and, for serve, rate-limit counters; in process when unset. */
  REDIS_URL: z.string().url().optional(),
  /**
   * How long preferences and recent segments stay in the short-term memory cache (Redis when
   * REDIS_URL is set, in process otherwise) before Postgres is read again; writes clear it.
   */
  MEMORY_CACHE_TTL_SECONDS: z.coerce.number().int().min(1).default(300),
  /** Separates the memory cache keys of deployments sharing one Redis. */
  MEMORY_KEY_PREFIX: z.string().min(1).default("segment-memory:"),
  ...LlmEnvFields.shape,
  ...VectorEnvFields.shape,
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
