/**
 * The memory's short-term cache, one contract for both implementations: in process always,
 * Redis when it answers at REDIS_URL (default 127.0.0.1:6379; skipped with a note otherwise).
 * Two stores sharing one Redis stand for two server processes: an erase through one is seen
 * by the other at once.
 */
import { Redis } from "ioredis";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inProcessSubjectCache, redisSubjectCache, type SubjectCache } from "./memory-cache.ts";
import { PgMemoryStore } from "./memory.ts";
import type pg from "pg";
import { migrate } from "./migrations.ts";
import { createTestDatabase, type TestDatabase } from "./testing/test-database.ts";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const PREFIX = `wt-mem:test-${process.pid}-${randomUUID()}:`;

let redis: Redis | undefined;
beforeAll(async () => {
  const client = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  client.on("error", () => {});
  try {
    await client.connect();
    redis = client;
  } catch {
    client.disconnect();
    console.log(`Redis not reachable at ${REDIS_URL}: its contract cases are skipped`);
  }
});
afterAll(async () => {
  if (!redis) return;
  const keys = await redis.keys(`${PREFIX}*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});

const implementations: [string, () => SubjectCache | undefined][] = [
  ["in process", () => inProcessSubjectCache({ ttlSeconds: 60, maxSubjects: 100 })],
  ["Redis", () => redis && redisSubjectCache(redis, { ttlSeconds: 60, keyPrefix: PREFIX })],
];

describe.each(implementations)("SubjectCache (%s)", (_name, make) => {
  it("keeps a value per subject and field until the subject is dropped", async (ctx) => {
    const cache = make();
    if (!cache) return ctx.skip();
    const a = `a-${randomUUID()}`;
    const b = `b-${randomUUID()}`;
    await cache.set(a, "preferences", { defaultWindow: "in 2011" });
    await cache.set(a, "recent", [1, 2]);
    await cache.set(b, "recent", [3]);
    expect(await cache.get(a, "preferences")).toEqual({ defaultWindow: "in 2011" });
    expect(await cache.get(a, "missing")).toBeUndefined();
    await cache.drop(a);
    expect(await cache.get(a, "recent")).toBeUndefined();
    expect(await cache.get(b, "recent")).toEqual([3]);
  });
});

describe("PgMemoryStore over a shared Redis", () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  beforeAll(async () => {
    db = await createTestDatabase();
    pool = db.newPool();
    await migrate(pool);
    await pool.query("insert into app.tenants (id, config) values ('online-retail', '{}')");
  });
  afterAll(async () => {
    await db?.dispose();
  });

  it("a change made through one process is read by the other at once", async (ctx) => {
    if (!redis) return ctx.skip();
    const one = new PgMemoryStore(
      pool,
      redisSubjectCache(redis, { ttlSeconds: 60, keyPrefix: PREFIX }),
    );
    const two = new PgMemoryStore(
      pool,
      redisSubjectCache(redis, { ttlSeconds: 60, keyPrefix: PREFIX }),
    );
    const subject = { tenant: "online-retail", user: `u-${randomUUID()}` };
    await one.setPreferences(subject.tenant, subject.user, { defaultWindow: "in 2011" });
    expect(await two.preferences(subject)).toEqual({ defaultWindow: "in 2011" });
    await two.recordSegment(subject, {
      threadId: randomUUID(),
      version: 1,
      request: "customers in France",
      size: 87,
      explanation: [],
    });
    expect((await one.recent(subject.tenant, subject.user)).map((r) => r.request)).toEqual([
      "customers in France",
    ]);
    await two.erase(subject.tenant, subject.user, "user");
    expect(await one.preferences(subject)).toEqual({});
    expect(await one.recent(subject.tenant, subject.user)).toEqual([]);
  });
});
