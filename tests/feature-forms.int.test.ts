/**
 * Every feature form the compiler picks gives exactly the members of the line-level form: on a
 * generated tenant with hand-made edge customers (no orders at all, only a cancellation,
 * orders a second either side of a month boundary, one invoice over several categories) and on
 * the real online-retail data, for lifetime thresholds (including "under", where customers
 * without orders count), calendar-month windows, category × month, day-precise windows (split
 * into whole months and edge days, and within one month), product words and exclusions.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Services } from "../runtime/services.ts";
import type {
  BehaviourCondition,
  DateWindow,
  Provenance,
  RecencyCondition,
  RuleNode,
} from "../state/segment.ts";
import { onlineRetailBinding, WarehouseBinding } from "../warehouse/binding.ts";
import { compileSegment } from "../warehouse/compile.ts";
import { demoRetailBinding } from "../warehouse/demo-retail-binding.ts";
import { formOf, type Form } from "../warehouse/forms.ts";
import {
  generateDemoRetail,
  renderCustomer,
  renderLine,
  renderTables,
  type DemoLine,
} from "../warehouse/generate-demo-retail.ts";
import { buildDemoWarehouse } from "../warehouse/load-demo-retail.ts";
import { startTestServices } from "./support/services.ts";

let services: Services;
const scratch = WarehouseBinding.parse({
  ...demoRetailBinding,
  schema: `forms_check_${process.pid}`,
});

const p: Provenance = {
  span: "test",
  start: 0,
  end: 4,
  source: "catalog",
  confidence: 1,
  producer: "test",
};

/** Generated rows plus customers at the edges of every form's definition. */
function fixtureTables() {
  const data = generateDemoRetail({ seed: "forms-check", customers: 1_500 });
  const kitchen = data.products.find((x) => x.category === "Kitchen & Dining")!;
  const other = data.products.find((x) => x.category !== "Kitchen & Dining")!;
  const tables = renderTables(data);
  const base = data.customers[0]!;
  const edge = [90001, 90002, 90003, 90004];
  tables.customers.push(edge.map((id) => renderCustomer({ ...base, customer_id: id })).join(""));
  const line = (l: Partial<DemoLine>): string =>
    renderLine({
      invoice_no: "E1",
      stock_code: kitchen.stock_code,
      quantity: 2,
      invoice_date: "2023-03-31 23:59:59",
      unit_price: 40_000,
      customer_id: 90003,
      channel: "online",
      ...l,
    });
  tables.lines.push(
    [
      // 90001 never bought anything; 90002 only cancelled.
      line({ invoice_no: "C9002", customer_id: 90002, quantity: -1 }),
      // 90003: one order in the last second of March, one in the first of April.
      line({}),
      line({ invoice_no: "E2", invoice_date: "2023-04-01 00:00:00" }),
      // 90004: one invoice over two categories, plus a cancellation in kitchen.
      line({ invoice_no: "E3", customer_id: 90004, invoice_date: "2023-08-15 10:00:00" }),
      line({
        invoice_no: "E3",
        customer_id: 90004,
        stock_code: other.stock_code,
        invoice_date: "2023-08-15 10:00:00",
      }),
      line({ invoice_no: "C9004", customer_id: 90004, quantity: -1, invoice_date: "2023-09-01" }),
    ].join(""),
  );
  return tables;
}

beforeAll(async () => {
  services = await startTestServices();
  const client = await services.db.pool.connect();
  try {
    await client.query("begin");
    await client.query(`drop schema if exists ${scratch.schema} cascade`);
    await client.query(`create schema ${scratch.schema}`);
    await buildDemoWarehouse(client, scratch, fixtureTables());
    await client.query("commit");
  } catch (err) {
    await client.query("rollback");
    throw err;
  } finally {
    client.release();
  }
}, 120_000);
afterAll(async () => {
  await services?.db.pool.query(`drop schema if exists ${scratch.schema} cascade`);
  await services?.close();
});

const win = (from: string | undefined, to: string | undefined, label: string): DateWindow => ({
  ...(from ? { from } : {}),
  ...(to ? { to } : {}),
  label,
});
const b = (c: Partial<BehaviourCondition>): BehaviourCondition => ({
  type: "behaviour",
  event: "order",
  measure: "exists",
  provenance: p,
  ...c,
});
const cmp = (op: "gt" | "gte" | "lt" | "eq", value: number) => ({ comparison: { op, value } });
const and = (...children: RuleNode[]): RuleNode => ({ type: "and", children });
const not = (child: RuleNode): RuleNode => ({ type: "not", child });

interface Tenant {
  year: number;
  categories: [string, string];
  spend: number;
  /** Words of product descriptions, matched through the products table (`via`). */
  words: [string, string];
}

