/**
 * A saved segment's members, a page at a time: its compiled SQL run read-only under the
 * segment statement timeout (kept apart from the app.segments queries in segments.ts).
 */
import type pg from "pg";
import type { CompiledSql } from "../warehouse/compile.ts";

/**
 * Members in the warehouse's order (shorter ids first, then by text: numeric order for numeric
 * ids), strictly after `after`, read-only and under a statement timeout like every segment run.
 */
export async function memberPage(
  pool: pg.Pool,
  sql: CompiledSql,
  opts: { limit: number; after?: string; statementTimeoutMs: number },
): Promise<{ items: string[]; next: string | null }> {
  const n = sql.values.length;
  const client = await pool.connect();
  let failed = false;
  try {
    await client.query("begin transaction read only");
    await client.query(`set local statement_timeout = ${Math.trunc(opts.statementTimeoutMs)}`);
    const { rows } = await client.query<{ customer_id: string }>({
      text: `select customer_id from (${sql.text}) m
             where $${n + 1}::text is null
                or (length(customer_id), customer_id) > (length($${n + 1}::text), $${n + 1}::text)
             order by length(customer_id), customer_id
             limit $${n + 2}`,
      values: [...sql.values, opts.after ?? null, opts.limit + 1],
    });
    await client.query("commit");
    const items = rows.slice(0, opts.limit).map((r) => r.customer_id);
    return { items, next: rows.length > opts.limit ? items[items.length - 1]! : null };
  } catch (err) {
    await client.query("rollback").catch(() => undefined);
    // A client whose query failed (a read timeout leaves its query in flight) is not
    // given back: the next user would read that query's late answer.
    failed = true;
    throw err;
  } finally {
    client.release(failed);
  }
}
