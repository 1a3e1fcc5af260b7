/**
 * Loads a scaled online-retail tenant (generate-scaled.ts) into a schema: the generated rows
 * are COPY-streamed into `raw_lines`, then the very statements online-retail's own load runs
 * (`onlineRetailStatements`) derive lines, orders, customers with their lifetime features, the
 * monthly feature tables and every index. Each statement is timed, so a benchmark can say what
 * the load and the feature build cost at each size.
 */
import { createReadStream } from "node:fs";
import { pipeline } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import type { WarehouseBinding } from "./binding.ts";
import { checkFeatureInvariants, FEATURE_TABLES } from "./features.ts";
import { scaledCopyStream, type ScaleOptions, type SourceLine } from "./generate-scaled.ts";
import { onlineRetailStatements } from "./load-online-retail.ts";

/** One timed step of a load. */
export interface LoadStep {
  /** `copy`, or the statement's verb and table ("create table lines", "index orders (…)"). */
  step: string;
  ms: number;
  /** Part of building the per-customer features rather than the tables every load has. */
  feature: boolean;
}

export interface ScaledLoadProgress {
  step: string;
  /** Rows copied so far and in all (copy), or statements done and in all. */
  done: number;
  total: number;
}

const FEATURE_NAMES = new Set<string>(["customers", ...Object.values(FEATURE_TABLES)]);

const STATEMENT_NAMES: [RegExp, string][] = [
  [/^create table \w+\.(\w+)/, "create $1"],
  [/^create index on \w+\.(\w+) (\([^)]*\))/, "index $1 $2"],
  [/^alter table \w+\.(\w+) add primary key (\([^)]*\))/, "key $1 $2"],
  [/^analyze \w+\.(\w+)/, "analyze $1"],
];

/** A short name of a load statement, and whether it builds features. */
export function describeStatement(sql: string): { step: string; feature: boolean } {
  const flat = sql.replace(/\s+/g, " ").trim();
  for (const [pattern, name] of STATEMENT_NAMES) {
    const m = pattern.exec(flat);
    // "customers" is built by the statement that computes its lifetime feature columns.
    if (m) return { step: m[0].replace(pattern, name), feature: FEATURE_NAMES.has(m[1]!) };
  }
  return { step: flat.slice(0, 40), feature: false };
}

async function timed(steps: LoadStep[], step: string, feature: boolean, f: () => Promise<unknown>) {
  const t0 = performance.now();
  await f();
  steps.push({ step, feature, ms: performance.now() - t0 });
}

/**
 * Builds the scaled tenant in `binding.schema` (dropped and created again) on one connection.
 * Not one transaction, unlike the product's load: a benchmark's tenant needs no atomic swap, and
 * committing as it goes lets Postgres recycle WAL instead of holding a 100× load's worth.
 */
export async function loadScaled(
  client: pg.PoolClient,
  load: {
    binding: WarehouseBinding;
    source: SourceLine[];
    productsFile: string;
    scale: ScaleOptions;
    onProgress?: (p: ScaledLoadProgress) => void;
  },
): Promise<LoadStep[]> {
  const s = load.binding.schema;
  const say = load.onProgress ?? (() => {});
  const steps: LoadStep[] = [];
  await client.query(`drop schema if exists ${s} cascade`);
  await client.query(`create schema ${s}`);
  await client.query(`create table ${s}.products (
      stock_code text primary key, description text not null, category text not null)`);
  await pipeline(
    createReadStream(load.productsFile),
    client.query(copyFrom(`copy ${s}.products from stdin with (format csv, header true)`)),
  );
  // A temp table: the raw rows are read once by the derive and need no WAL.
  await client.query("drop table if exists raw_lines");
  await client.query(`create temp table raw_lines (
      invoice_no text, stock_code text, description text, quantity integer,
      invoice_date timestamp, unit_price numeric, customer_id text, country text)`);
  const total = load.source.length * load.scale.factor;
  await timed(steps, "copy (generate + COPY raw_lines)", false, () =>
    pipeline(
      scaledCopyStream(load.source, load.scale, (done) => say({ step: "copy", done, total })),
      client.query(copyFrom("copy raw_lines from stdin")),
    ),
  );
  const { derive, index } = onlineRetailStatements(load.binding);
  const all = [...derive, "check", ...index];
  for (const [i, sql] of all.entries()) {
    const { step, feature } =
      sql === "check"
        ? { step: "check invoices within a month", feature: true }
        : describeStatement(sql);
    say({ step, done: i, total: all.length });
    if (sql === "check")
      await timed(steps, step, feature, () => checkFeatureInvariants(client, load.binding));
    else await timed(steps, step, feature, () => client.query(sql));
    // The raw rows are no longer needed once lines exist; free their disk at once.
    if (i === 0) await client.query("drop table raw_lines");
  }
  await timed(steps, "analyze products", false, () => client.query(`analyze ${s}.products`));
  say({ step: "done", done: all.length, total: all.length });
  return steps;
}