/** Representative conditions of every form, named, with the form the compiler must pick. */
function conditions(t: Tenant): [string, Form, RuleNode][] {
  const y = t.year;
  const [catA, catB] = t.categories;
  const q3 = win(`${y}-07-01`, `${y}-10-01`, "Q3");
  const march = win(`${y}-03-01`, `${y}-04-01`, "March");
  const since = win(`${y}-06-01`, undefined, "since June");
  const before = win(undefined, `${y}-04-01`, "before April");
  const days = win(`${y}-03-15`, `${y}-09-10`, "15 March to 9 September");
  const A = { facet: "category", values: [catA] };
  const [w1, w2] = t.words;
  const W = { facet: "product_word", values: [w1] };
  const AB = { facet: "category", values: [catA, catB] };
  const recent: RecencyCondition = { type: "recency", which: "last", window: q3, provenance: p };
  return [
    ["lifetime spend over", "customer", b({ measure: "spend", ...cmp("gt", t.spend) })],
    [
      "lifetime spend under, none = 0",
      "customer",
      b({ measure: "spend", ...cmp("lt", 100), zeroIfNone: true }),
    ],
    ["lifetime spend under, buyers only", "customer", b({ measure: "spend", ...cmp("lt", 100) })],
    ["lifetime orders at least", "customer", b({ measure: "orders", ...cmp("gte", 5) })],
    ["lifetime orders under", "customer", b({ measure: "orders", ...cmp("lt", 2) })],
    [
      "5+ orders and AOV over",
      "customer",
      and(b({ measure: "orders", ...cmp("gte", 5) }), b({ measure: "aov", ...cmp("gt", 300) })),
    ],
    ["AOV under, none = 0", "customer", b({ measure: "aov", ...cmp("lt", 50), zeroIfNone: true })],
    ["units at least", "customer", b({ measure: "units", ...cmp("gte", 100) })],
    ["distinct products over", "customer", b({ measure: "distinct_products", ...cmp("gt", 20) })],
    [
      "distinct categories at least",
      "customer",
      b({ measure: "distinct_categories", ...cmp("gte", 5) }),
    ],
    ["cancelled at least once", "customer", b({ event: "cancellation" })],
    ["never ordered", "customer", not(b({}))],
    [
      "cancelled 2+ orders",
      "customer",
      b({ event: "cancellation", measure: "orders", ...cmp("gte", 2) }),
    ],
    ["at least twice in Q3", "monthly", b({ measure: "orders", window: q3, ...cmp("gte", 2) })],
    ["ordered in March", "monthly", b({ window: march })],
    [
      "spend in March over",
      "monthly",
      b({ measure: "spend", window: march, ...cmp("gt", t.spend / 10) }),
    ],
    [
      "spend in Q3 under, none = 0",
      "monthly",
      b({ measure: "spend", window: q3, ...cmp("lt", 50), zeroIfNone: true }),
    ],
    ["AOV since June over", "monthly", b({ measure: "aov", window: since, ...cmp("gt", 200) })],
    ["units before April", "monthly", b({ measure: "units", window: before, ...cmp("gte", 10) })],
    [
      "distinct products in March",
      "monthly",
      b({ measure: "distinct_products", window: march, ...cmp("gte", 3) }),
    ],
    [
      "distinct categories in Q3",
      "category-monthly",
      b({ measure: "distinct_categories", window: q3, ...cmp("gte", 3) }),
    ],
    ["not ordered since June", "monthly", and(b({}), not(b({ window: since })))],
    ["bought A ever", "category-monthly", b({ item: A })],
    ["bought A in Q3", "category-monthly", b({ item: A, window: q3 })],
    [
      "2+ orders of A in Q3",
      "category-monthly",
      b({ item: A, window: q3, measure: "orders", ...cmp("gte", 2) }),
    ],
    [
      "spend on A or B over",
      "category-monthly",
      b({ item: AB, measure: "spend", ...cmp("gt", t.spend / 10) }),
    ],
    [
      "AOV on A in March",
      "category-monthly",
      b({ item: A, window: march, measure: "aov", ...cmp("gt", 30) }),
    ],
    [
      "spend on A since June under, none = 0",
      "category-monthly",
      b({ item: A, window: since, measure: "spend", ...cmp("lt", 20), zeroIfNone: true }),
    ],
    [
      "A but never B",
      "lines",
      and(b({ item: A }), not(b({ event: "line", item: { facet: "category", values: [catB] } }))),
    ],
    ["2+ orders of A or B", "lines", b({ item: AB, measure: "orders", ...cmp("gte", 2) })],
    ["bought a word", "lines", b({ item: W })],
    [
      "a word but never the other, cancellations too",
      "lines",
      and(b({ item: W }), not(b({ event: "line", item: { facet: "product_word", values: [w2] } }))),
    ],
    [
      "spend on either word in Q3",
      "lines",
      b({
        item: { facet: "product_word", values: [w1, w2] },
        window: q3,
        ...cmp("gt", 50),
        measure: "spend",
      }),
    ],
    [
      "distinct products in Q3",
      "lines",
      b({ measure: "distinct_products", window: q3, ...cmp("gte", 5) }),
    ],
    [
      "orders in a day-precise window",
      "monthly+lines",
      b({ measure: "orders", window: days, ...cmp("gte", 2) }),
    ],
    [
      "spend in a day-precise window",
      "monthly+lines",
      b({ measure: "spend", window: days, ...cmp("gt", t.spend / 10) }),
    ],
    ["bought in a day-precise window", "monthly+lines", b({ window: days })],
    [
      "units since a mid-month day",
      "monthly+lines",
      b({
        measure: "units",
        window: win(`${y}-06-12`, undefined, "since 12 June"),
        ...cmp("gte", 10),
      }),
    ],
    [
      "AOV before a mid-month day",
      "monthly+lines",
      b({
        measure: "aov",
        window: win(undefined, `${y}-05-20`, "before 20 May"),
        ...cmp("gt", 30),
      }),
    ],
    [
      "spend on A in a day-precise window under, none = 0",
      "category-monthly+lines",
      b({ item: A, window: days, measure: "spend", ...cmp("lt", 20), zeroIfNone: true }),
    ],
    [
      "2+ orders of A in a day-precise window",
      "category-monthly+lines",
      b({ item: A, window: days, measure: "orders", ...cmp("gte", 2) }),
    ],
    [
      "distinct products in a day-precise window",
      "lines",
      b({ measure: "distinct_products", window: days, ...cmp("gte", 5) }),
    ],
    [
      "within one month's days",
      "lines",
      b({ window: win(`${y}-03-02`, `${y}-03-30`, "2 to 29 March") }),
    ],
    ["an order over", "lines", b({ measure: "order_value", ...cmp("gt", 500) })],
    [
      "excluding Q3 big spenders and recent",
      "monthly",
      and(b({}), not(b({ measure: "spend", window: q3, ...cmp("gt", 100) })), not(recent)),
    ],
  ];
}

