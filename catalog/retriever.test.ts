import { describe, expect, it } from "vitest";
import type { TenantCatalog } from "../state/catalog.ts";
import { HashedNgramEmbedder } from "./embedder.ts";
import {
  CatalogRetriever,
  MIN_LINK_SCORE,
  MIN_SUGGEST_SCORE,
  foldToken,
  normalizePhrase,
  type CatalogHit,
} from "./retriever.ts";

const PRODUCTS: [string, string][] = [
  ["85099B", "JUMBO BAG RED RETROSPOT"],
  ["20725", "LUNCH BAG RED RETROSPOT"],
  ["85123A", "WHITE HANGING HEART T-LIGHT HOLDER"],
  ["22423", "REGENCY CAKESTAND 3 TIER"],
  ["47566", "PARTY BUNTING"],
  ["84879", "ASSORTED COLOUR BIRD ORNAMENT"],
  ["23084", "PERSONALISED TEA TOWEL"],
  ["21733", "RED HANGING HEART T-LIGHT HOLDER"],
  ["22086", "PAPER CHAIN KIT 50'S CHRISTMAS"],
];

/** Shaped like the online-retail catalog, small enough to reason about every hit. */
const catalog: TenantCatalog = {
  tenant: "test-retail",
  currency: "GBP",
  facets: [
    {
      id: "country",
      label: "Country",
      description: "The customer's country.",
      kind: "attribute",
      type: "enum",
      synonyms: ["country", "countries", "located in", "based in"],
      values: [
        {
          value: "United Kingdom",
          label: "United Kingdom",
          synonyms: ["UK", "U.K.", "Britain", "British", "England", "GB"],
        },
        {
          value: "EIRE",
          label: "Ireland",
          synonyms: ["Irish", "Republic of Ireland", "EIRE"],
        },
        { value: "Germany", label: "Germany", synonyms: ["German", "Germans"] },
        { value: "Switzerland", label: "Switzerland", synonyms: ["Swiss"] },
        { value: "France", label: "France", synonyms: ["French"] },
      ],
    },
    {
      id: "category",
      label: "Merchandise category",
      description: "Merchandise category.",
      kind: "item",
      type: "enum",
      synonyms: ["category", "department"],
      values: [
        {
          value: "Jewellery & Accessories",
          label: "Jewellery & Accessories",
          synonyms: ["jewellery", "jewelry", "accessories"],
        },
        {
          value: "Kitchen & Dining",
          label: "Kitchen & Dining",
          synonyms: ["kitchen", "kitchenware", "dining"],
        },
        { value: "Bags", label: "Bags", synonyms: ["bags", "bag"] },
        {
          value: "Christmas",
          label: "Christmas",
          synonyms: ["xmas", "christmas decorations"],
        },
      ],
    },
    {
      id: "product",
      label: "Product",
      description: "A specific product.",
      kind: "item",
      type: "enum",
      synonyms: ["product", "stock code", "sku"],
      values: PRODUCTS.map(([value, label]) => ({ value, label, synonyms: [value] })),
    },
    {
      id: "product_word",
      label: "Word in product name",
      description: "A word or phrase in the product's description.",
      kind: "item",
      type: "text",
      synonyms: ["in the name", "named", "called"],
    },
    {
      id: "spend",
      label: "Spend",
      description: "Sum of order line amounts.",
      kind: "measure",
      type: "money",
      synonyms: ["spent", "spend", "revenue", "total spent"],
    },
    {
      id: "orders",
      label: "Order count",
      description: "Distinct orders.",
      kind: "measure",
      type: "number",
      synonyms: ["orders", "ordered", "purchases"],
    },
    {
      id: "last_purchase",
      label: "Last purchase date",
      description: "Date of the most recent order.",
      kind: "recency",
      type: "date",
      synonyms: ["last order", "last purchase", "lapsed"],
    },
  ],
};

const productNames = [
  ...PRODUCTS.map(([, label]) => label),
  "HEART OF WICKER LARGE HEART",
  "Crème Brûlée   DISH",
];

const retriever = new CatalogRetriever(catalog, { texts: { product_word: productNames } });

function ids(hits: readonly CatalogHit[]): string[] {
  return hits.map((h) => (h.value === undefined ? h.facetId : `${h.facetId}:${h.value}`));
}

