import { describe, expect, it } from "vitest";
import type { BehaviourCondition, DateWindow, Provenance } from "../state/segment.ts";
import { onlineRetailBinding, WarehouseBinding } from "./binding.ts";
import { compileSegment } from "./compile.ts";
import { demoRetailBinding } from "./demo-retail-binding.ts";
import { formOf, isMonthAligned, splitWindow } from "./forms.ts";

const p: Provenance = {
  span: "x",
  start: 0,
  end: 1,
  source: "catalog",
  confidence: 1,
  producer: "test",
};
const q3: DateWindow = { from: "2011-07-01", to: "2011-10-01", label: "Q3 2011" };
const october: DateWindow = { from: "2011-10-01", to: "2011-11-01", label: "October 2011" };
const last90: DateWindow = { from: "2011-09-11", to: "2011-12-10", label: "last 90 days" };

const cond = (extra: Partial<BehaviourCondition>): BehaviourCondition => ({
  type: "behaviour",
  event: "order",
  measure: "orders",
  comparison: { op: "gte", value: 2 },
  provenance: p,
  ...extra,
});
const form = (extra: Partial<BehaviourCondition>) => formOf(cond(extra), onlineRetailBinding);
const kitchen = { facet: "category", values: ["Kitchen & Dining"] };

describe("the compiler's choice of form", () => {
  it("reads lifetime measures from the customers table", () => {
    for (const measure of ["orders", "spend", "units", "distinct_products", "aov"])
      expect(form({ measure }), measure).toBe("customer");
    expect(form({ measure: "exists", comparison: undefined })).toBe("customer");
    expect(form({ event: "cancellation" })).toBe("customer");
  });

  it("reads whole calendar months from the monthly table", () => {
    expect(form({ window: q3 })).toBe("monthly");
    expect(form({ window: { from: "2011-06-01", label: "since June" }, measure: "spend" })).toBe(
      "monthly",
    );
    expect(form({ window: october, measure: "distinct_products" })).toBe("monthly");
    expect(form({ window: q3, measure: "distinct_categories" })).toBe("category-monthly");
  });

  it("reads one category, over whole months or all time, from the category × month table", () => {
    expect(form({ item: kitchen })).toBe("category-monthly");
    expect(form({ item: kitchen, window: q3, measure: "aov" })).toBe("category-monthly");
    expect(form({ item: kitchen, measure: "exists", comparison: undefined })).toBe(
      "category-monthly",
    );
  });

  it("keeps on lines what no feature table gives exactly", () => {
    // Products and words, per-order values, cancellations in a window, day-precise windows
    // of measures that do not add up over pieces or with no whole month inside.
    expect(form({ window: last90, measure: "distinct_products" })).toBe("lines");
    expect(form({ window: { from: "2011-11-03", to: "2011-11-20", label: "x" } })).toBe("lines");
    expect(form({ window: last90, item: { facet: "product", values: ["85099B"] } })).toBe("lines");
    expect(form({ item: { facet: "product", values: ["85099B"] } })).toBe("lines");
    expect(form({ item: { facet: "product_word", values: ["heart"] } })).toBe("lines");
    expect(form({ measure: "order_value" })).toBe("lines");
    expect(form({ event: "cancellation", window: q3 })).toBe("lines");
    // "Never bought X" counts cancellation lines, which no feature table holds.
    expect(form({ event: "line", item: kitchen, measure: "exists", comparison: undefined })).toBe(
      "lines",
    );
    // Distinct products across months, and orders across categories, do not add up.
    expect(form({ window: q3, measure: "distinct_products" })).toBe("lines");
    expect(form({ item: kitchen, measure: "distinct_products" })).toBe("lines");
    const two = { facet: "category", values: ["Kitchen & Dining", "Textiles"] };
    expect(form({ item: two })).toBe("lines");
    expect(form({ item: two, measure: "spend" })).toBe("category-monthly");
    expect(form({ item: kitchen, andItems: [{ facet: "product_word", values: ["mug"] }] })).toBe(
      "lines",
    );
  });

  it("keeps order counts over months on lines when invoices may span months", () => {
    const spanning = WarehouseBinding.parse({
      ...onlineRetailBinding,
      features: { categoryFacet: "category", invoicesWithinMonth: false },
    });
    expect(formOf(cond({ window: q3 }), spanning)).toBe("lines");
    expect(formOf(cond({ window: q3, measure: "spend" }), spanning)).toBe("monthly");
    expect(formOf(cond({}), spanning)).toBe("customer");
  });

  it("keeps a measure the tenant binds to its own aggregate on lines", () => {
    const rebound = WarehouseBinding.parse({
      ...onlineRetailBinding,
      measures: { ...onlineRetailBinding.measures, spend: { sql: "sum(e.quantity)" } },
    });
    expect(formOf(cond({ measure: "spend" }), rebound)).toBe("lines");
    expect(formOf(cond({ measure: "distinct_brands" }), demoRetailBinding)).toBe("lines");
    const none = WarehouseBinding.parse({ ...onlineRetailBinding, features: undefined });
    expect(formOf(cond({}), none)).toBe("lines");
  });

  it("treats a window as whole months only when both ends are first days", () => {
    expect(isMonthAligned(q3)).toBe(true);
    expect(isMonthAligned({ to: "2011-06-01", label: "before June" })).toBe(true);
    expect(isMonthAligned(last90)).toBe(false);
  });
});

