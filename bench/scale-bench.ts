/**
 * Scale benchmark (issue 10): online-retail generated at k× its customers
 * (warehouse/generate-scaled.ts), each size loaded into a database of its own by the product's
 * own load statements, then the size query of ten typical requests timed through the product's
 * compiler and executor. The requests are understood once by the graph on online-retail; their
 * rule trees are what every size executes. Prints the load (generate + COPY, derive, features,
 * indexes), the database size on disk and p50/p95 per request and size, and drops each scale
 * database afterwards unless --keep.
 *
 *   DATABASE_URL=postgres://… npm run bench:scale [-- --sizes 1,10,100 --repeats 9 --keep]
 *
 * 1,000× (~407M lines) is refused when it would leave less than --reserve-gb free.
 */
import { Command } from "commander";
import { appendFileSync, readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { runRequest } from "../runtime/run.ts";
import { startServices } from "../runtime/services.ts";
import { parseEnv } from "../state/config.ts";
import type { RuleNode } from "../state/segment.ts";
import { onlineRetailBinding } from "../warehouse/binding.ts";
import { readSourceLines } from "../warehouse/generate-scaled.ts";
import { freeBytes, GB, runSize, schemaBytes, type SizeResult } from "./scale-db.ts";
import { REQUESTS } from "./scale-requests.ts";

const Flags = z.object({
  sizes: z
    .string()
    .transform((s) => s.split(",").map(Number))
    .pipe(z.array(z.number().int().min(1).max(1000)).min(1)),
  repeats: z.coerce.number().int().min(1).max(100),
  seed: z.string().min(1),
  keep: z.boolean(),
  reserveGb: z.coerce.number().min(0),
  timeoutMs: z.coerce.number().int().min(1000),
  out: z.string().optional(),
  report: z.string().optional(),
});

const program = new Command()
  .option("--sizes <list>", "factors of online-retail's customers", "1,10,100")
  .option("--repeats <n>", "timed size queries per request and size", "9")
  .option("--seed <seed>", "generator seed", "scale/2026-12-02")
  .option("--keep", "keep the scale databases (seg_scale_x<k>)", false)
  .option("--reserve-gb <n>", "refuse a size that would leave less free disk", "20")
  .option("--timeout-ms <n>", "statement timeout of a size query", "600000")
  .option("--out <file>", "append each size's raw result to this JSON-lines file as it finishes")
  .option("--report <file>", "print the tables of the results in a --out file, measure nothing");

const quantile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))] ?? NaN;
};
const sec = (ms: number) => (ms / 1000).toFixed(1);
const n = (x: number) => x.toLocaleString("en-GB");
const ms = (x: number) => (x < 100 ? x.toFixed(1) : x.toFixed(0));
const say = (m: string) => process.stderr.write(`• ${m}\n`);

/** The rule tree of each request, understood once on online-retail by the graph. */
async function understand(services: Awaited<ReturnType<typeof startServices>>) {
  const roots: RuleNode[] = [];
  for (const r of REQUESTS) {
    const out = await runRequest(services, { tenant: "online-retail", request: r.request });
    if (out.status !== "ok" || !out.segment)
      throw new Error(`"${r.request}" gave ${out.status}, not a segment`);
    roots.push(out.segment.root);
  }
  return roots;
}

function printSizes(results: SizeResult[]) {
  console.log(
    "| size | customers | lines | generate + COPY s | load s (w/o features) | features s | total s | DB on disk | load avg |",
  );
  console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
  for (const r of results) {
    const copy = r.steps.find((s) => s.step.startsWith("copy"))!.ms;
    const features = r.steps.filter((s) => s.feature).reduce((a, s) => a + s.ms, 0);
    const total = r.steps.reduce((a, s) => a + s.ms, 0);
    console.log(
      `| ${r.factor}× | ${n(r.customers)} | ${n(r.lines)} | ${sec(copy)} | ${sec(total - features)} | ` +
        `${sec(features)} | ${sec(total)} | ${(r.dbBytes / GB).toFixed(2)} GB | ` +
        `${r.load.before.toFixed(1)} → ${r.load.after.toFixed(1)} |`,
    );
  }
}