describe("CatalogRetriever.search", () => {
  it.each([
    ["Irish", "country:EIRE", "Irish"],
    ["britain", "country:United Kingdom", "Britain"],
    // "Germans" folds to the same key as "German", the synonym kept for it.
    ["Germans", "country:Germany", "German"],
    ["revenue", "spend", "revenue"],
    ["purchases", "orders", "purchases"],
    ["bags", "category:Bags", "Bags"],
    ["jumbo bag red retrospot", "product:85099B", "JUMBO BAG RED RETROSPOT"],
  ])("ranks the exact match for %j first with score 1", (query, id, matched) => {
    const hits = retriever.search(query);
    expect(ids(hits)[0]).toBe(id);
    expect(hits[0]).toMatchObject({ score: 1, exact: true, matched });
    // Only exact matches score 1.
    for (const hit of hits.slice(1)) {
      if (!hit.exact) expect(hit.score).toBeLessThan(1);
    }
  });

  it("ranks an exact category match above products that merely contain the word", () => {
    const hits = retriever.search("bag");
    expect(ids(hits)[0]).toBe("category:Bags");
    expect(ids(hits)).toContain("product:85099B");
    expect(hits[1]!.score).toBeLessThan(1);
  });

  it("matches case, punctuation and plural variants of a synonym exactly", () => {
    for (const query of ["the U.K.", "UK's", "KITCHEN AND DINING", "Kitchens", "Swiss!"]) {
      const hits = retriever.search(query, { limit: 1 });
      expect(hits[0]?.exact, query).toBe(true);
      expect(hits[0]?.score, query).toBe(1);
    }
  });

  it.each([
    ["jewelery", "category:Jewellery & Accessories"],
    ["kitchn", "category:Kitchen & Dining"],
    ["retro spot", "product:85099B"],
    ["jumbo bag retro spot", "product:85099B"],
    ["germny", "country:Germany"],
    ["cake stand", "product:22423"],
    ["hanging hearts", "product:85123A"],
    ["spending", "spend"],
  ])("finds %j despite the typo or variant (%s in the top 3)", (query, id) => {
    const hits = retriever.search(query, { limit: 3 });
    expect(ids(hits)).toContain(id);
    const hit = hits.find((h) => ids([h])[0] === id)!;
    expect(hit.exact).toBe(false);
    expect(hit.score).toBeGreaterThanOrEqual(MIN_SUGGEST_SCORE);
  });

  it("links clear typos above MIN_LINK_SCORE", () => {
    for (const query of ["jewelery", "kitchn", "jumbo bag retro spot"]) {
      expect(retriever.search(query, { limit: 1 })[0]!.score, query).toBeGreaterThanOrEqual(
        MIN_LINK_SCORE,
      );
    }
  });

  it.each(["shoe size", "weather forecast", "laptop", "mortgage", "zzzz"])(
    "finds nothing above MIN_LINK_SCORE for the unrelated query %j",
    (query) => {
      const hits = retriever.search(query);
      for (const hit of hits)
        expect(hit.score, `${query} → ${hit.matched}`).toBeLessThan(MIN_LINK_SCORE);
    },
  );

  it("reports which name matched and its component scores", () => {
    const [hit] = retriever.search("republic of irland", { limit: 1 });
    expect(hit).toMatchObject({ facetId: "country", value: "EIRE", label: "Ireland" });
    expect(hit!.matched).toBe("Republic of Ireland");
    expect(hit!.lexical).toBeGreaterThan(0);
    expect(hit!.vector).toBeGreaterThan(0.5);
    expect(hit!.score).toBeLessThan(1);
  });

  it("returns hits sorted by score, within the limit", () => {
    const hits = retriever.search("red heart holder", { limit: 4 });
    expect(hits.length).toBeLessThanOrEqual(4);
    for (let i = 1; i < hits.length; i++) {
      expect(hits[i - 1]!.score).toBeGreaterThanOrEqual(hits[i]!.score);
    }
    expect(ids(hits)[0]).toBe("product:21733");
  });

  it("restricts to the given facets", () => {
    const hits = retriever.search("bag", { facetIds: ["product"] });
    expect(hits.length).toBeGreaterThanOrEqual(2);
    expect(hits.every((h) => h.facetId === "product")).toBe(true);
    expect(ids(hits).slice(0, 2).sort()).toEqual(["product:20725", "product:85099B"]);
  });

  it("restricts to facet kinds and to facet or value documents", () => {
    const measures = retriever.search("spent", { kinds: ["measure"] });
    expect(measures.length).toBeGreaterThan(0);
    expect(measures.every((h) => h.facetId === "spend" || h.facetId === "orders")).toBe(true);

    expect(retriever.search("Irish", { kinds: ["measure", "item"] }).some((h) => h.exact)).toBe(
      false,
    );

    const facets = retriever.search("country", { target: "facet" });
    expect(ids(facets)[0]).toBe("country");
    expect(facets.every((h) => h.value === undefined)).toBe(true);

    const values = retriever.search("country", { target: "value" });
    expect(values.every((h) => h.value !== undefined)).toBe(true);
  });

  it("applies minScore and handles empty queries and limits", () => {
    expect(retriever.search("")).toEqual([]);
    expect(retriever.search("  ?! ")).toEqual([]);
    expect(retriever.search("bag", { limit: 0 })).toEqual([]);
    const strict = retriever.search("bag", { minScore: 0.99 });
    expect(ids(strict)).toEqual(["category:Bags"]);
  });
});

