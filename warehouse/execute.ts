/**
 * Executes compiled segments in read-only transactions with a statement timeout, so a
 * segment can never change the warehouse nor hold a connection for long.
 */
import type pg from "pg";
import type { CompiledSql } from "./compile.ts";

export interface WarehouseOptions {
  /** Per-query limit; a runaway segment fails instead of holding a connection. */
  statementTimeoutMs: number;
}

export class Warehouse {
  constructor(
    private readonly pool: pg.Pool,
    private readonly opts: WarehouseOptions = { statementTimeoutMs: 30_000 },
  ) {}

  private async readOnly<T extends pg.QueryResultRow>(
    text: string,
    values: unknown[],
    searchPath?: string,
  ) {
    const client = await this.pool.connect();
    let failed = false;
    try {
      await client.query("begin transaction read only");
      await client.query(
        `set local statement_timeout = ${Math.trunc(this.opts.statementTimeoutMs)}`,
      );
      if (searchPath)
        await client.query("select set_config('search_path', $1, true)", [searchPath]);
      const result = await client.query<T>({ text, values });
      await client.query("commit");
      return result.rows;
    } catch (err) {
      await client.query("rollback").catch(() => {});
      // A client whose query failed (a read timeout leaves its query in flight) is not
      // given back: the next user would read that query's late answer.
      failed = true;
      throw err;
    } finally {
      client.release(failed);
    }
  }

  async size(sql: CompiledSql): Promise<number> {
    const rows = await this.readOnly<{ n: string }>(
      `select count(*) as n from (${sql.text}) m`,
      sql.values,
    );
    return Number(rows[0]?.n ?? 0);
  }

  /** Member IDs in ascending numeric order, as strings. */
  async members(sql: CompiledSql): Promise<string[]> {
    const rows = await this.readOnly<{ customer_id: string }>(
      `select customer_id from (${sql.text}) m order by length(customer_id), customer_id`,
      sql.values,
    );
    return rows.map((r) => r.customer_id);
  }

  /** Runs trusted SQL (gold queries in evaluations) against a tenant schema, read-only. */
  async membersOfRawSql(schema: string, text: string): Promise<string[]> {
    const rows = await this.readOnly<{ customer_id: string }>(
      `select customer_id::text as customer_id from (${text}) m order by length(customer_id::text), 1`,
      [],
      schema,
    );
    return rows.map((r) => r.customer_id);
  }
}
