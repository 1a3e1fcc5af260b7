/**
 * What the language skills need of a tenant catalog's index: exact lookups of names and
 * values, hybrid search, and the words of its text facets. The in-process CatalogRetriever
 * implements it; a vector-store-backed index can too.
 */
import type { FacetKind } from "../state/catalog.ts";

export interface CatalogHit {
  facetId: string;
  /** Canonical value, for value hits; absent for facet hits. */
  value?: string;
  /** The facet's or value's label. */
  label: string;
  /** The name or synonym that matched best. */
  matched: string;
  /** Fused 0..1; 1 only for exact matches. */
  score: number;
  /** Lexical score of `matched`, 0..1 (1 for exact hits). */
  lexical: number;
  /** Cosine between the query and `matched`, clamped to 0..1 (1 for exact hits). */
  vector: number;
  /** The query equals a name or synonym after `normalizePhrase`. */
  exact: boolean;
}

export interface SearchOptions {
  /** Maximum hits returned. Default 10. */
  limit?: number;
  /** Only documents of these facets. */
  facetIds?: readonly string[];
  /** Only documents of facets of these kinds. */
  kinds?: readonly FacetKind[];
  /** Only facet documents or only value documents. Default both. */
  target?: "facet" | "value";
  /** Drop hits scoring below this. Default 0: callers apply `MIN_LINK_SCORE` themselves. */
  minScore?: number;
}

export interface CatalogLookup {
  /** Exact hits of a phrase on names, synonyms and values (after normalising). */
  exactLookup(phrase: string): readonly CatalogHit[];
  /** Hybrid lexical + vector search, best first. */
  search(query: string, opts?: SearchOptions): CatalogHit[];
  /** Whether `value` is a canonical value of enum facet `facetId`. */
  contains(facetId: string, value: string): boolean;
  /** The label of a canonical value, or undefined. */
  valueLabel(facetId: string, value: string): string | undefined;
  /** How many texts of a text facet contain the phrase. */
  textMatches(facetId: string, phrase: string): number;
  /** Like textMatches, the phrase starting a word. */
  wordMatches(facetId: string, phrase: string): number;
  /** The facet's position in the catalog (ties between equally long exact hits). */
  facetRank(facetId: string): number;
  /** The source texts of a text facet (product names), for the speller. */
  texts(facetId: string): readonly string[];
}
