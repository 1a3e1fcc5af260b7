import { beforeAll, describe, expect, it } from "vitest";
import {
  buildDemoRetailCatalog,
  demoRetailBinding,
  demoRetailConfig,
} from "../catalog/demo-retail.ts";
import { CatalogRetriever } from "../catalog/retriever.ts";
import { TenantCatalog } from "../state/catalog.ts";
import {
  ACQUISITION_CHANNELS,
  AGE_BANDS,
  AGE_WEIGHTS,
  BRANDS,
  DEMO_RETAIL_CUSTOMERS,
  DEMO_RETAIL_PRODUCTS,
  DEPARTMENTS,
  GENDER_WEIGHTS,
  GENDERS,
  generateDemoRetail,
  GENERATOR_VERSION,
  hashTables,
  LOYALTY_TIERS,
  REGION_WEIGHTS,
  REGIONS,
  renderTables,
  type DemoRetailData,
} from "./generate-demo-retail.ts";

/**
 * The rows of the default seed. If a deliberate change to the generator moves it, bump
 * GENERATOR_VERSION (so loaded warehouses are rebuilt) and update both together.
 */
const GOLDEN = {
  version: 1,
  hash: "941e0f8fbefb59a7981f3e0c4e10f7396ccefa4b6dbdcf40ad0de90b6afb4406",
};

let data: DemoRetailData;
beforeAll(() => {
  data = generateDemoRetail();
});

function shares<T extends string>(values: T[]): Map<T, number> {
  const out = new Map<T, number>();
  for (const v of values) out.set(v, (out.get(v) ?? 0) + 1 / values.length);
  return out;
}

function normalised(weights: Record<string, number>): Map<string, number> {
  const total = Object.values(weights).reduce((a, b) => a + b, 0);
  return new Map(Object.entries(weights).map(([k, w]) => [k, w / total]));
}

/** Per invoice: customer, channel, first line's date and value in pence. */
function invoices(d: DemoRetailData) {
  const out = new Map<string, { customer: number; channel: string; date: string; value: number }>();
  for (const l of d.lines) {
    const inv = out.get(l.invoice_no) ?? {
      customer: l.customer_id,
      channel: l.channel,
      date: l.invoice_date,
      value: 0,
    };
    inv.value += l.quantity * l.unit_price;
    out.set(l.invoice_no, inv);
  }
  return out;
}

describe("determinism", () => {
  it("gives identical rows for the same seed and different rows for another", () => {
    const a = generateDemoRetail({ customers: 2_000 });
    const b = generateDemoRetail({ customers: 2_000 });
    const c = generateDemoRetail({ customers: 2_000, seed: "another seed" });
    expect(b.lines.slice(0, 50)).toEqual(a.lines.slice(0, 50));
    expect(hashTables(renderTables(b))).toBe(hashTables(renderTables(a)));
    expect(hashTables(renderTables(c))).not.toBe(hashTables(renderTables(a)));
  });

  it("reproduces the pinned rows of the default seed on any machine", () => {
    expect({ version: GENERATOR_VERSION, hash: hashTables(renderTables(data)) }).toEqual(GOLDEN);
  });
});

