/**
 * Loads the generated demo-retail tenant into Postgres. It mirrors load-online-retail.ts:
 * same tables, same core columns, same feature tables, so the generic compiler works
 * unchanged. Idempotent: keyed by what determines the rows (loader, generator, seed, size).
 */
import { createHash } from "node:crypto";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import type { WarehouseBinding } from "./binding.ts";
import { demoRetailBinding } from "./demo-retail-binding.ts";
import { checkFeatureInvariants, customerFeatures, featureSteps } from "./features.ts";
import {
  DEMO_RETAIL,
  DEMO_RETAIL_CUSTOMERS,
  DEMO_RETAIL_SEED,
  generateDemoRetail,
  GENERATOR_VERSION,
  renderTables,
  type DemoProduct,
  type RenderedTables,
} from "./generate-demo-retail.ts";
import {
  loadInTransaction,
  runPhase,
  warehouseIndexes,
  type LoadProgress,
  type LoadResult,
} from "./load-steps.ts";

/** Bump when the derived tables change so existing loads are rebuilt. */
export const DEMO_LOADER_VERSION = 3;
const DEMO_SCHEMA = demoRetailBinding.schema;

/** Generation is pure, so the load is keyed by what determines it rather than by its rows. */
export function demoRetailChecksum(): string {
  return createHash("sha256")
    .update(
      `demo-retail loader:${DEMO_LOADER_VERSION} generator:${GENERATOR_VERSION} ` +
        `seed:${DEMO_RETAIL_SEED} customers:${DEMO_RETAIL_CUSTOMERS}`,
    )
    .digest("hex");
}

async function currentDemoLoad(pool: pg.Pool): Promise<LoadResult | undefined> {
  const { rows } = await pool.query<{
    source_checksum: string;
    row_counts: Record<string, number>;
  }>("select source_checksum, row_counts from app.warehouse_loads where tenant_id = $1", [
    DEMO_RETAIL,
  ]);
  const row = rows[0];
  return row && { loaded: false, checksum: row.source_checksum, rowCounts: row.row_counts };
}

/**
 * Builds demo-retail's tables from rendered rows into the binding's (existing, empty) schema:
 * products, lines, orders, customers with their lifetime features, the monthly feature tables
 * and every index. The tenant's load uses it with the generated rows; tests use it with rows
 * of their own in a scratch schema.
 */
export async function buildDemoWarehouse(
  client: pg.PoolClient,
  binding: WarehouseBinding,
  tables: RenderedTables,
  onProgress: (p: LoadProgress) => void = () => {},
): Promise<void> {
  const s = binding.schema;
  await client.query(`create table ${s}.products (
      stock_code text primary key, description text not null, department text not null,
      category text not null, brand text not null, price numeric not null)`);
  await client.query(`create temp table raw_customers (
      customer_id integer, age_band text, gender text, region text, loyalty_tier text,
      acquisition_channel text) on commit drop`);
  await client.query(`create temp table raw_lines (
      invoice_no text, stock_code text, quantity integer, invoice_date timestamp,
      unit_price numeric, customer_id integer, channel text) on commit drop`);

  const bytes = (parts: string[]) => parts.reduce((n, p) => n + Buffer.byteLength(p), 0);
  const total = bytes(tables.products) + bytes(tables.customers) + bytes(tables.lines);
  let done = 0;
  const copy = (parts: string[], target: string) =>
    pipeline(
      Readable.from(parts),
      new Transform({
        transform(chunk: Buffer | string, _enc, cb) {
          done += Buffer.byteLength(chunk);
          onProgress({ phase: "copy", done, total });
          cb(null, chunk);
        },
      }),
      client.query(copyFrom(`copy ${target} from stdin with (format csv)`)),
    );
  await copy(tables.products, `${s}.products`);
  await copy(tables.customers, "raw_customers");
  await copy(tables.lines, "raw_lines");

  const features = customerFeatures(s);
  const steps = featureSteps(binding, ["category", "department", "brand", "stock_code"]);
  const derive = [
    // Product attributes come from the product table, as in online-retail.
    `create table ${s}.lines as
       select r.invoice_no, r.stock_code, p.description, p.department, p.category, p.brand,
              r.channel, r.quantity, r.invoice_date, r.unit_price,
              (r.quantity * r.unit_price) as amount, r.customer_id,
              (r.invoice_no like 'C%') as cancelled
         from raw_lines r join ${s}.products p using (stock_code)`,
    `create table ${s}.orders as select * from ${s}.lines where not cancelled`,
    `create table ${s}.customers as
       select r.customer_id, r.age_band, r.gender, r.region, r.loyalty_tier,
              r.acquisition_channel,
              ${features.columns}
         from raw_customers r
         ${features.joins}`,
    ...steps.derive,
  ];
  await runPhase(client, "derive", derive, onProgress);
  await checkFeatureInvariants(client, binding);

  const indexes = warehouseIndexes(s, {
    customers: ["region", "loyalty_tier"],
    orders: ["category", "department", "brand", "stock_code"],
  });
  await runPhase(client, "index", [...indexes, ...steps.index], onProgress);
}

export async function loadDemoRetail(
  pool: pg.Pool,
  onProgress: (p: LoadProgress) => void = () => {},
  opts: { force?: boolean } = {},
): Promise<LoadResult> {
  onProgress({ phase: "checksum", done: 0, total: 1 });
  const checksum = demoRetailChecksum();
  onProgress({ phase: "checksum", done: 1, total: 1 });
  const existing = await currentDemoLoad(pool);
  if (!opts.force && existing?.checksum === checksum) {
    onProgress({ phase: "skipped", done: 1, total: 1 });
    return existing;
  }

  return loadInTransaction(
    pool,
    {
      tenant: DEMO_RETAIL,
      schema: DEMO_SCHEMA,
      checksum,
      force: opts.force,
      previous: existing,
      onProgress,
    },
    // Generated inside the lock: a concurrent loader waits instead of generating twice.
    (client) =>
      buildDemoWarehouse(client, demoRetailBinding, renderTables(generateDemoRetail()), onProgress),
  );
}

/** The product table, for the catalog (names, categories, brands). */
export async function readDemoProducts(pool: pg.Pool): Promise<DemoProduct[]> {
  const { rows } = await pool.query<Omit<DemoProduct, "price"> & { price: string }>(
    `select stock_code, description, department, category, brand, price::text as price
       from ${DEMO_SCHEMA}.products order by stock_code`,
  );
  return rows.map((r) => ({ ...r, price: Math.round(Number(r.price) * 100) }));
}
