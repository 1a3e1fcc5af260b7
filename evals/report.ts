/**
 * The evaluation report: a summary table per set and, per case, what was expected and what
 * came out — conditions, sizes, and a few members that differ.
 */
import type { SetMetrics } from "./metrics.ts";
import type { CaseResult } from "./runner.ts";

export const SUMMARY_COLUMNS: [keyof SetMetrics, string][] = [
  ["cases", "cases"],
  ["passed", "passed"],
  ["execution_accuracy", "exec acc"],
  ["mean_jaccard", "jaccard"],
  ["facet_precision", "facet P"],
  ["facet_recall", "facet R"],
  ["operator_value_accuracy", "op/value"],
  ["value_accuracy", "values"],
  ["window_accuracy", "windows"],
  ["schema_validity", "schema"],
  ["invented", "invented"],
  ["clarification_precision", "clarify P"],
  ["clarification_recall", "clarify R"],
  ["rejection_correctness", "reject ok"],
  ["crashes", "crashes"],
  ["safety_violations", "unsafe"],
  ["turns", "turns"],
  ["turn_accuracy", "turns ok"],
  ["latency_p50_ms", "p50 ms"],
  ["llm_calls", "LLM calls"],
  ["llm_calls_per_request", "calls/req"],
];

export function formatValue(key: keyof SetMetrics, v: number | null): string {
  if (v === null) return "–";
  if (
    [
      "cases",
      "passed",
      "invented",
      "crashes",
      "safety_violations",
      "llm_calls",
      "llm_cache_hits",
      "tokens",
      "skipped",
      "turns",
    ].includes(key)
  )
    return String(v);
  if (key.endsWith("_ms")) return v.toFixed(0);
  if (key === "llm_calls_per_request") return v.toFixed(3);
  if (key === "cost_usd") return `$${v.toFixed(4)}`;
  return `${(100 * v).toFixed(1)}%`;
}

/** A Markdown table with its columns padded to their widest cell. */
export function markdownTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  return [
    line(header),
    `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`,
    ...rows.map(line),
  ].join("\n");
}

export function summaryTable(metrics: Record<string, SetMetrics>): string {
  const header = ["set", ...SUMMARY_COLUMNS.map(([, h]) => h)];
  const rows = Object.entries(metrics).map(([set, m]) => [
    set,
    ...SUMMARY_COLUMNS.map(([k]) => formatValue(k, m[k] as number | null)),
  ]);
  return markdownTable(header, rows);
}

function caseBlock(r: CaseResult): string {
  const lines = [
    `### ${r.set}/${r.id} [${r.tag}] — ${r.outcome.toUpperCase()}`,
    "",
    `- request: \`${r.request}\``,
  ];
  if (r.asOf) lines.push(`- as of: ${r.asOf}`);
  lines.push(
    `- status: ${r.status}${r.rejectionCode ? ` (${r.rejectionCode})` : ""}; expected ${r.expectedStatus ?? "any"}; asked a question: ${r.asked}`,
  );
  if (r.reasons.length) lines.push(`- why: ${r.reasons.join("; ")}`);
  for (const t of r.turns ?? [])
    lines.push(
      `  - ${t.ok ? "✅" : "❌"} turn ${t.turn} ${t.kind} \`${t.text}\` → ${t.status}${t.intent ? ` (${t.intent})` : ""}, v${t.version ?? "–"}, size ${t.size ?? "–"} / gold ${t.goldSize ?? "–"}${t.reasons.length ? ` — ${t.reasons.join("; ")}` : ""}`,
    );
  lines.push(
    `- size: ${r.size ?? "–"}; gold size: ${r.goldSize ?? "–"}; jaccard: ${r.jaccard?.toFixed(3) ?? "–"}; ${r.ms.toFixed(0)} ms`,
  );
  if (r.gold || r.predicted) {
    const show = (s?: Set<string>) => (s && s.size ? [...s].sort().join(", ") : "–");
    lines.push(`- facets expected: ${show(r.gold?.facets)}; actual: ${show(r.predicted?.facets)}`);
    lines.push(
      `- comparisons expected: ${show(r.gold?.comparisons)}; actual: ${show(r.predicted?.comparisons)}`,
    );
    lines.push(`- values expected: ${show(r.gold?.values)}; actual: ${show(r.predicted?.values)}`);
    lines.push(`- dates expected: ${show(r.gold?.dates)}; actual: ${show(r.predicted?.dates)}`);
  }
  if (r.missing.length || r.extra.length) {
    lines.push(
      `- members missing (${r.missing.length}): ${r.missing.slice(0, 5).join(", ")}${r.missing.length > 5 ? ", …" : ""}`,
    );
    lines.push(
      `- members extra (${r.extra.length}): ${r.extra.slice(0, 5).join(", ")}${r.extra.length > 5 ? ", …" : ""}`,
    );
  }
  if (r.explanation.length) lines.push("- actual conditions:", "", "```", ...r.explanation, "```");
  return lines.join("\n");
}

export function markdownReport(
  metrics: Record<string, SetMetrics>,
  results: CaseResult[],
  meta: Record<string, string>,
): string {
  const failing = results.filter((r) => r.outcome === "fail");
  const skipped = results.filter((r) => r.outcome === "skipped");
  return [
    "# Evaluation report",
    "",
    ...Object.entries(meta).map(([k, v]) => `- ${k}: ${v}`),
    "",
    "## Summary",
    "",
    summaryTable(metrics),
    "",
    `## Failing cases (${failing.length})`,
    "",
    ...(failing.length ? failing.map(caseBlock) : ["None."]),
    "",
    `## Skipped cases (${skipped.length})`,
    "",
    ...skipped.map((r) => `- ${r.set}/${r.id}: ${r.reasons.join("; ")}`),
    "",
    "## All cases",
    "",
    ...results.map(
      (r) =>
        `- ${r.outcome === "pass" ? "✅" : r.outcome === "skipped" ? "⏭️" : "❌"} ${r.set}/${r.id} [${r.tag}] \`${r.request.slice(0, 120)}\` → ${r.status}${r.size !== null ? ` (${r.size})` : ""}`,
    ),
    "",
  ].join("\n");
}
