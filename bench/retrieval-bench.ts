/**
 * Catalog retrieval benchmark: builds a 4,000-product synthetic catalog several times and
 * times index construction and the lookups the parser makes per request.
 *
 *   npx tsx bench/retrieval-bench.ts [products=4000] [runs=7]
 *
 * Timings are printed, never asserted: they depend on the machine.
 */
import type { Facet, TenantCatalog } from "../state/catalog.ts";
import { CatalogRetriever } from "../catalog/retriever.ts";

const PRODUCTS = Number(process.argv[2] ?? 4000);
const RUNS = Number(process.argv[3] ?? 7);
const QUERY_REPEATS = 50;

/** Deterministic PRNG (mulberry32), so every run benchmarks the same catalog. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SIZES = ["JUMBO", "LARGE", "SMALL", "MINI", "SET OF 3", "PACK OF 12", "SET/6", ""];
const COLOURS = ["RED", "PINK", "BLUE", "WHITE", "IVORY", "GREEN", "BLACK", "VINTAGE", "GOLD"];
const MOTIFS = [
  "RETROSPOT",
  "POLKADOT",
  "HEART",
  "SPACEBOY",
  "WOODLAND",
  "SKULLS",
  "DOILY",
  "REGENCY",
  "PAISLEY",
  "STRAWBERRY",
  "BIRD",
  "ROSE",
  "STAR",
  "CHRISTMAS",
  "EASTER",
];
const OBJECTS = [
  "BAG",
  "LUNCH BOX",
  "T-LIGHT HOLDER",
  "CAKE STAND",
  "MUG",
  "TEA COSY",
  "CUSHION COVER",
  "PAPER NAPKINS",
  "NECKLACE",
  "BRACELET",
  "GARDEN SIGN",
  "WRAPPING PAPER",
  "DOORMAT",
  "CANDLE",
  "PHOTO FRAME",
  "JEWELLERY BOX",
  "BUNTING",
  "DECORATION",
];

function syntheticCatalog(n: number): { catalog: TenantCatalog; names: string[] } {
  const random = rng(42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const names: string[] = [];
  const products = Array.from({ length: n }, (_, i) => {
    const label = [pick(SIZES), pick(COLOURS), pick(MOTIFS), pick(OBJECTS)]
      .filter((w) => w !== "")
      .join(" ");
    names.push(label);
    const code = `${20000 + i}${i % 3 === 0 ? "A" : ""}`;
    return { value: code, label: `${label} ${i}`, synonyms: [code] };
  });
  const enumFacet = (
    id: string,
    kind: Facet["kind"],
    values: { value: string; label: string; synonyms: string[] }[],
  ): Facet => ({ id, label: id, description: id, kind, type: "enum", synonyms: [id], values });
  const facets: Facet[] = [
    enumFacet("country", "attribute", [
      { value: "United Kingdom", label: "United Kingdom", synonyms: ["UK", "Britain", "British"] },
      { value: "EIRE", label: "Ireland", synonyms: ["Irish", "Republic of Ireland", "EIRE"] },
      { value: "Germany", label: "Germany", synonyms: ["German", "Germans"] },
      { value: "Switzerland", label: "Switzerland", synonyms: ["Swiss"] },
    ]),
    enumFacet("category", "item", [
      {
        value: "Jewellery & Accessories",
        label: "Jewellery & Accessories",
        synonyms: ["jewellery", "jewelry", "accessories"],
      },
      { value: "Kitchen & Dining", label: "Kitchen & Dining", synonyms: ["kitchen", "dining"] },
      { value: "Bags", label: "Bags", synonyms: ["bags", "bag"] },
      { value: "Christmas", label: "Christmas", synonyms: ["xmas", "christmas decorations"] },
    ]),
    enumFacet("product", "item", products),
    {
      id: "product_word",
      label: "Word in product name",
      description: "",
      kind: "item",
      type: "text",
      synonyms: ["named", "called"],
    },
    {
      id: "spend",
      label: "Spend",
      description: "",
      kind: "measure",
      type: "money",
      synonyms: ["spent", "spend", "revenue", "total spent"],
    },
  ];
  return { catalog: { tenant: "bench", currency: "GBP", facets }, names };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function timeEach(repeats: number, fn: (i: number) => void): number[] {
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t = performance.now();
    fn(i);
    times.push(performance.now() - t);
  }
  return times;
}

const { catalog, names } = syntheticCatalog(PRODUCTS);
const texts = { product_word: names };

// CPU time alongside wall time: on a shared machine the wall clock also measures other load.
const buildCpu: number[] = [];
const builds = timeEach(RUNS, () => {
  const before = process.cpuUsage();
  new CatalogRetriever(catalog, { texts });
  const { user, system } = process.cpuUsage(before);
  buildCpu.push((user + system) / 1000);
});
const retriever = new CatalogRetriever(catalog, { texts });

const rows: { operation: string; median_ms: string; min_ms: string; max_ms: string }[] = [];
const record = (operation: string, times: number[]): void => {
  rows.push({
    operation,
    median_ms: median(times).toFixed(3),
    min_ms: Math.min(...times).toFixed(3),
    max_ms: Math.max(...times).toFixed(3),
  });
};
record(`build (${retriever.size} docs), first of ${RUNS}, wall`, builds.slice(0, 1));
record(`build (${retriever.size} docs), first of ${RUNS}, CPU`, buildCpu.slice(0, 1));
record(`build (${retriever.size} docs), runs 2..${RUNS}, wall`, builds.slice(1));
record(`build (${retriever.size} docs), runs 2..${RUNS}, CPU`, buildCpu.slice(1));

const queries: [string, string][] = [
  ["search exact synonym", "irish"],
  ["search one word", "heart"],
  ["search three words", "red retrospot bag"],
  ["search typo", "jewelery"],
  ["search split compound", "retro spot"],
  ["search unrelated", "shoe size"],
];
// Warm up the JIT so the table reports steady-state latency.
for (const [, q] of queries) for (let i = 0; i < 5; i++) retriever.search(q);
for (const [label, q] of queries) {
  record(
    `${label} "${q}"`,
    timeEach(QUERY_REPEATS, () => retriever.search(q)),
  );
}
record(
  `search "heart" in facet product`,
  timeEach(QUERY_REPEATS, () => retriever.search("heart", { facetIds: ["product"] })),
);

// The parser probes every 1..4-gram of a request.
const request = "german or swiss customers who bought the jumbo bag red retrospot in 2011".split(
  " ",
);
const ngrams: string[] = [];
for (let n = 1; n <= 4; n++) {
  for (let i = 0; i + n <= request.length; i++) ngrams.push(request.slice(i, i + n).join(" "));
}
record(
  `exactLookup, all ${ngrams.length} n-grams of a request`,
  timeEach(QUERY_REPEATS, () => ngrams.forEach((g) => retriever.exactLookup(g))),
);

const fresh = [...new Set(names.flatMap((n) => n.toLowerCase().split(" ")))];
record(
  `textMatches, first call per phrase (${fresh.length} phrases)`,
  timeEach(fresh.length, (i) => retriever.textMatches("product_word", fresh[i]!)),
);
record(
  "textMatches, cached",
  timeEach(QUERY_REPEATS, () => retriever.textMatches("product_word", "heart")),
);

const { documents, names: nameCount, vectors, vectorBytes } = retriever.stats;
console.log(
  `catalog: ${PRODUCTS} products → ${documents} documents, ${nameCount} names, ${vectors} vectors ` +
    `(${(vectorBytes / 1e6).toFixed(1)} MB); embedder ${retriever.embedder.id}; node ${process.version}`,
);
console.table(rows);
