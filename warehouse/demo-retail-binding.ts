/**
 * How the demo-retail tenant's facets map onto its warehouse tables (see `binding.ts`). Kept
 * apart from the generator so the load and the catalog both import it without a cycle.
 */
import { RETAIL_MEASURES, RETAIL_RECENCY, tenantSchema, WarehouseBinding } from "./binding.ts";

export const demoRetailBinding: WarehouseBinding = WarehouseBinding.parse({
  schema: tenantSchema("demo-retail"),
  attributes: {
    age_band: "age_band",
    gender: "gender",
    region: "region",
    loyalty_tier: "loyalty_tier",
    acquisition_channel: "acquisition_channel",
  },
  items: {
    channel: { column: "channel", match: "equals" },
    department: { column: "department", match: "equals" },
    category: { column: "category", match: "equals" },
    brand: { column: "brand", match: "equals" },
    product: { column: "stock_code", match: "equals" },
    // lines.description is products.description, joined by stock_code at load.
    product_word: {
      column: "description",
      match: "contains",
      via: { table: "products", key: "stock_code" },
    },
  },
  // A measure online-retail has no data for: added with data only (this and its facet).
  measures: { ...RETAIL_MEASURES, distinct_brands: { sql: "count(distinct e.brand)" } },
  recency: RETAIL_RECENCY,
  features: { categoryFacet: "category", invoicesWithinMonth: true },
});
