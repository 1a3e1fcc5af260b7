/**
 * How a tenant's catalog facets map onto its warehouse tables. The compiler only ever puts
 * these identifiers into SQL text; every value travels as a parameter.
 */
import { z } from "zod";

const Identifier = z.string().regex(/^[a-z_][a-z0-9_]*$/, "not a safe SQL identifier");

/**
 * An aggregate over the matching lines `e` of one customer ("sum(e.amount)"): lower-case
 * identifiers, numbers, operators and parentheses only — no literals, no statement breaks.
 */
const Aggregate = z
  .string()
  .regex(/^[a-z0-9_ (),.*/+-]+$/, "not a safe aggregate expression")
  .refine((x) => !/--|\/\*/.test(x), "not a safe aggregate expression");

export const MeasureBinding = z.object({
  sql: Aggregate,
  /**
   * `customer` (default): the aggregate over all of a customer's matching lines; `order`: over
   * each order's lines, and a customer matches when one of their orders does ("an order worth
   * over £300").
   */
  per: z.enum(["customer", "order"]).optional(),
});
export type MeasureBinding = z.infer<typeof MeasureBinding>;

export const WarehouseBinding = z.object({
  /** Postgres schema holding `customers`, `orders` and `lines`. */
  schema: Identifier,
  /** Attribute facet id -> column of `customers`. */
  attributes: z.record(z.string(), Identifier),
  /** Item facet id -> column of `orders`/`lines` and how values match it. */
  items: z.record(
    z.string(),
    z.object({
      column: Identifier,
      match: z.enum(["equals", "contains"]),
      /**
       * The column is an attribute of a small table (`products`) that the lines carry by
       * `key` (`stock_code`) and copy the column from at load: a `contains` match then runs
       * over that table's rows and the lines are looked up by key through their index,
       * instead of matching every line's text. Exact only when every line's column equals
       * its key's row in `table` — the load must build the lines that way.
       */
      via: z.object({ table: Identifier, key: Identifier }).optional(),
    }),
  ),
  /** Measure id (as rule trees store it) -> its aggregate over lines `e`. */
  measures: z.record(z.string(), MeasureBinding),
  /** Columns of `customers` holding the first and last order dates. */
  recency: z.object({ first: Identifier, last: Identifier }),
  /**
   * The per-customer feature tables the load builds (`warehouse/features.ts`); absent, every
   * behavioural condition is executed over lines.
   */
  features: z
    .object({
      /** Item facet whose values key `customer_category_months` (its column is the key). */
      categoryFacet: z.string(),
      /**
       * No customer's invoice has lines in two calendar months, so monthly order counts add up
       * over a window. Checked against the rows at every load.
       */
      invoicesWithinMonth: z.boolean(),
    })
    .optional(),
});
export type WarehouseBinding = z.infer<typeof WarehouseBinding>;

export function tenantSchema(tenant: string): string {
  return Identifier.parse(`tenant_${tenant.replace(/-/g, "_")}`);
}

/** The measures every tenant's order lines support (columns of `orders` and `lines`). */
export const RETAIL_MEASURES: Record<string, MeasureBinding> = {
  orders: { sql: "count(distinct e.invoice_no)" },
  spend: { sql: "sum(e.amount)" },
  units: { sql: "sum(e.quantity)" },
  distinct_products: { sql: "count(distinct e.stock_code)" },
  distinct_categories: { sql: "count(distinct e.category)" },
  aov: { sql: "sum(e.amount) / nullif(count(distinct e.invoice_no), 0)" },
  order_value: { sql: "sum(e.amount)", per: "order" },
};

/** Features hold whole-history first/last order dates (null: no orders). */
export const RETAIL_RECENCY = { first: "first_order_at", last: "last_order_at" };

export const onlineRetailBinding: WarehouseBinding = WarehouseBinding.parse({
  schema: tenantSchema("online-retail"),
  attributes: { country: "country" },
  items: {
    category: { column: "category", match: "equals" },
    product: { column: "stock_code", match: "equals" },
    // lines.description is products.description, joined by stock_code at load.
    product_word: {
      column: "description",
      match: "contains",
      via: { table: "products", key: "stock_code" },
    },
  },
  measures: RETAIL_MEASURES,
  recency: RETAIL_RECENCY,
  features: { categoryFacet: "category", invoicesWithinMonth: true },
});
