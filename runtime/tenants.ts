/**
 * The tenants this deployment serves. Each provider knows how to load its warehouse and
 * build its catalog; the services build one TenantRuntime per available provider.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import type pg from "pg";
import {
  loadOnlineRetailCatalog,
  ONLINE_RETAIL,
  onlineRetailConfig,
} from "../catalog/online-retail.ts";
import type { TenantCatalog, TenantConfig } from "../state/catalog.ts";
import type { AppEnv } from "../state/config.ts";
import { onlineRetailBinding, type WarehouseBinding } from "../warehouse/binding.ts";
import { loadOnlineRetail, type LoadProgress } from "../warehouse/load-online-retail.ts";
import { demoRetailProvider } from "./demo-retail-provider.ts";

export interface TenantProvider {
  id: string;
  defaultConfig: TenantConfig;
  binding: WarehouseBinding;
  /** Whether this deployment can serve the tenant (its source data is present). */
  available(env: AppEnv): boolean;
  /** Loads the warehouse; idempotent, skipped when the source did not change. */
  load(
    pool: pg.Pool,
    env: AppEnv,
    onProgress: (p: LoadProgress) => void,
    opts: { force?: boolean },
  ): Promise<void>;
  /** The catalog and the source texts of its text facets (product names). */
  catalog(pool: pg.Pool): Promise<{ catalog: TenantCatalog; texts: Record<string, string[]> }>;
}

export const onlineRetailProvider: TenantProvider = {
  id: ONLINE_RETAIL,
  defaultConfig: onlineRetailConfig,
  binding: onlineRetailBinding,
  available: (env) => existsSync(join(resolve(env.ONLINE_RETAIL_DIR), "online-retail.csv.gz")),
  load: async (pool, env, onProgress, opts) => {
    await loadOnlineRetail(pool, resolve(env.ONLINE_RETAIL_DIR), onProgress, opts);
  },
  catalog: async (pool) => {
    const { catalog, productNames } = await loadOnlineRetailCatalog(pool);
    return { catalog, texts: { product_word: productNames } };
  },
};

/** Every tenant provider the product ships, in order of preference for the default. */
export const TENANT_PROVIDERS: TenantProvider[] = [onlineRetailProvider, demoRetailProvider];
