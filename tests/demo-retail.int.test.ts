/**
 * The generated demo-retail tenant on a real Postgres: the load, the generic compiler against
 * hand-written SQL for every kind of condition, and natural requests through the whole graph.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoRetailBinding } from "../catalog/demo-retail.ts";
import { demoRetailProvider } from "../runtime/demo-retail-provider.ts";
import { runRequest } from "../runtime/run.ts";
import { startServices, type Services } from "../runtime/services.ts";
import { TENANT_PROVIDERS } from "../runtime/tenants.ts";
import { parseEnv } from "../state/config.ts";
import { conditionsOf, itemFiltersOf, type Provenance, type RuleNode } from "../state/segment.ts";
import { compileSegment } from "../warehouse/compile.ts";
import { loadDemoRetail } from "../warehouse/load-demo-retail.ts";

let services: Services;
const schema = demoRetailBinding.schema;
const TENANT = "demo-retail";
const p: Provenance = {
  span: "test",
  start: 0,
  end: 4,
  source: "catalog",
  confidence: 1,
  producer: "test",
};

beforeAll(async () => {
  services = await startServices(parseEnv(), { providers: [demoRetailProvider] });
});
afterAll(async () => {
  await services?.close();
});

const members = (root: RuleNode) =>
  services.warehouse.members(compileSegment(root, demoRetailBinding));
/** Gold SQL runs with the tenant schema on the search path. */
const gold = (sql: string) => services.warehouse.membersOfRawSql(schema, sql);
const one = async <T>(sql: string): Promise<T> => (await services.db.pool.query(sql)).rows[0] as T;

describe("demo-retail load", () => {
  it("is idempotent: a second load with the same generator and seed is skipped", async () => {
    const phases: string[] = [];
    const result = await loadDemoRetail(services.db.pool, (x) => phases.push(x.phase));
    expect(result.loaded).toBe(false);
    expect(phases).toContain("skipped");
    expect(phases).not.toContain("copy");
  });

  it("holds the designed volumes", async () => {
    const counts = await one<{
      customers: number;
      products: number;
      lines: number;
      orders: number;
      invoices: number;
      cancelled: number;
      no_orders: number;
      regions: number;
      categories: number;
      brands: number;
    }>(
      `select (select count(*)::int from ${schema}.customers) customers,
              (select count(*)::int from ${schema}.products) products,
              (select count(*)::int from ${schema}.lines) lines,
              (select count(*)::int from ${schema}.orders) orders,
              (select count(distinct invoice_no)::int from ${schema}.orders) invoices,
              (select count(distinct invoice_no)::int from ${schema}.lines where cancelled) cancelled,
              (select count(*)::int from ${schema}.customers where orders = 0) no_orders,
              (select count(distinct region)::int from ${schema}.customers) regions,
              (select count(distinct category)::int from ${schema}.orders) categories,
              (select count(distinct brand)::int from ${schema}.orders) brands`,
    );
    expect(counts.customers).toBe(30_000);
    expect(counts.products).toBe(1_500);
    expect(counts.lines).toBeGreaterThanOrEqual(300_000);
    expect(counts.lines).toBeLessThanOrEqual(500_000);
    const cancelledShare = counts.cancelled / (counts.invoices + counts.cancelled);
    expect(cancelledShare).toBeGreaterThan(0.015);
    expect(cancelledShare).toBeLessThan(0.025);
    expect(counts.no_orders).toBe(0);
    expect(counts.regions).toBe(12);
    expect(counts.categories).toBeGreaterThanOrEqual(30);
    expect(counts.brands).toBeGreaterThanOrEqual(35);
  });

  it("keeps online-retail the default when its data is present, demo-retail otherwise", () => {
    const env = parseEnv();
    const firstAvailable = (e: typeof env) => TENANT_PROVIDERS.find((x) => x.available(e))?.id;
    expect(TENANT_PROVIDERS.map((x) => x.id)).toEqual(["online-retail", TENANT]);
    if (TENANT_PROVIDERS[0]!.available(env)) expect(firstAvailable(env)).toBe("online-retail");
    expect(firstAvailable({ ...env, ONLINE_RETAIL_DIR: "/nonexistent/online-retail" })).toBe(
      TENANT,
    );
  });
});