/** The form a condition tree's behavioural leaves get (all of one kind in these cases). */
function formsOf(root: RuleNode, binding: WarehouseBinding): Set<Form> {
  if (root.type === "and" || root.type === "or")
    return new Set(root.children.flatMap((c) => [...formsOf(c, binding)]));
  if (root.type === "not") return formsOf(root.child, binding);
  return root.type === "behaviour" ? new Set([formOf(root, binding)]) : new Set();
}

async function check(binding: WarehouseBinding, tenant: Tenant, edge: Record<string, string[]>) {
  const total = Number(
    (await services.db.pool.query(`select count(*) n from ${binding.schema}.customers`)).rows[0].n,
  );
  for (const [name, form, root] of conditions(tenant)) {
    expect(formsOf(root, binding), name).toContain(form);
    const lines = await services.warehouse.members(
      compileSegment(root, binding, { forms: "lines" }),
    );
    const cheapest = await services.warehouse.members(compileSegment(root, binding));
    expect(cheapest, name).toEqual(lines);
    // A case that selects nobody or everybody would prove nothing.
    expect(lines.length, name).toBeGreaterThan(0);
    expect(lines.length, name).toBeLessThan(total);
    for (const id of edge[name] ?? []) expect(lines, `${name} has ${id}`).toContain(id);
  }
}

describe("feature forms against the line-level form", () => {
  it("give the same members on generated data with edge customers", async () => {
    await check(
      scratch,
      {
        year: 2023,
        categories: ["Kitchen & Dining", "Toys"],
        spend: 1_000,
        words: ["linen", "POLO"],
      },
      {
        // No orders: spend (and AOV) 0 under "under", never in "buyers only" or "never ordered"'s complement.
        "lifetime spend under, none = 0": ["90001", "90002"],
        "AOV under, none = 0": ["90001", "90002"],
        "never ordered": ["90001", "90002"],
        "cancelled at least once": ["90002", "90004"],
        "ordered in March": ["90003"],
        "spend in Q3 under, none = 0": ["90001", "90003"],
      },
    );
  }, 120_000);

  it("give the same members on the online-retail data", async () => {
    await check(
      onlineRetailBinding,
      {
        year: 2011,
        categories: ["Kitchen & Dining", "Textiles"],
        spend: 1_000,
        words: ["heart", "Mug"],
      },
      {},
    );
  }, 240_000);
});
