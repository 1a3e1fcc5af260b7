/**
 * Benchmark: estimateSize on the dev and golden sets. Each request is understood once through
 * the graph (its compiled SQL kept), then every segment is sized `--rounds` times, interleaved
 * (round r sizes every request before round r+1), through `Warehouse.size` as estimateSize runs
 * it. Prints p50/p95/max over all sizings, and the slowest requests by their median.
 *
 *   npm run bench:size [-- --rounds 5 --sets dev,golden --slowest 10]
 */
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { loadSet, setFiles } from "../evals/cases.ts";
import { runRequest } from "../runtime/run.ts";
import { startServices } from "../runtime/services.ts";
import { parseEnv } from "../state/config.ts";
import type { CompiledSql } from "../warehouse/compile.ts";
import { percentile } from "./stats.ts";

async function main() {
  const { values } = parseArgs({
    options: {
      rounds: { type: "string", default: "5" },
      sets: { type: "string", default: "dev,golden" },
      slowest: { type: "string", default: "10" },
    },
  });
  const env = parseEnv();
  const services = await startServices(env, { onStatus: (m) => console.error(m) });
  try {
    const files = setFiles(env.ONLINE_RETAIL_DIR);
    const requests = values.sets
      .split(",")
      .flatMap((name) => loadSet(name, files[name]!).cases)
      .filter((c) => c.query && (c.tenant ?? "online-retail") === "online-retail")
      .map((c) => c.query!);
    const segments: { request: string; sql: CompiledSql }[] = [];
    for (const request of requests) {
      const r = await runRequest(services, { tenant: "online-retail", request });
      if (r.status === "ok" && r.sql)
        segments.push({ request, sql: { text: r.sql, values: r.params } });
    }
    const ms = segments.map(() => [] as number[]);
    for (let round = 0; round < Number(values.rounds); round++) {
      for (const [i, s] of segments.entries()) {
        const t0 = performance.now();
        await services.warehouse.size(s.sql);
        ms[i]!.push(performance.now() - t0);
      }
    }
    const all = ms.flat();
    console.log(
      `\nestimateSize over ${segments.length} segments (of ${requests.length} requests) x ${values.rounds} rounds`,
    );
    console.log("| p50 ms | p95 ms | max ms |\n| ------ | ------ | ------ |");
    console.log(
      `| ${percentile(all, 50).toFixed(1)} | ${percentile(all, 95).toFixed(1)} | ${Math.max(...all).toFixed(1)} |`,
    );
    const slow = segments
      .map((s, i) => ({ request: s.request, median: percentile(ms[i]!, 50) }))
      .sort((a, b) => b.median - a.median)
      .slice(0, Number(values.slowest));
    console.log("\n| median ms | request |\n| --------- | ------- |");
    for (const s of slow) console.log(`| ${s.median.toFixed(1)} | ${s.request} |`);
  } finally {
    await services.close();
  }
}

await main();
