/**
 * The in-process vector store: per kind and tenant, one row-major matrix of unit vectors in
 * memory, scored exhaustively (exact, no index to build). The default store: the catalog has
 * a few thousand names per tenant, where a full scan takes well under a millisecond.
 *
 * Besides the asynchronous VectorStore calls it answers synchronously (`*Now`), because the
 * rules parser probes the catalog for many phrases of a request inside a synchronous loop
 * (catalog/retriever.ts); a remote store is reached through catalog/vector-search.ts instead.
 */
import {
  checkDimension,
  unitVector,
  type VectorDeletion,
  type VectorKind,
  type VectorMatch,
  type VectorMeta,
  type VectorQuery,
  type VectorRecord,
  type VectorStore,
  type VectorStoreHealth,
} from "./store.ts";

const NO_META: VectorMeta = Object.freeze({});

/** The vectors of one kind and tenant, scored in the caller's tick. */
export interface LocalVectors {
  /** Rows held. */
  readonly size: number;
  readonly byteLength: number;
  /** Cosine of the (unit) query with every row, by row. */
  scores(query: Float32Array): Float32Array;
}

class Partition implements LocalVectors {
  ids: string[] = [];
  texts: string[] = [];
  metas: VectorMeta[] = [];
  rowOf = new Map<string, number>();
  matrix: Float32Array;
  /** Handed out by `replaceNow`: the holder's row numbers must not move, so writes copy first. */
  sealed = false;

  constructor(
    readonly dimension: number,
    matrix?: Float32Array,
  ) {
    this.matrix = matrix ?? new Float32Array(dimension * 16);
  }

  get size(): number {
    return this.ids.length;
  }

  get byteLength(): number {
    return this.size * this.dimension * Float32Array.BYTES_PER_ELEMENT;
  }

  clone(): Partition {
    const copy = new Partition(this.dimension, this.matrix.slice(0, this.size * this.dimension));
    copy.ids = [...this.ids];
    copy.texts = [...this.texts];
    copy.metas = [...this.metas];
    copy.rowOf = new Map(this.rowOf);
    return copy;
  }

  put(id: string, vector: Float32Array, text: string, meta: VectorMeta): void {
    let row = this.rowOf.get(id);
    if (row === undefined) {
      row = this.ids.length;
      if ((row + 1) * this.dimension > this.matrix.length) {
        const grown = new Float32Array(
          Math.max(this.matrix.length * 2, (row + 1) * this.dimension),
        );
        grown.set(this.matrix);
        this.matrix = grown;
      }
      this.ids.push(id);
      this.texts.push(text);
      this.metas.push(meta);
      this.rowOf.set(id, row);
    } else {
      this.texts[row] = text;
      this.metas[row] = meta;
    }
    this.matrix.set(vector, row * this.dimension);
  }

  /** Swap-remove: the last row takes the removed row's place. */
  remove(id: string): boolean {
    const row = this.rowOf.get(id);
    if (row === undefined) return false;
    const last = this.ids.length - 1;
    const dim = this.dimension;
    if (row !== last) {
      this.matrix.copyWithin(row * dim, last * dim, (last + 1) * dim);
      this.ids[row] = this.ids[last]!;
      this.texts[row] = this.texts[last]!;
      this.metas[row] = this.metas[last]!;
      this.rowOf.set(this.ids[row]!, row);
    }
    this.matrix.fill(0, last * dim, (last + 1) * dim);
    this.ids.pop();
    this.texts.pop();
    this.metas.pop();
    this.rowOf.delete(id);
    return true;
  }

  scores(query: Float32Array): Float32Array {
    const dim = this.dimension;
    // Queries from the hashed n-gram embedder are sparse (a few dozen to a few hundred of its
    // buckets), so each row's dot product visits only the query's non-zeros.
    let nnz = 0;
    for (let i = 0; i < dim; i++) if (query[i] !== 0) nnz++;
    const idx = new Int32Array(nnz);
    const val = new Float32Array(nnz);
    for (let i = 0, k = 0; i < dim; i++) {
      if (query[i] === 0) continue;
      idx[k] = i;
      val[k++] = query[i]!;
    }
    const m = this.matrix;
    const rows = this.size;
    const out = new Float32Array(rows);
    for (let r = 0, base = 0; r < rows; r++, base += dim) {
      let dot = 0;
      for (let k = 0; k < nnz; k++) dot += val[k]! * m[base + idx[k]!]!;
      out[r] = dot;
    }
    return out;
  }
}

export class InProcessVectorStore implements VectorStore {
  readonly name = "in-process";
  private readonly partitions = new Map<string, Partition>();

  constructor(readonly dimension: number) {
    if (!Number.isInteger(dimension) || dimension < 1) {
      throw new RangeError(`dimension must be a positive integer, got ${dimension}`);
    }
  }