describe("volumes and distributions", () => {
  it("has the designed volumes", () => {
    expect(data.customers).toHaveLength(DEMO_RETAIL_CUSTOMERS);
    expect(data.products).toHaveLength(DEMO_RETAIL_PRODUCTS);
    expect(data.lines.length).toBeGreaterThanOrEqual(300_000);
    expect(data.lines.length).toBeLessThanOrEqual(500_000);
    const buyers = new Set(data.lines.map((l) => l.customer_id));
    expect(buyers.size).toBe(DEMO_RETAIL_CUSTOMERS);
    const dates = data.lines.map((l) => l.invoice_date).sort();
    expect(dates[0]! >= "2023-01-01").toBe(true);
    expect(dates[dates.length - 1]! < "2025-01-01").toBe(true);
  });

  it("spreads customers by the designed age, gender and region shares", () => {
    const check = (actual: Map<string, number>, expected: Map<string, number>) => {
      expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
      for (const [k, share] of expected) expect(actual.get(k)! - share, k).toBeCloseTo(0, 1);
    };
    check(shares(data.customers.map((c) => c.age_band)), normalised(AGE_WEIGHTS));
    check(shares(data.customers.map((c) => c.gender)), normalised(GENDER_WEIGHTS));
    check(shares(data.customers.map((c) => c.region)), normalised(REGION_WEIGHTS));
    const acquisition = shares(data.customers.map((c) => c.acquisition_channel));
    expect([...acquisition.keys()].sort()).toEqual([...ACQUISITION_CHANNELS].sort());
    // Social media recruits the young: its share among 18-24s is well above the 65+ one.
    const socialShare = (band: string) => {
      const group = data.customers.filter((c) => c.age_band === band);
      return group.filter((c) => c.acquisition_channel === "social").length / group.length;
    };
    expect(socialShare("18-24")).toBeGreaterThan(3 * socialShare("65+"));
  });

  it("has Pareto-like order counts, more online than store, Nov/Dec peaks, ~2% cancellations", () => {
    const all = invoices(data);
    const orders = [...all.entries()].filter(([no]) => !no.startsWith("C")).map(([, o]) => o);
    const cancellations = all.size - orders.length;
    expect(cancellations / all.size).toBeGreaterThan(0.015);
    expect(cancellations / all.size).toBeLessThan(0.025);

    const online = orders.filter((o) => o.channel === "online").length / orders.length;
    expect(online).toBeGreaterThan(0.55);
    expect(online).toBeLessThan(0.75);

    const perCustomer = new Map<number, number>();
    for (const o of orders) perCustomer.set(o.customer, (perCustomer.get(o.customer) ?? 0) + 1);
    const counts = [...perCustomer.values()].sort((a, b) => b - a);
    const total = counts.reduce((a, b) => a + b, 0);
    const top20 = counts.slice(0, counts.length / 5).reduce((a, b) => a + b, 0);
    expect(top20 / total).toBeGreaterThan(0.5);
    expect(counts[Math.floor(counts.length / 2)]!).toBeLessThanOrEqual(4);
    expect(counts[0]!).toBeGreaterThan(50);

    const perDay = (months: string[]) => {
      const n = orders.filter((o) => months.some((m) => o.date.startsWith(m))).length;
      const daysIn = (m: string) =>
        new Date(Date.UTC(Number(m.slice(0, 4)), Number(m.slice(5, 7)), 0)).getUTCDate();
      const days = months.reduce((d, m) => d + daysIn(m), 0);
      return n / days;
    };
    const peak = perDay(["2023-11", "2023-12", "2024-11", "2024-12"]);
    const rest = perDay(["2023-03", "2023-06", "2023-09", "2024-03", "2024-06", "2024-09"]);
    expect(peak / rest).toBeGreaterThan(1.5);
  });

  it("has log-normal-like basket values and loyalty tiers ordered by spend", () => {
    const values = [...invoices(data).entries()]
      .filter(([no]) => !no.startsWith("C"))
      .map(([, o]) => o.value)
      .sort((a, b) => a - b);
    const median = values[Math.floor(values.length / 2)]!;
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const p95 = values[Math.floor(values.length * 0.95)]!;
    expect(mean).toBeGreaterThan(median);
    expect(p95 / median).toBeGreaterThan(3);
    // Symmetric in log space: the log-mean sits near the log of the median.
    const logMean = values.reduce((a, v) => a + Math.log(v), 0) / values.length;
    expect(Math.abs(logMean - Math.log(median))).toBeLessThan(0.2);

    const spend = new Map<number, number>();
    for (const l of data.lines)
      if (!l.invoice_no.startsWith("C"))
        spend.set(l.customer_id, (spend.get(l.customer_id) ?? 0) + l.quantity * l.unit_price);
    const meanSpend = (tier: string) => {
      const group = data.customers.filter((c) => c.loyalty_tier === tier);
      return group.reduce((a, c) => a + spend.get(c.customer_id)!, 0) / group.length;
    };
    const tiers = LOYALTY_TIERS.filter((t) => t !== "none").map(meanSpend);
    expect(tiers).toEqual([...tiers].sort((a, b) => a - b));
    const platinum = data.customers.filter((c) => c.loyalty_tier === "platinum").length;
    expect(platinum / data.customers.length).toBeLessThan(0.1);
  });
});

