/**
 * The steps every tenant's warehouse load shares: running a phase of statements with progress,
 * the indexes, and recording the finished load (the feature tables are `features.ts`).
 */
import type pg from "pg";

export interface LoadProgress {
  phase: "checksum" | "copy" | "derive" | "index" | "done" | "skipped";
  /** Units done and total for this phase (bytes for copy, steps otherwise). */
  done: number;
  total: number;
}

export interface LoadResult {
  loaded: boolean;
  checksum: string;
  rowCounts: Record<string, number>;
}

/** Runs the statements of one phase in order, reporting after each. */
export async function runPhase(
  client: pg.PoolClient,
  phase: "derive" | "index",
  statements: string[],
  onProgress: (p: LoadProgress) => void,
): Promise<void> {
  for (const [i, sql] of statements.entries()) {
    onProgress({ phase, done: i, total: statements.length });
    await client.query(sql);
  }
  onProgress({ phase, done: statements.length, total: statements.length });
}

/** Counts the tables, records the load under its checksum and commits the transaction. */
export async function recordLoad(
  client: pg.PoolClient,
  schema: string,
  tenant: string,
  checksum: string,
  onProgress: (p: LoadProgress) => void,
): Promise<LoadResult> {
  const counts = await client.query<{ t: string; n: string }>(
    `select 'lines' t, count(*) n from ${schema}.lines union all
     select 'orders', count(*) from ${schema}.orders union all
     select 'customers', count(*) from ${schema}.customers union all
     select 'products', count(*) from ${schema}.products union all
     select 'customer_months', count(*) from ${schema}.customer_months union all
     select 'customer_category_months', count(*) from ${schema}.customer_category_months`,
  );
  const rowCounts = Object.fromEntries(counts.rows.map((r) => [r.t, Number(r.n)]));
  await client.query(
    `insert into app.warehouse_loads (tenant_id, source_checksum, row_counts, loaded_at)
     values ($1, $2, $3, now())
     on conflict (tenant_id) do update set source_checksum = excluded.source_checksum,
       row_counts = excluded.row_counts, loaded_at = excluded.loaded_at`,
    [tenant, checksum, JSON.stringify(rowCounts)],
  );
  await client.query("commit");
  onProgress({ phase: "done", done: 1, total: 1 });
  return { loaded: true, checksum, rowCounts };
}

/**
 * The indexes every tenant's warehouse needs: customers by id and by each attribute column,
 * orders by customer and date, by each item column, and cancellations by customer.
 */
export function warehouseIndexes(
  schema: string,
  columns: { customers: string[]; orders: string[] },
): string[] {
  return [
    `alter table ${schema}.customers add primary key (customer_id)`,
    ...columns.customers.map((c) => `create index on ${schema}.customers (${c})`),
    `create index on ${schema}.orders (customer_id, invoice_date)`,
    ...columns.orders.map((c) => `create index on ${schema}.orders (${c}, customer_id)`),
    `create index on ${schema}.orders (invoice_date)`,
    `create index on ${schema}.lines (customer_id) where cancelled`,
    `analyze ${schema}.customers`,
    `analyze ${schema}.orders`,
    `analyze ${schema}.lines`,
  ];
}

/**
 * VACUUM (ANALYZE) every table of a freshly committed load: sets the visibility map, so the
 * segment queries' indexes on (item, customer_id) answer by index-only scans from the first
 * request instead of after autovacuum gets round to the new tables. Outside the transaction,
 * as VACUUM must be.
 */
async function vacuumSchema(client: pg.PoolClient, schema: string): Promise<void> {
  const { rows } = await client.query<{ t: string }>(
    "select tablename as t from pg_tables where schemaname = $1 order by 1",
    [schema],
  );
  // As long as the load itself may take. It only speeds reads up: a failure is ignored
  // (autovacuum does the same later).
  await client.query("set statement_timeout = 0");
  try {
    for (const { t } of rows) await client.query(`vacuum (analyze) ${schema}."${t}"`);
  } finally {
    await client.query("reset statement_timeout");
  }
}

/**
 * Loads a tenant's warehouse in one transaction: serialised with other loaders by an
 * advisory lock, skipped when the same checksum was loaded meanwhile, the schema rebuilt by
 * `build`, then counted and recorded. Nothing is half-loaded on failure.
 */
export async function loadInTransaction(
  pool: pg.Pool,
  load: {
    tenant: string;
    schema: string;
    checksum: string;
    force?: boolean;
    previous?: LoadResult;
    onProgress: (p: LoadProgress) => void;
  },
  build: (client: pg.PoolClient) => Promise<void>,
): Promise<LoadResult> {
  const client = await pool.connect();
  try {
    await client.query("begin");
    // Serialises concurrent loaders; the loser sees the winner's row after the lock.
    await client.query("select pg_advisory_xact_lock(hashtext($1))", [`load:${load.tenant}`]);
    const again = await client.query(
      "select 1 from app.warehouse_loads where tenant_id=$1 and source_checksum=$2",
      [load.tenant, load.checksum],
    );
    if (!load.force && again.rowCount) {
      await client.query("commit");
      load.onProgress({ phase: "skipped", done: 1, total: 1 });
      return { loaded: false, checksum: load.checksum, rowCounts: load.previous?.rowCounts ?? {} };
    }
    await client.query(`drop schema if exists ${load.schema} cascade`);
    await client.query(`create schema ${load.schema}`);
    await build(client);
    const result = await recordLoad(
      client,
      load.schema,
      load.tenant,
      load.checksum,
      load.onProgress,
    );
    await vacuumSchema(client, load.schema).catch(() => undefined);
    return result;
  } catch (err) {
    await client.query("rollback").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