describe("feature-form SQL", () => {
  it("compares lifetime columns, with customers without orders never matching a threshold", () => {
    const sql = compileSegment(cond({ measure: "aov", comparison: { op: "gt", value: 300 } }), {
      ...onlineRetailBinding,
    });
    expect(sql.text).toContain("(c.orders > 0 and c.spend / nullif(c.orders, 0) > $1::numeric)");
  });

  it("sums whole months of the monthly table, values still as parameters", () => {
    const sql = compileSegment(cond({ window: q3 }), onlineRetailBinding);
    expect(sql.text).toContain("from tenant_online_retail.customer_months e where e.month >=");
    expect(sql.text).toContain("having sum(e.orders) >= $3::numeric");
    expect(sql.values).toEqual(["2011-07-01", "2011-10-01", 2]);
  });
});

describe("day-precise windows split into whole months and edge days", () => {
  it("splits a window into the months inside it and the partial months at its edges", () => {
    expect(splitWindow(last90)).toEqual({
      whole: { from: "2011-10-01", to: "2011-12-01", label: "last 90 days" },
      edges: [
        { from: "2011-09-11", to: "2011-10-01", label: "last 90 days" },
        { from: "2011-12-01", to: "2011-12-10", label: "last 90 days" },
      ],
    });
    expect(splitWindow({ from: "2011-06-12", label: "since" })).toEqual({
      whole: { from: "2011-07-01", label: "since" },
      edges: [{ from: "2011-06-12", to: "2011-07-01", label: "since" }],
    });
    expect(splitWindow({ to: "2011-12-31", label: "before" })).toEqual({
      whole: { to: "2011-12-01", label: "before" },
      edges: [{ from: "2011-12-01", to: "2011-12-31", label: "before" }],
    });
    // Across a year end, and with no whole month inside.
    expect(splitWindow({ from: "2010-12-20", to: "2011-02-03", label: "y" })?.whole).toEqual({
      from: "2011-01-01",
      to: "2011-02-01",
      label: "y",
    });
    expect(splitWindow({ from: "2011-11-20", to: "2011-12-05", label: "z" })).toBeNull();
  });

  it("picks the split forms for measures that add up over pieces", () => {
    for (const measure of ["orders", "spend", "units", "aov"])
      expect(form({ window: last90, measure }), measure).toBe("monthly+lines");
    expect(form({ window: last90, measure: "exists", comparison: undefined })).toBe(
      "monthly+lines",
    );
    expect(form({ window: last90, item: kitchen, measure: "spend" })).toBe(
      "category-monthly+lines",
    );
    // Orders of two categories do not add up (one invoice can hold both).
    const two = { facet: "category", values: ["Kitchen & Dining", "Textiles"] };
    expect(form({ window: last90, item: two })).toBe("lines");
    // Nor orders at all when an invoice may span two months.
    const spanning = WarehouseBinding.parse({
      ...onlineRetailBinding,
      features: { categoryFacet: "category", invoicesWithinMonth: false },
    });
    expect(formOf(cond({ window: last90 }), spanning)).toBe("lines");
    expect(formOf(cond({ window: last90, measure: "spend" }), spanning)).toBe("monthly+lines");
  });

  it("compiles the whole months from the monthly table and the edges from orders", () => {
    const sql = compileSegment(cond({ window: last90 }), onlineRetailBinding);
    expect(sql.text).toContain("from tenant_online_retail.customer_months e where e.month >=");
    expect(sql.text).toContain(
      "union all select e.customer_id, count(distinct e.invoice_no) as orders",
    );
    expect(sql.text).toContain("having sum(e.orders) >= $7::numeric");
    expect(sql.values).toEqual([
      "2011-10-01",
      "2011-12-01",
      "2011-09-11",
      "2011-10-01",
      "2011-12-01",
      "2011-12-10",
      2,
    ]);
  });
});