describe("products", () => {
  it("puts every product in a category of its own department, with one of its brands", () => {
    const categoryOf = new Map(
      DEPARTMENTS.flatMap((d) => d.categories.map((c) => [c.name, { department: d.name, c }])),
    );
    expect(categoryOf.size).toBeGreaterThanOrEqual(30);
    expect(DEPARTMENTS.length).toBe(8);
    expect(BRANDS.length).toBeGreaterThanOrEqual(35);
    for (const p of data.products) {
      const spec = categoryOf.get(p.category);
      expect(spec?.department, p.description).toBe(p.department);
      expect(spec?.c.brands, p.description).toContain(p.brand);
      expect(p.price).toBeGreaterThan(0);
    }
    expect(new Set(data.products.map((p) => p.description)).size).toBe(data.products.length);
    expect(new Set(data.products.map((p) => p.stock_code)).size).toBe(data.products.length);
    // Every category and brand sells.
    const sold = new Set(data.lines.map((l) => l.stock_code));
    const soldProducts = data.products.filter((p) => sold.has(p.stock_code));
    expect(new Set(soldProducts.map((p) => p.category)).size).toBe(categoryOf.size);
    expect(new Set(soldProducts.map((p) => p.brand)).size).toBe(BRANDS.length);
  });
});

describe("catalog", () => {
  it("is a valid catalog whose values are the generator's and whose facets are all bound", () => {
    const catalog = TenantCatalog.parse(buildDemoRetailCatalog(data.products));
    const valuesOf = (id: string) =>
      catalog.facets.find((f) => f.id === id)?.values?.map((v) => v.value);
    expect(valuesOf("age_band")).toEqual([...AGE_BANDS]);
    expect(valuesOf("gender")).toEqual([...GENDERS]);
    expect(valuesOf("region")).toEqual([...REGIONS]);
    expect(valuesOf("loyalty_tier")).toEqual([...LOYALTY_TIERS]);
    expect(valuesOf("acquisition_channel")).toEqual([...ACQUISITION_CHANNELS]);
    expect(valuesOf("brand")).toEqual([...BRANDS]);
    for (const id of [
      "spend",
      "orders",
      "aov",
      "units",
      "distinct_products",
      "cancellations",
      "first_purchase",
      "last_purchase",
      "order_date",
    ])
      expect(catalog.facets.map((f) => f.id)).toContain(id);
    for (const f of catalog.facets) {
      if (f.kind === "attribute") expect(demoRetailBinding.attributes[f.id], f.id).toBeDefined();
      if (f.kind === "item") expect(demoRetailBinding.items[f.id], f.id).toBeDefined();
    }
    expect(demoRetailConfig.restrictedFacets).toEqual(["gender"]);
  });

  it("names every attribute and item value unambiguously", () => {
    const catalog = buildDemoRetailCatalog(data.products);
    const retriever = new CatalogRetriever(catalog, {
      texts: { product_word: data.products.map((p) => p.description) },
    });
    const clashes: string[] = [];
    for (const f of catalog.facets.filter((x) => x.kind === "attribute" || x.kind === "item")) {
      for (const v of f.values ?? []) {
        for (const name of [v.label, ...v.synonyms]) {
          const hits = retriever.exactLookup(name);
          const targets = new Set(hits.map((h) => `${h.facetId}=${h.value ?? "*"}`));
          if (targets.size !== 1 || !targets.has(`${f.id}=${v.value}`))
            clashes.push(`${name}: ${[...targets].join(", ")}`);
        }
      }
    }
    expect(clashes).toEqual([]);
  });
});
