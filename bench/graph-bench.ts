/**
 * Benchmark: the dev queries run warm through the conversation graph with the Postgres
 * checkpointer, in one process, each followed by an edit on the same thread and by a creation
 * turn that asks for the edited segment in one request — so creation and edit turns are
 * measured side by side, interleaved, in the same run, and an edit is compared with creating
 * the very segment it gives. Prints p50/p95 latency per step and end to end for each kind of
 * turn, the ratios, and turns per second.
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
import { percentile } from "./stats.ts";

/**
 * Edits that apply to any segment, cycled through the conversations, each with the clause that
 * asks for the same segment in one request: the fair comparison for an edit turn is a creation
 * turn that ends at the same definition (executing a segment costs what its conditions cost,
 * however they were asked for).
 */
const EDITS = [
  { edit: "and who ordered at least 2 times", clause: "and who ordered at least 2 times" },
  { edit: "exclude anyone from Germany", clause: "but not customers from Germany" },
  { edit: "only the ones who spent over £100", clause: "who spent over £100" },
];

const EDIT_STEPS = [
  "perceiveMessage",
  "understandEdit",
  "applyEdit",
  "validate",
  "formatSegment",
  "estimateSize",
  "diffSegment",
  "commitVersion",
];

const STEPS = [
  "perceiveMessage",
  "perceive",
  "decompose",
  "tagDates",
  "shortlistFacets",
  "mapFacets",
  "validate",
  "formatSegment",
  "estimateSize",
  "commitVersion",
];

const median = (xs: number[]) =>
  percentile(
    [...xs].sort((a, b) => a - b),
    50,
  );

interface Stat {
  p50: number;
  p95: number;
}

interface TurnFigures {
  perStep: Record<string, Stat>;
  endToEnd: Stat;
}

interface RunFigures {
  create: TurnFigures;
  edit: TurnFigures;
  /** Creation turns whose request asks at once for what an edit turn reached. */
  same: TurnFigures;
  /** Edit turns and their same-segment creation turns, end to end, in matched pairs. */
  pairs: { edit: number; create: number }[];
  /** Edit turns measured. */
  edits: number;
  rps: number;
  requests: number;
}

function stat(xs: number[]): Stat {
  const sorted = [...xs].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95) };
}

class Samples {
  readonly steps: Record<string, number[]> = {};
  readonly total: number[] = [];
  add(ms: number, audit: { step: string; ms: number }[]) {
    this.total.push(ms);
    for (const a of audit) (this.steps[a.step] ??= []).push(a.ms);
  }
  figures(names: string[]): TurnFigures {
    return {
      perStep: Object.fromEntries(names.map((s) => [s, stat(this.steps[s] ?? [])])),
      endToEnd: stat(this.total),
    };
  }
}

/** Same definition: the same SQL with the same parameters. */
function sameSegment(a: { sql: string | null; params: unknown[] }, b: typeof a): boolean {
  return a.sql !== null && a.sql === b.sql && JSON.stringify(a.params) === JSON.stringify(b.params);
}

async function measure(
  services: Services,
  queries: string[],
  rounds: number,
  concurrency: number,
): Promise<RunFigures> {
  const create = new Samples();
  const edit = new Samples();
  const same = new Samples();
  const pairs: RunFigures["pairs"] = [];
  const work = Array.from({ length: rounds }, () => queries).flat();
  let next = 0;
  let requests = 0;
  const started = performance.now();
  async function worker() {
    while (next < work.length) {
      const n = next++;
      const query = work[n]!;
      const { edit: change, clause } = EDITS[n % EDITS.length]!;
      let t0 = performance.now();
      const first = await runRequest(services, { tenant: "online-retail", request: query });
      create.add(performance.now() - t0, first.audit);
      requests++;
      if (first.status !== "ok") continue;
      t0 = performance.now();
      const edited = await runRequest(services, { threadId: first.thread_id, request: change });
      const editMs = performance.now() - t0;
      edit.add(editMs, edited.audit);
      t0 = performance.now();
      const direct = await runRequest(services, {
        tenant: "online-retail",
        request: `${query.replace(/[.?!\s]+$/, "")} ${clause}`,
      });
      const directMs = performance.now() - t0;
      requests += 2;
      if (edited.status === "ok" && direct.status === "ok" && sameSegment(edited, direct)) {
        same.add(directMs, direct.audit);
        pairs.push({ edit: editMs, create: directMs });
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  return {
    create: create.figures(STEPS),
    edit: edit.figures(EDIT_STEPS),
    same: same.figures(STEPS),
    pairs,
    edits: edit.total.length,
    rps: requests / seconds,
    requests,
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
    `Conversation graph, rules tier, Postgres checkpointer (${env.DATABASE_URL ? "DATABASE_URL" : "embedded"}), ` +
      `${results[0]?.requests ?? 0} turns per run (each dev query, an edit of it, and the same segment asked at once), concurrency ${concurrency}, median of ${runs} runs\n`,
  );
  const table = (title: string, names: string[], pick: (r: RunFigures) => TurnFigures) => {
    console.log(`${title.padEnd(16)} | ${"p50 ms".padStart(9)} | ${"p95 ms".padStart(9)}`);
    console.log(`${"-".repeat(16)}-|-${"-".repeat(9)}-|-${"-".repeat(9)}`);
    for (const s of names) {
      console.log(
        `${s.padEnd(16)} | ${fmt(median(results.map((r) => pick(r).perStep[s]!.p50)))} | ${fmt(median(results.map((r) => pick(r).perStep[s]!.p95)))}`,
      );
    }
    console.log(
      `${"end to end".padEnd(16)} | ${fmt(median(results.map((r) => pick(r).endToEnd.p50)))} | ${fmt(median(results.map((r) => pick(r).endToEnd.p95)))}\n`,
    );
  };
  table("creation turn", STEPS, (r) => r.create);
  table("edit turn", EDIT_STEPS, (r) => r.edit);
  table("creation, same", STEPS, (r) => r.same);
  const ratio = (xs: number[], ys: number[]) =>
    percentile(
      [...xs].sort((a, b) => a - b),
      50,
    ) /
    percentile(
      [...ys].sort((a, b) => a - b),
      50,
    );
  const matched = median(results.map((r) => r.pairs.length));
  console.log(
    `"creation, same": the dev query and the edit asked as one request, on a new thread, where it\n` +
      `gives exactly the edited segment (${matched} of ${median(results.map((r) => r.edits))} pairs per run).\n`,
  );
  console.log(
    `edit / creation of the same segment, p50 over matched pairs, same run: ${median(
      results.map((r) =>
        ratio(
          r.pairs.map((p) => p.edit),
          r.pairs.map((p) => p.create),
        ),
      ),
    ).toFixed(2)}`,
  );
  console.log(
    `edit / creation of the dev query, p50, same run: ${median(results.map((r) => r.edit.endToEnd.p50 / r.create.endToEnd.p50)).toFixed(2)}`,
  );
  console.log(`turns per second (one process): ${median(results.map((r) => r.rps)).toFixed(1)}`);
}

await main();
