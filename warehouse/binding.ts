/**
 * How a tenant's catalog facets map onto its warehouse tables. The compiler only ever puts
 * these identifiers into SQL text; every value travels as a parameter.
 */
import { z } from "zod";

const Identifier = z.string().regex(/^[a-z_][a-z0-9_]*$/, "not a safe SQL identifier");

export const WarehouseBinding = z.object({
  /** Postgres schema holding `customers`, `orders` and `lines`. */
  schema: Identifier,
  /** Attribute facet id -> column of `customers`. */
  attributes: z.record(z.string(), Identifier),
  /** Item facet id -> column of `orders`/`lines` and how values match it. */
  items: z.record(
    z.string(),
    z.object({ column: Identifier, match: z.enum(["equals", "contains"]) }),
  ),
});
export type WarehouseBinding = z.infer<typeof WarehouseBinding>;

export function tenantSchema(tenant: string): string {
  return Identifier.parse(`tenant_${tenant.replace(/-/g, "_")}`);
}

export const onlineRetailBinding: WarehouseBinding = WarehouseBinding.parse({
  schema: tenantSchema("online-retail"),
  attributes: { country: "country" },
  items: {
    category: { column: "category", match: "equals" },
    product: { column: "stock_code", match: "equals" },
    product_word: { column: "description", match: "contains" },
  },
});
