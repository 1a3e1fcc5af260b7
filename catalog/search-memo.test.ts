import { describe, expect, it } from "vitest";
import type { TenantCatalog } from "../state/catalog.ts";
import { HashedNgramEmbedder } from "./embedder.ts";
import { CatalogRetriever } from "./retriever.ts";
import { catalogFingerprint } from "./search-memo.ts";

function catalogWith(countries: string[]): TenantCatalog {
  return {
    tenant: "memo-test",
    currency: "GBP",
    facets: [
      {
        id: "country",
        label: "Country",
        description: "The customer's country.",
        kind: "attribute",
        type: "enum",
        synonyms: ["country"],
        values: countries.map((c) => ({ value: c, label: c, synonyms: [] })),
      },
    ],
  };
}

const values = (hits: { value?: string }[]) => hits.map((h) => h.value);

describe("memoised catalog search", () => {
  it("answers a repeated search from the memo: the same frozen hits", () => {
    const retriever = new CatalogRetriever(catalogWith(["Germany", "France"]));
    const first = retriever.search("germny", { limit: 2 });
    const again = retriever.search("germny", { limit: 2 });
    expect(values(first)[0]).toBe("Germany");
    expect(again[0]).toBe(first[0]);
    expect(Object.isFrozen(first[0])).toBe(true);
  });

  it("shares answers between retrievers of the same catalog", () => {
    const a = new CatalogRetriever(catalogWith(["Germany", "France"]));
    const b = new CatalogRetriever(catalogWith(["Germany", "France"]));
    expect(b.fingerprint).toBe(a.fingerprint);
    expect(b.search("frnce")[0]).toBe(a.search("frnce")[0]);
  });

  it("never serves a changed catalog the old catalog's hits", () => {
    const before = new CatalogRetriever(catalogWith(["Germany", "France"]));
    expect(values(before.search("spaim"))).not.toContain("Spain");
    const after = new CatalogRetriever(catalogWith(["Germany", "France", "Spain"]));
    expect(after.fingerprint).not.toBe(before.fingerprint);
    expect(values(after.search("spaim"))[0]).toBe("Spain");
  });

  it("keys on the options: another limit or filter is another search", () => {
    const retriever = new CatalogRetriever(catalogWith(["Germany", "France", "Finland"]));
    expect(retriever.search("germany", { limit: 3 }).length).toBeGreaterThan(1);
    expect(retriever.search("germany", { limit: 1 })).toHaveLength(1);
    expect(values(retriever.search("germany", { target: "facet" }))).toEqual([undefined]);
    expect(values(retriever.search("germany", { target: "value" }))[0]).toBe("Germany");
  });

  it("returns an array the caller may change without changing the memo", () => {
    const retriever = new CatalogRetriever(catalogWith(["Germany", "France"]));
    const hits = retriever.search("germany");
    hits.length = 0;
    expect(values(retriever.search("germany"))[0]).toBe("Germany");
  });
});

describe("catalogFingerprint", () => {
  const embedder = { id: new HashedNgramEmbedder().id, fit: true };

  it("changes with the catalog, its texts and the embedder", () => {
    const base = catalogFingerprint(catalogWith(["France"]), {}, embedder);
    expect(catalogFingerprint(catalogWith(["France"]), {}, embedder)).toBe(base);
    expect(catalogFingerprint(catalogWith(["Spain"]), {}, embedder)).not.toBe(base);
    expect(catalogFingerprint(catalogWith(["France"]), { w: ["x"] }, embedder)).not.toBe(base);
    expect(catalogFingerprint(catalogWith(["France"]), {}, { ...embedder, fit: false })).not.toBe(
      base,
    );
    const other = new HashedNgramEmbedder({ dimension: 256 }).id;
    expect(catalogFingerprint(catalogWith(["France"]), {}, { id: other, fit: true })).not.toBe(
      base,
    );
  });
});
