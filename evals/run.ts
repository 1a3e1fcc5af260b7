/**
 * `npm run eval`: every evaluation set (or `--set a,b` / `--tag x,y` / `--file F.jsonl`)
 * through the real graph, scored by execution. Prints the dev set per query, the failures
 * of the others and a summary table; writes reports/eval-latest.md and .json.
 * `--tier rules|hybrid|llm` picks the tier (evals/tier.ts; hybrid and llm against the local
 * fake OpenAI server scripted by `--script`, default evals/llm-script.json).
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { parseArgs } from "node:util";
import { startServices, type Services } from "../runtime/services.ts";
import { parseEnv } from "../state/config.ts";
import { loadSet, setFiles, type EvalSet } from "./cases.ts";
import { computeMetrics, type SetMetrics } from "./metrics.ts";
import { markdownReport, summaryTable } from "./report.ts";
import { runCase, type CaseResult } from "./runner.ts";
import { parseTier, servicesForTier } from "./tier.ts";

export interface EvalRun {
  metrics: Record<string, SetMetrics>;
  results: CaseResult[];
}

export interface EvalOptions {
  sets?: string[];
  tags?: string[];
  file?: string;
  onCase?: (r: CaseResult) => void;
}

/** The sets to run: the named ones that exist (demo-retail's only when that tenant is served). */
export function selectSets(
  services: Services,
  onlineRetailDir: string,
  opts: EvalOptions,
): EvalSet[] {
  if (opts.file) return [loadSet(basename(opts.file, ".jsonl"), opts.file)];
  const files = setFiles(onlineRetailDir);
  const names = opts.sets?.length ? opts.sets : Object.keys(files);
  const unknown = names.filter((n) => !(n in files));
  if (unknown.length)
    throw new Error(
      `unknown set(s) ${unknown.join(", ")}; known: ${Object.keys(files).join(", ")}`,
    );
  return names
    .filter((n) => existsSync(files[n]!))
    .map((n) => loadSet(n, files[n]!))
    .map((s) => ({ ...s, cases: s.cases.filter((c) => services.tenants.has(c.tenant)) }))
    .filter((s) => s.cases.length > 0);
}

export async function runEval(
  services: Services,
  onlineRetailDir: string,
  opts: EvalOptions = {},
): Promise<EvalRun> {
  const results: CaseResult[] = [];
  const metrics: Record<string, SetMetrics> = {};
  for (const set of selectSets(services, onlineRetailDir, opts)) {
    const cases = opts.tags?.length
      ? set.cases.filter((c) => opts.tags!.includes(c.tag))
      : set.cases;
    const setResults: CaseResult[] = [];
    for (const c of cases) {
      const r = await runCase(services, set.name, c);
      setResults.push(r);
      opts.onCase?.(r);
    }
    if (setResults.length) metrics[set.name] = computeMetrics(setResults);
    results.push(...setResults);
  }
  return { metrics, results };
}

function caseTable(results: CaseResult[]): string {
  const rows = results.map((r) => [
    r.id,
    r.outcome.toUpperCase(),
    r.status,
    String(r.size ?? "-"),
    String(r.goldSize ?? "-"),
    r.ms.toFixed(0),
    r.request,
  ]);
  const header = ["id", "result", "status", "size", "gold", "ms", "query"];
  const widths = header.map((h, i) =>
    i === 6 ? 0 : Math.max(h.length, ...rows.map((r) => r[i]!.length)),
  );
  const line = (r: string[]) => r.map((c, i) => (i === 6 ? c : c.padEnd(widths[i]!))).join(" | ");
  return [line(header), ...rows.map(line)].join("\n");
}

async function main() {
  const { values } = parseArgs({
    options: {
      set: { type: "string" },
      tag: { type: "string" },
      file: { type: "string" },
      report: { type: "string", default: "reports" },
      verbose: { type: "boolean", default: false },
      tier: { type: "string", default: "rules" },
      script: { type: "string" },
    },
  });
  const tier = parseTier(values.tier);
  const env = parseEnv();
  const split = (s?: string) =>
    s
      ?.split(",")
      .map((x) => x.trim())
      .filter(Boolean);
  const base = await startServices(env, { onStatus: (m) => process.stderr.write(`• ${m}\n`) });
  let run: EvalRun;
  try {
    const { services, close } = await servicesForTier(base, env, tier, { script: values.script });
    run = await runEval(services, env.ONLINE_RETAIL_DIR, {
      sets: split(values.set),
      tags: split(values.tag),
      file: values.file,
      onCase: (r) => {
        if (values.verbose)
          process.stderr.write(
            `${r.outcome === "pass" ? "✓" : r.outcome === "skipped" ? "-" : "✗"} ${r.set}/${r.id}${r.llmCalls ? ` [${r.llmCalls} LLM]` : ""} ${r.request}\n`,
          );
      },
    }).finally(close);
  } finally {
    await base.close();
  }
  for (const [set, m] of Object.entries(run.metrics)) {
    const results = run.results.filter((r) => r.set === set);
    const shown =
      set === "dev" || values.file ? results : results.filter((r) => r.outcome === "fail");
    console.log(
      `\n## ${set}: ${m.passed}/${m.cases - m.skipped} passed${m.skipped ? `, ${m.skipped} skipped` : ""}`,
    );
    if (shown.length) console.log(caseTable(shown));
    for (const r of results.filter((x) => x.outcome === "fail"))
      console.log(`  ${r.id}: ${r.reasons.join("; ")}`);
  }
  console.log(`\n${summaryTable(run.metrics)}`);
  const dev = run.metrics.dev;
  if (dev?.execution_accuracy !== null && dev) {
    console.log(
      `\ndev execution accuracy: ${Math.round(dev.execution_accuracy! * dev.cases)}/${dev.cases} = ${(100 * dev.execution_accuracy!).toFixed(1)}%`,
    );
  }
  mkdirSync(values.report!, { recursive: true });
  const meta = {
    date: new Date().toISOString(),
    tier: tier === "rules" ? "rules (no LLM)" : `${tier} (fake OpenAI server, scripted)`,
    database: env.DATABASE_URL ? "DATABASE_URL" : "embedded",
  };
  writeFileSync(
    join(values.report!, "eval-latest.md"),
    markdownReport(run.metrics, run.results, meta),
  );
  writeFileSync(
    join(values.report!, "eval-latest.json"),
    JSON.stringify(
      { meta, metrics: run.metrics, results: run.results },
      (_k, v) => (v instanceof Set ? [...v] : v),
      2,
    ),
  );
  console.log(`report: ${join(values.report!, "eval-latest.md")}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
