import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Services } from "../runtime/services.ts";
import type { Provenance, RuleNode } from "../state/segment.ts";
import { onlineRetailBinding } from "../warehouse/binding.ts";
import { compileSegment } from "../warehouse/compile.ts";
import { loadOnlineRetail } from "../warehouse/load-online-retail.ts";
import { ONLINE_RETAIL_DIR, startTestServices } from "./support/services.ts";

let services: Services;
const schema = onlineRetailBinding.schema;
const p: Provenance = {
  span: "test",
  start: 0,
  end: 4,
  source: "catalog",
  confidence: 1,
  producer: "test",
};

beforeAll(async () => {
  services = await startTestServices();
});
afterAll(async () => {
  await services?.close();
});

async function members(root: RuleNode): Promise<string[]> {
  return services.warehouse.members(compileSegment(root, onlineRetailBinding));
}
async function gold(sql: string): Promise<string[]> {
  return services.warehouse.membersOfRawSql(schema, sql);
}

describe("online-retail load", () => {
  it("derives exactly the customers, countries and cancellations of the data contract", async () => {
    const q = async (sql: string) => (await services.db.pool.query(sql)).rows[0];
    expect(
      await q(`select count(*)::int n, count(distinct country)::int c from ${schema}.customers`),
    ).toEqual({ n: 4372, c: 37 });
    expect(
      await q(`select count(distinct invoice_no)::int n from ${schema}.lines where cancelled`),
    ).toEqual({ n: 3654 });
    // 12370 bought from Austria and Cyprus; its latest line (2011-10-19) is from Cyprus.
    expect(await q(`select country from ${schema}.customers where customer_id = 12370`)).toEqual({
      country: "Cyprus",
    });
  });

  it("is idempotent: an unchanged source is not reloaded", async () => {
    const phases: string[] = [];
    const result = await loadOnlineRetail(services.db.pool, ONLINE_RETAIL_DIR, (p) =>
      phases.push(p.phase),
    );
    expect(result.loaded).toBe(false);
    expect(phases).toContain("skipped");
  });

  it("reproduces every dev query's gold size", async () => {
    const lines = readFileSync(join(ONLINE_RETAIL_DIR, "dev-queries.jsonl"), "utf8")
      .trim()
      .split("\n");
    for (const line of lines) {
      const q = JSON.parse(line) as { id: string; gold_sql: string; gold_size: number };
      expect({ id: q.id, size: (await gold(q.gold_sql)).length }).toEqual({
        id: q.id,
        size: q.gold_size,
      });
    }
  });
});

