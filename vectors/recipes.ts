/**
 * The recipe index: one vector (kind `recipe`) per saved segment, of its request and its
 * explanation, tenant-scoped, found by similarity for a new request.
 *
 * Writes (a save, a deletion, the backfill at start) are not behind the breaker: the caller
 * decides whether a failure matters. Searches are: a store that is down, slow or
 * open-circuited answers "unavailable" with no recipes, so a creation turn never fails for it
 * (vectors/guard.ts, the policy the catalog's vector search runs under too).
 */
import {
  TaskCancelledError,
  type CircuitBreakerPolicy,
  type CircuitState,
  type IPolicy,
} from "cockatiel";
import type { TextEmbedder } from "./embedder.ts";
import {
  fallbackReason,
  storeGuard,
  type FallbackReason,
  type StoreGuardOptions,
} from "./guard.ts";
import { checkDimension, type VectorMatch, type VectorStore } from "./store.ts";

/** What a recipe is made of: a saved segment as the index sees it. */
export interface RecipeDoc {
  tenant: string;
  segmentId: string;
  name: string;
  request: string;
  /** The definition in plain words, one line per condition (segment/explain.ts). */
  explanation: readonly string[];
  size: number | null;
  savedBy: string | null;
}

export interface RecipeMatch {
  segmentId: string;
  score: number;
  /** As indexed; the runtime reads the segment itself back for what it shows. */
  name: string;
  request: string;
  /** The text that was embedded (request and explanation), for debugging a match. */
  text: string;
}

export interface RecipeSearchResult {
  matches: RecipeMatch[];
  source: "vector" | "unavailable";
  reason?: FallbackReason;
}

/** `timeoutMs`: a search (embedding included) slower than this answers "unavailable". */
export interface RecipeIndexOptions extends StoreGuardOptions {
  /** Matches below this cosine are not recipes for the request. */
  minScore: number;
  /** Most matches per search. */
  limit: number;
  /** Told about every search the store could not answer (logs, metrics). */
  onUnavailable?: (reason: FallbackReason, err: unknown) => void;
}

/** The text a recipe is embedded as: the user's words first, then what they came to mean. */
export function recipeText(doc: Pick<RecipeDoc, "request" | "explanation">): string {
  return [doc.request, ...doc.explanation].join("\n");
}

const WRITE_BATCH = 256;

export class RecipeIndex {
  private readonly breaker: CircuitBreakerPolicy;
  private readonly policy: IPolicy;

  constructor(
    private readonly store: VectorStore,
    private readonly embedder: TextEmbedder,
    private readonly opts: RecipeIndexOptions,
  ) {
    checkDimension(store, embedder.dimension);
    ({ breaker: this.breaker, policy: this.policy } = storeGuard(opts));
  }

  get breakerState(): CircuitState {
    return this.breaker.state;
  }

  get storeName(): string {
    return this.store.name;
  }

  /** Adds or replaces recipes (by segment id); resolves to how many were written. */
  async upsert(docs: readonly RecipeDoc[]): Promise<number> {
    for (let start = 0; start < docs.length; start += WRITE_BATCH) {
      const batch = docs.slice(start, start + WRITE_BATCH);
      const texts = batch.map(recipeText);
      const vectors = await this.embedder.embed(texts);
      await this.store.upsert(
        batch.map((d, i) => ({
          kind: "recipe" as const,
          tenant: d.tenant,
          id: d.segmentId,
          vector: vectors[i]!,
          text: texts[i]!,
          meta: {
            segmentId: d.segmentId,
            name: d.name,
            request: d.request,
            size: d.size === null ? "" : String(d.size),
            savedBy: d.savedBy ?? "",
          },
        })),
      );
    }
    return docs.length;
  }

  /** Removes the tenant's recipes of these segments. */
  async remove(tenant: string, segmentIds: readonly string[]): Promise<void> {
    if (segmentIds.length === 0) return;
    await this.store.delete({ kind: "recipe", tenant, ids: segmentIds });
  }

  /** The tenant's recipes most like `request`, best first, at or above the threshold. */
  async search(
    tenant: string,
    request: string,
    limit = this.opts.limit,
  ): Promise<RecipeSearchResult> {
    try {
      const matches = await this.policy.execute(async ({ signal }) => {
        const [vector] = await this.embedder.embed([request]);
        if (signal.aborted) throw new TaskCancelledError();
        return this.store.search({ kind: "recipe", tenant, vector: vector!, k: limit });
      });
      return {
        matches: matches.filter((m) => m.score >= this.opts.minScore).map(toMatch),
        source: "vector",
      };
    } catch (err) {
      const reason = fallbackReason(err);
      this.opts.onUnavailable?.(reason, err);
      return { matches: [], source: "unavailable", reason };
    }
  }
}

function toMatch(m: VectorMatch): RecipeMatch {
  return {
    segmentId: m.id,
    score: m.score,
    name: m.meta.name ?? "",
    request: m.meta.request ?? "",
    text: m.text,
  };
}
