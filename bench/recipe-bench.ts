/**
 * Recipe retrieval benchmark: recall@5 of saved segments for new requests on a labelled set
 * (recipe-labels.jsonl: 20 saved requests, and requests that should find one of them or none)
 * and latency per search (embedding included), through the recipe index (vectors/recipes.ts)
 * over the in-process store, and over Milvus when MILVUS_ADDRESS is set (a skip note
 * otherwise). Also how many like requests a threshold lets through, and how many unrelated
 * ones it lets through wrongly, to set RECIPE_MIN_SCORE.
 *
 *   DATABASE_URL=postgres://... npm run bench:recipes [-- runs=5]
 *
 * The saved segments are made as a user makes them — each request runs through the graph on
 * the online-retail warehouse — so the recipe text is the real request and explanation.
 * Timings are printed, never asserted.
 */
import { readFileSync } from "node:fs";
import { HashedNgramEmbedder } from "../catalog/embedder.ts";
import { recipeExplanation } from "../runtime/recipes.ts";
import { runRequest } from "../runtime/run.ts";
import { startServices } from "../runtime/services.ts";
import { parseEnv, vectorConfigFrom } from "../state/config.ts";
import { percentile } from "./stats.ts";
import { offlineEmbedder, type TextEmbedder } from "../vectors/embedder.ts";
import { InProcessVectorStore } from "../vectors/in-process.ts";
import { MilvusVectorStore } from "../vectors/milvus.ts";
import { RecipeIndex, type RecipeDoc } from "../vectors/recipes.ts";
import type { VectorStore } from "../vectors/store.ts";

const RUNS = Number(/^(?:runs=)?(\d+)$/.exec(process.argv[2] ?? "")?.[1] ?? 5);
const K = 5;
const TENANT = "recipe-bench";
const THRESHOLDS = [0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7];

type Line =
  { recipe: string; request: string } | { query: string; expected: string[]; kind: string };
type Query = Extract<Line, { query: string }>;

const lines: Line[] = readFileSync(new URL("./recipe-labels.jsonl", import.meta.url), "utf8")
  .split("\n")
  .filter((l) => l.trim() !== "")
  .map((l) => JSON.parse(l) as Line);
const saved = lines.filter((l): l is Extract<Line, { recipe: string }> => "recipe" in l);
const queries = lines.filter((l): l is Query => "query" in l);
const positives = queries.filter((q) => q.expected.length > 0);
const negatives = queries.filter((q) => q.expected.length === 0);

/** The saved requests made into segments by the graph, as a user would make them. */
async function savedDocs(): Promise<{ docs: RecipeDoc[]; notes: string[] }> {
  const services = await startServices(parseEnv(), { onStatus: () => {} });
  const notes: string[] = [];
  try {
    const docs: RecipeDoc[] = [];
    for (const r of saved) {
      const result = await runRequest(services, { tenant: "online-retail", request: r.request });
      if (result.status !== "ok") notes.push(`${r.recipe} made no segment (${result.status})`);
      docs.push({
        tenant: TENANT,
        segmentId: r.recipe,
        name: r.recipe,
        request: r.request,
        explanation: result.segment
          ? recipeExplanation(result.segment.root, services.tenants.get("online-retail")!.catalog)
          : [],
        size: result.size,
        savedBy: "bench",
      });
    }
    return { docs, notes };
  } finally {
    await services.close();
  }
}

interface Scored {
  /** Best first: the recipe ids and scores of the top K, no threshold. */
  top: { id: string; score: number }[];
  ms: number;
}

