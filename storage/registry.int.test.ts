/**
 * The skills registry's tenant artefacts on a fresh Postgres database: versions recorded once
 * per change, the active one per tenant, the config stamped with it, rollback to a version
 * that exists, and no tenant seeing another's versions.
 */
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rulesManifests, type SkillManifest } from "../skills/registry.ts";
import { TenantConfig } from "../state/catalog.ts";
import { migrate } from "./migrations.ts";
import {
  listVersions,
  recordManifests,
  setGlossary,
  StaleGlossaryError,
  syncTenantArtefacts,
  UnknownVersionError,
} from "./registry.ts";
import { createTestDatabase, type TestDatabase } from "./testing/test-database.ts";

let db: TestDatabase;
let pool: pg.Pool;
const manifests = rulesManifests();
const VIPS = { term: "VIPs", meaning: "big spenders", expansion: "spent over £5,000", aliases: [] };

async function tenant(id: string, glossary: TenantConfig["glossary"] = []) {
  const config: TenantConfig = TenantConfig.parse({ tenant: id, asOf: "2011-12-10", glossary });
  await pool.query("insert into app.tenants (id, config) values ($1, $2)", [
    id,
    JSON.stringify(config),
  ]);
}

async function storedConfig(id: string): Promise<TenantConfig> {
  const { rows } = await pool.query<{ config: unknown }>(
    "select config from app.tenants where id = $1",
    [id],
  );
  return TenantConfig.parse(rows[0]!.config);
}

beforeAll(async () => {
  db = await createTestDatabase();
  pool = db.newPool();
  await migrate(pool);
});
afterAll(async () => {
  await db?.dispose();
});

describe("syncTenantArtefacts", () => {
  it("records version 1 of the glossary and skills once, and stamps the config", async () => {
    await tenant("a", [VIPS]);
    const first = await syncTenantArtefacts(pool, "a", manifests);
    expect(first.versions).toEqual({ glossary: 1, skills: 1 });
    expect(first.config.glossaryVersion).toBe(1);
    expect((await storedConfig("a")).glossaryVersion).toBe(1);
    const again = await syncTenantArtefacts(pool, "a", manifests);
    expect(again.versions).toEqual({ glossary: 1, skills: 1 });
    expect(await listVersions(pool, "a", "glossary")).toHaveLength(1);
  });

  it("makes a new skills version when a skill's manifest changed", async () => {
    await tenant("b");
    await syncTenantArtefacts(pool, "b", manifests);
    const changed: SkillManifest[] = manifests.map((m) =>
      m.step === "map" ? { ...m, hash: "000000000000" } : m,
    );
    const next = await syncTenantArtefacts(pool, "b", changed);
    expect(next.versions.skills).toBe(2);
    const versions = await listVersions(pool, "b", "skills");
    expect(versions.map((v) => [v.version, v.active, v.reason])).toEqual([
      [2, true, "skills changed"],
      [1, false, "initial"],
    ]);
  });

  it("makes a new glossary version when the config's glossary moved outside the registry", async () => {
    await tenant("c", [VIPS]);
    await syncTenantArtefacts(pool, "c", manifests);
    await pool.query(
      "update app.tenants set config = jsonb_set(config, '{glossary}', '[]'::jsonb) where id = 'c'",
    );
    const next = await syncTenantArtefacts(pool, "c", manifests);
    expect(next.versions.glossary).toBe(2);
    expect(next.config.glossary).toEqual([]);
  });
});

describe("setGlossary", () => {
  it("records new content as the next version, and a rollback makes an old one active", async () => {
    await tenant("d", [VIPS]);
    await syncTenantArtefacts(pool, "d", manifests);
    const extra = { term: "whales", meaning: "m", expansion: "spent over £10,000", aliases: [] };
    const promoted = await setGlossary(
      pool,
      "d",
      { change: (g) => [...g, extra], from: 1 },
      { reason: "promoted candidate x", by: "test" },
    );
    expect(promoted).toMatchObject({ version: 2, previous: 1 });
    expect((await storedConfig("d")).glossary.map((g) => g.term)).toEqual(["VIPs", "whales"]);
    const back = await setGlossary(pool, "d", { version: 1 }, { reason: "rollback" });
    expect(back).toMatchObject({ version: 1, previous: 2 });
    const stored = await storedConfig("d");
    expect(stored.glossary.map((g) => g.term)).toEqual(["VIPs"]);
    expect(stored.glossaryVersion).toBe(1);
    const versions = await listVersions(pool, "d", "glossary");
    expect(versions.map((v) => [v.version, v.active])).toEqual([
      [2, false],
      [1, true],
    ]);
    expect(versions[0]).toMatchObject({ reason: "promoted candidate x", createdBy: "test" });
  });

  it("refuses a version that does not exist, and another tenant's", async () => {
    await tenant("e", [VIPS]);
    await syncTenantArtefacts(pool, "e", manifests);
    await expect(setGlossary(pool, "e", { version: 7 }, { reason: "r" })).rejects.toThrow(
      UnknownVersionError,
    );
    // Tenant d has a version 2; e does not, and never sees d's.
    await expect(setGlossary(pool, "e", { version: 2 }, { reason: "r" })).rejects.toThrow(
      /no glossary version 2/,
    );
    expect((await listVersions(pool, "e", "glossary")).map((v) => v.version)).toEqual([1]);
    expect((await storedConfig("e")).glossaryVersion).toBe(1);
  });

  it("refuses a change judged against a version that is no longer the stored one", async () => {
    await tenant("f", [VIPS]);
    await syncTenantArtefacts(pool, "f", manifests);
    const change = (g: TenantConfig["glossary"]) => g.slice(0, 0);
    await setGlossary(pool, "f", { change, from: 1 }, { reason: "first" });
    await expect(
      setGlossary(pool, "f", { change: (g) => g, from: 1 }, { reason: "late" }),
    ).rejects.toThrow(StaleGlossaryError);
    expect((await storedConfig("f")).glossaryVersion).toBe(2);
  });
});

describe("recordManifests", () => {
  it("keeps each manifest once", async () => {
    await recordManifests(pool, manifests);
    await recordManifests(pool, manifests);
    const { rows } = await pool.query<{ n: string }>(
      "select count(*) as n from app.skill_manifests",
    );
    expect(Number(rows[0]!.n)).toBe(manifests.length);
  });
});
