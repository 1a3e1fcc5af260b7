/**
 * Per-customer feature tables, built at load from the same `orders` and `lines` the line-level
 * SQL reads, so that every form the compiler picks computes the data contract's measures from
 * the very same rows:
 *
 * - lifetime: columns of `customers` (orders, spend, units, distinct products and categories,
 *   cancellations, first and last order dates);
 * - `customer_months`: per customer × calendar month of their orders;
 * - `customer_category_months`: per customer × category × calendar month.
 *
 * A row exists only where the customer has at least one order line, so "has a row" is "bought".
 * The load rebuilds them with everything else whenever the source's checksum changes.
 */
import type pg from "pg";
import type { WarehouseBinding } from "./binding.ts";

/** The monthly tables' names, shared by every tenant's load and its binding. */
export const FEATURE_TABLES = {
  monthly: "customer_months",
  categoryMonthly: "customer_category_months",
} as const;

/**
 * Select list and joins that add the whole-history features to a customers query whose
 * customer alias exposes `customer_id`: recency checks and whole-history aggregates become
 * column comparisons. Counts and sums are 0 for a customer with no orders (the contract's
 * "no orders = spend 0"); first/last dates are null then.
 */
export function customerFeatures(schema: string): { columns: string; joins: string } {
  return {
    columns: `f.first_order_at, f.last_order_at, coalesce(f.orders, 0) as orders,
                coalesce(f.spend, 0) as spend, coalesce(f.units, 0) as units,
                coalesce(f.distinct_products, 0) as distinct_products,
                coalesce(f.distinct_categories, 0) as distinct_categories,
                coalesce(k.cancellations, 0) as cancellations`,
    joins: `left join (select customer_id, min(invoice_date) as first_order_at,
                             max(invoice_date) as last_order_at,
                             count(distinct invoice_no)::integer as orders, sum(amount) as spend,
                             sum(quantity)::integer as units,
                             count(distinct stock_code)::integer as distinct_products,
                             count(distinct category)::integer as distinct_categories
                        from ${schema}.orders group by customer_id) f using (customer_id)
           left join (select customer_id, count(distinct invoice_no)::integer as cancellations
                        from ${schema}.lines where cancelled group by customer_id) k using (customer_id)`,
  };
}

const AGGREGATES = `count(distinct invoice_no)::integer as orders, sum(amount) as spend,
       sum(quantity)::integer as units, count(distinct stock_code)::integer as distinct_products,
       min(invoice_date) as first_order_at, max(invoice_date) as last_order_at`;

/**
 * Statements that build the monthly feature tables from `orders` and index them. `category`
 * is the item column the category table is keyed by (the binding's category facet's column).
 */
export function monthlyFeatureStatements(schema: string, category: string): string[] {
  const m = `${schema}.${FEATURE_TABLES.monthly}`;
  const cm = `${schema}.${FEATURE_TABLES.categoryMonthly}`;
  return [
    `create table ${m} as
       select customer_id, date_trunc('month', invoice_date)::date as month, ${AGGREGATES}
         from ${schema}.orders group by 1, 2`,
    `create table ${cm} as
       select customer_id, ${category} as category,
              date_trunc('month', invoice_date)::date as month, ${AGGREGATES}
         from ${schema}.orders group by 1, 2, 3`,
  ];
}

/** Indexes of the feature tables and of `lines` for the conditions that stay line-level. */
export function featureIndexes(schema: string, lineColumns: string[]): string[] {
  const m = `${schema}.${FEATURE_TABLES.monthly}`;
  const cm = `${schema}.${FEATURE_TABLES.categoryMonthly}`;
  return [
    `alter table ${m} add primary key (customer_id, month)`,
    `create index on ${m} (month, customer_id)`,
    `alter table ${cm} add primary key (customer_id, category, month)`,
    `create index on ${cm} (category, month, customer_id)`,
    // "Never bought X" reads every line (cancellations too), by item.
    ...lineColumns.map((c) => `create index on ${schema}.lines (${c}, customer_id)`),
    `analyze ${m}`,
    `analyze ${cm}`,
  ];
}

/**
 * The feature statements of a tenant's load: the monthly tables (after `orders` and
 * `customers` exist) and their indexes, plus `lines` indexes on `lineColumns`.
 */
export function featureSteps(
  binding: WarehouseBinding,
  lineColumns: string[],
): { derive: string[]; index: string[] } {
  const facet = binding.features?.categoryFacet ?? "category";
  const column = binding.items[facet]?.column;
  if (!column) throw new Error(`features: ${facet} is not an item facet of ${binding.schema}`);
  return {
    derive: monthlyFeatureStatements(binding.schema, column),
    index: featureIndexes(binding.schema, lineColumns),
  };
}

export class FeatureInvariantError extends Error {}

/**
 * Summing monthly order counts over a window equals counting distinct invoices in it only if
 * no customer's invoice has lines in two months. The binding declares whether its data keeps
 * that (`invoicesWithinMonth`); the load checks the declaration against the rows and refuses
 * a source that breaks it, rather than let the monthly form count an order twice.
 */
export async function checkFeatureInvariants(
  client: pg.PoolClient,
  binding: WarehouseBinding,
): Promise<void> {
  if (!binding.features?.invoicesWithinMonth) return;
  const { rows } = await client.query<{ n: number }>(
    `select count(*)::int as n from (
       select 1 from ${binding.schema}.orders group by customer_id, invoice_no
       having count(distinct date_trunc('month', invoice_date)) > 1) x`,
  );
  const n = rows[0]?.n ?? 0;
  if (n > 0)
    throw new FeatureInvariantError(
      `${n} invoices of ${binding.schema} have lines in two calendar months; set the binding's ` +
        "features.invoicesWithinMonth to false so order counts over months stay line-level",
    );
}
