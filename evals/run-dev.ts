/**
 * Dev evaluation by execution: every query of dev-queries.jsonl runs through the NSC graph
 * (rules tier, no LLM); it passes when its member set equals the gold SQL's member set.
 * Also reports facet precision/recall, from the facets the gold SQL uses.
 *
 *   npm run eval [-- --file path/to/queries.jsonl] [--verbose]
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { measureFacetId } from "../nodes/validate.ts";
import { runRequest } from "../runtime/run.ts";
import { startServices } from "../runtime/services.ts";
import { parseEnv } from "../state/config.ts";
import { conditionsOf, type SegmentDefinition } from "../state/segment.ts";
import { onlineRetailBinding } from "../warehouse/binding.ts";

const DevQuery = z.object({
  id: z.string(),
  query: z.string(),
  gold_sql: z.string(),
  gold_size: z.number().optional(),
});
type DevQuery = z.infer<typeof DevQuery>;

/** Facets a gold query uses, read off the columns and aggregates in its SQL. */
export function goldFacets(sql: string): Set<string> {
  const s = sql.toLowerCase();
  const out = new Set<string>();
  if (/\bcountry\b/.test(s)) out.add("country");
  if (/\bcategory\b/.test(s)) out.add("category");
  if (/\bstock_code\s*=/.test(s)) out.add("product");
  if (/\bdescription\s+i?like\b/.test(s)) out.add("product_word");
  if (/\bcancelled\b/.test(s)) out.add("cancellations");
  if (/sum\(amount\)\s*\/\s*count/.test(s)) out.add("aov");
  else if (/sum\(amount\)/.test(s)) out.add("spend");
  if (
    /count\(distinct invoice_no\)/.test(s) &&
    !/\bcancelled\b/.test(s) &&
    !/sum\(amount\)\s*\/\s*count/.test(s)
  )
    out.add("orders");
  if (/sum\(quantity\)/.test(s)) out.add("units");
  if (/count\(distinct stock_code\)/.test(s)) out.add("distinct_products");
  if (/min\(invoice_date\)/.test(s)) out.add("first_purchase");
  if (/max\(invoice_date\)/.test(s)) out.add("last_purchase");
  if (/(where|and|bool_or\()\s*\(?\s*invoice_date\s*[<>]/.test(s)) out.add("order_date");
  return out;
}

export function predictedFacets(segment: SegmentDefinition): Set<string> {
  const out = new Set<string>();
  for (const c of conditionsOf(segment.root)) {
    if (c.type === "attribute") out.add(c.facet);
    if (c.type === "recency") out.add(c.which === "first" ? "first_purchase" : "last_purchase");
    if (c.type === "behaviour") {
      if (c.item) out.add(c.item.facet);
      if (c.window) out.add("order_date");
      if (c.measure !== "exists" || c.event === "cancellation") out.add(measureFacetId(c));
    }
  }
  return out;
}

function diff(a: string[], b: string[]): { missing: string[]; extra: string[] } {
  const sa = new Set(a);
  const sb = new Set(b);
  return { missing: b.filter((x) => !sa.has(x)), extra: a.filter((x) => !sb.has(x)) };
}

async function main() {
  const { values } = parseArgs({
    options: { file: { type: "string" }, verbose: { type: "boolean", default: false } },
  });
  const env = parseEnv();
  const file = resolve(values.file ?? join(env.ONLINE_RETAIL_DIR, "dev-queries.jsonl"));
  const queries: DevQuery[] = readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => DevQuery.parse(JSON.parse(l)));

  const services = await startServices(env, { onStatus: (m) => process.stderr.write(`• ${m}\n`) });
  let passed = 0;
  let tp = 0;
  let fp = 0;
  let fn = 0;
  const rows: string[][] = [];
  try {
    for (const q of queries) {
      const started = performance.now();
      const result = await runRequest(services, {
        tenant: "online-retail",
        request: q.query,
        members: true,
      });
      const ms = performance.now() - started;
      const gold = await services.warehouse.membersOfRawSql(onlineRetailBinding.schema, q.gold_sql);
      const got = result.members ?? [];
      const ok =
        result.status === "ok" && got.length === gold.length && got.every((m, i) => m === gold[i]);
      if (ok) passed++;
      const goldF = goldFacets(q.gold_sql);
      const predF = result.segment ? predictedFacets(result.segment) : new Set<string>();
      for (const f of predF) {
        if (goldF.has(f)) tp++;
        else fp++;
      }
      for (const f of goldF) if (!predF.has(f)) fn++;
      rows.push([
        q.id,
        ok ? "PASS" : "FAIL",
        result.status,
        String(result.size ?? "-"),
        String(gold.length),
        ms.toFixed(0),
        q.query,
      ]);
      if (!ok && values.verbose) {
        const d = diff(got, gold);
        process.stderr.write(
          `\n${q.id} ${q.query}\n  status=${result.status} ${result.message}\n` +
            result.explanation.map((l) => `  ${l}\n`).join("") +
            `  missing ${d.missing.length} (e.g. ${d.missing.slice(0, 3).join(", ")}), extra ${d.extra.length} (e.g. ${d.extra.slice(0, 3).join(", ")})\n`,
        );
      }
    }
  } finally {
    await services.close();
  }
  const header = ["id", "result", "status", "size", "gold", "ms", "query"];
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map((r) => (i === 6 ? 0 : r[i]!.length))),
  );
  const line = (r: string[]) => r.map((c, i) => (i === 6 ? c : c.padEnd(widths[i]!))).join(" | ");
  console.log(line(header));
  console.log(widths.map((w, i) => "-".repeat(i === 6 ? 5 : w)).join("-|-"));
  for (const r of rows) console.log(line(r));
  const precision = tp / Math.max(1, tp + fp);
  const recall = tp / Math.max(1, tp + fn);
  console.log(
    `\nexecution accuracy: ${passed}/${queries.length} = ${((100 * passed) / queries.length).toFixed(1)}%`,
  );
  console.log(
    `facet precision: ${(100 * precision).toFixed(1)}%  facet recall: ${(100 * recall).toFixed(1)}%  (from the columns the gold SQL uses)`,
  );
  console.log(`LLM calls: 0 (rules tier)`);
}

await main();
