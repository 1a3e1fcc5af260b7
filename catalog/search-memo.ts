/**
 * Memoised catalog searches. A hybrid search scores every name of the catalog (~7,700 for
 * online-retail), and the same phrases come back turn after turn ("kitchn", "bags", a
 * clarification's answer run again), while the result depends only on the catalog, the
 * embedder and the query. Entries are keyed by the catalog's fingerprint, so a changed catalog
 * (another product list, a new synonym) never sees the old one's hits: its retriever has
 * another fingerprint, and the stale entries age out of the LRU.
 */
import { createHash } from "node:crypto";
import { LRUCache } from "lru-cache";
import type { TenantCatalog } from "../state/catalog.ts";
import type { CatalogHit, SearchOptions } from "./lookup.ts";

// A few hundred bytes per entry (at most `limit` hits, shared frozen objects).
const memo = new LRUCache<string, readonly CatalogHit[]>({ max: 20_000 });

/**
 * Identifies everything a retriever's answers depend on: the catalog, the text facets' texts,
 * the embedder (its id names the model and configuration, Embedder.id) and whether it is fitted
 * to the catalog.
 */
export function catalogFingerprint(
  catalog: TenantCatalog,
  texts: Readonly<Record<string, readonly string[]>>,
  embedder: { id: string; fit: boolean },
): string {
  return createHash("sha256")
    .update(JSON.stringify({ catalog, texts, embedder: embedder.id, fit: embedder.fit }))
    .digest("hex");
}

function keyOf(fingerprint: string, query: string, opts: SearchOptions): string {
  // Fixed order, so equal options make equal keys however the caller spelt the object.
  const o = [opts.limit, opts.facetIds, opts.kinds, opts.target, opts.minScore];
  return `${fingerprint}\u0000${query}\u0000${JSON.stringify(o)}`;
}

/**
 * `search()`'s answer for this catalog, query and options, computed once. Returns a fresh
 * array of frozen hits: callers may filter or sort it, never change another caller's hits.
 */
export function memoisedSearch(
  fingerprint: string,
  query: string,
  opts: SearchOptions,
  search: () => CatalogHit[],
): CatalogHit[] {
  const key = keyOf(fingerprint, query, opts);
  let hits = memo.get(key);
  if (hits === undefined) {
    hits = Object.freeze(search().map((h) => Object.freeze(h)));
    memo.set(key, hits);
  }
  return hits.slice();
}
