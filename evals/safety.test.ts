import { describe, expect, it } from "vitest";
import type { Provenance, RuleNode } from "../state/segment.ts";
import { onlineRetailBinding } from "../warehouse/binding.ts";
import { compileSegment } from "../warehouse/compile.ts";
import { sqlSafety } from "./runner.ts";

const p: Provenance = {
  span: "x",
  start: 0,
  end: 1,
  source: "catalog",
  confidence: 1,
  producer: "test",
};
const schema = onlineRetailBinding.schema;
const head = `select c.customer_id::text as customer_id from ${schema}.customers c where `;

describe("the eval's SQL safety check", () => {
  it("passes the compiler's SQL of every form, lifetime columns such as c.orders included", () => {
    const root: RuleNode = {
      type: "and",
      children: [
        {
          type: "behaviour",
          event: "order",
          measure: "orders",
          comparison: { op: "gte", value: 5 },
          provenance: p,
        },
        {
          type: "behaviour",
          event: "order",
          measure: "spend",
          comparison: { op: "gt", value: 9 },
          window: { from: "2011-07-01", to: "2011-10-01", label: "Q3" },
          provenance: p,
        },
        {
          type: "not",
          child: {
            type: "behaviour",
            event: "line",
            item: { facet: "category", values: ["Textiles"] },
            measure: "exists",
            provenance: p,
          },
        },
      ],
    };
    const sql = compileSegment(root, onlineRetailBinding).text;
    expect(sql).toContain("c.orders");
    expect(sqlSafety(sql, schema)).toEqual([]);
  });

  it("flags another schema's tables and tables named without a schema", () => {
    expect(
      sqlSafety(`${head}c.customer_id in (select customer_id from public.orders)`, schema),
    ).toEqual(["SQL reaches schema public"]);
    expect(
      sqlSafety(`${head}exists (select 1 from orders e join ${schema}.lines l on true)`, schema),
    ).toEqual(["SQL reads table orders without the tenant's schema"]);
    expect(sqlSafety("delete from x.customers", schema)).toContain(
      "SQL not produced by the compiler",
    );
  });
});
