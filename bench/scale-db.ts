/**
 * The scale benchmark's database side: one database per size on the same Postgres server as
 * DATABASE_URL, what it needs on disk, the timed load, and the timed size queries. Size queries
 * go through the product's own compiler and `Warehouse.size` (read-only transaction, statement
 * timeout), as estimateSize runs them.
 */
import { statfsSync } from "node:fs";
import { loadavg } from "node:os";
import pg from "pg";
import type { RuleNode } from "../state/segment.ts";
import { onlineRetailBinding } from "../warehouse/binding.ts";
import { compileSegment } from "../warehouse/compile.ts";
import { Warehouse } from "../warehouse/execute.ts";
import type { ScaleOptions, SourceLine } from "../warehouse/generate-scaled.ts";
import { loadScaled, type LoadStep } from "../warehouse/load-scaled.ts";

export const GB = 1024 ** 3;

/** DATABASE_URL with another database name. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Bytes free where the server keeps its data (the root file system if that is unreadable). */
export async function freeBytes(pool: pg.Pool): Promise<{ path: string; free: number }> {
  let path = "/";
  try {
    const { rows } = await pool.query<{ setting: string }>(
      "select current_setting('data_directory') as setting",
    );
    path = rows[0]?.setting ?? "/";
    const s = statfsSync(path);
    return { path, free: s.bavail * s.bsize };
  } catch {
    const s = statfsSync("/");
    return { path, free: s.bavail * s.bsize };
  }
}

/** Bytes of the tables and indexes of a schema (online-retail's own, for the 1× estimate). */
export async function schemaBytes(pool: pg.Pool, schema: string): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(
    `select coalesce(sum(pg_total_relation_size(c.oid)), 0) n from pg_class c
       join pg_namespace s on s.oid = c.relnamespace where s.nspname = $1 and c.relkind = 'r'`,
    [schema],
  );
  return Number(rows[0]?.n ?? 0);
}

export interface SizeResult {
  factor: number;
  customers: number;
  lines: number;
  orders: number;
  steps: LoadStep[];
  dbBytes: number;
  /** Per condition: members, and the size query's wall times in ms. */
  conditions: { members: number; ms: number[] }[];
  /** One-minute load average of the machine before the load and after the measurement. */
  load: { before: number; after: number };
  /** When the measurement ended (ISO). */
  at: string;
}

const q = async (pool: pg.Pool | pg.PoolClient, sql: string) =>
  Number((await pool.query<{ n: string }>(sql)).rows[0]?.n ?? 0);

/**
 * Times every condition's size query `repeats` times, in rounds over all conditions so that a
 * drift in the machine's load hits every condition alike. The first round only warms the
 * cache and plans and gives the member count.
 */
export async function measureConditions(
  warehouse: Warehouse,
  roots: RuleNode[],
  repeats: number,
  say: (m: string) => void,
): Promise<{ members: number; ms: number[] }[]> {
  const compiled = roots.map((r) => compileSegment(r, onlineRetailBinding));
  const out: { members: number; ms: number[] }[] = [];
  for (const sql of compiled) out.push({ members: await warehouse.size(sql), ms: [] });
  for (let round = 0; round < repeats; round++) {
    say(`size queries, round ${round + 1} of ${repeats}`);
    for (const [i, sql] of compiled.entries()) {
      const t0 = performance.now();
      await warehouse.size(sql);
      out[i]!.ms.push(performance.now() - t0);
    }
  }
  return out;
}

/**
 * Creates `database` (dropped first if a previous run left it), loads the scaled tenant,
 * vacuums it (as autovacuum would before long: visibility maps for index-only scans, so the
 * measurement is not disturbed by it), measures, and drops it again unless `keep`.
 */
export async function runSize(opts: {
  adminUrl: string;
  database: string;
  source: SourceLine[];
  productsFile: string;
  scale: ScaleOptions;
  roots: RuleNode[];
  repeats: number;
  statementTimeoutMs: number;
  keep: boolean;
  say: (m: string) => void;
}): Promise<SizeResult> {
  const admin = new pg.Pool({ connectionString: opts.adminUrl, max: 1 });
  await admin.query(`drop database if exists ${opts.database}`);
  await admin.query(`create database ${opts.database}`);
  const pool = new pg.Pool({
    connectionString: withDatabase(opts.adminUrl, opts.database),
    max: 2,
  });
  const before = loadavg()[0]!;
  try {
    const client = await pool.connect();
    let steps: LoadStep[];
    try {
      // Session settings of the loading connection only; the server's configuration is untouched.
      await client.query("set maintenance_work_mem = '1GB'");
      await client.query("set work_mem = '256MB'");
      let last = 0;
      steps = await loadScaled(client, {
        binding: onlineRetailBinding,
        source: opts.source,
        productsFile: opts.productsFile,
        scale: opts.scale,
        onProgress: (p) => {
          const now = Date.now();
          // Copy progress comes every few thousand rows; statements are few and each is news.
          if (p.step === "copy" && now - last < 2_000 && p.done !== p.total) return;
          last = now;
          opts.say(
            `${opts.scale.factor}×: ${p.step} ${p.done.toLocaleString("en-GB")}/${p.total.toLocaleString("en-GB")}`,
          );
        },
      });
      const s = onlineRetailBinding.schema;
      for (const t of [
        "lines",
        "orders",
        "customers",
        "customer_months",
        "customer_category_months",
      ]) {
        opts.say(`${opts.scale.factor}×: vacuum ${t}`);
        const t0 = performance.now();
        await client.query(`vacuum ${s}.${t}`);
        steps.push({
          step: `vacuum ${t}`,
          feature: t.startsWith("customer"),
          ms: performance.now() - t0,
        });
      }
    } finally {
      client.release();
    }
    const s = onlineRetailBinding.schema;
    const warehouse = new Warehouse(pool, { statementTimeoutMs: opts.statementTimeoutMs });
    const conditions = await measureConditions(warehouse, opts.roots, opts.repeats, (m) =>
      opts.say(`${opts.scale.factor}×: ${m}`),
    );
    return {
      factor: opts.scale.factor,
      customers: await q(pool, `select count(*) n from ${s}.customers`),
      lines: await q(pool, `select count(*) n from ${s}.lines`),
      orders: await q(pool, `select count(*) n from ${s}.orders`),
      steps,
      dbBytes: await q(pool, "select pg_database_size(current_database()) n"),
      conditions,
      load: { before, after: loadavg()[0]! },
      at: new Date().toISOString(),
    };
  } finally {
    await pool.end();
    if (!opts.keep) await admin.query(`drop database if exists ${opts.database}`);
    await admin.end();
  }
}