describe("SQL compilation against hand-written SQL (demo-retail)", () => {
  const q4 = { from: "2024-10-01", to: "2025-01-01", label: "Q4 2024" };
  const attr = (facet: string, op: "in" | "not_in", values: string[]): RuleNode => ({
    type: "attribute",
    facet,
    op,
    values,
    provenance: p,
  });
  const bought = (facet: string, values: string[], window = q4): RuleNode => ({
    type: "behaviour",
    event: "order",
    item: { facet, values },
    window,
    measure: "exists",
    provenance: p,
  });

  const cases: [string, RuleNode, string][] = [
    // Every attribute facet, in and not_in (gender compiles; the validator refuses it).
    ...(
      [
        ["age_band", ["25-34", "35-44"]],
        ["gender", ["non-binary"]],
        ["region", ["London", "Scotland"]],
        ["loyalty_tier", ["gold"]],
        ["acquisition_channel", ["social", "in-store"]],
      ] as const
    ).flatMap(([facet, values]): [string, RuleNode, string][] => {
      const list = values.map((v) => `'${v}'`).join(", ");
      return [
        [
          `${facet} in`,
          attr(facet, "in", [...values]),
          `select customer_id from customers where ${facet} in (${list})`,
        ],
        [
          `${facet} not_in`,
          attr(facet, "not_in", [...values]),
          `select customer_id from customers where ${facet} not in (${list})`,
        ],
      ];
    }),
    // Bought something of every item facet in Q4 2024.
    ...(
      [
        ["channel", "channel", ["store"]],
        ["department", "department", ["Outdoor & Sports"]],
        ["category", "category", ["Trainers", "Boots"]],
        ["brand", "brand", ["Nike"]],
        ["product", "stock_code", ["P10001", "P10502"]],
      ] as const
    ).map(([facet, column, values]): [string, RuleNode, string] => [
      `bought ${facet} in Q4 2024`,
      bought(facet, [...values]),
      `select distinct customer_id from orders
        where ${column} in (${values.map((v) => `'${v}'`).join(", ")})
          and invoice_date >= '2024-10-01' and invoice_date < '2025-01-01'`,
    ]),
    [
      "product word, any time",
      {
        type: "behaviour",
        event: "order",
        item: { facet: "product_word", values: ["wool"] },
        measure: "exists",
        provenance: p,
      },
      `select distinct customer_id from orders where description ilike '%wool%'`,
    ],
    [
      "spend over £500 on Nike",
      {
        type: "behaviour",
        event: "order",
        item: { facet: "brand", values: ["Nike"] },
        measure: "spend",
        comparison: { op: "gt", value: 500 },
        provenance: p,
      },
      `select customer_id from orders where brand = 'Nike' group by 1 having sum(quantity * unit_price) > 500`,
    ],
    [
      "at least 3 orders of coffee & tea in 2024",
      {
        type: "behaviour",
        event: "order",
        item: { facet: "category", values: ["Coffee & Tea"] },
        window: { from: "2024-01-01", to: "2025-01-01", label: "2024" },
        measure: "orders",
        comparison: { op: "gte", value: 3 },
        provenance: p,
      },
      `select customer_id from orders where category = 'Coffee & Tea'
          and invoice_date >= '2024-01-01' and invoice_date < '2025-01-01'
        group by 1 having count(distinct invoice_no) >= 3`,
    ],
    [
      "units between 10 and 20 in Food & Drink",
      {
        type: "behaviour",
        event: "order",
        item: { facet: "department", values: ["Food & Drink"] },
        measure: "units",
        comparison: { op: "between", value: 10, value2: 20 },
        provenance: p,
      },
      `select customer_id from orders where department = 'Food & Drink'
        group by 1 having sum(quantity) between 10 and 20`,
    ],
    [
      "more than 5 distinct products online",
      {
        type: "behaviour",
        event: "order",
        item: { facet: "channel", values: ["online"] },
        measure: "distinct_products",
        comparison: { op: "gt", value: 5 },
        provenance: p,
      },
      `select customer_id from orders where channel = 'online'
        group by 1 having count(distinct stock_code) > 5`,
    ],
    [
      "average order value over £200",
      {
        type: "behaviour",
        event: "order",
        measure: "aov",
        comparison: { op: "gt", value: 200 },
        provenance: p,
      },
      `select customer_id from orders group by 1
        having sum(quantity * unit_price) / count(distinct invoice_no) > 200`,
    ],
    [
      "at least 2 cancellations",
      {
        type: "behaviour",
        event: "cancellation",
        measure: "orders",
        comparison: { op: "gte", value: 2 },
        provenance: p,
      },
      `select customer_id from lines where invoice_no like 'C%'
        group by 1 having count(distinct invoice_no) >= 2`,
    ],
    [
      "first order in Q1 2023",
      {
        type: "recency",
        which: "first",
        window: { from: "2023-01-01", to: "2023-04-01", label: "Q1 2023" },
        provenance: p,
      },
      `select customer_id from orders group by 1
        having min(invoice_date) >= '2023-01-01' and min(invoice_date) < '2023-04-01'`,
    ],
    [
      "no order since June 2024",
      {
        type: "recency",
        which: "last",
        window: { to: "2024-06-01", label: "before June 2024" },
        provenance: p,
      },
      `select customer_id from orders group by 1 having max(invoice_date) < '2024-06-01'`,
    ],
    [
      "store but never online (NOT over any line)",
      {
        type: "and",
        children: [
          {
            type: "behaviour",
            event: "order",
            item: { facet: "channel", values: ["store"] },
            measure: "exists",
            provenance: p,
          },
          {
            type: "not",
            child: {
              type: "behaviour",
              event: "line",
              item: { facet: "channel", values: ["online"] },
              measure: "exists",
              provenance: p,
            },
          },
        ],
      },
      `select distinct customer_id from orders where channel = 'store'
       except select customer_id from lines where channel = 'online'`,
    ],
    [
      "(gold or platinum in London) or bought LEGO in Q4, and not 65+",
      {
        type: "and",
        children: [
          {
            type: "or",
            children: [
              {
                type: "and",
                children: [
                  attr("loyalty_tier", "in", ["gold", "platinum"]),
                  attr("region", "in", ["London"]),
                ],
              },
              bought("brand", ["LEGO"]),
            ],
          },
          { type: "not", child: attr("age_band", "in", ["65+"]) },
        ],
      },
      `select customer_id from customers
        where ((loyalty_tier in ('gold', 'platinum') and region = 'London')
               or customer_id in (select customer_id from orders where brand = 'LEGO'
                    and invoice_date >= '2024-10-01' and invoice_date < '2025-01-01'))
          and age_band <> '65+'`,
    ],
  ];

  it.each(cases)("%s", async (_name, root, sql) => {
    const expected = await gold(sql);
    // A case that selects nobody or everybody would prove nothing.
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(30_000);
    expect(await members(root)).toEqual(expected);
  });
});

