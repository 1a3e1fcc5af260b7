import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { testTenant } from "../skills/rules/testing.ts";
import type { TenantCatalog } from "../state/catalog.ts";
import { loadBuiltIndex } from "./index-cache.ts";
import { CatalogRetriever } from "./retriever.ts";

const { catalog } = testTenant("online-retail");
const texts = { product_word: testTenant("online-retail").retriever.texts("product_word") };
const QUERIES = ["kitchn", "retro spot lunch bag", "germny", "christmas decorations", "jewelery"];

function answers(r: CatalogRetriever) {
  // Fresh retrievers share the search memo by fingerprint; compare what each index scores.
  return QUERIES.map((q) => r["searchUncached"](q, { limit: 5 }));
}

function withSynonym(c: TenantCatalog, synonym: string): TenantCatalog {
  return {
    ...c,
    facets: c.facets.map((f) =>
      f.id === "country" ? { ...f, synonyms: [...f.synonyms, synonym] } : f,
    ),
  };
}

describe("the catalog index on disk", () => {
  it("is stored by the first build and reused by the next, with the same answers", () => {
    const dir = mkdtempSync(join(tmpdir(), "catalog-index-"));
    const built = new CatalogRetriever(catalog, { texts, indexDir: dir });
    expect(readdirSync(dir)).toEqual([`online-retail@${built.fingerprint}.v8`]);
    expect(loadBuiltIndex(dir, "online-retail", built.fingerprint)).toBeDefined();
    const reused = new CatalogRetriever(catalog, { texts, indexDir: dir });
    expect(reused.embedder.id).toBe(built.embedder.id);
    expect(answers(reused)).toEqual(answers(built));
    expect(answers(reused)).toEqual(answers(new CatalogRetriever(catalog, { texts })));
  });

  it("is rebuilt when the catalog changes, replacing only that tenant's old file", () => {
    const dir = mkdtempSync(join(tmpdir(), "catalog-index-"));
    writeFileSync(join(dir, "online-retail-x@0000.v8"), "another tenant's");
    const before = new CatalogRetriever(catalog, { texts, indexDir: dir });
    const changed = withSynonym(catalog, "Blighty");
    const after = new CatalogRetriever(changed, { texts, indexDir: dir });
    expect(after.fingerprint).not.toBe(before.fingerprint);
    expect(readdirSync(dir).sort()).toEqual(
      [`online-retail-x@0000.v8`, `online-retail@${after.fingerprint}.v8`].sort(),
    );
    expect(answers(after)).toEqual(answers(new CatalogRetriever(changed, { texts })));
  });

  it("ignores a file it cannot read and builds instead", () => {
    const dir = mkdtempSync(join(tmpdir(), "catalog-index-"));
    const fresh = new CatalogRetriever(catalog, { texts });
    writeFileSync(join(dir, `online-retail@${fresh.fingerprint}.v8`), "not an index");
    expect(loadBuiltIndex(dir, "online-retail", fresh.fingerprint)).toBeUndefined();
    const rebuilt = new CatalogRetriever(catalog, { texts, indexDir: dir });
    expect(answers(rebuilt)).toEqual(answers(fresh));
    expect(loadBuiltIndex(dir, "online-retail", fresh.fingerprint)).toBeDefined();
  });
});
