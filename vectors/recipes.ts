/**
 * The recipe index: one vector (kind `recipe`) per saved segment, of its request and its
 * explanation, tenant-scoped, found by similarity for a new request.
 *
 * Writes (a save, a deletion, the backfill at start) are not behind the breaker: the caller
 * decides whether a failure matters. Searches are: a store that is down, slow or
 * open-circuited answers "unavailable" with no recipes, so a creation turn never fails for it
 * (the same cockatiel policy as the catalog's vector search, catalog/vector-search.ts).
 */
import {
  BrokenCircuitError,
  ConsecutiveBreaker,
  TaskCancelledError,
  TimeoutStrategy,
  circuitBreaker,
  handleAll,
  timeout,
  wrap,
  type CircuitBreakerPolicy,
  type CircuitState,
  type IPolicy,
} from "cockatiel";
import type { TextEmbedder } from "./embedder.ts";
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
  reason?: "breaker_open" | "timeout" | "error";
}

export interface RecipeIndexOptions {
  /** Matches below this cosine are not recipes for the request. */
  minScore: number;
  /** Most matches per search. */
  limit: number;
  /** A search (embedding included) slower than this answers "unavailable". */
  timeoutMs: number;
  /** Consecutive failures or timeouts that open the breaker. */
  breakerFailures: number;
  /** An open breaker lets one trial through after this. */
  breakerHalfOpenMs: number;
  /** Told about every search the store could not answer (logs, metrics). */
  onUnavailable?: (reason: NonNullable<RecipeSearchResult["reason"]>, err: unknown) => void;
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
    this.breaker = circuitBreaker(handleAll, {
      halfOpenAfter: opts.breakerHalfOpenMs,
      breaker: new ConsecutiveBreaker(opts.breakerFailures),
    });
    // Breaker outermost, so a timeout counts as a failure; a hung store is abandoned.
    this.policy = wrap(this.breaker, timeout(opts.timeoutMs, TimeoutStrategy.Aggressive));
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
      const reason =
        err instanceof BrokenCircuitError
          ? "breaker_open"
          : err instanceof TaskCancelledError
            ? "timeout"
            : "error";
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