describe("CatalogRetriever.exactLookup", () => {
  it.each([
    ["IRISH", "country:EIRE"],
    ["ireland,", "country:EIRE"],
    ["Republic of Ireland", "country:EIRE"],
    ["eire", "country:EIRE"],
    ["the UK", "country:United Kingdom"],
    ["U.K.", "country:United Kingdom"],
    ["germans", "country:Germany"],
    ["German", "country:Germany"],
    ["Kitchen and Dining", "category:Kitchen & Dining"],
    ["kitchen & dining", "category:Kitchen & Dining"],
    ["JEWELRY", "category:Jewellery & Accessories"],
    ["jewellery and accessories", "category:Jewellery & Accessories"],
    ["accessory", "category:Jewellery & Accessories"],
    ["bag", "category:Bags"],
    ["Christmas decoration", "category:Christmas"],
    ["jumbo bags red retrospot", "product:85099B"],
    ["assorted color bird ornaments", "product:84879"],
    ["personalized tea towel", "product:23084"],
    ["85099b", "product:85099B"],
    ["Total Spent", "spend"],
    ["last orders", "last_purchase"],
    ["stock codes", "product"],
  ])("finds %j → %s", (phrase, id) => {
    const hits = retriever.exactLookup(phrase);
    expect(ids(hits)).toEqual([id]);
    expect(hits[0]).toMatchObject({ score: 1, exact: true, lexical: 1, vector: 1 });
  });

  it.each(["irishman", "kitchens and", "retrospot", "", "   ", "bag red"])(
    "finds nothing for %j",
    (phrase) => {
      expect(retriever.exactLookup(phrase)).toEqual([]);
    },
  );

  it("returns every document sharing the phrase", () => {
    const shared = new CatalogRetriever({
      ...catalog,
      facets: catalog.facets.map((f) =>
        f.id === "orders" ? { ...f, synonyms: [...f.synonyms, "Spent"] } : f,
      ),
    });
    expect(ids(shared.exactLookup("spent")).sort()).toEqual(["orders", "spend"]);
  });

  it("returns the same frozen hits on every call", () => {
    const a = retriever.exactLookup("Irish");
    expect(retriever.exactLookup("IRISH")).toBe(a);
    expect(Object.isFrozen(a[0])).toBe(true);
  });
});

describe("normalizePhrase", () => {
  it.each([
    ["Kitchen & Dining", "kitchen and dining"],
    ["colours", "color"],
    ["Flavoured", "flavored"],
    ["organisers", "organizers"],
    ["personalisation", "personalization"],
    ["analysed", "analyzed"],
    ["travelled", "traveled"],
    ["jewellery", "jewelry"],
    ["accessories", "accessory"],
    ["boxes", "box"],
    ["glasses", "glass"],
    ["pouches", "pouch"],
    ["sizes", "size"],
    ["cookies", "cookie"],
    ["U.S.A.", "usa"],
    ["children's", "children"],
    ["Home Décor", "home decor"],
    ["The Netherlands", "netherlands"],
  ])("folds %j and %j together", (a, b) => {
    expect(normalizePhrase(a)).toBe(normalizePhrase(b));
  });

  it.each([
    ["swiss", "swis"],
    ["bus", "bu"],
    ["glass", "glas"],
    ["hour", "hor"],
    ["filled", "filed"],
    ["holly", "holy"],
  ])("keeps %j and %j apart", (a, b) => {
    expect(normalizePhrase(a)).not.toBe(normalizePhrase(b));
  });

  it("leaves short tokens and codes alone", () => {
    expect(foldToken("us")).toBe("us");
    expect(foldToken("85099b")).toBe("85099b");
    expect(normalizePhrase("the")).toBe("the");
  });
});