  private key(kind: VectorKind, tenant: string): string {
    return `${kind}\u0000${tenant}`;
  }

  /** The partition to write to, copied first if a holder of `replaceNow` still reads it. */
  private writable(kind: VectorKind, tenant: string): Partition {
    const key = this.key(kind, tenant);
    let p = this.partitions.get(key);
    if (p === undefined) this.partitions.set(key, (p = new Partition(this.dimension)));
    else if (p.sealed) this.partitions.set(key, (p = p.clone()));
    return p;
  }

  upsertNow(records: readonly VectorRecord[]): void {
    for (const r of records) checkDimension(this, r.vector.length);
    for (const r of records) {
      this.writable(r.kind, r.tenant).put(r.id, unitVector(r.vector), r.text, {
        ...(r.meta ?? NO_META),
      });
    }
  }

  searchNow(query: VectorQuery): VectorMatch[] {
    checkDimension(this, query.vector.length);
    const p = this.partitions.get(this.key(query.kind, query.tenant));
    if (p === undefined || query.k <= 0) return [];
    const scores = p.scores(unitVector(query.vector));
    const rows =
      query.ids === undefined
        ? undefined
        : query.ids.map((id) => p.rowOf.get(id)).filter((r) => r !== undefined);
    const top = topRows(scores, query.k, rows);
    return top.map((row) => ({
      id: p.ids[row]!,
      score: scores[row]!,
      text: p.texts[row]!,
      meta: p.metas[row]!,
    }));
  }

  deleteNow(deletion: VectorDeletion): number {
    const key = this.key(deletion.kind, deletion.tenant);
    const p = this.partitions.get(key);
    if (p === undefined) return 0;
    if (deletion.ids === undefined) {
      this.partitions.delete(key);
      return p.size;
    }
    const target = this.writable(deletion.kind, deletion.tenant);
    let removed = 0;
    for (const id of new Set(deletion.ids)) if (target.remove(id)) removed++;
    return removed;
  }

  /**
   * Replaces the tenant's records of a kind with a prebuilt row-major matrix of unit vectors
   * (taken over, not copied: the catalog's is several MB), row `i` being `ids[i]`. Returns
   * those rows for synchronous scoring; their numbering never changes, as later writes to the
   * tenant go to a copy.
   */
  replaceNow(
    kind: VectorKind,
    tenant: string,
    rows: { ids: readonly string[]; texts: readonly string[]; metas?: readonly VectorMeta[] },
    matrix: Float32Array,
  ): LocalVectors {
    if (
      matrix.length !== rows.ids.length * this.dimension ||
      rows.texts.length !== rows.ids.length
    ) {
      throw new RangeError(
        `${rows.ids.length} ids, ${rows.texts.length} texts and a matrix of ${matrix.length} floats do not make ${this.dimension}-d rows`,
      );
    }
    const p = new Partition(this.dimension, matrix);
    p.ids = [...rows.ids];
    p.texts = [...rows.texts];
    p.metas = rows.metas === undefined ? p.ids.map(() => NO_META) : [...rows.metas];
    p.ids.forEach((id, i) => p.rowOf.set(id, i));
    if (p.rowOf.size !== p.ids.length) throw new RangeError("duplicate ids in replaceNow");
    p.sealed = true;
    this.partitions.set(this.key(kind, tenant), p);
    return p;
  }

  /** Records held for a kind and tenant. */
  count(kind: VectorKind, tenant: string): number {
    return this.partitions.get(this.key(kind, tenant))?.size ?? 0;
  }

  async upsert(records: readonly VectorRecord[]): Promise<void> {
    this.upsertNow(records);
  }

  async search(query: VectorQuery): Promise<VectorMatch[]> {
    return this.searchNow(query);
  }

  async delete(deletion: VectorDeletion): Promise<number> {
    return this.deleteNow(deletion);
  }

  async health(): Promise<VectorStoreHealth> {
    return { ok: true, store: this.name, latencyMs: 0 };
  }

  async close(): Promise<void> {
    this.partitions.clear();
  }
}

/** The `k` best rows (of `allowed`, or all), best first; earlier rows win ties. */
function topRows(scores: Float32Array, k: number, allowed?: readonly number[]): number[] {
  const top: number[] = [];
  const consider = (row: number): void => {
    const s = scores[row]!;
    if (top.length === k && s <= scores[top[k - 1]!]!) return;
    let i = top.length;
    while (i > 0 && s > scores[top[i - 1]!]!) i--;
    top.splice(i, 0, row);
    if (top.length > k) top.pop();
  };
  if (allowed === undefined) for (let r = 0; r < scores.length; r++) consider(r);
  else for (const r of [...new Set(allowed)].sort((a, b) => a - b)) consider(r);
  return top;
}
