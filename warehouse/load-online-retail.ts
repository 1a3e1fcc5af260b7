/**
 * Loads the online-retail tenant (UCI Online Retail) into Postgres exactly per the data
 * contract in shared/data/online-retail/README.md. Idempotent: the load is keyed by the
 * checksum of the source files and the loader version, and runs in one transaction.
 */
import { createHash } from "node:crypto";
import { createReadStream, existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { onlineRetailBinding, type WarehouseBinding } from "./binding.ts";
import { checkFeatureInvariants, customerFeatures, featureSteps } from "./features.ts";
import {
  loadInTransaction,
  runPhase,
  warehouseIndexes,
  type LoadProgress,
  type LoadResult,
} from "./load-steps.ts";

/** Bump when the derived tables change so existing loads are rebuilt. */
export const LOADER_VERSION = 2;
const TENANT = "online-retail";

export type { LoadProgress, LoadResult } from "./load-steps.ts";

export class DataNotFoundError extends Error {}

function sourceFiles(dir: string) {
  const lines = join(dir, "online-retail.csv.gz");
  const products = join(dir, "products.csv");
  for (const f of [lines, products]) {
    if (!existsSync(f)) throw new DataNotFoundError(`online-retail data not found: ${f}`);
  }
  return { lines, products };
}

async function checksumOf(files: string[]): Promise<string> {
  const hash = createHash("sha256");
  hash.update(`loader:${LOADER_VERSION}`);
  for (const f of files) {
    for await (const chunk of createReadStream(f)) hash.update(chunk as Buffer);
  }
  return hash.digest("hex");
}

/** Returns the checksum recorded for the tenant's current load, if any. */
export async function currentLoad(pool: pg.Pool): Promise<LoadResult | undefined> {
  const { rows } = await pool.query<{
    source_checksum: string;
    row_counts: Record<string, number>;
  }>("select source_checksum, row_counts from app.warehouse_loads where tenant_id = $1", [TENANT]);
  const row = rows[0];
  return row && { loaded: false, checksum: row.source_checksum, rowCounts: row.row_counts };
}

export async function loadOnlineRetail(
  pool: pg.Pool,
  dataDir: string,
  onProgress: (p: LoadProgress) => void = () => {},
  opts: { force?: boolean } = {},
): Promise<LoadResult> {
  const files = sourceFiles(dataDir);
  onProgress({ phase: "checksum", done: 0, total: 1 });
  const checksum = await checksumOf([files.lines, files.products]);
  onProgress({ phase: "checksum", done: 1, total: 1 });

  const existing = await currentLoad(pool);
  if (!opts.force && existing?.checksum === checksum) {
    onProgress({ phase: "skipped", done: 1, total: 1 });
    return existing;
  }

  const s = onlineRetailBinding.schema;
  return loadInTransaction(
    pool,
    { tenant: TENANT, schema: s, checksum, force: opts.force, previous: existing, onProgress },
    async (client) => {
      await client.query(`create temp table raw_lines (
          invoice_no text, stock_code text, description text, quantity integer,
          invoice_date timestamp, unit_price numeric, customer_id text, country text
        ) on commit drop`);
      await client.query(`create table ${s}.products (
          stock_code text primary key, description text not null, category text not null)`);

      const total = statSync(files.lines).size + statSync(files.products).size;
      let done = 0;
      const counter = () =>
        new Transform({
          transform(chunk: Buffer, _enc, cb) {
            done += chunk.length;
            onProgress({ phase: "copy", done, total });
            cb(null, chunk);
          },
        });
      await pipeline(
        createReadStream(files.products),
        counter(),
        client.query(copyFrom(`copy ${s}.products from stdin with (format csv, header true)`)),
      );
      // Progress counts compressed bytes: that is what we can know the total of up front.
      await pipeline(
        createReadStream(files.lines),
        counter(),
        createGunzip(),
        client.query(copyFrom("copy raw_lines from stdin with (format csv, header true)")),
      );

      const statements = onlineRetailStatements(onlineRetailBinding);
      await runPhase(client, "derive", statements.derive, onProgress);
      await checkFeatureInvariants(client, onlineRetailBinding);
      await runPhase(client, "index", statements.index, onProgress);
    },
  );
}

/**
 * The statements that build the tenant's tables from `raw_lines` (the source's columns, as
 * copied) and `products` in `binding.schema`, then index them. Exported so a generated tenant
 * of the same shape (bench/scale-bench.ts) is derived by exactly the product's SQL.
 */
export function onlineRetailStatements(binding: WarehouseBinding): {
  derive: string[];
  index: string[];
} {
  const s = binding.schema;
  const features = customerFeatures(s);
  const steps = featureSteps(binding, ["category", "stock_code"]);
  const derive = [
    // Customer lines only: lines without a customer are in no segment. Product attributes
    // come from products.csv, not from the line's own description.
    `create table ${s}.lines as
         select r.invoice_no, r.stock_code, p.description, p.category, r.quantity,
                r.invoice_date, r.unit_price, (r.quantity * r.unit_price) as amount,
                (r.customer_id::numeric)::integer as customer_id, r.country,
                (r.invoice_no like 'C%') as cancelled, r.description as line_description
           from raw_lines r join ${s}.products p using (stock_code)
          where nullif(trim(r.customer_id), '') is not null`,
    `create table ${s}.orders as select * from ${s}.lines where not cancelled`,
    // Country is the one on the customer's most recent line; features make whole-history
    // recency checks a column comparison.
    `create table ${s}.customers as
         select l.customer_id, l.country,
                ${features.columns}
           from (select distinct on (customer_id) customer_id, country from ${s}.lines
                  order by customer_id, invoice_date desc) l
           ${features.joins}`,
    ...steps.derive,
  ];
  const indexes = warehouseIndexes(s, {
    customers: ["country"],
    orders: ["category", "stock_code"],
  });
  return { derive, index: [...indexes, ...steps.index] };
}

/** Reads the product list for the catalog (canonical descriptions and categories). */
export async function readProducts(
  pool: pg.Pool,
): Promise<{ stock_code: string; description: string; category: string }[]> {
  const { rows } = await pool.query<{ stock_code: string; description: string; category: string }>(
    `select stock_code, trim(description) as description, category
       from ${onlineRetailBinding.schema}.products order by stock_code`,
  );
  return rows;
}

/** The distinct customer countries, for the catalog's country values. */
export async function readCountries(pool: pg.Pool): Promise<string[]> {
  const { rows } = await pool.query<{ country: string }>(
    `select distinct country from ${onlineRetailBinding.schema}.customers order by 1`,
  );
  return rows.map((r) => r.country);
}