async function searchAll(index: RecipeIndex): Promise<{ scored: Scored[]; times: number[] }> {
  const times: number[] = [];
  let scored: Scored[] = [];
  for (let run = 0; run < RUNS; run++) {
    scored = [];
    for (const q of queries) {
      const started = performance.now();
      const found = await index.search(TENANT, q.query, K);
      const ms = performance.now() - started;
      times.push(ms);
      if (found.source !== "vector") throw new Error(`search unavailable: ${found.reason}`);
      scored.push({ top: found.matches.map((m) => ({ id: m.segmentId, score: m.score })), ms });
    }
  }
  return { scored, times };
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

function recallAt5(scored: Scored[]): number {
  return mean(
    queries.flatMap((q, i) =>
      q.expected.length === 0
        ? []
        : [
            q.expected.filter((e) => scored[i]!.top.some((t) => t.id === e)).length /
              q.expected.length,
          ],
    ),
  );
}

function top1(scored: Scored[]): number {
  return queries.filter((q, i) => q.expected.length > 0 && q.expected[0] === scored[i]!.top[0]?.id)
    .length;
}

async function measure(
  label: string,
  store: VectorStore,
  embedder: TextEmbedder,
  docs: RecipeDoc[],
) {
  const index = new RecipeIndex(store, embedder, {
    minScore: -1,
    limit: K,
    timeoutMs: 10_000,
    breakerFailures: 1_000,
    breakerHalfOpenMs: 1_000,
  });
  try {
    await index.remove(
      TENANT,
      docs.map((d) => d.segmentId),
    );
    await index.upsert(docs);
    const { scored, times } = await searchAll(index);
    await index.remove(
      TENANT,
      docs.map((d) => d.segmentId),
    );
    return { label, scored, times };
  } finally {
    if (store instanceof MilvusVectorStore) await store.dropCollections().catch(() => {});
    await store.close();
  }
}

/** At threshold t: like requests whose recipe is suggested first, unrelated ones given any. */
function atThreshold(scored: Scored[], t: number) {
  let found = 0;
  let wrong = 0;
  queries.forEach((q, i) => {
    const best = scored[i]!.top[0];
    const suggested = best !== undefined && best.score >= t;
    if (q.expected.length > 0 && suggested && q.expected.includes(best.id)) found++;
    if (q.expected.length === 0 && suggested) wrong++;
  });
  return { found, wrong };
}

async function main() {
  const env = parseEnv();
  const { docs, notes } = await savedDocs();
  const embedder = offlineEmbedder(new HashedNgramEmbedder());
  const requestOnly = docs.map((d) => ({ ...d, explanation: [] }));
  const results = [
    await measure("in-process", new InProcessVectorStore(embedder.dimension), embedder, docs),
    await measure(
      "in-process, request only (no explanation)",
      new InProcessVectorStore(embedder.dimension),
      embedder,
      requestOnly,
    ),
  ];
  const cfg = vectorConfigFrom(env);
  if (cfg.milvus) {
    const store = new MilvusVectorStore({
      ...cfg.milvus,
      collectionPrefix: `${cfg.milvus.collectionPrefix}bench_`,
      dimension: embedder.dimension,
    });
    results.push(await measure(`milvus ${cfg.milvus.address}`, store, embedder, docs));
  } else notes.push("Milvus skipped: MILVUS_ADDRESS is not set");
  console.log(
    `recipes: ${docs.length} saved segments, ${positives.length} requests with a recipe, ` +
      `${negatives.length} without; embedder ${embedder.id.slice(0, 40)}; ${RUNS} runs; node ${process.version}`,
  );
  console.table(
    results.map((r) => ({
      store: r.label,
      "recall@5": recallAt5(r.scored).toFixed(3),
      "top-1": `${top1(r.scored)}/${positives.length}`,
      searches: r.times.length,
      median_ms: percentile(r.times, 50).toFixed(3),
      p95_ms: percentile(r.times, 95).toFixed(3),
    })),
  );
  const kinds = [...new Set(positives.map((q) => q.kind))];
  console.log("recall@5 by kind of request:");
  console.table(
    results.map((r) => ({
      store: r.label,
      ...Object.fromEntries(
        kinds.map((k) => {
          const idx = queries.flatMap((q, i) => (q.kind === k ? [i] : []));
          const sub = idx.map((i) =>
            queries[i]!.expected.some((e) => r.scored[i]!.top.some((t) => t.id === e)) ? 1 : 0,
          );
          return [`${k} (${idx.length})`, mean(sub).toFixed(2)];
        }),
      ),
    })),
  );
  console.log(
    `the best match against a threshold (RECIPE_MIN_SCORE, now ${cfg.recipes.minScore}): ` +
      `right recipe suggested first / unrelated request given one, of ${positives.length} / ${negatives.length}`,
  );
  console.table(
    THRESHOLDS.map((t) => ({
      threshold: t,
      ...Object.fromEntries(
        results.map((r) => {
          const { found, wrong } = atThreshold(r.scored, t);
          return [r.label, `${found} / ${wrong}`];
        }),
      ),
    })),
  );
  const first = results[0]!;
  queries.forEach((q, i) => {
    const top = first.scored[i]!.top;
    if (q.expected.length > 0 && !q.expected.some((e) => top.some((t) => t.id === e)))
      notes.push(
        `${first.label}: "${q.query}" does not find ${q.expected.join(", ")} in its top ${K}`,
      );
  });
  for (const n of notes) console.log(`• ${n}`);
}

await main();
