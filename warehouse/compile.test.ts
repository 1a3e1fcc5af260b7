import { describe, expect, it } from "vitest";
import type { Provenance, RuleNode } from "../state/segment.ts";
import { demoRetailBinding } from "../catalog/demo-retail.ts";
import { onlineRetailBinding, WarehouseBinding } from "./binding.ts";
import { compileSegment, CompileError } from "./compile.ts";

const p: Provenance = {
  span: "x",
  start: 0,
  end: 1,
  source: "catalog",
  confidence: 1,
  producer: "test",
};

describe("compileSegment", () => {
  it("never puts a user value into the SQL text", () => {
    const evil = "'; DROP TABLE customers; --";
    const root: RuleNode = {
      type: "and",
      children: [
        { type: "attribute", facet: "country", op: "in", values: [evil], provenance: p },
        {
          type: "behaviour",
          event: "order",
          item: { facet: "product_word", values: [evil] },
          measure: "exists",
          provenance: p,
        },
      ],
    };
    const sql = compileSegment(root, onlineRetailBinding);
    expect(sql.text).not.toContain("DROP");
    expect(sql.text).not.toContain(evil);
    expect(sql.values).toContainEqual([evil]);
  });

  it("escapes LIKE wildcards in product words so they match literally", () => {
    const root: RuleNode = {
      type: "behaviour",
      event: "order",
      item: { facet: "product_word", values: ["50%_off"] },
      measure: "exists",
      provenance: p,
    };
    expect(compileSegment(root, onlineRetailBinding).values[0]).toEqual(["%50\\%\\_off%"]);
  });

  it("matches a product word over the products table and looks lines up by stock code", () => {
    const root: RuleNode = {
      type: "behaviour",
      event: "order",
      item: { facet: "product_word", values: ["teapot"] },
      measure: "exists",
      provenance: p,
    };
    const sql = compileSegment(root, onlineRetailBinding);
    expect(sql.text).toContain(
      "e.stock_code = any(array(select p.stock_code from tenant_online_retail.products p where p.description ilike any($1::text[])))",
    );
    expect(sql.values).toEqual([["%teapot%"]]);
    // The line-level reference form keeps matching each line's own text.
    const lines = compileSegment(root, onlineRetailBinding, { forms: "lines" });
    expect(lines.text).toContain("e.description ilike any($1::text[])");
  });

  it("numbers parameters in order across nested groups", () => {
    const root: RuleNode = {
      type: "or",
      children: [
        { type: "attribute", facet: "country", op: "not_in", values: ["France"], provenance: p },
        {
          type: "not",
          child: {
            type: "behaviour",
            event: "order",
            window: { from: "2011-01-01", to: "2011-02-01", label: "January 2011" },
            measure: "spend",
            comparison: { op: "between", value: 200, value2: 400 },
            provenance: p,
          },
        },
      ],
    };
    const sql = compileSegment(root, onlineRetailBinding);
    expect(sql.values).toEqual([["France"], "2011-01-01", "2011-02-01", 200, 400]);
    expect(sql.text).toMatch(/\$1::text\[\].*\$2::date.*\$3::date.*\$4::numeric.*\$5::numeric/s);
    expect(sql.text).toContain("not (");
  });

  it("refuses facets the tenant's warehouse does not have", () => {
    const root: RuleNode = {
      type: "attribute",
      facet: "shoe_size",
      op: "in",
      values: ["42"],
      provenance: p,
    };
    expect(() => compileSegment(root, onlineRetailBinding)).toThrow(CompileError);
  });

  const measure = (m: string, extra: Partial<RuleNode> = {}): RuleNode =>
    ({
      type: "behaviour",
      event: "order",
      measure: m,
      comparison: { op: "gt", value: 3 },
      provenance: p,
      ...extra,
    }) as RuleNode;

  const lines = { forms: "lines" } as const;

  it("takes every measure's line-level aggregate from the tenant's binding", () => {
    const sql = compileSegment(measure("distinct_products"), onlineRetailBinding, lines);
    expect(sql.text).toContain("having count(distinct e.stock_code) > $1::numeric");
    expect(compileSegment(measure("aov"), onlineRetailBinding, lines).text).toContain(
      "sum(e.amount) / nullif(count(distinct e.invoice_no), 0)",
    );
  });

  it("compiles a tenant's own measure from data alone (demo-retail's distinct brands)", () => {
    expect(compileSegment(measure("distinct_brands"), demoRetailBinding).text).toContain(
      "having count(distinct e.brand) > $1::numeric",
    );
    expect(() => compileSegment(measure("distinct_brands"), onlineRetailBinding)).toThrow(
      CompileError,
    );
  });

  it("groups a per-order measure by order: one order over the threshold is enough", () => {
    const sql = compileSegment(measure("order_value"), onlineRetailBinding);
    expect(sql.text).toContain("group by e.customer_id, e.invoice_no having sum(e.amount) > $1");
  });

  it("counts customers with no matching orders as 0 when the condition says so", () => {
    const under = measure("spend", {
      comparison: { op: "lt", value: 100 },
      zeroIfNone: true,
    } as Partial<RuleNode>);
    const sql = compileSegment(under, onlineRetailBinding, lines);
    expect(sql.text).toContain("coalesce((select sum(e.amount) from");
    expect(sql.text).toContain("), 0) < $1::numeric");
    expect(compileSegment(under, onlineRetailBinding).text).toContain(
      "coalesce(c.spend, 0) < $1::numeric",
    );
  });

  it("reads first and last order dates from the binding's columns", () => {
    const root: RuleNode = {
      type: "recency",
      which: "first",
      window: { from: "2011-01-01", label: "2011" },
      provenance: p,
    };
    expect(compileSegment(root, onlineRetailBinding).text).toContain(
      "c.first_order_at >= $1::date",
    );
  });

  it("accepts only aggregate expressions in a binding, never literals or statements", () => {
    const bind = (sql: string) =>
      WarehouseBinding.safeParse({ ...onlineRetailBinding, measures: { x: { sql } } }).success;
    expect(bind("count(distinct e.brand)")).toBe(true);
    expect(bind("sum(e.amount); drop table customers")).toBe(false);
    expect(bind("sum(e.amount) -- x")).toBe(false);
    expect(bind("max('x')")).toBe(false);
  });
});