describe("NSC graph end to end on demo-retail", () => {
  const create = (request: string) =>
    runRequest(services, { tenant: TENANT, request, members: true });
  const facets = (root: RuleNode) =>
    [
      ...new Set(
        conditionsOf(root).flatMap((c) =>
          c.type === "attribute"
            ? [c.facet]
            : c.type === "recency"
              ? [`${c.which}_purchase`]
              : c.item
                ? itemFiltersOf(c).map((f) => f.facet)
                : [c.event],
        ),
      ),
    ].sort();

  /** Request, the facets it must use, a plausible size range, and gold SQL where exact. */
  const requests: [string, string[], [number, number], string?][] = [
    [
      // Department and channel filter the same line: outdoor gear bought online.
      "gold members in London who bought outdoor gear online in Q4 2024",
      ["channel", "department", "loyalty_tier", "region"],
      [20, 1_000],
    ],
    [
      "customers aged 25-34 who spent over £500 on Nike",
      ["age_band", "brand"],
      [5, 1_000],
      `select customer_id from customers where age_band = '25-34' and customer_id in
         (select customer_id from orders where brand = 'Nike' group by 1 having sum(amount) > 500)`,
    ],
    [
      "millennials in Scotland who bought trainers",
      ["age_band", "category", "region"],
      [100, 3_000],
      `select customer_id from customers where age_band in ('25-34', '35-44')
          and region = 'Scotland'
          and customer_id in (select customer_id from orders where category = 'Trainers')`,
    ],
    [
      "Gen Z customers acquired via Instagram",
      ["acquisition_channel", "age_band", "order"],
      [200, 3_000],
      `select customer_id from customers where age_band = '18-24' and acquisition_channel = 'social'`,
    ],
    [
      "Londoners who bought Le Creuset in December 2024",
      ["brand", "region"],
      [5, 500],
      `select customer_id from customers where region = 'London' and customer_id in
         (select customer_id from orders where brand = 'Le Creuset'
           and invoice_date >= '2024-12-01' and invoice_date < '2025-01-01')`,
    ],
    [
      "platinum customers who haven't ordered since June 2024",
      ["last_purchase", "loyalty_tier"],
      [20, 1_000],
      `select customer_id from customers where loyalty_tier = 'platinum'
          and last_order_at < '2024-06-01'`,
    ],
    [
      "Scottish customers who bought toys and board games in November 2024",
      ["category", "region"],
      [1, 500],
      `select customer_id from customers where region = 'Scotland'
          and customer_id in (select customer_id from orders where category = 'Toys'
                and invoice_date >= '2024-11-01' and invoice_date < '2024-12-01')
          and customer_id in (select customer_id from orders where category = 'Board Games & Puzzles'
                and invoice_date >= '2024-11-01' and invoice_date < '2024-12-01')`,
    ],
    [
      "customers who shopped in store but never bought online",
      ["channel"],
      [1_000, 15_000],
      `select distinct customer_id from orders where channel = 'store'
       except select customer_id from lines where channel = 'online'`,
    ],
    [
      "VIP customers in the South East",
      ["order", "region"],
      [50, 1_000],
      `select customer_id from customers where region = 'South East' and spend > 2500`,
    ],
    [
      "repeat customers from Wales with an average order value over £150",
      ["order", "region"],
      [50, 1_000],
      `select customer_id from customers where region = 'Wales' and orders >= 2
          and spend / orders > 150`,
    ],
    [
      "customers aged 65+ who bought coffee at least 3 times",
      ["age_band", "category"],
      [20, 1_000],
      `select customer_id from customers where age_band = '65+' and customer_id in
         (select customer_id from orders where category = 'Coffee & Tea'
           group by 1 having count(distinct invoice_no) >= 3)`,
    ],
    [
      "customers who cancelled at least 2 orders in 2024",
      ["cancellation"],
      [20, 1_000],
      `select customer_id from lines where cancelled
          and invoice_date >= '2024-01-01' and invoice_date < '2025-01-01'
        group by 1 having count(distinct invoice_no) >= 2`,
    ],
    [
      "customers whose first order was in Q1 2023 and who bought electronics",
      ["department", "first_purchase"],
      [1_000, 10_000],
      `select customer_id from customers where first_order_at >= '2023-01-01'
          and first_order_at < '2023-04-01'
          and customer_id in (select customer_id from orders where department = 'Electronics')`,
    ],
    [
      "silver or gold tier customers in the North West who spent over £1,000 in 2024",
      ["loyalty_tier", "order", "region"],
      [50, 1_000],
      `select customer_id from customers where loyalty_tier in ('silver', 'gold')
          and region = 'North West' and customer_id in
          (select customer_id from orders where invoice_date >= '2024-01-01'
             and invoice_date < '2025-01-01' group by 1 having sum(amount) > 1000)`,
    ],
    [
      "unenrolled customers outside London who bought furniture",
      ["category", "loyalty_tier", "region"],
      [100, 5_000],
      `select customer_id from customers where loyalty_tier = 'none' and region <> 'London'
          and customer_id in (select customer_id from orders where category = 'Furniture')`,
    ],
    [
      // "who bought something" is its own clause: any order, which every customer has.
      "customers who bought something with 'wool' in the name in 2024",
      ["product_word"],
      [500, 10_000],
      `select distinct customer_id from orders where description ilike '%wool%'
          and invoice_date >= '2024-01-01' and invoice_date < '2025-01-01'`,
    ],
  ];

  it.each(requests)("%s", async (request, expectedFacets, [lo, hi], sql) => {
    const r = await create(request);
    expect(r.status, r.message).toBe("ok");
    expect(facets(r.segment!.root)).toEqual(expectedFacets);
    expect(r.size).toBeGreaterThanOrEqual(lo);
    expect(r.size).toBeLessThanOrEqual(hi);
    if (sql) expect(r.members).toEqual(await gold(sql));
  });

  it.each([
    "women who bought skincare in 2024",
    "female customers in London",
    "men aged 25-34 who bought trainers",
  ])("refuses a segment on the restricted gender facet: %s", async (request) => {
    const r = await create(request);
    expect(r.status).toBe("rejected");
    expect(r.message).toMatch(/does not allow segmenting on Gender/);
    expect(r.segment).toBeNull();
  });
});
