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
import type { VersionEntry } from "./edit.ts";
import type { MemoryStore } from "./memory.ts";
import type { Recipe, RecipeFinder } from "./recipes.ts";

/** A saved segment's versions: what a thread editing it keeps in step with. */
export interface SavedLineage {
  segmentId: string;
  lineageId: string;
  name: string;
  versions: VersionEntry[];
}

/** Another writer recorded this version first: the edit was based on an older one. */
export class VersionConflictError extends Error {
  constructor(
    readonly segmentId: string,
    readonly version: number,
  ) {
    super(`segment ${segmentId} already has a version ${version}; reload it and edit again`);
  }
}

/**
 * Saved segments as the conversation sees them: a thread whose lineage was saved records
 * every new version there (one writer per version, enforced by the store), and a saved
 * segment can be loaded into a thread to be edited.
 */
export interface SegmentVersionStore {
  /** The saved segment of this lineage, with every version, or null if it was not saved. */
  byLineage(tenant: string, lineageId: string): Promise<SavedLineage | null>;
  /** A saved segment by id, with every version. */
  byId(tenant: string, segmentId: string): Promise<SavedLineage | null>;
  /**
   * Records `entry` as the next version; VersionConflictError when it is not the next. The
   * thread that wrote it becomes the segment's editing thread.
   */
  appendVersion(
    tenant: string,
    segmentId: string,
    entry: VersionEntry,
    /** `signal`: the run's; an aborted run's version is refused once the segment is locked. */
    by: { threadId: string; actor?: string; signal?: AbortSignal },
  ): Promise<void>;
  /**
   * Discards versions after `keepThrough` that `threadId` wrote but never checkpointed (its
   * run was cut short between the two), so the store matches the thread's stable state.
   */
  discardUnrecorded(
    tenant: string,
    lineageId: string,
    by: { threadId: string; keepThrough: number },
  ): Promise<number[]>;
}

export interface TenantRuntime {
  config: TenantConfig;
  catalog: TenantCatalog;
  retriever: CatalogRetriever;
  /** Corrects typos against the tenant's vocabulary before parsing. */
  speller: SpellingCorrector;
  binding: WarehouseBinding;
  /**
   * The registry's version of the skills manifests that serve this tenant (storage/registry.ts);
   * with `config.glossaryVersion`, what every run records it was made with.
   */
  skillsVersion?: number;
}

/** The registry versions a run was made with (absent where no registry is kept). */
export interface RunVersions {
  skills?: number;
  glossary?: number;
}

export function runVersionsOf(tenant: TenantRuntime): RunVersions {
  return {
    ...(tenant.skillsVersion !== undefined ? { skills: tenant.skillsVersion } : {}),
    ...(tenant.config.glossaryVersion !== undefined
      ? { glossary: tenant.config.glossaryVersion }
      : {}),
  };
}

// A type alias, not an interface: LangGraph's context must be assignable to a record.
export type NscContext = {
  /** Resolves a tenant id to its catalog, retriever and warehouse binding. */
  tenant: (id: string) => TenantRuntime | undefined;
  warehouse: Warehouse;
  skills: SkillSet;
  /** Saved segments' versions; absent where nothing is saved (unit tests). */
  segments?: SegmentVersionStore;
  /**
   * Memory beyond the thread (remembered answers, preferences, recent segments); absent where
   * nothing is remembered (unit tests). Whose memory: `memoryFrom(config.configurable)`.
   */
  memory?: MemoryStore;
  /**
   * The tenant's saved segments most like a request (suggestions and few-shot examples);
   * absent where none are kept (unit tests, the CLI's one-off runs without a database).
   */
  recipes?: RecipeFinder;
  /**
   * Tenant for a request that names none. Set only where one user drives the graph by hand
   * (LangGraph Studio, `graphs/studio.ts`); multi-tenant callers always name the tenant.
   */
  defaultTenant?: string;
};

export class MissingContextError extends Error {
  constructor() {
    super("NSC graph run without its context: pass { context } with tenants, warehouse and skills");
  }
}

function isNscContext(value: unknown): value is NscContext {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { tenant?: unknown }).tenant === "function"
  );
}

let defaultContext: NscContext | undefined;

/**
 * Registers the context for runs that bring none: a host that loads the graph from
 * `langgraph.json` (the LangGraph dev server behind Studio) cannot pass live services, only
 * JSON, so the module it loads registers them here once. `undefined` unregisters.
 */
export function setDefaultContext(ctx: NscContext | undefined): void {
  defaultContext = ctx;
}

/** The run's context: the one passed in `config.context`, else the registered default. */
export function requireContext(config: { context?: unknown }): NscContext {
  if (isNscContext(config.context)) return config.context;
  if (defaultContext) return defaultContext;
  throw new MissingContextError();
}

/** The tenant a run belongs to; perceive has rejected unknown tenants, so this is a bug. */
export function tenantOf(ctx: NscContext, tenantId: string): TenantRuntime {
  const tenant = ctx.tenant(tenantId);
  if (!tenant) throw new Error(`unknown tenant ${tenantId}`);
  return tenant;
}

/**
 * The skill context for a run: the tenant's catalog and calendar at the run's as-of date, and
 * the recipes found for this request (the LLM tier's first few-shot examples), when given.
 */
export function skillContextFor(
  ctx: NscContext,
  tenantId: string,
  asOf: string,
  recipes?: readonly Recipe[],
): SkillContext {
  const tenant = tenantOf(ctx, tenantId);
  return {
    catalog: tenant.catalog,
    tenant: tenant.config,
    retriever: tenant.retriever,
    dates: { asOf, fiscalYearStartMonth: tenant.config.fiscalYearStartMonth },
    ...(recipes && recipes.length > 0 ? { recipes } : {}),
  };
}
