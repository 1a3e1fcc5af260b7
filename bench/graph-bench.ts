/**
 * Benchmark: the dev queries run warm through the NSC graph with the Postgres checkpointer,
 * in one process. Prints p50/p95 latency per step and end to end, and requests per second.
 *
 *   npm run bench [-- --rounds 5 --concurrency 1 --runs 3]
 *
 * With --runs N it repeats the whole measurement N times and prints the median of each
 * figure across runs (the README quotes these).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { runRequest } from "../runtime/run.ts";
import { startServices, type Services } from "../runtime/services.ts";
import { parseEnv } from "../state/config.ts";

const STEPS = [
  "perceive",
  "decompose",
  "tagDates",
  "shortlistFacets",
  "mapFacets",
  "validate",
  "formatSegment",
  "estimateSize",
];

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx]!;
}

const median = (xs: number[]) =>
  percentile(
    [...xs].sort((a, b) => a - b),
    50,
  );

interface RunFigures {
  perStep: Record<string, { p50: number; p95: number }>;
  endToEnd: { p50: number; p95: number };
  rps: number;
  requests: number;
}

async function measure(
  services: Services,
  queries: string[],
  rounds: number,
  concurrency: number,
): Promise<RunFigures> {
  const steps: Record<string, number[]> = Object.fromEntries(STEPS.map((s) => [s, []]));
  const total: number[] = [];
  const work = Array.from({ length: rounds }, () => queries).flat();
  let next = 0;
  const started = performance.now();
  async function worker() {
    while (next < work.length) {
      const query = work[next++]!;
      const t0 = performance.now();
      const r = await runRequest(services, { tenant: "online-retail", request: query });
      total.push(performance.now() - t0);
      for (const a of r.audit) steps[a.step]?.push(a.ms);
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  const stat = (xs: number[]) => {
    const sorted = [...xs].sort((a, b) => a - b);
    return { p50: percentile(sorted, 50), p95: percentile(sorted, 95) };
  };
  return {
    perStep: Object.fromEntries(STEPS.map((s) => [s, stat(steps[s]!)])),
    endToEnd: stat(total),
    rps: work.length / seconds,
    requests: work.length,
  };
}

async function main() {
  const { values } = parseArgs({
    options: {
      rounds: { type: "string", default: "5" },
      concurrency: { type: "string", default: "1" },
      runs: { type: "string", default: "3" },
    },
  });
  const rounds = Number(values.rounds);
  const concurrency = Number(values.concurrency);
  const runs = Number(values.runs);
  const env = parseEnv();
  const queries = readFileSync(join(env.ONLINE_RETAIL_DIR, "dev-queries.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => (JSON.parse(l) as { query: string }).query);

  const services = await startServices(env, { onStatus: (m) => process.stderr.write(`• ${m}\n`) });
  const results: RunFigures[] = [];
  try {
    // Warm-up: JIT, Postgres plans and buffers, the checkpointer's tables.
    await measure(services, queries, 1, concurrency);
    for (let i = 0; i < runs; i++) {
      process.stderr.write(
        `• run ${i + 1}/${runs}: ${rounds} × ${queries.length} requests, concurrency ${concurrency}\n`,
      );
      results.push(await measure(services, queries, rounds, concurrency));
    }
  } finally {
    await services.close();
  }
  const fmt = (n: number) => n.toFixed(2).padStart(9);
  console.log(
    `NSC graph, rules tier, Postgres checkpointer (${env.DATABASE_URL ? "DATABASE_URL" : "embedded"}), ` +
      `${results[0]?.requests ?? 0} requests per run, concurrency ${concurrency}, median of ${runs} runs\n`,
  );
  console.log(`${"step".padEnd(16)} | ${"p50 ms".padStart(9)} | ${"p95 ms".padStart(9)}`);
  console.log(`${"-".repeat(16)}-|-${"-".repeat(9)}-|-${"-".repeat(9)}`);
  for (const s of STEPS) {
    console.log(
      `${s.padEnd(16)} | ${fmt(median(results.map((r) => r.perStep[s]!.p50)))} | ${fmt(median(results.map((r) => r.perStep[s]!.p95)))}`,
    );
  }
  console.log(
    `${"end to end".padEnd(16)} | ${fmt(median(results.map((r) => r.endToEnd.p50)))} | ${fmt(median(results.map((r) => r.endToEnd.p95)))}`,
  );
  console.log(
    `\nrequests per second (one process): ${median(results.map((r) => r.rps)).toFixed(1)}`,
  );
}

await main();
