/**
 * The vector store behind retrieval: catalog values (every name and synonym of a facet value)
 * and recipes (saved segments, found by similarity for a new request), one tenant at a time.
 *
 * Two implementations: in process (in-process.ts, the default, which holds today's embeddings
 * in memory) and Milvus (milvus.ts, when MILVUS_ADDRESS is set). Both pass the same contract
 * suite (contract.ts). Scores are cosine similarities; every call is scoped to one tenant, and
 * no call ever returns or removes another tenant's vectors.
 */

/** What a vector stands for. Recipes are written by the recipe index (vectors/recipes.ts). */
export const VECTOR_KINDS = ["catalog_value", "recipe"] as const;
export type VectorKind = (typeof VECTOR_KINDS)[number];

/** Small string attributes kept with a vector and returned with its matches. */
export type VectorMeta = Readonly<Record<string, string>>;

export interface VectorRecord {
  kind: VectorKind;
  tenant: string;
  /** Unique per kind and tenant; upserting an existing id replaces that record. */
  id: string;
  vector: Float32Array | readonly number[];
  /** The text that was embedded, for display and for debugging a match. */
  text: string;
  meta?: VectorMeta;
}

export interface VectorQuery {
  kind: VectorKind;
  tenant: string;
  vector: Float32Array | readonly number[];
  /** Most matches returned, best first. */
  k: number;
  /** Only records with these ids (an empty list matches nothing). */
  ids?: readonly string[];
}

export interface VectorMatch {
  id: string;
  /** Cosine similarity with the query, -1..1. */
  score: number;
  text: string;
  meta: VectorMeta;
}

export interface VectorDeletion {
  kind: VectorKind;
  tenant: string;
  /** These ids only; absent: every record of the kind for the tenant. */
  ids?: readonly string[];
}

export interface VectorStoreHealth {
  ok: boolean;
  /** Which store answered (e.g. "in-process", "milvus 127.0.0.1:19530"). */
  store: string;
  /** Why it is not ok. */
  detail?: string;
  latencyMs: number;
}

export interface VectorStore {
  /** Names the implementation and where it is, for logs and benchmark tables. */
  readonly name: string;
  /** Every vector of one store has this many dimensions; other lengths are refused. */
  readonly dimension: number;
  upsert(records: readonly VectorRecord[]): Promise<void>;
  /** The `k` records of the query's kind and tenant most similar to its vector, best first. */
  search(query: VectorQuery): Promise<VectorMatch[]>;
  /** Removes records; resolves to how many were removed (Milvus: how many were asked for). */
  delete(deletion: VectorDeletion): Promise<number>;
  health(): Promise<VectorStoreHealth>;
  close(): Promise<void>;
}

/** Refuses a vector of the wrong length before it reaches a store. */
export function checkDimension(store: { dimension: number; name: string }, length: number): void {
  if (length !== store.dimension) {
    throw new RangeError(`${store.name} holds ${store.dimension}-d vectors, got ${length}`);
  }
}

/** The vector scaled to length 1 (all zeros stays all zeros), so a dot product is a cosine. */
export function unitVector(vector: Float32Array | readonly number[]): Float32Array {
  const out = Float32Array.from(vector);
  let norm = 0;
  for (let i = 0; i < out.length; i++) norm += out[i]! * out[i]!;
  if (norm === 0) return out;
  const inv = 1 / Math.sqrt(norm);
  for (let i = 0; i < out.length; i++) out[i]! *= inv;
  return out;
}
