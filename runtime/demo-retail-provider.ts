/**
 * The generated demo-retail tenant. It needs no source files, so it is always available:
 * a fresh machine anywhere can run the product, and it is the default tenant whenever the
 * online-retail data is absent.
 */
import {
  DEMO_RETAIL,
  demoRetailBinding,
  demoRetailConfig,
  loadDemoRetailCatalog,
} from "../catalog/demo-retail.ts";
import { loadDemoRetail } from "../warehouse/load-demo-retail.ts";
import type { TenantProvider } from "./tenants.ts";

export const demoRetailProvider: TenantProvider = {
  id: DEMO_RETAIL,
  defaultConfig: demoRetailConfig,
  binding: demoRetailBinding,
  available: () => true,
  load: async (pool, _env, onProgress, opts) => {
    await loadDemoRetail(pool, onProgress, opts);
  },
  catalog: async (pool) => {
    const { catalog, productNames } = await loadDemoRetailCatalog(pool);
    return { catalog, texts: { product_word: productNames } };
  },
};
