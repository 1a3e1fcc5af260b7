/**
 * Test support for the API: services with two tenants (online-retail and an alias of it named
 * `other-tenant`, so isolation can be tested on real data), an app, keys, and DB fingerprints.
 */
import pino from "pino";
import { onlineRetailConfig } from "../../catalog/online-retail.ts";
import { startServices, type Services } from "../../runtime/services.ts";
import { onlineRetailProvider, type TenantProvider } from "../../runtime/tenants.ts";
import { parseEnv } from "../../state/config.ts";
import { createApiKey } from "../../storage/api-keys.ts";
import { createApp, type App } from "../app.ts";
import { createDeps, type OwnedDeps } from "../deps.ts";
import type { ServerConfig } from "../env.ts";
import type { Clock } from "../types.ts";

export const OTHER_TENANT = "other-tenant";

/** The online-retail warehouse and catalog under another tenant id; loads nothing itself. */
export const aliasProvider: TenantProvider = {
  ...onlineRetailProvider,
  id: OTHER_TENANT,
  defaultConfig: { ...onlineRetailConfig, tenant: OTHER_TENANT },
  load: async () => {},
};

export function startTwoTenantServices(): Promise<Services> {
  return startServices(parseEnv(), { providers: [onlineRetailProvider, aliasProvider] });
}

export const TEST_CONFIG: ServerConfig = {
  corsOrigins: ["https://app.example.com"],
  bodyLimitBytes: 64 * 1024,
  rateLimitPerMinute: 100_000,
  segmentTimeoutMs: 30_000,
  // Wide enough that no test sheds a run unless it sets its own limits.
  runLimits: {
    concurrency: 64,
    queue: 1_000,
    tenantConcurrency: 64,
    tenantQueue: 1_000,
    queueTimeoutMs: 60_000,
    retryAfterSeconds: 1,
  },
};

export function uniquePrefix(): string {
  return `test-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

/** A request to the app in process, with the key and a JSON body when given. */
export function requester(app: App) {
  return (
    path: string,
    init: {
      method?: string;
      key?: string;
      json?: unknown;
      body?: string;
      headers?: Record<string, string>;
    } = {},
  ): Promise<Response> => {
    const headers: Record<string, string> = { ...init.headers };
    if (init.key) headers.Authorization = `Bearer ${init.key}`;
    let body: string | undefined = init.body;
    if (init.json !== undefined) {
      body = JSON.stringify(init.json);
      headers["Content-Type"] ??= "application/json";
    }
    return Promise.resolve(
      app.request(path, { method: init.method ?? (body ? "POST" : "GET"), headers, body }),
    );
  };
}

export interface TestApp extends OwnedDeps {
  app: App;
}

export function createTestApp(
  services: Services,
  opts: {
    config?: Partial<ServerConfig>;
    redisUrl?: string;
    /** Apps given the same prefix share rate-limit counters in Redis (like two processes). */
    rateLimitKeyPrefix?: string;
    clock?: Clock;
    isDraining?: () => boolean;
  } = {},
): TestApp {
  const owned = createDeps(
    services,
    { ...TEST_CONFIG, ...opts.config },
    {
      logger: pino({ level: "silent" }),
      redisUrl: opts.redisUrl,
      // Counters of one test run never meet another's in a shared Redis.
      rateLimitKeyPrefix: opts.rateLimitKeyPrefix ?? uniquePrefix(),
      clock: opts.clock,
      isDraining: opts.isDraining,
    },
  );
  return { ...owned, app: createApp(owned.deps) };
}

/**
 * A saved segment made from a one-message conversation: its id, thread, first size and the
 * saved record. Throws (failing the test) when the message makes no segment or the save fails.
 */
export async function savedSegment(
  call: ReturnType<typeof requester>,
  key: string,
  text: string,
  name: string,
) {
  const thread = (await (await call("/v1/threads", { key, json: {} })).json()) as { id: string };
  const first = (await (
    await call(`/v1/threads/${thread.id}/messages`, { key, json: { text } })
  ).json()) as { status: string; size: number | null };
  if (first.status !== "ok") throw new Error(`"${text}" made no segment: ${JSON.stringify(first)}`);
  const res = await call("/v1/segments", { key, json: { threadId: thread.id, name } });
  if (res.status !== 201) throw new Error(`saving failed: ${res.status} ${await res.text()}`);
  const saved = (await res.json()) as { id: string; version: number; size: number };
  return { id: saved.id, threadId: thread.id, size: first.size!, saved };
}

export async function newKey(services: Services, tenantId: string): Promise<string> {
  return (await createApiKey(services.db.pool, tenantId, { name: "test" })).key;
}

/** Both tenants' services behind one app, with a key of each tenant. */
export interface TwoTenantApi {
  services: Services;
  t: TestApp;
  call: ReturnType<typeof requester>;
  /** A key of online-retail. */
  key: string;
  /** A key of OTHER_TENANT, for isolation checks. */
  otherKey: string;
  close(): Promise<void>;
}

export async function openTwoTenantApi(): Promise<TwoTenantApi> {
  const services = await startTwoTenantServices();
  const t = createTestApp(services);
  return {
    services,
    t,
    call: requester(t.app),
    key: await newKey(services, "online-retail"),
    otherKey: await newKey(services, OTHER_TENANT),
    close: async () => {
      await t.close();
      await services.close();
    },
  };
}

/**
 * Everything the API can write, for "bad input changes nothing" checks. last_used_at is left
 * out: recording that a key was used is not a change the request made.
 */
export async function apiFingerprint(services: Services): Promise<unknown> {
  const { rows } = await services.db.pool.query(`
    select (select count(*) from app.threads) threads,
           (select count(*) from app.segments) segments,
           (select count(*) from app.segment_versions) versions,
           (select md5(string_agg(id::text || coalesce(size::text, '-') || coalesce(name, ''), ',' order by id)) from app.segments) segment_rows,
           (select md5(string_agg(id::text || coalesce(revoked_at::text, '-'), ',' order by id)) from app.api_keys) keys,
           (select md5(string_agg(id || config::text || updated_at::text, ',' order by id)) from app.tenants) tenants,
           (select count(*) from app.audit_log) audit,
           (select count(*) from langgraph.checkpoints) checkpoints,
           (select count(*) from langgraph.checkpoint_writes) writes`);
  return rows[0];
}
