/**
 * Builds everything a run needs, once per process: database (embedded or DATABASE_URL),
 * migrations, every available tenant's warehouse, catalog, retriever and speller, the
 * skills, the saved segments' version store, the Postgres checkpointer and the compiled
 * conversation graph.
 */
import type { Redis } from "ioredis";
import { resolve } from "node:path";
import type pg from "pg";
import { catalogIndexDir } from "../catalog/index-cache.ts";
import { CatalogRetriever } from "../catalog/retriever.ts";
import { createConversationGraph } from "../graphs/conversation.ts";
import { createLlmTier, type LlmTier, type LlmTierOptions } from "../skills/llm/index.ts";
import { activeManifests } from "../skills/registry.ts";
import { rulesSkills } from "../skills/rules/index.ts";
import { SpellingCorrector } from "../skills/rules/spelling.ts";
import { TenantConfig } from "../state/catalog.ts";
import { llmConfigFrom, vectorConfigFrom, type AppEnv } from "../state/config.ts";
import type { NscContext, TenantRuntime } from "../state/context.ts";
import { createCheckpointer, type SettlingPostgresSaver } from "../storage/checkpointer.ts";
import { openDatabase, type Database } from "../storage/database.ts";
import { migrate } from "../storage/migrations.ts";
import { PgMemoryStore } from "../storage/memory.ts";
import {
  inProcessSubjectCache,
  redisSubjectCache,
  type SubjectCache,
} from "../storage/memory-cache.ts";
import { cacheRedis, closeRedis } from "../storage/redis-cache.ts";
import { recordManifests, syncTenantArtefacts } from "../storage/registry.ts";
import { PgSegmentVersionStore } from "../storage/segments.ts";
import { Warehouse } from "../warehouse/execute.ts";
import { DataNotFoundError, type LoadProgress } from "../warehouse/load-online-retail.ts";
import { createRecipeBook, type RecipeBook } from "./recipes.ts";
import { useLightRunContext } from "./run-context.ts";
import { TENANT_PROVIDERS, type TenantProvider } from "./tenants.ts";

export interface Services {
  db: Database;
  warehouse: Warehouse;
  tenants: Map<string, TenantRuntime>;
  /** The first available tenant: online-retail when its data is present. */
  defaultTenant: string;
  context: NscContext;
  checkpointer: SettlingPostgresSaver;
  /** The conversation graph (creation and editing as subgraphs), checkpointed in Postgres. */
  graph: ReturnType<typeof createConversationGraph>;
  /** The LLM tier behind the rules (OPENAI_BASE_URL), or null: rules only. */
  llm: LlmTier | null;
  /** Memory beyond one thread (also the nodes' `context.memory`). */
  memory: PgMemoryStore;
  /** Saved segments as recipes (also the nodes' `context.recipes`): index them on save and delete. */
  recipes: RecipeBook;
  close(): Promise<void>;
}

/** The memory's short-term cache: Redis when REDIS_URL is set, this process otherwise. */
function memoryCache(
  env: AppEnv,
  opts: StartOptions,
): { cache: SubjectCache; redis: Redis | undefined } {
  const ttlSeconds = env.MEMORY_CACHE_TTL_SECONDS;
  if (!env.REDIS_URL)
    return { cache: inProcessSubjectCache({ ttlSeconds, maxSubjects: 10_000 }), redis: undefined };
  // Errors are misses (memory-cache.ts): Postgres answers.
  const redis = cacheRedis(env.REDIS_URL);
  const keyPrefix = opts.memoryKeyPrefix ?? env.MEMORY_KEY_PREFIX;
  return { cache: redisSubjectCache(redis, { ttlSeconds, keyPrefix }), redis };
}

export interface StartOptions {
  /** Human-readable start-up steps. */
  onStatus?: (msg: string) => void;
  /** Warehouse load progress (bytes copied, steps derived). */
  onLoadProgress?: (p: LoadProgress) => void;
  /** Reload the warehouse even when the source files did not change. */
  forceReload?: boolean;
  /** Tenants to serve; default every shipped provider whose data is available. */
  providers?: TenantProvider[];
  /** For the LLM tier, when OPENAI_BASE_URL turns it on (tests: a Redis key prefix). */
  llm?: LlmTierOptions;
  /** Prefix of the memory cache's Redis keys (tests: their own); default MEMORY_KEY_PREFIX. */
  memoryKeyPrefix?: string;
  /**
   * Told about a recipe index write or search that failed (the turn or save goes on).
   * Default: a status line (`onStatus`).
   */
  onRecipeError?: (what: string, err: unknown) => void;
}