describe("SQL compilation against hand-written SQL", () => {
  const window = { from: "2011-10-01", to: "2011-11-01", label: "October 2011" };
  const cases: [string, RuleNode, string][] = [
    [
      "attribute in",
      {
        type: "attribute",
        facet: "country",
        op: "in",
        values: ["Germany", "Switzerland"],
        provenance: p,
      },
      "select customer_id from customers where country in ('Germany','Switzerland')",
    ],
    [
      "attribute not in",
      {
        type: "attribute",
        facet: "country",
        op: "not_in",
        values: ["United Kingdom"],
        provenance: p,
      },
      "select customer_id from customers where country <> 'United Kingdom'",
    ],
    [
      "bought a category in a window",
      {
        type: "behaviour",
        event: "order",
        item: { facet: "category", values: ["Christmas"] },
        window,
        measure: "exists",
        provenance: p,
      },
      "select distinct customer_id from orders where category='Christmas' and invoice_date >= '2011-10-01' and invoice_date < '2011-11-01'",
    ],
    [
      "bought a product",
      {
        type: "behaviour",
        event: "order",
        item: { facet: "product", values: ["85099B"] },
        measure: "exists",
        provenance: p,
      },
      "select distinct customer_id from orders where stock_code='85099B'",
    ],
    [
      "bought a product-name word",
      {
        type: "behaviour",
        event: "order",
        item: { facet: "product_word", values: ["heart"] },
        measure: "exists",
        provenance: p,
      },
      "select distinct customer_id from orders where description ilike '%heart%'",
    ],
    [
      "order count",
      {
        type: "behaviour",
        event: "order",
        measure: "orders",
        comparison: { op: "gte", value: 10 },
        provenance: p,
      },
      "select customer_id from orders group by 1 having count(distinct invoice_no) >= 10",
    ],
    [
      "spend in a window",
      {
        type: "behaviour",
        event: "order",
        window,
        measure: "spend",
        comparison: { op: "gt", value: 500 },
        provenance: p,
      },
      "select customer_id from orders where invoice_date >= '2011-10-01' and invoice_date < '2011-11-01' group by 1 having sum(amount) > 500",
    ],
    [
      "spend between",
      {
        type: "behaviour",
        event: "order",
        measure: "spend",
        comparison: { op: "between", value: 200, value2: 400 },
        provenance: p,
      },
      "select customer_id from orders group by 1 having sum(amount) between 200 and 400",
    ],
    [
      "units",
      {
        type: "behaviour",
        event: "order",
        measure: "units",
        comparison: { op: "lt", value: 100 },
        provenance: p,
      },
      "select customer_id from orders group by 1 having sum(quantity) < 100",
    ],
    [
      "distinct products",
      {
        type: "behaviour",
        event: "order",
        measure: "distinct_products",
        comparison: { op: "gt", value: 200 },
        provenance: p,
      },
      "select customer_id from orders group by 1 having count(distinct stock_code) > 200",
    ],
    [
      "average order value",
      {
        type: "behaviour",
        event: "order",
        measure: "aov",
        comparison: { op: "lt", value: 100 },
        provenance: p,
      },
      "select customer_id from orders group by 1 having sum(amount)/count(distinct invoice_no) < 100",
    ],
    [
      "spend on a category",
      {
        type: "behaviour",
        event: "order",
        item: { facet: "category", values: ["Kitchen & Dining"] },
        measure: "spend",
        comparison: { op: "gte", value: 1000 },
        provenance: p,
      },
      "select customer_id from orders where category='Kitchen & Dining' group by 1 having sum(amount) >= 1000",
    ],
    [
      "cancellations",
      {
        type: "behaviour",
        event: "cancellation",
        measure: "orders",
        comparison: { op: "gt", value: 5 },
        provenance: p,
      },
      "select customer_id from lines where cancelled group by 1 having count(distinct invoice_no) > 5",
    ],
    [
      "any cancellation",
      { type: "behaviour", event: "cancellation", measure: "exists", provenance: p },
      "select distinct customer_id from lines where cancelled",
    ],
    [
      "first purchase in a window",
      {
        type: "recency",
        which: "first",
        window: { from: "2011-01-01", to: "2011-04-01", label: "Q1 2011" },
        provenance: p,
      },
      "select customer_id from orders group by 1 having min(invoice_date) >= '2011-01-01' and min(invoice_date) < '2011-04-01'",
    ],
    [
      "last purchase before",
      {
        type: "recency",
        which: "last",
        window: { to: "2011-03-01", label: "before March 2011" },
        provenance: p,
      },
      "select customer_id from orders group by 1 having max(invoice_date) < '2011-03-01'",
    ],
    [
      "spend with no orders counting as zero",
      {
        type: "and",
        children: [
          {
            type: "attribute",
            facet: "country",
            op: "in",
            values: ["United Kingdom"],
            provenance: p,
          },
          {
            type: "behaviour",
            event: "order",
            measure: "spend",
            comparison: { op: "lt", value: 100 },
            zeroIfNone: true,
            provenance: p,
          },
        ],
      },
      "select customer_id from customers c where country='United Kingdom' and (select coalesce(sum(amount),0) from orders o where o.customer_id=c.customer_id) < 100",
    ],
    [
      "distinct categories",
      {
        type: "behaviour",
        event: "order",
        measure: "distinct_categories",
        comparison: { op: "gte", value: 10 },
        provenance: p,
      },
      "select customer_id from orders group by 1 having count(distinct category) >= 10",
    ],
    [
      "several filters on one line",
      {
        type: "behaviour",
        event: "order",
        item: { facet: "product_word", values: ["red retrospot"] },
        andItems: [{ facet: "category", values: ["Bags"] }],
        measure: "exists",
        provenance: p,
      },
      "select distinct customer_id from orders where description ilike '%red retrospot%' and category='Bags'",
    ],
    [
      "and with not",
      {
        type: "and",
        children: [
          {
            type: "behaviour",
            event: "order",
            item: { facet: "category", values: ["Party & Celebrations"] },
            measure: "exists",
            provenance: p,
          },
          {
            type: "not",
            child: {
              type: "behaviour",
              event: "order",
              item: { facet: "category", values: ["Christmas"] },
              measure: "exists",
              provenance: p,
            },
          },
        ],
      },
      "select distinct customer_id from orders where category='Party & Celebrations' except select distinct customer_id from orders where category='Christmas'",
    ],
    [
      "or across facets",
      {
        type: "or",
        children: [
          { type: "attribute", facet: "country", op: "in", values: ["EIRE"], provenance: p },
          {
            type: "behaviour",
            event: "order",
            item: { facet: "product", values: ["22423"] },
            window,
            measure: "exists",
            provenance: p,
          },
        ],
      },
      "select customer_id from customers where country='EIRE' union select distinct customer_id from orders where stock_code='22423' and invoice_date >= '2011-10-01' and invoice_date < '2011-11-01'",
    ],
  ];
  for (const [name, root, sql] of cases) {
    it(`compiles ${name} to the same members as the hand-written SQL`, async () => {
      const expected = await gold(sql);
      expect(expected.length).toBeGreaterThan(0);
      expect(await members(root)).toEqual(expected);
    });
  }

  it("executes read-only: a compiled query cannot write", async () => {
    await expect(
      services.warehouse.membersOfRawSql(
        schema,
        "select customer_id from customers where nextval('app.audit_log_id_seq') > 0",
      ),
    ).rejects.toThrow(/read-only/);
  });
});