function printConditions(results: SizeResult[]) {
  const runs = results.map((r) => `${r.factor}×: ${r.conditions[0]?.ms.length}`).join(", ");
  console.log(`\nsize query p50 / p95 ms (timed runs per request: ${runs}), members\n`);
  console.log(`| request | ${results.map((r) => `${r.factor}×`).join(" | ")} |`);
  console.log(`| --- | ${results.map(() => "---").join(" | ")} |`);
  for (const [i, req] of REQUESTS.entries()) {
    const cells = results.map((r) => {
      const c = r.conditions[i]!;
      return `${ms(quantile(c.ms, 0.5))} / ${ms(quantile(c.ms, 0.95))} (${n(c.members)})`;
    });
    console.log(`| ${req.label}: ${req.request} | ${cells.join(" | ")} |`);
  }
}

function printSteps(results: SizeResult[]) {
  console.log("\nload steps, seconds\n");
  console.log(`| step | ${results.map((r) => `${r.factor}×`).join(" | ")} |`);
  console.log(`| --- | ${results.map(() => "---").join(" | ")} |`);
  for (const [i, s] of results[0]!.steps.entries())
    console.log(
      `| ${s.step}${s.feature ? " (features)" : ""} | ${results.map((r) => sec(r.steps[i]?.ms ?? NaN)).join(" | ")} |`,
    );
}

type Flags = z.infer<typeof Flags>;

/** Which sizes fit on the disk, saying what each needs (1,000× always, to state it). */
async function sizesThatFit(flags: Flags, perOne: number, disk: { path: string; free: number }) {
  // The tables and indexes grow with the rows; while loading, the raw copy (a temp table until
  // lines exist) and WAL need more: a third is an estimate with room, not a measurement.
  const need = (k: number) => k * perOne * 1.35;
  say(
    `free on ${disk.path}: ${(disk.free / GB).toFixed(1)} GB; ` +
      `online-retail's tables and indexes: ${(perOne / GB).toFixed(3)} GB`,
  );
  for (const k of [...new Set([...flags.sizes, 1000])].sort((a, b) => a - b))
    say(`${k}×: needs about ${(need(k) / GB).toFixed(1)} GB while loading`);
  return flags.sizes.filter((k) => {
    const ok = disk.free - need(k) >= flags.reserveGb * GB;
    if (!ok) say(`${k}× skipped: it would leave less than ${flags.reserveGb} GB free`);
    return ok;
  });
}

async function measure(flags: Flags): Promise<SizeResult[]> {
  const env = parseEnv();
  if (!env.DATABASE_URL)
    throw new Error("bench:scale needs DATABASE_URL: scale databases are created beside it");
  say(`load average ${loadavg()[0]!.toFixed(2)}`);
  const services = await startServices(env, { onStatus: say });
  let roots: RuleNode[];
  let sizes: number[];
  try {
    roots = await understand(services);
    const perOne = await schemaBytes(services.db.pool, onlineRetailBinding.schema);
    sizes = await sizesThatFit(flags, perOne, await freeBytes(services.db.pool));
  } finally {
    await services.close();
  }
  if (sizes.length === 0) return [];
  const data = env.ONLINE_RETAIL_DIR;
  const source = await readSourceLines(join(data, "online-retail.csv.gz"));
  say(`source: ${n(source.length)} customer lines`);
  const results: SizeResult[] = [];
  for (const factor of sizes) {
    const r = await runSize({
      adminUrl: env.DATABASE_URL,
      database: `seg_scale_x${factor}`,
      source,
      productsFile: join(data, "products.csv"),
      scale: { factor, seed: flags.seed },
      roots,
      repeats: flags.repeats,
      statementTimeoutMs: flags.timeoutMs,
      keep: flags.keep,
      say,
    });
    results.push(r);
    // Each size is printed and saved as it ends: a long run cut short keeps what it measured.
    if (flags.out) appendFileSync(flags.out, `${JSON.stringify(r)}\n`);
    printSizes([r]);
  }
  return results;
}

async function main() {
  const flags = Flags.parse(program.parse().opts());
  // --report prints the tables of sizes measured earlier (--out of one run or several).
  const results = flags.report
    ? readFileSync(flags.report, "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as SizeResult)
        .sort((a, b) => a.factor - b.factor)
    : await measure(flags);
  if (results.length === 0) {
    say("no size measured");
    process.exitCode = 1;
    return;
  }
  console.log(`\nbench:scale, seed ${flags.seed}\n`);
  printSizes(results);
  printConditions(results);
  printSteps(results);
}

await main();
