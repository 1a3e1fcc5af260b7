import { afterEach, describe, expect, it } from "vitest";
import { loadMigrations, migrate } from "./migrations.ts";
import { createTestDatabase } from "./testing/test-database.ts";
import type { TestDatabase } from "./testing/test-database.ts";

const APP_TABLES = [
  "active_artefacts",
  "api_keys",
  "artefact_versions",
  "audit_log",
  "corrections",
  "feedback",
  "improvement_candidates",
  "memory_answers",
  "memory_preferences",
  "memory_segments",
  "schema_migrations",
  "segment_versions",
  "segments",
  "skill_manifests",
  "tenants",
  "threads",
  "warehouse_loads",
];

describe("migrate", () => {
  let testDb: TestDatabase | undefined;
  afterEach(async () => {
    await testDb?.dispose();
    testDb = undefined;
  });

  it("applies the migrations once; a second run does nothing", async () => {
    testDb = await createTestDatabase();
    const pool = testDb.newPool();
    const all = (await loadMigrations()).map((m) => m.id);
    expect(all[0]).toBe("0001_app_tables");

    expect(await migrate(pool)).toEqual(all);
    expect(await migrate(pool)).toEqual([]);

    const { rows } = await pool.query<{ table_name: string }>(
      "select table_name from information_schema.tables where table_schema = 'app' order by 1",
    );
    expect(rows.map((r) => r.table_name)).toEqual(APP_TABLES);
    const recorded = await pool.query<{ id: string }>(
      "select id from app.schema_migrations order by id",
    );
    expect(recorded.rows.map((r) => r.id)).toEqual(all);
  });

  it("is safe when two processes migrate the same database at once", async () => {
    testDb = await createTestDatabase();
    const pools = [testDb.newPool(), testDb.newPool(), testDb.newPool()];
    const results = await Promise.all(pools.map((pool) => migrate(pool)));
    const all = (await loadMigrations()).map((m) => m.id);
    expect(results.flat().sort()).toEqual(all);
    expect(results.filter((applied) => applied.length > 0)).toHaveLength(1);
    const { rows } = await pools[0]!.query<{ n: string }>(
      "select count(*) as n from app.schema_migrations",
    );
    expect(Number(rows[0]?.n)).toBe(all.length);
  });

  it("rolls a failing migration back and records nothing for it", async () => {
    testDb = await createTestDatabase();
    const pool = testDb.newPool();
    const migrations = [
      ...(await loadMigrations()),
      { id: "9999_broken", sql: "create table app.half_done (id int); select 1 / 0;" },
    ];
    await expect(migrate(pool, { migrations })).rejects.toThrow(
      /Migration 9999_broken failed: division by zero/,
    );
    const { rows } = await pool.query<{ present: string | null; recorded: string }>(
      `select to_regclass('app.half_done')::text as present,
              (select string_agg(id, ',' order by id) from app.schema_migrations) as recorded`,
    );
    const real = (await loadMigrations()).map((m) => m.id).join(",");
    expect(rows[0]).toEqual({ present: null, recorded: real });
    // The advisory lock was released: a fixed list migrates fine afterwards.
    expect(await migrate(pool)).toEqual([]);
  });

  it("refuses to run when an applied migration was edited", async () => {
    testDb = await createTestDatabase();
    const pool = testDb.newPool();
    await migrate(pool);
    const edited = (await loadMigrations()).map((m) => ({ ...m, sql: `${m.sql}\n-- edited` }));
    await expect(migrate(pool, { migrations: edited })).rejects.toThrow(
      /changed after it was applied/,
    );
  });

  it("creates the constraints the application relies on", async () => {
    testDb = await createTestDatabase();
    const pool = testDb.newPool();
    await migrate(pool);
    await pool.query(`insert into app.tenants (id, config) values ('acme', '{"currency": "GBP"}')`);
    const seg = await pool.query<{ id: string; created_at: Date }>(
      `insert into app.segments (tenant_id, request, definition, sql, size)
       values ('acme', 'UK buyers', '{"all": []}', 'select 1', 10) returning id, created_at`,
    );
    const segmentId = seg.rows[0]!.id;
    expect(segmentId).toMatch(/^[0-9a-f-]{36}$/);
    expect(seg.rows[0]!.created_at).toBeInstanceOf(Date);
    await pool.query(
      `insert into app.segment_versions (segment_id, version, definition, sql, size)
       values ($1, 1, '{}', 'select 1', 10), ($1, 2, '{}', 'select 2', 12)`,
      [segmentId],
    );
    await expect(
      pool.query(
        `insert into app.segment_versions (segment_id, version, definition, sql) values ($1, 1, '{}', 'x')`,
        [segmentId],
      ),
    ).rejects.toThrow(/duplicate key/);
    // One saved segment per conversation lineage and tenant; a version's kind is one we know.
    const { rows: lineage } = await pool.query<{ lineage_id: string }>(
      "select lineage_id from app.segments where id = $1",
      [segmentId],
    );
    await expect(
      pool.query(
        `insert into app.segments (tenant_id, lineage_id, request, definition, sql) values ('acme', $1, 'r', '{}', 's')`,
        [lineage[0]!.lineage_id],
      ),
    ).rejects.toThrow(/duplicate key/);
    await expect(
      pool.query(
        `insert into app.segment_versions (segment_id, version, definition, sql, kind) values ($1, 3, '{}', 'x', 'merge')`,
        [segmentId],
      ),
    ).rejects.toThrow(/check constraint/);
    await expect(
      pool.query(
        `insert into app.segments (tenant_id, request, definition, sql) values ('nobody', 'r', '{}', 's')`,
      ),
    ).rejects.toThrow(/foreign key/);
    await pool.query("delete from app.segments where id = $1", [segmentId]);
    const left = await pool.query("select 1 from app.segment_versions where segment_id = $1", [
      segmentId,
    ]);
    expect(left.rowCount).toBe(0);

    await pool.query(
      `insert into app.warehouse_loads (tenant_id, source_checksum, row_counts) values ('acme', 'abc', '{"lines": 3}')`,
    );
    const load = await pool.query<{ loaded_at: Date }>("select loaded_at from app.warehouse_loads");
    expect(load.rows[0]!.loaded_at).toBeInstanceOf(Date);
    const index = await pool.query(
      "select 1 from pg_indexes where schemaname = 'app' and indexname = 'audit_log_tenant_thread_idx'",
    );
    expect(index.rowCount).toBe(1);
  });
});
