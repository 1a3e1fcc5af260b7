/**
 * The Milvus vector store (`@zilliz/milvus2-sdk-node`, Milvus 2.6+): one collection per kind
 * (`<prefix><kind>_d<dimension>`, so vectors of another dimension never share one), the
 * tenant as the partition key, COSINE metric, Strong consistency (a search sees the writes
 * before it, which the contract suite relies on). Every filter goes through `exprValues`
 * templates, so a tenant id or record id is data, never expression text.
 *
 * Connecting: the client starts connecting in its constructor and every call awaits that
 * attempt; an uncaught rejection of its `connectPromise` ends the Node process, and without a
 * `timeout` it waits 15 s. So the attempt is caught here, bounded by `timeoutMs`, and a failed
 * client is replaced on a later call (after `reconnectAfterMs`) instead of failing forever.
 */
import {
  DataType,
  ErrorCode,
  MetricType,
  MilvusClient,
  type ResStatus,
} from "@zilliz/milvus2-sdk-node";
import {
  checkDimension,
  type VectorDeletion,
  type VectorKind,
  type VectorMatch,
  type VectorMeta,
  type VectorQuery,
  type VectorRecord,
  type VectorStore,
  type VectorStoreHealth,
} from "./store.ts";

export interface MilvusStoreOptions {
  /** host:port (or https URL for Zilliz Cloud). */
  address: string;
  token?: string;
  database?: string;
  dimension: number;
  /** Collection names start with this; tests use a prefix of their own. Default "segment_". */
  collectionPrefix?: string;
  /** Deadline of the connection attempt and of every call. Default 2,000 ms. */
  timeoutMs?: number;
  /** After a failed connection, the next call this much later builds a new client. Default 5,000 ms. */
  reconnectAfterMs?: number;
}

/** The store cannot be reached (connection refused, deadline passed): retrying later may help. */
export class VectorStoreUnavailableError extends Error {
  override readonly name = "VectorStoreUnavailableError";
}

const UPSERT_BATCH = 1_000;
/** VarChar lengths are bytes; texts are cut to a quarter of it (4 bytes per UTF-8 char at most). */
const TEXT_BYTES = 8_192;
// Milvus caps topk at 16,384.
const MAX_K = 16_384;

interface Connection {
  client: MilvusClient;
  ready: Promise<MilvusClient>;
  failedAt?: number;
}

export class MilvusVectorStore implements VectorStore {
  readonly name: string;
  readonly dimension: number;
  private readonly prefix: string;
  private readonly timeoutMs: number;
  private readonly reconnectAfterMs: number;
  private conn: Connection | undefined;
  private readonly collections = new Map<VectorKind, Promise<string>>();
  private closed = false;