describe("CatalogRetriever.textMatches", () => {
  it("counts source texts containing the phrase, ignoring case", () => {
    expect(retriever.textMatches("product_word", "heart")).toBe(3);
    expect(retriever.textMatches("product_word", "HEART")).toBe(3);
    expect(retriever.textMatches("product_word", "red retrospot")).toBe(2);
    expect(retriever.textMatches("product_word", "t-light")).toBe(2);
    expect(retriever.textMatches("product_word", "retro")).toBe(2);
  });

  it("counts a text once however often the phrase occurs in it", () => {
    expect(retriever.textMatches("product_word", "wicker large heart")).toBe(1);
    expect(retriever.textMatches("product_word", "heart of")).toBe(1);
  });

  it("ignores runs of whitespace and diacritics", () => {
    expect(retriever.textMatches("product_word", "  red   retrospot ")).toBe(2);
    expect(retriever.textMatches("product_word", "creme brulee dish")).toBe(1);
  });

  it("returns the same count when asked again (cached)", () => {
    const first = retriever.textMatches("product_word", "bag");
    expect(first).toBe(2);
    expect(retriever.textMatches("product_word", "bag")).toBe(first);
  });

  it("returns 0 for absent phrases, blank phrases and facets without texts", () => {
    expect(retriever.textMatches("product_word", "unicorn")).toBe(0);
    expect(retriever.textMatches("product_word", "")).toBe(0);
    expect(retriever.textMatches("product_word", "   ")).toBe(0);
    expect(retriever.textMatches("country", "uk")).toBe(0);
    expect(retriever.textMatches("nope", "heart")).toBe(0);
    // A phrase spanning two texts must not match across the separator.
    expect(retriever.textMatches("product_word", "retrospot lunch")).toBe(0);
  });

  it("refuses texts for facets that are not text facets", () => {
    expect(() => new CatalogRetriever(catalog, { texts: { country: ["x"] } })).toThrow(
      /not a text facet/,
    );
    expect(() => new CatalogRetriever(catalog, { texts: { missing: ["x"] } })).toThrow(
      /not a text facet/,
    );
  });
});

describe("grounding helpers", () => {
  it("contains() checks canonical values exactly", () => {
    expect(retriever.contains("country", "EIRE")).toBe(true);
    expect(retriever.contains("country", "Ireland")).toBe(false);
    expect(retriever.contains("country", "eire")).toBe(false);
    expect(retriever.contains("product", "85099B")).toBe(true);
    expect(retriever.contains("spend", "EIRE")).toBe(false);
    expect(retriever.contains("nope", "EIRE")).toBe(false);
  });

  it("valueLabel() returns the label of a canonical value", () => {
    expect(retriever.valueLabel("country", "EIRE")).toBe("Ireland");
    expect(retriever.valueLabel("product", "85099B")).toBe("JUMBO BAG RED RETROSPOT");
    expect(retriever.valueLabel("country", "Atlantis")).toBeUndefined();
    expect(retriever.valueLabel("nope", "EIRE")).toBeUndefined();
  });
});

describe("construction", () => {
  it("indexes one document per facet and per value", () => {
    const values = catalog.facets.reduce((n, f) => n + (f.values?.length ?? 0), 0);
    expect(retriever.size).toBe(catalog.facets.length + values);
  });

  it("fits a copy of the embedder and never mutates the one passed in", () => {
    const embedder = new HashedNgramEmbedder();
    const r = new CatalogRetriever(catalog, { embedder });
    expect(embedder.isFitted).toBe(false);
    expect(r.embedder).not.toBe(embedder);
    expect(r.embedder.id).toContain("idf-");

    const unfitted = new CatalogRetriever(catalog, { embedder, fitEmbedder: false });
    expect(unfitted.embedder).toBe(embedder);
    expect(ids(unfitted.search("kitchn", { limit: 3 }))).toContain("category:Kitchen & Dining");
  });

  it("accepts any Embedder implementation", () => {
    const inner = new HashedNgramEmbedder({ dimension: 256 });
    const r = new CatalogRetriever(catalog, {
      embedder: { id: "wrapped", dimension: 256, embed: (texts) => inner.embed(texts) },
    });
    expect(r.embedder.id).toBe("wrapped");
    expect(ids(r.search("jewelery", { limit: 3 }))).toContain("category:Jewellery & Accessories");
  });
});
