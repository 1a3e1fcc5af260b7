/**
 * Retrieval benchmark: recall@5 of catalog values on a labelled set (retrieval-labels.jsonl:
 * a phrase and the value(s) it means) and latency per search, for each way of searching:
 *
 *   - hybrid, in process: CatalogRetriever.search, what the parser uses today (first call per
 *     phrase, i.e. not served by the search memo);
 *   - hybrid through the VectorStore interface (CatalogVectorSearch) over the in-process store,
 *     and over Milvus when MILVUS_ADDRESS is set (printed as skipped otherwise);
 *   - vector only (the store's top 5) and lexical only (what the breaker falls back to).
 *
 *   DATABASE_URL=postgres://... npm run bench:retrieval [-- runs=5]
 *
 * Needs the online-retail warehouse loaded (`segment load`). Timings are printed, never
 * asserted. Recipes have their own labelled set and benchmark (bench/recipe-bench.ts), which
 * `npm run bench:retrieval` runs after this one.
 */
import { readFileSync } from "node:fs";
import pg from "pg";
import { loadOnlineRetailCatalog } from "../catalog/online-retail.ts";
import { CatalogRetriever, type CatalogHit } from "../catalog/retriever.ts";
import { CatalogVectorSearch } from "../catalog/vector-search.ts";
import { parseEnv, vectorConfigFrom } from "../state/config.ts";
import { InProcessVectorStore } from "../vectors/in-process.ts";
import { MilvusVectorStore } from "../vectors/milvus.ts";
import { offlineEmbedder, type TextEmbedder } from "../vectors/embedder.ts";
import { createTextEmbedder } from "../vectors/index.ts";
import type { VectorStore } from "../vectors/store.ts";

const RUNS = Number(process.argv[2] ?? 5);
const K = 5;

interface Label {
  phrase: string;
  expected: { facetId: string; value: string }[];
  kind: string;
}

const labels: Label[] = readFileSync(new URL("./retrieval-labels.jsonl", import.meta.url), "utf8")
  .split("\n")
  .filter((l) => l.trim() !== "")
  .map((l) => JSON.parse(l) as Label);

const keyOf = (h: { facetId: string; value?: string }) => `${h.facetId}:${h.value ?? ""}`;

