/**
 * The VectorStore contract, as a vitest suite run against every implementation
 * (store-contract.test.ts): top-k order, tenant isolation, upsert idempotence, deletion,
 * kinds kept apart, id filters and dimension checks. Each run uses tenants of its own, so a
 * shared Milvus keeps no state between runs that could pass a test by accident.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { VectorRecord, VectorStore } from "./store.ts";

export const CONTRACT_DIMENSION = 8;

/** A unit vector in the plane of axes 0 and 1 at `degrees` from axis 0: cosines are known. */
function at(degrees: number): number[] {
  const v = new Array<number>(CONTRACT_DIMENSION).fill(0);
  v[0] = Math.cos((degrees * Math.PI) / 180);
  v[1] = Math.sin((degrees * Math.PI) / 180);
  return v;
}

/** `skip`: why this implementation cannot run here (printed, and the suite shows as skipped). */
export function vectorStoreContract(
  label: string,
  open: () => Promise<VectorStore>,
  skip?: string,
): void {
  if (skip !== undefined) console.log(`VectorStore contract: ${label} skipped (${skip})`);
  describe.skipIf(skip !== undefined)(`VectorStore contract: ${label}`, () => {
    let store: VectorStore;
    const run = randomUUID().slice(0, 8);
    const tenantA = `contract-a-${run}`;
    const tenantB = `contract-b-${run}`;
    const rec = (
      tenant: string,
      id: string,
      degrees: number,
      extra: Partial<VectorRecord> = {},
    ): VectorRecord => ({
      kind: "catalog_value",
      tenant,
      id,
      vector: at(degrees),
      text: `${tenant}:${id}`,
      meta: { tenant },
      ...extra,
    });

    beforeAll(async () => {
      store = await open();
      await store.upsert([
        rec(tenantA, "v0", 0),
        rec(tenantA, "v20", 20),
        rec(tenantA, "v50", 50),
        rec(tenantA, "v90", 90),
        rec(tenantA, "v170", 170),
        // The same ids in another tenant, closer to every query below than tenant A's.
        rec(tenantB, "v0", 1),
        rec(tenantB, "v20", 19),
        rec(tenantB, "b-only", 5),
      ]);
    });

    afterAll(async () => {
      await store?.delete({ kind: "catalog_value", tenant: tenantA });
      await store?.delete({ kind: "catalog_value", tenant: tenantB });
      await store?.delete({ kind: "recipe", tenant: tenantA });
      await store?.close();
    });

    it("reports itself healthy", async () => {
      const health = await store.health();
      expect(health.ok).toBe(true);
      expect(health.store).toBe(store.name);
    });

    it("returns the k most similar records, best first, with their cosine", async () => {
      const hits = await store.search({
        kind: "catalog_value",
        tenant: tenantA,
        vector: at(10),
        k: 3,
      });
      expect(hits.map((h) => h.id)).toEqual(["v0", "v20", "v50"]);
      expect(hits[0]!.score).toBeCloseTo(Math.cos((10 * Math.PI) / 180), 4);
      expect(hits[2]!.score).toBeCloseTo(Math.cos((40 * Math.PI) / 180), 4);
      expect(hits[0]!.text).toBe(`${tenantA}:v0`);
      expect(hits[0]!.meta).toEqual({ tenant: tenantA });
    });

    it("never returns another tenant's vectors, even with the same ids", async () => {
      const hits = await store.search({
        kind: "catalog_value",
        tenant: tenantA,
        vector: at(5),
        k: 10,
      });
      expect(hits).toHaveLength(5);
      expect(hits.every((h) => h.meta.tenant === tenantA)).toBe(true);
      expect(hits.map((h) => h.id)).not.toContain("b-only");
      const other = await store.search({
        kind: "catalog_value",
        tenant: tenantB,
        vector: at(5),
        k: 10,
      });
      expect(other.map((h) => h.id).sort()).toEqual(["b-only", "v0", "v20"]);
      expect(other.every((h) => h.text.startsWith(`${tenantB}:`))).toBe(true);
    });

    it("finds nothing for a tenant without vectors", async () => {
      const hits = await store.search({
        kind: "catalog_value",
        tenant: `contract-none-${run}`,
        vector: at(0),
        k: 5,
      });
      expect(hits).toEqual([]);
    });

    it("keeps kinds apart", async () => {
      await store.upsert([rec(tenantA, "r1", 0, { kind: "recipe", text: "a recipe" })]);
      const recipes = await store.search({ kind: "recipe", tenant: tenantA, vector: at(0), k: 5 });
      expect(recipes.map((h) => h.id)).toEqual(["r1"]);
      const values = await store.search({
        kind: "catalog_value",
        tenant: tenantA,
        vector: at(0),
        k: 10,
      });
      expect(values.map((h) => h.id)).not.toContain("r1");
    });

    it("upserts idempotently: the same id twice is one record, the last write wins", async () => {
      await store.upsert([rec(tenantA, "dup", 120)]);
      await store.upsert([rec(tenantA, "dup", 120)]);
      await store.upsert([
        rec(tenantA, "dup", 130, { text: "rewritten", meta: { tenant: tenantA, v: "2" } }),
      ]);
      const hits = await store.search({
        kind: "catalog_value",
        tenant: tenantA,
        vector: at(130),
        k: 10,
      });
      const dups = hits.filter((h) => h.id === "dup");
      expect(dups).toHaveLength(1);
      expect(hits[0]!.id).toBe("dup");
      expect(dups[0]!.text).toBe("rewritten");
      expect(dups[0]!.meta).toEqual({ tenant: tenantA, v: "2" });
      expect(dups[0]!.score).toBeCloseTo(1, 4);
    });

    it("restricts a search to the given ids", async () => {
      const hits = await store.search({
        kind: "catalog_value",
        tenant: tenantA,
        vector: at(0),
        k: 10,
        ids: ["v90", "v20", "missing"],
      });
      expect(hits.map((h) => h.id)).toEqual(["v20", "v90"]);
      const none = await store.search({
        kind: "catalog_value",
        tenant: tenantA,
        vector: at(0),
        k: 10,
        ids: [],
      });
      expect(none).toEqual([]);
    });

    it("deletes by id within the tenant only", async () => {
      await store.delete({ kind: "catalog_value", tenant: tenantA, ids: ["v0"] });
      const a = await store.search({
        kind: "catalog_value",
        tenant: tenantA,
        vector: at(0),
        k: 10,
      });
      expect(a.map((h) => h.id)).not.toContain("v0");
      expect(a[0]!.id).toBe("v20");
      const b = await store.search({
        kind: "catalog_value",
        tenant: tenantB,
        vector: at(0),
        k: 10,
      });
      expect(b.map((h) => h.id)).toContain("v0");
    });

    it("deletes everything of a kind for one tenant, leaving the others", async () => {
      await store.delete({ kind: "catalog_value", tenant: tenantB });
      const b = await store.search({
        kind: "catalog_value",
        tenant: tenantB,
        vector: at(0),
        k: 10,
      });
      expect(b).toEqual([]);
      const a = await store.search({
        kind: "catalog_value",
        tenant: tenantA,
        vector: at(0),
        k: 10,
      });
      expect(a.length).toBeGreaterThan(0);
    });

    it("refuses vectors of another dimension", async () => {
      await expect(store.upsert([{ ...rec(tenantA, "short", 0), vector: [1, 0] }])).rejects.toThrow(
        RangeError,
      );
      await expect(
        store.search({ kind: "catalog_value", tenant: tenantA, vector: [1, 0, 0], k: 1 }),
      ).rejects.toThrow(RangeError);
    });
  });
}
