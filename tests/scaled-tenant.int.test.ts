/**
 * A scaled tenant (warehouse/generate-scaled.ts) loaded by the product's own load statements
 * (warehouse/load-scaled.ts) counts k× the source's members where that must hold exactly: with
 * exact copies for every one of the scale benchmark's ten requests, and with jitter (dates
 * shifted, prices scaled per copy) for the conditions jitter cannot move — order counts,
 * country, whole-history categories and product words. The source is a slice of online-retail
 * (the whole history of its first customers), so the test loads in seconds.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REQUESTS } from "../bench/scale-requests.ts";
import { runRequest } from "../runtime/run.ts";
import type { Services } from "../runtime/services.ts";
import type { RuleNode } from "../state/segment.ts";
import { onlineRetailBinding, WarehouseBinding } from "../warehouse/binding.ts";
import { compileSegment } from "../warehouse/compile.ts";
import { readSourceLines, type SourceLine } from "../warehouse/generate-scaled.ts";
import { loadScaled } from "../warehouse/load-scaled.ts";
import { ONLINE_RETAIL_DIR, startTestServices } from "./support/services.ts";

const K = 3;
const schemas = {
  one: `scale_check_${process.pid}_one`,
  exact: `scale_check_${process.pid}_exact`,
  jittered: `scale_check_${process.pid}_jitter`,
};
const bindingOf = (schema: string) => WarehouseBinding.parse({ ...onlineRetailBinding, schema });

let services: Services;
let roots: RuleNode[];

async function load(schema: string, source: SourceLine[], factor: number, jitter: boolean) {
  const client = await services.db.pool.connect();
  try {
    await loadScaled(client, {
      binding: bindingOf(schema),
      source,
      productsFile: join(ONLINE_RETAIL_DIR, "products.csv"),
      scale: { factor, seed: "scaled-tenant-test", jitter },
    });
  } finally {
    client.release();
  }
}

const size = (root: RuleNode, schema: string) =>
  services.warehouse.size(compileSegment(root, bindingOf(schema)));

beforeAll(async () => {
  services = await startTestServices();
  const all = await readSourceLines(join(ONLINE_RETAIL_DIR, "online-retail.csv.gz"));
  // The whole history of the 600 lowest customer ids: every kind of customer, a small load.
  const ids = new Set(
    [...new Set(all.map((l) => l.customerId))].sort((a, b) => a - b).slice(0, 600),
  );
  const source = all.filter((l) => ids.has(l.customerId));
  await load(schemas.one, source, 1, true);
  await load(schemas.exact, source, K, false);
  await load(schemas.jittered, source, K, true);
  roots = [];
  for (const r of REQUESTS) {
    const out = await runRequest(services, { tenant: "online-retail", request: r.request });
    expect(out.status, r.request).toBe("ok");
    roots.push(out.segment!.root);
  }
}, 300_000);

afterAll(async () => {
  for (const s of Object.values(schemas))
    await services?.db.pool.query(`drop schema if exists ${s} cascade`);
  await services?.close();
});

describe("a scaled tenant", () => {
  it("with exact copies counts k× the members of every benchmark request", async () => {
    for (const [i, r] of REQUESTS.entries()) {
      const one = await size(roots[i]!, schemas.one);
      expect(one, r.request).toBeGreaterThan(0);
      expect(await size(roots[i]!, schemas.exact), r.request).toBe(K * one);
    }
  });

  it("with jitter counts k× exactly where dates and prices do not matter", async () => {
    const exact = ["order count", "country", "X but never Y", "product word"];
    for (const [i, r] of REQUESTS.entries()) {
      if (!exact.includes(r.label)) continue;
      const one = await size(roots[i]!, schemas.one);
      expect(await size(roots[i]!, schemas.jittered), r.request).toBe(K * one);
    }
  });

  it("with jitter keeps every other count near k× (the same distributions)", async () => {
    for (const [i, r] of REQUESTS.entries()) {
      const one = await size(roots[i]!, schemas.one);
      const ratio = (await size(roots[i]!, schemas.jittered)) / (K * one);
      expect(ratio, r.request).toBeGreaterThan(0.75);
      expect(ratio, r.request).toBeLessThan(1.25);
    }
  });

  it("has k× the customers, lines and orders, and the load's invariants hold", async () => {
    const count = async (schema: string, table: string) =>
      Number(
        (await services.db.pool.query<{ n: string }>(`select count(*) n from ${schema}.${table}`))
          .rows[0]!.n,
      );
    for (const table of ["customers", "lines", "orders"])
      expect(await count(schemas.jittered, table), table).toBe(
        K * (await count(schemas.one, table)),
      );
    // Shifted dates can move a customer's orders into other months; exact copies cannot.
    for (const table of ["customer_months", "customer_category_months"])
      expect(await count(schemas.exact, table), table).toBe(K * (await count(schemas.one, table)));
  });
});
