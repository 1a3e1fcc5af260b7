/**
 * Conversation threads in `app.threads`: which tenant owns a graph thread, and a per-thread
 * lock so that one run at a time changes a thread, across every server process.
 */
import type pg from "pg";
import type { Queryable } from "./audit.ts";

export interface ThreadRow {
  id: string;
  tenantId: string;
  /** `YYYY-MM-DD`, or null for the tenant's as-of date. */
  asOf: string | null;
  createdAt: Date;
}

interface Row {
  id: string;
  tenant_id: string;
  as_of: string | null;
  created_at: Date;
}

// as_of as text: node-postgres would turn a date into a local-midnight Date.
const COLUMNS = "id, tenant_id, as_of::text as as_of, created_at";

function toThread(row: Row): ThreadRow {
  return { id: row.id, tenantId: row.tenant_id, asOf: row.as_of, createdAt: row.created_at };
}

export async function createThread(
  db: Queryable,
  tenantId: string,
  opts: { asOf?: string } = {},
): Promise<ThreadRow> {
  const { rows } = await db.query<Row>(
    `insert into app.threads (tenant_id, as_of) values ($1, $2::date) returning ${COLUMNS}`,
    [tenantId, opts.asOf ?? null],
  );
  return toThread(rows[0]!);
}

/**
 * Registers a conversation that was started outside the API (the CLI names its own thread
 * ids), so it is owned by the tenant like any thread; an existing thread is left as it is.
 */
export async function ensureThread(
  db: Queryable,
  tenantId: string,
  threadId: string,
  opts: { asOf?: string } = {},
): Promise<void> {
  await db.query(
    `insert into app.threads (id, tenant_id, as_of) values ($1, $2, $3::date) on conflict (id) do nothing`,
    [threadId, tenantId, opts.asOf ?? null],
  );
}

/** Many empty threads at once (load tests create a fresh thread per request up front). */
export async function createThreads(
  db: Queryable,
  tenantId: string,
  count: number,
): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    "insert into app.threads (tenant_id) select $1 from generate_series(1, $2) returning id",
    [tenantId, count],
  );
  return rows.map((r) => r.id);
}

/** The thread when it exists and belongs to the tenant; another tenant's is not found. */
export async function getThread(
  db: Queryable,
  tenantId: string,
  threadId: string,
): Promise<ThreadRow | null> {
  const { rows } = await db.query<Row>(
    `select ${COLUMNS} from app.threads where id = $1 and tenant_id = $2`,
    [threadId, tenantId],
  );
  return rows[0] ? toThread(rows[0]) : null;
}

/** First key of the two-key advisory lock: "thread runs" among our users of advisory locks. */
const THREAD_LOCK_CLASS = 740_391;

export type ReleaseLock = () => Promise<void>;

/**
 * Session advisory locks, one per thread, held on a dedicated connection for as long as a run
 * lasts. Give it a pool of its own: a run needs connections of the main pool for checkpoints
 * and the warehouse, and lock holders waiting on that pool must not be what exhausts it.
 */
export class ThreadLocks {
  constructor(private readonly pool: pg.Pool) {}

  /** The release function, or null when another run (in any process) holds the thread. */
  async tryAcquire(threadId: string): Promise<ReleaseLock | null> {
    const client = await this.pool.connect();
    let acquired = false;
    try {
      const { rows } = await client.query<{ ok: boolean }>(
        "select pg_try_advisory_lock($1, hashtext($2)) as ok",
        [THREAD_LOCK_CLASS, threadId],
      );
      acquired = rows[0]?.ok === true;
    } catch (err) {
      client.release(true);
      throw err;
    }
    if (!acquired) {
      client.release();
      return null;
    }
    let released: Promise<void> | undefined;
    return () =>
      (released ??= client
        .query("select pg_advisory_unlock($1, hashtext($2))", [THREAD_LOCK_CLASS, threadId])
        .then(
          () => client.release(),
          // Closing the connection ends its session, which releases the lock all the same.
          () => client.release(true),
        ));
  }

  /**
   * Whether a run holds the thread right now. Read from pg_locks rather than by trying the
   * lock: a probe that took it, however briefly, could turn a real run away with a 409.
   */
  async isHeld(threadId: string): Promise<boolean> {
    const { rows } = await this.pool.query<{ held: boolean }>(
      `select exists (
         select 1 from pg_locks
         where locktype = 'advisory' and granted and objsubid = 2
           and database = (select oid from pg_database where datname = current_database())
           and classid = $1::int4::oid and objid = hashtext($2)::oid
       ) as held`,
      [THREAD_LOCK_CLASS, threadId],
    );
    return rows[0]?.held === true;
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
