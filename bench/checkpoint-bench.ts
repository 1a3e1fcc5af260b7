/**
 * Benchmark: what checkpoints cost, side by side in one process on the same Postgres
 * checkpointer, interleaved request by request.
 *
 * - `product`: the conversation graph as served (graphs/conversation.ts, CHECKPOINTS=turns):
 *   the conversation's own steps checkpointed, creation's and editing's inner steps not, each
 *   write one statement (storage/batched-saver.ts);
 * - `every step checkpointed`: the same graph with the inner steps checkpointed too
 *   (CHECKPOINTS=steps, LangGraph's default);
 * - `every step, library's saver`: that on PostgresSaver itself instead of the batched saver:
 *   one statement per blob and per write (what the product did before issue 10);
 * - `no-op, turns` and `no-op, every step`: graphs of the same shape (a conversation step, a
 *   subgraph with creation's ten steps and its parallel pair, a commit step) whose nodes do
 *   nothing, under each policy, to show what LangGraph and the checkpointer cost alone.
 *
 * Prints p50/p95 end to end, SQL statements and checkpoint rows per run, and the ratios.
 *
 *   npx tsx bench/checkpoint-bench.ts [--rounds 3]
 */
import { Annotation, END, START, StateGraph, type BaseCheckpointSaver } from "@langchain/langgraph";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { PostgresSaver } from "@langchain/langgraph-checkpoint-postgres";
import pg from "pg";
import { createConversationGraph } from "../graphs/conversation.ts";
import { runRequest } from "../runtime/run.ts";
import { startServices, type Services } from "../runtime/services.ts";
import { parseEnv } from "../state/config.ts";
import { CHECKPOINT_SCHEMA } from "../storage/checkpointer.ts";
import { percentile } from "./stats.ts";

const { values: args } = parseArgs({ options: { rounds: { type: "string", default: "3" } } });
const ROUNDS = Number(args.rounds);
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) throw new Error("--rounds must be a positive integer");

// Every statement any pg client sends, counted where pg sends it.
let statements = 0;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...a: unknown[]) {
  statements++;
  return (query as (...x: unknown[]) => unknown).apply(this, a);
} as typeof pg.Client.prototype.query;

const NoopState = Annotation.Root({
  /** Steps taken, so every node writes a channel as the real ones do. */
  steps: Annotation<number>({ reducer: (a, b) => a + b, default: () => 0 }),
});
const step = () => ({ steps: 1 });

/** A graph of the conversation's shape whose nodes do nothing. */
function noopGraph(checkpointer: BaseCheckpointSaver, checkpointSubgraphs: boolean) {
  const inner = new StateGraph(NoopState)
    .addNode("perceive", step)
    .addNode("decompose", step)
    .addNode("tagDates", step)
    .addNode("shortlistFacets", step)
    .addNode("mapFacets", step)
    .addNode("validate", step)
    .addNode("formatSegment", step)
    .addNode("estimateSize", step)
    .addEdge(START, "perceive")
    .addEdge("perceive", "decompose")
    .addEdge("decompose", "tagDates")
    .addEdge("decompose", "shortlistFacets")
    .addEdge(["tagDates", "shortlistFacets"], "mapFacets")
    .addEdge("mapFacets", "validate")
    .addEdge("validate", "formatSegment")
    .addEdge("formatSegment", "estimateSize")
    .addEdge("estimateSize", END)
    .compile(checkpointSubgraphs ? {} : { checkpointer: false });
  return new StateGraph(NoopState)
    .addNode("perceiveMessage", step)
    .addNode("nsc", inner)
    .addNode("commitVersion", step)
    .addEdge(START, "perceiveMessage")
    .addEdge("perceiveMessage", "nsc")
    .addEdge("nsc", "commitVersion")
    .addEdge("commitVersion", END)
    .compile({ checkpointer });
}

interface Variant {
  name: string;
  /** Runs one request on a new thread and returns the thread's id. */
  run: () => Promise<string>;
  ms: number[];
  statements: number[];
  threads: string[];
}

