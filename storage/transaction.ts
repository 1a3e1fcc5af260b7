/** One transaction on a pooled client: committed, or rolled back and the client discarded. */
import type pg from "pg";

export async function inTransaction<T>(
  pool: pg.Pool,
  fn: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let failed = false;
  try {
    await client.query("begin");
    const out = await fn(client);
    await client.query("commit");
    return out;
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
