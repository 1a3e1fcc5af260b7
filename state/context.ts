/**
 * Run dependencies injected into every node through LangGraph's runtime context: stores,
 * retrievers and skills are built once by the caller, never by a node.
 */
import type { CatalogRetriever } from "../catalog/retriever.ts";
import type { SpellingCorrector } from "../skills/rules/spelling.ts";
import type { SkillContext, SkillSet } from "../skills/types.ts";
import type { WarehouseBinding } from "../warehouse/binding.ts";
import type { Warehouse } from "../warehouse/execute.ts";
import type { TenantCatalog, TenantConfig } from "./catalog.ts";

export interface TenantRuntime {
  config: TenantConfig;
  catalog: TenantCatalog;
  retriever: CatalogRetriever;
  /** Corrects typos against the tenant's vocabulary before parsing. */
  speller: SpellingCorrector;
  binding: WarehouseBinding;
}

// A type alias, not an interface: LangGraph's context must be assignable to a record.
export type NscContext = {
  /** Resolves a tenant id to its catalog, retriever and warehouse binding. */
  tenant: (id: string) => TenantRuntime | undefined;
  warehouse: Warehouse;
  skills: SkillSet;
};

export class MissingContextError extends Error {
  constructor() {
    super("NSC graph run without its context: pass { context } with tenants, warehouse and skills");
  }
}

export function requireContext(config: { context?: unknown }): NscContext {
  const ctx = config.context as NscContext | undefined;
  if (!ctx || typeof ctx.tenant !== "function") throw new MissingContextError();
  return ctx;
}

/** The skill context for a run: the tenant's catalog and calendar at the run's as-of date. */
export function skillContextFor(ctx: NscContext, tenantId: string, asOf: string): SkillContext {
  const tenant = ctx.tenant(tenantId);
  if (!tenant) throw new Error(`unknown tenant ${tenantId}`);
  return {
    catalog: tenant.catalog,
    tenant: tenant.config,
    retriever: tenant.retriever,
    dates: { asOf, fiscalYearStartMonth: tenant.config.fiscalYearStartMonth },
  };
}
