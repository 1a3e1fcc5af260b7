/**
 * Benchmark: segment execution on the line-level form (what the compiler emitted before the
 * feature tables) against the cheapest exact form, on the same database in the same run. The
 * requests are the slow conditions named in issue 10 plus the dev and golden sets; each is
 * understood once through the graph, then both forms of its rule tree are executed in
 * alternation. Prints EXPLAIN ANALYZE execution times for the named conditions and the
 * size-query latency p50/p95 (what estimateSize pays) over every request, and checks that
 * both forms count the same members.
 *
 *   npm run bench:forms [-- --repeats 7]
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { runRequest } from "../runtime/run.ts";
import { startServices, type Services } from "../runtime/services.ts";
import { parseEnv } from "../state/config.ts";
import type { RuleNode } from "../state/segment.ts";
import { compileSegment, type CompiledSql } from "../warehouse/compile.ts";

const NAMED = [
  "customers with at least 5 orders and an average order value over £300",
  "customers whose total spend is above £1,000",
  "customers who ordered at least twice in Q3 2011",
  "customers who bought kitchen items but never textiles",
];

interface Request {
  query: string;
  asOf?: string;
}

function readSet(file: string): Request[] {
  return readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Request & { tenant?: string })
    .filter((c) => (c.tenant ?? "online-retail") === "online-retail" && c.query)
    .map((c) => ({ query: c.query, asOf: c.asOf }));
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? NaN;
};

/** EXPLAIN ANALYZE's execution time of the size query, read-only as estimateSize runs it. */
async function explainMs(services: Services, sql: CompiledSql): Promise<number> {
  const client = await services.db.pool.connect();
  try {
    await client.query("begin transaction read only");
    const { rows } = await client.query<{ "QUERY PLAN": [{ "Execution Time": number }] }>({
      text: `explain (analyze, format json) select count(*) as n from (${sql.text}) m`,
      values: sql.values,
    });
    return rows[0]!["QUERY PLAN"][0]["Execution Time"];
  } finally {
    await client.query("rollback");
    client.release();
  }
}

async function timed<T>(f: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const out = await f();
  return [performance.now() - t0, out];
}

interface Figures {
  /** Per request, the median size-query time of each form. */
  lines: number[];
  cheapest: number[];
  slowest: { query: string; ms: number }[];
  /** Markdown rows for the named requests. */
  named: string[];
  differ: number;
}

/** Executes both forms of every tree alternately, so load drifts hit both alike. */
async function measureForms(
  services: Services,
  roots: { query: string; root: RuleNode }[],
  repeats: number,
): Promise<Figures> {
  const binding = services.tenants.get("online-retail")!.binding;
  const f: Figures = { lines: [], cheapest: [], slowest: [], named: [], differ: 0 };
  for (const { query, root } of roots) {
    const old = compileSegment(root, binding, { forms: "lines" });
    const now = compileSegment(root, binding);
    // The first execution of each warms plans and buffers, and checks the counts agree.
    const [a, b] = [await services.warehouse.size(old), await services.warehouse.size(now)];
    if (a !== b) f.differ++;
    const perOld: number[] = [];
    const perNew: number[] = [];
    for (let i = 0; i < repeats; i++) {
      perOld.push((await timed(() => services.warehouse.size(old)))[0]);
      perNew.push((await timed(() => services.warehouse.size(now)))[0]);
    }
    f.lines.push(quantile(perOld, 0.5));
    f.cheapest.push(quantile(perNew, 0.5));
    f.slowest.push({ query, ms: quantile(perNew, 0.5) });
    if (!NAMED.includes(query)) continue;
    const eOld: number[] = [];
    const eNew: number[] = [];
    for (let i = 0; i < repeats; i++) {
      eOld.push(await explainMs(services, old));
      eNew.push(await explainMs(services, now));
    }
    const [o, n] = [quantile(eOld, 0.5), quantile(eNew, 0.5)];
    f.named.push(
      `| ${query} | ${a} | ${o.toFixed(2)} | ${n.toFixed(2)} | ${(o / n).toFixed(0)}× |`,
    );
  }
  return f;
}

function print(f: Figures, repeats: number, requests: number) {
  console.log(`EXPLAIN ANALYZE execution time, median of ${repeats} (ms)\n`);
  console.log("| request | size | lines | features | speed-up |\n| --- | --- | --- | --- | --- |");
  console.log(f.named.join("\n"));
  console.log(
    `\nsize query, wall time through the pool, median of ${repeats} per request, ` +
      `${requests} requests (the named ones, dev and golden, each once)\n`,
  );
  console.log("| form | p50 ms | p95 ms | max ms |\n| --- | --- | --- | --- |");
  for (const [name, ms] of [
    ["lines (before)", f.lines],
    ["cheapest (now)", f.cheapest],
  ] as const)
    console.log(
      `| ${name} | ${quantile(ms, 0.5).toFixed(2)} | ${quantile(ms, 0.95).toFixed(2)} | ${Math.max(...ms).toFixed(2)} |`,
    );
  console.log("\nslowest now:");
  for (const x of f.slowest.sort((a, b) => b.ms - a.ms).slice(0, 5))
    console.log(`  ${x.ms.toFixed(2)} ms  ${x.query}`);
  console.log(`\nrequests whose two forms count different members: ${f.differ}`);
}

async function main() {
  const { values } = parseArgs({ options: { repeats: { type: "string", default: "5" } } });
  const repeats = Number(values.repeats);
  const env = parseEnv();
  // Each request once: some named ones are also dev or golden cases.
  const seen = new Set<string>();
  const requests: Request[] = [
    ...NAMED.map((query) => ({ query })),
    ...readSet(join(env.ONLINE_RETAIL_DIR, "dev-queries.jsonl")),
    ...readSet(join(import.meta.dirname, "../evals/datasets/online-retail-golden.jsonl")),
  ].filter((r) => !seen.has(r.query) && seen.add(r.query));
  const services = await startServices(env, { onStatus: (m) => process.stderr.write(`• ${m}\n`) });
  try {
    const roots: { query: string; root: RuleNode }[] = [];
    for (const r of requests) {
      const out = await runRequest(services, {
        tenant: "online-retail",
        request: r.query,
        asOf: r.asOf,
      });
      if (out.status === "ok" && out.segment)
        roots.push({ query: r.query, root: out.segment.root });
      else if (NAMED.includes(r.query)) throw new Error(`"${r.query}" did not give a segment`);
    }
    const figures = await measureForms(services, roots, repeats);
    print(figures, repeats, roots.length);
    if (figures.differ) process.exitCode = 1;
  } finally {
    await services.close();
  }
}

await main();
