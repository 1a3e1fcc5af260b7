/**
 * Catalog search with the vector half from a VectorStore that may be remote (Milvus): the
 * query is embedded and searched there (top `candidates`), and those cosines are fused with
 * the retriever's own lexical scores (CatalogRetriever.searchWith). The store sits behind a
 * cockatiel breaker and timeout: a store that is down, slow or open-circuited costs the
 * vector half only — the search answers lexically, and says so.
 *
 * The rules parser does not come through here: its probes are synchronous and use the
 * in-process store directly (retriever.ts). This is the path for asynchronous callers and for
 * the retrieval benchmark (bench/recall-bench.ts).
 */
import {
  TaskCancelledError,
  type CircuitBreakerPolicy,
  type CircuitState,
  type IPolicy,
} from "cockatiel";
import type { TextEmbedder } from "../vectors/embedder.ts";
import { fallbackReason, storeGuard, type FallbackReason } from "../vectors/guard.ts";
import { checkDimension, type VectorRecord, type VectorStore } from "../vectors/store.ts";
import type { CatalogHit, SearchOptions } from "./lookup.ts";
import type { CatalogRetriever } from "./retriever.ts";

export interface CatalogVectorSearchOptions {
  /** Embeds the names (at `index`) and every query. Default: the retriever's own embedder. */
  embedder?: TextEmbedder;
  /** Vector matches fused per search. Default 100. */
  candidates?: number;
  /** A vector search (embedding included) slower than this answers lexically. Default 250 ms. */
  timeoutMs?: number;
  /** Consecutive failures or timeouts that open the breaker. Default 3. */
  breakerFailures?: number;
  /** An open breaker lets one trial through after this. Default 10,000 ms. */
  breakerHalfOpenMs?: number;
  /** Told about every lexical fallback (for logs and metrics). */
  onFallback?: (reason: FallbackReason, err: unknown) => void;
}

export type { FallbackReason };

export interface VectorSearchResult {
  hits: CatalogHit[];
  /** "hybrid": lexical fused with the store's vectors; "lexical": the store was not used. */
  source: "hybrid" | "lexical";
  reason?: FallbackReason;
}

const INDEX_BATCH = 500;

export class CatalogVectorSearch {
  private readonly rowOfId = new Map<string, number>();
  private readonly breaker: CircuitBreakerPolicy;
  private readonly policy: IPolicy;
  private readonly candidates: number;
  private readonly dimension: number;
  /** Searches answered each way, for the benchmark and for diagnostics. */
  readonly counts = { hybrid: 0, lexical: 0 };

  constructor(
    private readonly retriever: CatalogRetriever,
    private readonly store: VectorStore,
    private readonly opts: CatalogVectorSearchOptions = {},
  ) {
    this.dimension = opts.embedder?.dimension ?? retriever.embedder.dimension;
    checkDimension(store, this.dimension);
    retriever.vectorRows().forEach((row, i) => this.rowOfId.set(row.id, i));
    this.candidates = opts.candidates ?? 100;
    ({ breaker: this.breaker, policy: this.policy } = storeGuard({
      timeoutMs: opts.timeoutMs ?? 250,
      breakerFailures: opts.breakerFailures ?? 3,
      breakerHalfOpenMs: opts.breakerHalfOpenMs ?? 10_000,
    }));
  }

  get breakerState(): CircuitState {
    return this.breaker.state;
  }

  /**
   * Replaces the tenant's catalog vectors in the store with this catalog's; resolves to how
   * many were written. Not behind the breaker: indexing is a deliberate step that should fail
   * loudly.
   */
  async index(): Promise<number> {
    const rows = this.retriever.vectorRows();
    const tenant = this.retriever.tenant;
    await this.store.delete({ kind: "catalog_value", tenant });
    for (let start = 0; start < rows.length; start += INDEX_BATCH) {
      const batch = rows.slice(start, start + INDEX_BATCH);
      const vectors = this.opts.embedder
        ? await this.opts.embedder.embed(batch.map((r) => r.text))
        : batch.map((_, i) => this.retriever.rowVector(start + i));
      const records: VectorRecord[] = batch.map((r, i) => ({
        kind: "catalog_value",
        tenant,
        id: r.id,
        vector: vectors[i]!,
        text: r.text,
        meta: r.meta,
      }));
      await this.store.upsert(records);
    }
    return rows.length;
  }

  async search(query: string, opts: SearchOptions = {}): Promise<VectorSearchResult> {
    try {
      const scores = await this.policy.execute(({ signal }) => this.vectorScores(query, signal));
      this.counts.hybrid++;
      return { hits: this.retriever.searchWith(query, opts, scores), source: "hybrid" };
    } catch (err) {
      const reason = fallbackReason(err);
      this.opts.onFallback?.(reason, err);
      this.counts.lexical++;
      return { hits: this.retriever.searchWith(query, opts, undefined), source: "lexical", reason };
    }
  }

  /** The store's cosines for the query's top candidates, by retriever row (others 0). */
  private async vectorScores(query: string, signal: AbortSignal): Promise<Float32Array> {
    const vector = this.opts.embedder
      ? (await this.opts.embedder.embed([query]))[0]!
      : this.retriever.embedder.embed([query])[0]!;
    if (signal.aborted) throw new TaskCancelledError();
    const matches = await this.store.search({
      kind: "catalog_value",
      tenant: this.retriever.tenant,
      vector,
      k: this.candidates,
    });
    const scores = new Float32Array(this.rowOfId.size);
    for (const m of matches) {
      const row = this.rowOfId.get(m.id);
      // An id of another catalog version (the store not re-indexed yet) is ignored.
      if (row !== undefined) scores[row] = m.score;
    }
    return scores;
  }
}
