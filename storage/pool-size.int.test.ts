import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyPoolTimeouts, type PoolTimeouts } from "./database.ts";
import { createTestDatabase, type TestDatabase } from "./testing/test-database.ts";

const TIMEOUTS: PoolTimeouts = {
  connectMs: 300,
  statementMs: 5_000,
  idleInTransactionMs: 5_000,
  queryMs: 7_000,
};

describe("the services' pool size (PG_POOL_MAX)", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.dispose();
  });

  it("bounds the connections handed out: one more waits and is refused after the connect timeout", async () => {
    const pool = db.newPool();
    await applyPoolTimeouts(pool, TIMEOUTS, 2);
    const held = [await pool.connect(), await pool.connect()];
    await expect(pool.connect()).rejects.toThrow(/timeout/i);
    held[0]!.release();
    // The freed connection is reused: the pool never opened a third.
    const again = await pool.connect();
    expect(pool.totalCount).toBe(2);
    again.release();
    held[1]!.release();
  });

  it("a larger size lets that many run at once", async () => {
    const pool = db.newPool();
    await applyPoolTimeouts(pool, TIMEOUTS, 12);
    const held = await Promise.all(Array.from({ length: 12 }, () => pool.connect()));
    expect(pool.totalCount).toBe(12);
    for (const c of held) c.release();
  });
});
