/**
 * The per-customer feature tables every load builds: lifetime columns of `customers` hold the
 * data contract's figures, the monthly tables add up to them, and a source that breaks what
 * the binding declares about it is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Services } from "../runtime/services.ts";
import { onlineRetailBinding, WarehouseBinding } from "../warehouse/binding.ts";
import { demoRetailBinding } from "../warehouse/demo-retail-binding.ts";
import { checkFeatureInvariants, FeatureInvariantError } from "../warehouse/features.ts";
import { startTestServices } from "./support/services.ts";

let services: Services;
beforeAll(async () => {
  services = await startTestServices();
});
afterAll(async () => {
  await services?.close();
});

describe("the feature tables built at load", () => {
  it("hold the contract's lifetime figures, and the monthly rows add up to them", async () => {
    for (const s of [onlineRetailBinding.schema, demoRetailBinding.schema]) {
      const { rows } = await services.db.pool.query(`
        with o as (select customer_id, count(distinct invoice_no) n, sum(amount) spend,
                          sum(quantity) units, count(distinct category) cats
                     from ${s}.orders group by 1),
             m as (select customer_id, sum(orders) n, sum(spend) spend, sum(units) units
                     from ${s}.customer_months group by 1),
             k as (select customer_id, count(distinct category) cats, sum(spend) spend
                     from ${s}.customer_category_months group by 1)
        select count(*) filter (where c.orders <> coalesce(o.n, 0) or c.spend <> coalesce(o.spend, 0)
                                   or c.units <> coalesce(o.units, 0)
                                   or c.distinct_categories <> coalesce(o.cats, 0)) as lifetime,
               count(*) filter (where coalesce(m.n, 0) <> c.orders or coalesce(m.spend, 0) <> c.spend
                                   or coalesce(m.units, 0) <> c.units) as monthly,
               count(*) filter (where coalesce(k.cats, 0) <> c.distinct_categories
                                   or coalesce(k.spend, 0) <> c.spend) as by_category
          from ${s}.customers c left join o using (customer_id) left join m using (customer_id)
               left join k using (customer_id)`);
      expect(rows[0], s).toEqual({ lifetime: "0", monthly: "0", by_category: "0" });
    }
  });

  it("refuse a source whose invoice spans two months when the binding says none does", async () => {
    const s = `forms_span_${process.pid}`;
    const client = await services.db.pool.connect();
    try {
      await client.query("begin");
      await client.query(`create schema ${s}`);
      await client.query(`create table ${s}.orders as
        select 1 as customer_id, '1' as invoice_no, d::timestamp as invoice_date
          from unnest(array['2011-01-31 23:59', '2011-02-01 00:01']) d`);
      await expect(
        checkFeatureInvariants(client, WarehouseBinding.parse({ ...demoRetailBinding, schema: s })),
      ).rejects.toThrow(FeatureInvariantError);
    } finally {
      await client.query("rollback");
      client.release();
    }
  });
});
