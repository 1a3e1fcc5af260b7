/**
 * Recipes at run time: the recipe index (vectors/recipes.ts) kept in step with app.segments —
 * a saved segment is indexed, a deleted one removed, and at start every tenant's saved
 * segments are indexed again (idempotent upserts) — and the run context's RecipeFinder.
 *
 * What a suggestion shows (name, size, definition, who saved it) is read back from Postgres
 * for the ids the index found, so a renamed, re-sized or edited segment shows as it is now, and
 * a deleted one is never suggested even when removing its vector failed.
 */
import type pg from "pg";
import { HashedNgramEmbedder } from "../catalog/embedder.ts";
import { describeCondition } from "../segment/explain.ts";
import type { TenantCatalog } from "../state/catalog.ts";
import type { VectorConfig } from "../state/config.ts";
import type { TenantRuntime } from "../state/context.ts";
import type { Recipe, RecipeFinder, RecipeFinding } from "../state/recipes.ts";
import type { RuleNode } from "../state/segment.ts";
import { listSegments, segmentsByIds, type SegmentRecord } from "../storage/segments.ts";
import { createTextEmbedder, createVectorStore } from "../vectors/index.ts";
import { RecipeIndex, type RecipeDoc } from "../vectors/recipes.ts";

const BACKFILL_PAGE = 500;

/**
 * What a recipe's definition means, one line per condition ("Country is France", "NOT: Bought
 * Christmas …"): the explanation without its provenance brackets (span, source, confidence),
 * which repeat the request's words and add bookkeeping words that no request shares.
 */
export function recipeExplanation(node: RuleNode, catalog: TenantCatalog, prefix = ""): string[] {
  if (node.type === "and" || node.type === "or")
    return node.children.flatMap((c) => recipeExplanation(c, catalog, prefix));
  if (node.type === "not") return recipeExplanation(node.child, catalog, `${prefix}NOT: `);
  return [`${prefix}${describeCondition(node, catalog)}`];
}

export interface RecipeBookOptions {
  /** Told about an index write that failed (the segment itself is saved or deleted). */
  onError?: (what: string, err: unknown) => void;
}

export class RecipeBook implements RecipeFinder {
  constructor(
    private readonly pool: pg.Pool,
    readonly index: RecipeIndex,
    private readonly tenants: ReadonlyMap<string, TenantRuntime>,
    private readonly opts: RecipeBookOptions & { limit: number },
    private readonly closeAll: () => Promise<void> = async () => {},
  ) {}

  private doc(s: SegmentRecord): RecipeDoc | null {
    const tenant = this.tenants.get(s.tenantId);
    if (!tenant) return null;
    return {
      tenant: s.tenantId,
      segmentId: s.id,
      name: s.name,
      request: s.request,
      explanation: recipeExplanation(s.definition.root, tenant.catalog),
      size: s.size,
      savedBy: s.savedBy,
    };
  }

  /**
   * Indexes a segment just saved. A failing store does not undo the save: it is reported, and
   * the next start's backfill indexes the segment. Resolves to whether it was indexed.
   */
  async saved(segment: SegmentRecord): Promise<boolean> {
    const doc = this.doc(segment);
    if (!doc || this.opts.limit === 0) return false;
    try {
      await this.index.upsert([doc]);
      return true;
    } catch (err) {
      this.opts.onError?.(`indexing recipe ${segment.id}`, err);
      return false;
    }
  }

  /**
   * Re-indexes a saved segment whose current version changed (an edit, a revert), so its
   * recipe says what it means now. Best effort, as `saved`.
   */
  async changed(tenant: string, segmentId: string): Promise<void> {
    if (this.opts.limit === 0) return;
    try {
      const [segment] = await segmentsByIds(this.pool, tenant, [segmentId]);
      const doc = segment && this.doc(segment);
      if (doc) await this.index.upsert([doc]);
    } catch (err) {
      this.opts.onError?.(`re-indexing recipe ${segmentId}`, err);
    }
  }

  /** Removes a deleted segment's recipe (best effort: searches re-check Postgres anyway). */
  async deleted(tenant: string, segmentId: string): Promise<void> {
    try {
      await this.index.remove(tenant, [segmentId]);
    } catch (err) {
      this.opts.onError?.(`removing recipe ${segmentId}`, err);
    }
  }

  /** Indexes every saved segment of every tenant served; resolves to how many per tenant. */
  async backfill(say: (msg: string) => void = () => {}): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    if (this.opts.limit === 0) return counts;
    for (const tenant of this.tenants.keys()) {
      let after: string | undefined;
      let n = 0;
      do {
        const page = await listSegments(this.pool, tenant, { limit: BACKFILL_PAGE, after });
        n += await this.index.upsert(page.items.flatMap((s) => this.doc(s) ?? []));
        after = page.next ?? undefined;
        if (after) say(`recipes: ${n} saved segments of ${tenant} indexed so far`);
      } while (after);
      counts.set(tenant, n);
      say(`recipes: ${n} saved segments of ${tenant} indexed in ${this.index.storeName}`);
    }
    return counts;
  }

  async find(tenant: string, request: string): Promise<RecipeFinding> {
    if (this.opts.limit === 0) return { recipes: [], source: "vector" };
    const found = await this.index.search(tenant, request);
    if (found.matches.length === 0)
      return {
        recipes: [],
        source: found.source,
        ...(found.reason ? { reason: found.reason } : {}),
      };
    const rows = new Map(
      (
        await segmentsByIds(
          this.pool,
          tenant,
          found.matches.map((m) => m.segmentId),
        )
      ).map((s) => [s.id, s]),
    );
    const recipes: Recipe[] = found.matches.flatMap((m) => {
      const s = rows.get(m.segmentId);
      if (!s) return [];
      return [
        {
          segmentId: s.id,
          name: s.name,
          request: s.request,
          size: s.size,
          savedBy: s.savedBy,
          score: m.score,
          definition: s.definition,
        },
      ];
    });
    return { recipes, source: "vector" };
  }

  close(): Promise<void> {
    return this.closeAll();
  }
}

/**
 * The recipe book a configuration asks for: the store of VectorConfig (Milvus or in process)
 * and its embedder (remote, else the offline hashed n-gram one, unfitted: one vector space
 * for every tenant's requests).
 */
export function createRecipeBook(
  pool: pg.Pool,
  tenants: ReadonlyMap<string, TenantRuntime>,
  cfg: VectorConfig,
  opts: RecipeBookOptions & { keyPrefix?: string } = {},
): RecipeBook {
  const embedder = createTextEmbedder(cfg, new HashedNgramEmbedder(), {
    keyPrefix: opts.keyPrefix,
    onError: (err) => opts.onError?.("embedding cache", err),
  });
  const store = createVectorStore(cfg, embedder.embedder.dimension);
  const index = new RecipeIndex(store, embedder.embedder, {
    minScore: cfg.recipes.minScore,
    limit: cfg.recipes.limit,
    timeoutMs: cfg.searchTimeoutMs,
    breakerFailures: cfg.breakerFailures,
    breakerHalfOpenMs: cfg.breakerHalfOpenMs,
    // An open breaker is the known outage already reported: one line per failure, not per turn.
    onUnavailable: (reason, err) => {
      if (reason !== "breaker_open") opts.onError?.(`recipe search (${reason})`, err);
    },
  });
  return new RecipeBook(pool, index, tenants, { ...opts, limit: cfg.recipes.limit }, async () => {
    await store.close();
    await embedder.close();
  });
}
