/**
 * `npm run eval:learning`: accuracy before and after promotion. A checked-in set of
 * conversations (evals/datasets/learning-conversations.jsonl): in each, a user makes a
 * request and corrects it by an edit right after; later conversations, by nobody in
 * particular, use the same words and are scored by execution against gold SQL.
 *
 * 1. The later requests are scored with the tenant's glossary as it is.
 * 2. The teaching conversations run (one fresh user), leaving corrections.
 * 3. Their candidates are evaluated by the gate (learning/evaluate.ts, every eval set of the
 *    tenant) and promoted when they pass.
 * 4. The later requests are scored again.
 * Everything the run taught is undone at the end (glossary rolled back, its corrections and
 * candidates deleted, the user's memory erased), so the eval can run again on the same data.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { describeProposal } from "../learning/candidates.ts";
import type { Evaluation } from "../learning/evaluate.ts";
import { NotPromotedError, promote, refreshCandidates, rollback } from "../learning/improve.ts";
import { runRequest } from "../runtime/run.ts";
import { startServices, type Services } from "../runtime/services.ts";
import { parseEnv } from "../state/config.ts";
import { markdownTable } from "./report.ts";

const Later = z.object({ id: z.string(), query: z.string(), gold_sql: z.string() });
const Conversation = z.object({
  id: z.string(),
  tenant: z.string().default("online-retail"),
  teach: z.object({ query: z.string(), edit: z.string() }),
  later: z.array(Later).min(1),
});
type Conversation = z.infer<typeof Conversation>;

async function score(services: Services, tenant: string, later: z.infer<typeof Later>) {
  const schema = services.tenants.get(tenant)!.binding.schema;
  const gold = new Set(await services.warehouse.membersOfRawSql(schema, later.gold_sql));
  const r = await runRequest(services, { tenant, request: later.query, members: true });
  const members = r.members ?? [];
  return r.status === "ok" && members.length === gold.size && members.every((m) => gold.has(m));
}

async function scoreAll(services: Services, set: Conversation[]): Promise<Map<string, boolean>> {
  const out = new Map<string, boolean>();
  for (const c of set) for (const l of c.later) out.set(l.id, await score(services, c.tenant, l));
  return out;
}

async function main(): Promise<void> {
  const file = join(import.meta.dirname, "datasets", "learning-conversations.jsonl");
  const set = readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => Conversation.parse(JSON.parse(l)));
  const tenant = set[0]!.tenant;
  if (set.some((c) => c.tenant !== tenant)) throw new Error("one tenant per learning set");
  const env = parseEnv();
  const services = await startServices(env);
  const user = `eval-learning-${randomUUID()}`;
  const threads: string[] = [];
  const startVersion = services.tenants.get(tenant)?.config.glossaryVersion;
  const say = (m: string) => process.stderr.write(`• ${m}\n`);
  const taught: string[][] = [];
  const candidateIds: string[] = [];
  try {
    say("scoring the later requests before any teaching");
    const before = await scoreAll(services, set);
    for (const c of set) {
      const created = await runRequest(services, { tenant, request: c.teach.query, user });
      threads.push(created.thread_id);
      if (created.status === "ok")
        await runRequest(services, { threadId: created.thread_id, request: c.teach.edit, user });
    }
    const { rows } = await services.db.pool.query<{ id: string; thread_id: string }>(
      "select id, thread_id from app.corrections where tenant_id = $1 and thread_id = any($2)",
      [tenant, threads],
    );
    const ours = new Set(rows.map((r) => r.id));
    const { candidates } = await refreshCandidates(services, tenant);
    for (const cand of candidates.filter((x) => x.correctionIds.some((id) => ours.has(id)))) {
      candidateIds.push(cand.id);
      say(`evaluating ${describeProposal(cand.proposal)}`);
      // Promotion runs the gate itself; a refusal carries its evaluation.
      let e: Evaluation;
      let outcome = "promoted";
      try {
        e = (
          await promote(services, tenant, cand.id, {
            onlineRetailDir: env.ONLINE_RETAIL_DIR,
            by: "eval:learning",
          })
        ).evaluation;
      } catch (err) {
        if (!(err instanceof NotPromotedError)) throw err;
        e = err.evaluation;
        outcome = `rejected: ${e.reasons.join("; ")}`;
      }
      const rerun = e.sets.reduce((n, s) => n + s.rerun, 0);
      taught.push([describeProposal(cand.proposal), String(rerun), `${e.ms} ms`, outcome]);
    }
    const after = await scoreAll(services, set);
    console.log(markdownTable(["candidate", "eval cases re-run", "evaluation", "outcome"], taught));
    console.log("");
    const rowsOut = set.flatMap((c) =>
      c.later.map((l) => [
        l.id,
        l.query,
        before.get(l.id) ? "pass" : "fail",
        after.get(l.id) ? "pass" : "fail",
      ]),
    );
    console.log(
      markdownTable(["id", "later request", "before promotion", "after promotion"], rowsOut),
    );
    const n = rowsOut.length;
    const passed = (m: Map<string, boolean>) => [...m.values()].filter(Boolean).length;
    console.log(
      `\n${set.length} teaching conversations, ${n} later requests: accuracy ${passed(before)}/${n} (${(passed(before) / n).toFixed(2)}) before promotion, ${passed(after)}/${n} (${(passed(after) / n).toFixed(2)}) after.`,
    );
  } finally {
    // Undo what the run taught: the tenant's glossary, its corrections, its candidates.
    if (startVersion && services.tenants.get(tenant)?.config.glossaryVersion !== startVersion)
      await rollback(services, tenant, startVersion, { by: "eval:learning" });
    const { rows: mine } = await services.db.pool.query<{ id: string }>(
      "delete from app.corrections where tenant_id = $1 and thread_id = any($2) returning id",
      [tenant, threads],
    );
    const ids = mine.map((r) => r.id);
    // Candidates learnt only from this run go; one that other corrections also teach stays.
    await services.db.pool.query(
      `delete from app.improvement_candidates
        where tenant_id = $1 and id = any($2::uuid[]) and correction_ids <@ $3::uuid[]`,
      [tenant, candidateIds, ids],
    );
    await services.db.pool.query(
      `update app.improvement_candidates
          set correction_ids = array(select unnest(correction_ids) except select unnest($2::uuid[]))
        where tenant_id = $1 and correction_ids && $2::uuid[]`,
      [tenant, ids],
    );
    await services.memory.erase(tenant, user, "user");
    await services.close();
  }
}

await main();