/** Checkpoint and write rows of these threads only (other work may share the database). */
async function checkpointRows(
  pool: pg.Pool,
  threads: string[],
): Promise<{ checkpoints: number; writes: number }> {
  const { rows } = await pool.query<{ c: string; w: string }>(
    `select (select count(*) from ${CHECKPOINT_SCHEMA}.checkpoints where thread_id = any($1)) as c,
            (select count(*) from ${CHECKPOINT_SCHEMA}.checkpoint_writes where thread_id = any($1)) as w`,
    [threads],
  );
  return { checkpoints: Number(rows[0]!.c), writes: Number(rows[0]!.w) };
}

async function main() {
  const env = parseEnv();
  const services: Services = await startServices(env, { onStatus: (m) => console.error(m) });
  const product = {
    ...services,
    graph: createConversationGraph(services.checkpointer, { checkpointSubgraphs: false }),
  };
  const everyStep = {
    ...services,
    graph: createConversationGraph(services.checkpointer, { checkpointSubgraphs: true }),
  };
  // The library's own saver (a transaction, one statement per blob and per write).
  const library = new PostgresSaver(services.db.pool, undefined, { schema: CHECKPOINT_SCHEMA });
  const librarySaver = {
    ...services,
    graph: createConversationGraph(library, { checkpointSubgraphs: true }),
  };
  const queries = readFileSync(join(env.ONLINE_RETAIL_DIR, "dev-queries.jsonl"), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { query: string }).query);
  const noopAll = noopGraph(services.checkpointer, true);
  const noopPolicy = noopGraph(services.checkpointer, false);
  let q = 0;
  const turn = (s: Services) => async () =>
    (await runRequest(s, { tenant: "online-retail", request: queries[q % queries.length]! }))
      .thread_id;
  const noop = (g: ReturnType<typeof noopGraph>) => async () => {
    const thread = randomUUID();
    await g.invoke({ steps: 0 }, { configurable: { thread_id: thread } });
    return thread;
  };
  const variants: Variant[] = [
    {
      name: "product (CHECKPOINTS=turns)",
      run: turn(product),
      ms: [],
      statements: [],
      threads: [],
    },
    {
      name: "every step checkpointed (CHECKPOINTS=steps)",
      run: turn(everyStep),
      ms: [],
      statements: [],
      threads: [],
    },
    {
      name: "every step, library's saver",
      run: turn(librarySaver),
      ms: [],
      statements: [],
      threads: [],
    },
    {
      name: "no-op, turns",
      run: noop(noopPolicy),
      ms: [],
      statements: [],
      threads: [],
    },
    { name: "no-op, every step", run: noop(noopAll), ms: [], statements: [], threads: [] },
  ];
  // Warm-up: one of each, not measured.
  for (const v of variants) await v.run();
  for (let r = 0; r < ROUNDS; r++) {
    for (q = 0; q < queries.length; q++) {
      for (const v of variants) {
        const before = statements;
        const t = performance.now();
        v.threads.push(await v.run());
        v.ms.push(performance.now() - t);
        v.statements.push(statements - before);
      }
    }
  }
  const runs = ROUNDS * queries.length;
  const base = percentile(variants[0]!.ms, 50);
  console.log(
    `\n${runs} runs of each, interleaved (dev queries × ${ROUNDS}), ${new Date().toISOString()}\n`,
  );
  console.log(
    "| variant | p50 ms | p95 ms | SQL statements / run | checkpoints / run | write rows / run | p50 vs product |",
  );
  console.log("| --- | --- | --- | --- | --- | --- | --- |");
  for (const v of variants) {
    const r = await checkpointRows(services.db.pool, v.threads);
    console.log(
      `| ${v.name} | ${percentile(v.ms, 50).toFixed(1)} | ${percentile(v.ms, 95).toFixed(1)} | ${percentile(v.statements, 50)} | ${(r.checkpoints / runs).toFixed(1)} | ${(r.writes / runs).toFixed(1)} | ${(percentile(v.ms, 50) / base).toFixed(2)} |`,
    );
  }
  const noopP50 = percentile(variants[4]!.ms, 50);
  console.log(
    `\nproduct p50 / no-op (turns, the product's policy) p50: ${(base / percentile(variants[3]!.ms, 50)).toFixed(2)}; every step p50 / no-op (every step) p50: ${(percentile(variants[1]!.ms, 50) / noopP50).toFixed(2)}`,
  );
  await services.close();
}

await main();