/**
 * The tenant's stored configuration, created from the defaults on first start. A row never
 * edited (updated_at = created_at) follows the shipped defaults; an edited one is kept.
 */
async function tenantConfig(pool: pg.Pool, defaults: TenantConfig): Promise<TenantConfig> {
  await pool.query(
    `insert into app.tenants (id, config) values ($1, $2)
     on conflict (id) do update set config = excluded.config
     where app.tenants.updated_at = app.tenants.created_at`,
    [defaults.tenant, JSON.stringify(defaults)],
  );
  const { rows } = await pool.query<{ config: unknown }>(
    "select config from app.tenants where id = $1",
    [defaults.tenant],
  );
  return TenantConfig.parse(rows[0]?.config ?? defaults);
}

export async function startServices(env: AppEnv, opts: StartOptions = {}): Promise<Services> {
  const say = opts.onStatus ?? (() => {});
  useLightRunContext();
  const providers = (opts.providers ?? TENANT_PROVIDERS).filter((p) => p.available(env));
  if (providers.length === 0) {
    throw new DataNotFoundError(
      `no tenant data available (online-retail expected in ${env.ONLINE_RETAIL_DIR})`,
    );
  }
  say(
    env.DATABASE_URL
      ? "connecting to DATABASE_URL"
      : `starting embedded Postgres in ${env.DATA_DIR}`,
  );
  const db = await openDatabase({
    databaseUrl: env.DATABASE_URL,
    dataDir: resolve(env.DATA_DIR),
    port: env.EMBEDDED_PG_PORT,
    onProgress: say,
  });
  try {
    await migrate(db.pool);
    const tenants = new Map<string, TenantRuntime>();
    const llmConfig = llmConfigFrom(env);
    const manifests = activeManifests(llmConfig !== null);
    await recordManifests(db.pool, manifests);
    for (const provider of providers) {
      say(`loading the ${provider.id} warehouse`);
      await provider.load(db.pool, env, opts.onLoadProgress ?? (() => {}), {
        force: opts.forceReload,
      });
      await tenantConfig(db.pool, provider.defaultConfig);
      // The glossary and skills that serve the tenant, as versions of the registry.
      const { config, versions } = await syncTenantArtefacts(db.pool, provider.id, manifests);
      const { catalog, texts } = await provider.catalog(db.pool);
      const retriever = new CatalogRetriever(catalog, { texts, indexDir: catalogIndexDir(env) });
      const speller = new SpellingCorrector(catalog, Object.values(texts).flat());
      tenants.set(provider.id, {
        config,
        catalog,
        retriever,
        speller,
        binding: provider.binding,
        skillsVersion: versions.skills,
      });
    }
    const warehouse = new Warehouse(db.pool, { statementTimeoutMs: env.SEGMENT_TIMEOUT_MS });
    const llm = llmConfig ? createLlmTier(llmConfig, rulesSkills(), opts.llm) : null;
    if (llm && !(await llm.ready()))
      say("Redis (REDIS_URL) not reachable yet: the LLM cache misses");
    const short = memoryCache(env, opts);
    const memory = new PgMemoryStore(db.pool, short.cache);
    const recipes = createRecipeBook(db.pool, tenants, vectorConfigFrom(env), {
      onError:
        opts.onRecipeError ??
        ((what, err) => say(`recipes: ${what} failed: ${(err as Error).message ?? String(err)}`)),
    });
    // A store that is down at start leaves suggestions off until it answers; the start goes on.
    await recipes.backfill(say).catch((err: unknown) => {
      say(
        `recipes: indexing saved segments failed (${(err as Error).message}); none suggested yet`,
      );
    });
    const context: NscContext = {
      tenant: (id) => tenants.get(id),
      warehouse,
      skills: llm?.skills ?? rulesSkills(),
      segments: new PgSegmentVersionStore(db.pool, (t, id) => recipes.changed(t, id)),
      memory,
      recipes,
    };
    const checkpointer = await createCheckpointer(db.pool);
    const graph = createConversationGraph(checkpointer, {
      checkpointSubgraphs: env.CHECKPOINTS === "steps",
    });
    return {
      db,
      warehouse,
      tenants,
      defaultTenant: providers[0]!.id,
      context,
      checkpointer,
      graph,
      llm,
      memory,
      recipes,
      close: async () => {
        await recipes.close();
        await llm?.close();
        await closeRedis(short.redis);
        await db.close();
      },
    };
  } catch (err) {
    await db.close().catch(() => {});
    throw err;
  }
}
