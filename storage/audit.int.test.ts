import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendAudit, listAudit } from "./audit.ts";
import { migrate } from "./migrations.ts";
import { createTestDatabase } from "./testing/test-database.ts";
import type { TestDatabase } from "./testing/test-database.ts";

describe("audit log", () => {
  let testDb: TestDatabase;
  let pool: pg.Pool;
  beforeAll(async () => {
    testDb = await createTestDatabase();
    pool = testDb.newPool();
    await migrate(pool);
  });
  afterAll(async () => {
    await testDb.dispose();
  });

  it("appends entries and lists them per tenant and thread, in order", async () => {
    const first = await appendAudit(pool, {
      tenantId: "acme",
      threadId: "t1",
      event: "segment.requested",
      detail: { request: "UK buyers", filters: [{ field: "country", value: "UK" }] },
    });
    expect(first).toMatchObject({ tenantId: "acme", threadId: "t1", event: "segment.requested" });
    expect(first.id).toBeTypeOf("number");
    expect(first.createdAt).toBeInstanceOf(Date);
    await appendAudit(pool, { tenantId: "acme", threadId: "t2", event: "segment.requested" });
    await appendAudit(pool, {
      tenantId: "acme",
      threadId: "t1",
      event: "segment.saved",
      detail: { size: 12 },
    });
    await appendAudit(pool, { tenantId: "globex", threadId: "t1", event: "segment.requested" });
    await appendAudit(pool, { tenantId: null, event: "app.started" });

    const t1 = await listAudit(pool, "acme", "t1");
    expect(t1.map((e) => e.event)).toEqual(["segment.requested", "segment.saved"]);
    expect(t1[0]?.detail).toEqual({
      request: "UK buyers",
      filters: [{ field: "country", value: "UK" }],
    });
    expect(t1[1]?.detail).toEqual({ size: 12 });

    const acme = await listAudit(pool, "acme");
    expect(acme.map((e) => e.threadId)).toEqual(["t1", "t2", "t1"]);
    expect((await listAudit(pool, "globex")).map((e) => e.event)).toEqual(["segment.requested"]);
    expect(await listAudit(pool, "nobody", "t1")).toEqual([]);

    const latest = await listAudit(pool, "acme", undefined, { limit: 2 });
    expect(latest.map((e) => e.threadId)).toEqual(["t2", "t1"]);
  });

  it("joins the caller's transaction when given a client", async () => {
    const client = await pool.connect();
    try {
      await client.query("begin");
      await appendAudit(client, { tenantId: "initech", threadId: "tx", event: "rolled.back" });
      expect(await listAudit(client, "initech", "tx")).toHaveLength(1);
      await client.query("rollback");
    } finally {
      client.release();
    }
    expect(await listAudit(pool, "initech", "tx")).toEqual([]);
  });

  it("stores a detail that is an array-free object as jsonb, defaulting to {}", async () => {
    const entry = await appendAudit(pool, { tenantId: "acme", threadId: "t3", event: "noted" });
    expect(entry.detail).toEqual({});
    await expect(appendAudit(pool, { tenantId: "acme", event: "" })).rejects.toThrow(/empty/);
  });
});