  constructor(private readonly opts: MilvusStoreOptions) {
    this.name = `milvus ${opts.address}`;
    this.dimension = opts.dimension;
    this.prefix = opts.collectionPrefix ?? "segment_";
    this.timeoutMs = opts.timeoutMs ?? 2_000;
    this.reconnectAfterMs = opts.reconnectAfterMs ?? 5_000;
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(this.prefix)) {
      throw new RangeError(`collection prefix ${this.prefix} is not a valid Milvus name start`);
    }
  }

  /** The connected client; a new one when the last attempt failed long enough ago. */
  private client(): Promise<MilvusClient> {
    if (this.closed) return Promise.reject(new VectorStoreUnavailableError("store closed"));
    const conn = this.conn;
    if (
      conn &&
      (conn.failedAt === undefined || Date.now() - conn.failedAt < this.reconnectAfterMs)
    ) {
      return conn.ready;
    }
    const client = new MilvusClient({
      address: this.opts.address,
      token: this.opts.token,
      database: this.opts.database,
      timeout: this.timeoutMs,
      logLevel: "error",
    });
    const next: Connection = { client, ready: Promise.resolve(client) };
    next.ready = client.connectPromise.then(
      () => client,
      (err: unknown) => {
        next.failedAt = Date.now();
        this.collections.clear();
        void client.closeConnection().catch(() => {});
        throw new VectorStoreUnavailableError(`milvus ${this.opts.address}: ${message(err)}`);
      },
    );
    // Handled here so that a connection nobody awaits yet never becomes an unhandled rejection.
    next.ready.catch(() => {});
    this.conn = next;
    return next.ready;
  }

  private collectionName(kind: VectorKind): string {
    return `${this.prefix}${kind}_d${this.dimension}`;
  }

  /** The kind's collection, created and loaded on first use. */
  private collection(kind: VectorKind): Promise<string> {
    let ready = this.collections.get(kind);
    if (ready === undefined) {
      ready = this.createCollection(kind);
      this.collections.set(kind, ready);
      // A failed creation is tried again by the next call, not remembered.
      ready.catch(() => this.collections.delete(kind));
    }
    return ready;
  }

  private async createCollection(kind: VectorKind): Promise<string> {
    const client = await this.client();
    const name = this.collectionName(kind);
    const timeout = this.timeoutMs;
    const exists = await client.hasCollection({ collection_name: name, timeout });
    ok(exists.status, `hasCollection ${name}`);
    if (exists.value !== true) {
      const created = await client.createCollection({
        collection_name: name,
        timeout,
        consistency_level: "Strong",
        enable_dynamic_field: false,
        fields: [
          { name: "pk", data_type: DataType.VarChar, is_primary_key: true, max_length: 1_024 },
          { name: "tenant", data_type: DataType.VarChar, max_length: 256, is_partition_key: true },
          { name: "record_id", data_type: DataType.VarChar, max_length: 512 },
          { name: "text", data_type: DataType.VarChar, max_length: TEXT_BYTES },
          { name: "meta", data_type: DataType.JSON },
          { name: "vector", data_type: DataType.FloatVector, dim: this.dimension },
        ],
        index_params: [
          { field_name: "vector", index_type: "AUTOINDEX", metric_type: MetricType.COSINE },
        ],
      });
      ok(created, `createCollection ${name}`);
    }
    ok(await client.loadCollection({ collection_name: name, timeout }), `loadCollection ${name}`);
    return name;
  }

  async upsert(records: readonly VectorRecord[]): Promise<void> {
    for (const r of records) checkDimension(this, r.vector.length);
    const byKind = new Map<VectorKind, VectorRecord[]>();
    for (const r of records) byKind.set(r.kind, [...(byKind.get(r.kind) ?? []), r]);
    const client = await this.client();
    for (const [kind, rows] of byKind) {
      const collection_name = await this.collection(kind);
      for (let i = 0; i < rows.length; i += UPSERT_BATCH) {
        const data = rows.slice(i, i + UPSERT_BATCH).map((r) => ({
          pk: primaryKey(r.tenant, r.id),
          tenant: r.tenant,
          record_id: r.id,
          text: r.text.slice(0, TEXT_BYTES / 4),
          meta: { ...(r.meta ?? {}) },
          vector: Array.from(r.vector),
        }));
        const res = await client.upsert({ collection_name, data, timeout: this.timeoutMs });
        ok(res.status, `upsert into ${collection_name}`);
      }
    }
  }

  async search(query: VectorQuery): Promise<VectorMatch[]> {
    checkDimension(this, query.vector.length);
    const k = Math.min(
      MAX_K,
      query.ids === undefined ? query.k : Math.min(query.k, query.ids.length),
    );
    if (k <= 0) return [];
    const client = await this.client();
    const collection_name = await this.collection(query.kind);
    const byIds = query.ids !== undefined;
    const res = await client.search({
      collection_name,
      data: [Array.from(query.vector)],
      anns_field: "vector",
      metric_type: MetricType.COSINE,
      limit: k,
      filter: byIds ? "tenant == {tenant} and record_id in {ids}" : "tenant == {tenant}",
      exprValues: byIds ? { tenant: query.tenant, ids: [...query.ids!] } : { tenant: query.tenant },
      output_fields: ["record_id", "text", "meta"],
      timeout: this.timeoutMs,
    });
    ok(res.status, `search ${collection_name}`);
    // One query vector: `results` is that query's hits, the output fields beside the score.
    return res.results.map((r) => ({
      id: String(r.record_id),
      score: r.score,
      text: String(r.text ?? ""),
      meta: (r.meta ?? {}) as VectorMeta,
    }));
  }

  async delete(deletion: VectorDeletion): Promise<number> {
    if (deletion.ids !== undefined && deletion.ids.length === 0) return 0;
    const client = await this.client();
    const collection_name = await this.collection(deletion.kind);
    const byIds = deletion.ids !== undefined;
    const res = await client.delete({
      collection_name,
      filter: byIds ? "tenant == {tenant} and record_id in {ids}" : "tenant == {tenant}",
      exprValues: byIds
        ? { tenant: deletion.tenant, ids: [...new Set(deletion.ids)] }
        : { tenant: deletion.tenant },
      timeout: this.timeoutMs,
    });
    ok(res.status, `delete from ${collection_name}`);
    return Number(res.delete_cnt);
  }

  async health(): Promise<VectorStoreHealth> {
    const started = performance.now();
    const latency = () => performance.now() - started;
    try {
      const client = await this.client();
      const res = await client.checkHealth();
      return res.isHealthy
        ? { ok: true, store: this.name, latencyMs: latency() }
        : { ok: false, store: this.name, detail: res.reasons.join("; "), latencyMs: latency() };
    } catch (err) {
      return { ok: false, store: this.name, detail: message(err), latencyMs: latency() };
    }
  }

  /** Drops this store's collections (tests and benchmarks clean up after themselves). */
  async dropCollections(): Promise<void> {
    const client = await this.client();
    for (const kind of ["catalog_value", "recipe"] as const) {
      const collection_name = this.collectionName(kind);
      const exists = await client.hasCollection({ collection_name, timeout: this.timeoutMs });
      if (exists.value === true) {
        ok(await client.dropCollection({ collection_name, timeout: this.timeoutMs }), "drop");
      }
      this.collections.delete(kind);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.conn?.client;
    this.conn = undefined;
    await client?.closeConnection().catch(() => {});
  }
}

/** Unique across tenants (one collection holds them all) and unambiguous for any ids. */
function primaryKey(tenant: string, id: string): string {
  return JSON.stringify([tenant, id]);
}

function ok(status: ResStatus, what: string): void {
  if (status.error_code !== ErrorCode.SUCCESS && status.error_code !== "") {
    throw new Error(`milvus ${what}: ${status.error_code} ${status.reason}`);
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
