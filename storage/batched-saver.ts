/**
 * PostgresSaver with each write in one statement. The library writes a checkpoint as BEGIN,
 * one INSERT per channel blob, the checkpoint row, COMMIT, and a task's writes as BEGIN, one
 * INSERT per write, COMMIT: about 40 round trips per creation turn on a pool every graph run
 * shares. Here a checkpoint is one statement (its blobs in a data-modifying CTE) and a task's
 * writes one multi-row INSERT, with the library's own serialisation, tables and conflict rules;
 * a single statement is atomic, so no transaction is needed. Reads are the library's.
 */
import type { RunnableConfig } from "@langchain/core/runnables";
import {
  WRITES_IDX_MAP,
  type ChannelVersions,
  type Checkpoint,
  type CheckpointMetadata,
  type PendingWrite,
} from "@langchain/langgraph-checkpoint";
import { PostgresSaver } from "@langchain/langgraph-checkpoint-postgres";
import { randomInt } from "node:crypto";
import type pg from "pg";

/** Rows per statement at most: Postgres takes 65,535 parameters, a write row has 8. */
const MAX_ROWS = 1_000;

function tuples(rows: number, width: number, offset = 0): string {
  return Array.from(
    { length: rows },
    (_, r) =>
      `(${Array.from({ length: width }, (_, c) => `$${offset + r * width + c + 1}`).join(", ")})`,
  ).join(", ");
}

/**
 * The next version of a channel, unique to the branch that writes it. The JS saver inherits
 * integer versions (1, 2, 3, …) while blobs are keyed by (thread, namespace, channel, version)
 * and inserted with ON CONFLICT DO NOTHING: two runs forked from the same checkpoint (a turn
 * retried from the thread's stable state after a cut) reach the same integer and the second
 * branch's value is silently dropped — it reads back the first branch's (langgraphjs #1812,
 * #2584). As the Python saver does, the version is a zero-padded counter (which orders) and a
 * random suffix (which tells siblings apart). A thread whose versions are already integers
 * keeps counting in integers: strings and numbers do not compare, and its channels would stop
 * triggering the nodes that read them.
 */
export function nextChannelVersion(current: number | string | undefined): number | string {
  if (typeof current === "number") return current + 1;
  const counter = current === undefined ? 1 : Number.parseInt(current.split(".")[0]!, 10) + 1;
  const suffix = String(randomInt(0, 2 ** 48 - 1)).padStart(15, "0");
  return `${String(counter).padStart(32, "0")}.${suffix}`;
}

export class BatchedPostgresSaver extends PostgresSaver {
  private readonly db: pg.Pool;
  private readonly tables: { checkpoints: string; blobs: string; writes: string };

  constructor(pool: pg.Pool, schema: string) {
    super(pool, undefined, { schema });
    this.db = pool;
    this.tables = {
      checkpoints: `"${schema}".checkpoints`,
      blobs: `"${schema}".checkpoint_blobs`,
      writes: `"${schema}".checkpoint_writes`,
    };
  }

  // PostgresSaver is typed BaseCheckpointSaver<number>, but LangGraph's loop handles string
  // versions (getNullChannelVersion, compareChannelVersions), and so do the saver's tables.
  override getNextVersion(current: number | undefined): number {
    return nextChannelVersion(current) as number;
  }

  override async put(
    config: RunnableConfig,
    checkpoint: Checkpoint,
    metadata: CheckpointMetadata,
    newVersions: ChannelVersions,
  ): Promise<RunnableConfig> {
    if (config.configurable === undefined)
      throw new Error(`Missing "configurable" field in "config" param`);
    const { thread_id, checkpoint_ns = "", checkpoint_id } = config.configurable;
    const [blobs, serializedMetadata] = await Promise.all([
      this._dumpBlobs(thread_id, checkpoint_ns, checkpoint.channel_values, newVersions),
      this._dumpMetadata(metadata),
    ]);
    if (blobs.length > MAX_ROWS) return super.put(config, checkpoint, metadata, newVersions);
    const row = [
      thread_id,
      checkpoint_ns,
      checkpoint.id,
      checkpoint_id,
      this._dumpCheckpoint(checkpoint),
      serializedMetadata,
    ];
    const upsert = `insert into ${this.tables.checkpoints}
        (thread_id, checkpoint_ns, checkpoint_id, parent_checkpoint_id, checkpoint, metadata)
      values ($1, $2, $3, $4, $5, $6)
      on conflict (thread_id, checkpoint_ns, checkpoint_id)
      do update set checkpoint = excluded.checkpoint, metadata = excluded.metadata`;
    const text =
      blobs.length === 0
        ? upsert
        : `with blobs as (
             insert into ${this.tables.blobs} (thread_id, checkpoint_ns, channel, version, type, blob)
             values ${tuples(blobs.length, 6, 6)}
             on conflict (thread_id, checkpoint_ns, channel, version) do nothing)
           ${upsert}`;
    await this.db.query(text, [...row, ...blobs.flat()]);
    return { configurable: { thread_id, checkpoint_ns, checkpoint_id: checkpoint.id } };
  }

  override async putWrites(
    config: RunnableConfig,
    writes: PendingWrite[],
    taskId: string,
  ): Promise<void> {
    const { thread_id, checkpoint_ns = "", checkpoint_id } = config.configurable ?? {};
    const rows = await this._dumpWrites(thread_id, checkpoint_ns, checkpoint_id, taskId, writes);
    if (rows.length === 0) return;
    // Two rows with one key in one statement would be "affected twice": the library's way.
    const keys = new Set(rows.map((r) => `${r[3]}|${r[4]}`));
    if (keys.size !== rows.length || rows.length > MAX_ROWS)
      return super.putWrites(config, writes, taskId);
    // The library's rule: writes of special channels replace, others keep the first.
    const replace = writes.every(([channel]) => channel in WRITES_IDX_MAP);
    await this.db.query(
      `insert into ${this.tables.writes}
         (thread_id, checkpoint_ns, checkpoint_id, task_id, idx, channel, type, blob)
       values ${tuples(rows.length, 8)}
       on conflict (thread_id, checkpoint_ns, checkpoint_id, task_id, idx) ${
         replace
           ? "do update set channel = excluded.channel, type = excluded.type, blob = excluded.blob"
           : "do nothing"
       }`,
      rows.flat(),
    );
  }
}