/** Share of the expected values found in the top K (at most K can be). */
function recall(label: Label, found: readonly string[]): number {
  const top = new Set(found.slice(0, K));
  const hit = label.expected.filter((e) => top.has(keyOf(e))).length;
  return hit / Math.min(K, label.expected.length);
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

interface ModeResult {
  mode: string;
  recalls: number[];
  top1: number;
  times: number[];
}

type Search = (phrase: string) => Promise<string[]> | string[];

async function measure(mode: string, runs: number, search: Search): Promise<ModeResult> {
  const times: number[] = [];
  let recalls: number[] = [];
  let top1 = 0;
  for (let run = 0; run < runs; run++) {
    const pass: number[] = [];
    top1 = 0;
    for (const label of labels) {
      const started = performance.now();
      const found = await search(label.phrase);
      times.push(performance.now() - started);
      pass.push(recall(label, found));
      if (label.expected.some((e) => keyOf(e) === found[0])) top1++;
    }
    recalls = pass;
  }
  return { mode, recalls, top1, times };
}

const hitsKeys = (hits: readonly CatalogHit[]) => hits.map(keyOf);

async function main(): Promise<void> {
  const env = parseEnv();
  if (!env.DATABASE_URL)
    throw new Error("set DATABASE_URL to a database with the warehouse loaded");
  const pool = new pg.Pool({ connectionString: env.DATABASE_URL });
  const { catalog, productNames } = await loadOnlineRetailCatalog(pool).finally(() => pool.end());

  for (const l of labels) {
    for (const e of l.expected) {
      const facet = catalog.facets.find((f) => f.id === e.facetId);
      if (!facet?.values?.some((v) => v.value === e.value)) {
        throw new Error(`label "${l.phrase}": ${keyOf(e)} is not in the catalog`);
      }
    }
  }

  const retriever = new CatalogRetriever(catalog, { texts: { product_word: productNames } });
  const opts = { limit: K, target: "value" as const };
  const results: ModeResult[] = [];
  const notes: string[] = [];

  // JIT warm-up on phrases outside the set, so that the first labelled phrases do not pay for
  // compilation and the memo stays cold for every labelled phrase.
  for (let i = 0; i < 30; i++) {
    retriever.search(`warm up ${i} bags`, opts);
    retriever.searchWith(`warm up ${i} mugs`, opts, undefined);
  }
  // The memo serves repeats of a phrase, so the parser's path is timed on first calls only.
  results.push(
    await measure("hybrid, in process (CatalogRetriever.search)", 1, (p) =>
      hitsKeys(retriever.search(p, opts)),
    ),
  );
  results.push(
    await measure("lexical only (breaker open)", RUNS, (p) =>
      hitsKeys(retriever.searchWith(p, opts, undefined)),
    ),
  );

  // Embedding spaces: the offline embedder, and the configured model when there is one.
  const offline = offlineEmbedder(retriever.embedder);
  const remote = createTextEmbedder(vectorConfigFrom(env), retriever.embedder);
  const spaces: { label: string; embedder: TextEmbedder }[] = [
    { label: "offline", embedder: offline },
  ];
  if (remote.embedder.id !== offline.id)
    spaces.push({ label: remote.embedder.id, embedder: remote.embedder });
  else notes.push("remote embedder skipped: EMBEDDINGS_MODEL and OPENAI_BASE_URL are not both set");

  const stores: { label: string; open: (dimension: number) => VectorStore }[] = [
    { label: "in-process store", open: (dimension) => new InProcessVectorStore(dimension) },
  ];
  if (env.MILVUS_ADDRESS) {
    stores.push({
      label: `milvus ${env.MILVUS_ADDRESS}`,
      open: (dimension) =>
        new MilvusVectorStore({
          address: env.MILVUS_ADDRESS!,
          token: env.MILVUS_TOKEN,
          database: env.MILVUS_DATABASE,
          dimension,
          collectionPrefix: `${env.MILVUS_COLLECTION_PREFIX}bench_`,
          timeoutMs: env.MILVUS_TIMEOUT_MS,
        }),
    });
  } else {
    notes.push("Milvus skipped: MILVUS_ADDRESS is not set");
  }

  for (const space of spaces) {
    for (const { label, open } of stores) {
      results.push(
        ...(await storeModes(
          `${label}, ${space.label}`,
          open(space.embedder.dimension),
          space.embedder,
        )),
      );
    }
  }
  await remote.close();

  async function storeModes(
    label: string,
    store: VectorStore,
    embedder: TextEmbedder,
  ): Promise<ModeResult[]> {
    try {
      // No breaker timeout in the benchmark: a slow store should show as slow, not as lexical.
      const search = new CatalogVectorSearch(retriever, store, {
        candidates: env.VECTOR_SEARCH_CANDIDATES,
        timeoutMs: 60_000,
        embedder: embedder === offline ? undefined : embedder,
      });
      const started = performance.now();
      const count = await search.index();
      notes.push(
        `${label}: indexed ${count} name vectors in ${(performance.now() - started).toFixed(0)} ms`,
      );
      const hybrid = await measure(
        `hybrid via VectorStore, ${label}, top ${env.VECTOR_SEARCH_CANDIDATES}`,
        RUNS,
        async (p) => {
          const r = await search.search(p, opts);
          if (r.source !== "hybrid") throw new Error(`${label} fell back to lexical (${r.reason})`);
          return hitsKeys(r.hits);
        },
      );
      const vectorOnly = await measure(`vector only, ${label}`, RUNS, async (p) => {
        const [vector] = await embedder.embed([p]);
        // Names of facets (not values) are in the store too; keep the first K value names.
        const matches = await store.search({
          kind: "catalog_value",
          tenant: catalog.tenant,
          vector: vector!,
          k: 4 * K,
        });
        const keys = matches
          .filter((m) => m.meta.value !== undefined)
          .map((m) => `${m.meta.facetId}:${m.meta.value}`);
        return [...new Set(keys)];
      });
      await store.delete({ kind: "catalog_value", tenant: catalog.tenant });
      if (store instanceof MilvusVectorStore) await store.dropCollections();
      return [hybrid, vectorOnly];
    } finally {
      await store.close();
    }
  }

  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  console.log(
    `catalog ${catalog.tenant}: ${retriever.stats.documents} documents, ${retriever.stats.vectors} name vectors; ` +
      `${labels.length} labelled phrases; embedder ${retriever.embedder.id.slice(0, 40)}…; ${RUNS} runs; node ${process.version}`,
  );
  console.table(
    results.map((r) => ({
      mode: r.mode,
      "recall@5": mean(r.recalls).toFixed(3),
      "top-1": `${r.top1}/${labels.length}`,
      searches: r.times.length,
      median_ms: quantile(r.times, 0.5).toFixed(3),
      p95_ms: quantile(r.times, 0.95).toFixed(3),
    })),
  );
  const kinds = [...new Set(labels.map((l) => l.kind))];
  console.log("recall@5 by kind of phrase:");
  console.table(
    results.map((r) => ({
      mode: r.mode.replace(/, top \d+$/, ""),
      ...Object.fromEntries(
        kinds.map((k) => {
          const idx = labels.flatMap((l, i) => (l.kind === k ? [i] : []));
          return [`${k} (${idx.length})`, mean(idx.map((i) => r.recalls[i]!)).toFixed(2)];
        }),
      ),
    })),
  );
  for (const n of notes) console.log(`• ${n}`);
}

await main();
