import { describe, expect, it } from "vitest";
import type { Provenance, RuleNode } from "../state/segment.ts";
import { onlineRetailBinding } from "./binding.ts";
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
});
