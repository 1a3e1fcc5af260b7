/**
 * Soak benchmark: N concurrent conversations against a server child process (`segment serve`
 * on a free loopback port, its own DATABASE_URL, the default backpressure limits unless the
 * environment sets them), each one a loop of: create a thread → a request → the answer when a
 * question is asked → one edit, until T seconds have passed (then the conversations in flight
 * finish). Every 503 overloaded or 429 tenant_overloaded is retried as is after its
 * Retry-After (with up to 50% jitter) and must then succeed; any other non-2xx answer, or no
 * answer, is an error. At T each conversation finishes the request it is on (retries
 * included) and sends no further one. Afterwards every thread's final state is read back
 * (GET /v1/threads/{id}): a thread whose status and version differ from the last answer its
 * client got is lost, one left running, aborted or failed is stuck. The child's RSS is sampled
 * every second.
 *
 *   npm run bench:soak -- --conversations 1000 --seconds 90 [--ramp 10 --drain 600 --keep]
 *
 * Loopback only; client and server share this machine. The benchmark's threads and
 * checkpoints are deleted afterwards (the audit log keeps its entries), its keys revoked.
 */
import { Agent } from "node:http";
import { parseArgs } from "node:util";
import seedrandom from "seedrandom";
import { parseEnv } from "../state/config.ts";
import { createApiKey, revokeApiKey } from "../storage/api-keys.ts";
import { openDatabase, type Database } from "../storage/database.ts";
import { call, shedRetryAfter, type Answer } from "../tests/support/http-client.ts";
import { startServerProcess, type ServerProcess } from "../tests/support/server-process.ts";
import { resolve } from "node:path";
import { percentile } from "./stats.ts";

const { values: args } = parseArgs({
  options: {
    conversations: { type: "string", default: "100" },
    seconds: { type: "string", default: "60" },
    /** Conversations start spread over this many seconds. */
    ramp: { type: "string", default: "10" },
    /** At most this long, after --seconds, for the conversations in flight to finish. */
    drain: { type: "string", default: "600" },
    seed: { type: "string", default: "soak" },
    keep: { type: "boolean", default: false },
    /** Caps the server's V8 heap (--max-old-space-size), which bounds its RSS; unset: V8's own. */
    "heap-mb": { type: "string" },
  },
});
const N = Number(args.conversations);
const SECONDS = Number(args.seconds);
const RAMP = Number(args.ramp);
const DRAIN = Number(args.drain);
const HEAP_MB = args["heap-mb"] === undefined ? undefined : Number(args["heap-mb"]);
if (
  !(N >= 1 && N <= 5_000) ||
  !(SECONDS > 0 && SECONDS <= 3_600) ||
  !(RAMP >= 0) ||
  !(DRAIN > 0) ||
  (HEAP_MB !== undefined && !(Number.isInteger(HEAP_MB) && HEAP_MB >= 64))
)
  throw new Error(
    "--conversations 1..5000, --seconds 1..3600, --ramp >= 0, --drain > 0, --heap-mb >= 64",
  );

/** One conversation each: a request (the first asks a question), then an edit. */
const SCRIPTS = [
  { tenant: "online-retail", request: "loyal customers in France", edit: "include Belgium too" },
  {
    tenant: "online-retail",
    request: "customers in France",
    edit: "only those who've ordered at least 5 times",
  },
  {
    tenant: "online-retail",
    request: "UK customers who spent over £1,000",
    edit: "only the ones who ordered in 2011",
  },
  { tenant: "demo-retail", request: "customers in Scotland", edit: "only gold or platinum tier" },
  {
    tenant: "demo-retail",
    request: "customers acquired through paid search",
    edit: "only gold or platinum tier",
  },
] as const;

interface ThreadView {
  status: string;
  version: number | null;
}

const stats = {
  started: 0,
  completed: 0,
  admitted: 0,
  shed503: 0,
  shed429: 0,
  /** Requests shed at least once, and those of them that then succeeded. */
  shedRequests: 0,
  shedThenOk: 0,
  errors: new Map<string, number>(),
  graphMs: [] as number[],
  allMs: [] as number[],
  threads: new Map<string, { tenant: string; expect: ThreadView | null }>(),
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rng = seedrandom(args.seed);

function error(kind: string, what: string): void {
  const label = `${kind}: ${what}`;
  stats.errors.set(label, (stats.errors.get(label) ?? 0) + 1);
}

interface Client {
  server: ServerProcess;
  keys: Record<string, string>;
  agent: Agent;
}

/** Sends one request until it is admitted, waiting out each shed answer's Retry-After. */
async function send(
  client: Client,
  tenant: string,
  kind: "create" | "message" | "answer" | "edit",
  path: string,
  json: unknown,
): Promise<Answer | null> {
  let shed = false;
  for (;;) {
    let answer: Answer;
    try {
      answer = await call(client.server.url, path, {
        key: client.keys[tenant],
        json,
        agent: client.agent,
        timeoutMs: 120_000,
      });
    } catch (err) {
      error(kind, (err as Error).message.replace(/[0-9a-f-]{36}/g, "{id}"));
      return null;
    }
    if (answer.status < 300) {
      stats.admitted++;
      stats.allMs.push(answer.ms);
      if (kind !== "create") stats.graphMs.push(answer.ms);
      if (shed) stats.shedThenOk++;
      return answer;
    }
    const after = shedRetryAfter(answer);
    if (after === null) {
      const code = (answer.body as { error?: { code?: string } } | undefined)?.error?.code;
      error(kind, `${answer.status} ${code ?? "(no envelope)"}`);
      return null;
    }
    if (answer.status === 503) stats.shed503++;
    else stats.shed429++;
    if (!shed) stats.shedRequests++;
    shed = true;
    await sleep(after * 1000 * (1 + rng() * 0.5));
  }
}

async function conversation(
  client: Client,
  script: (typeof SCRIPTS)[number],
  deadline: number,
): Promise<void> {
  const more = () => performance.now() < deadline;
  stats.started++;
  const created = await send(client, script.tenant, "create", "/v1/threads", {});
  if (!created) return;
  const id = (created.body as { id: string }).id;
  const record = { tenant: script.tenant, expect: { status: "new", version: null } as ThreadView };
  stats.threads.set(id, record);
  const messages = `/v1/threads/${id}/messages`;
  type Turn = { status: string; thread: ThreadView };
  let last = await send(client, script.tenant, "message", messages, { text: script.request });
  if (last) record.expect = (last.body as Turn).thread;
  if (last && (last.body as Turn).status === "needs_clarification" && more()) {
    last = await send(client, script.tenant, "answer", `/v1/threads/${id}/answers`, { answer: 1 });
    if (last) record.expect = (last.body as Turn).thread;
  }
  if (!last || !more()) return;
  if ((last.body as Turn).status !== "ok")
    return error("request", `ended ${(last.body as Turn).status}, not ok`);
  last = await send(client, script.tenant, "edit", messages, { text: script.edit });
  if (!last) return;
  record.expect = (last.body as Turn).thread;
  stats.completed++;
}

/** Reads every thread back: lost (not what its client was last told) or stuck (not at rest). */
async function checkThreads(client: Client): Promise<{ lost: string[]; stuck: string[] }> {
  const lost: string[] = [];
  const stuck: string[] = [];
  const ids = [...stats.threads.keys()];
  for (let i = 0; i < ids.length; i += 16) {
    await Promise.all(
      ids.slice(i, i + 16).map(async (id) => {
        const record = stats.threads.get(id)!;
        // A fresh connection each (a read is safe to repeat; one retry after a reset).
        const read = () =>
          call(client.server.url, `/v1/threads/${id}`, { key: client.keys[record.tenant] });
        const a = await read().catch(read);
        const view = a.body as ThreadView;
        if (a.status !== 200) return lost.push(`${id}: ${a.status}`);
        if (!["new", "ready", "rejected", "needs_clarification"].includes(view.status))
          stuck.push(`${id}: ${view.status}`);
        else if (
          record.expect &&
          (view.status !== record.expect.status || view.version !== record.expect.version)
        )
          lost.push(
            `${id}: ${view.status} v${view.version}, told ${JSON.stringify(record.expect)}`,
          );
      }),
    );
  }
  return { lost, stuck };
}

interface Sample {
  t: number;
  rss: number;
  running: number;
  waiting: number;
  /** V8 heap in use and reserved, MB (nodejs_heap_size_*_bytes of /metrics). */
  heapUsed: number;
  heapTotal: number;
  shed: number;
  completed: number;
}

/** Every second: the child's RSS; with it the run gauges from /metrics. */
function sampler(server: ServerProcess, started: number): { samples: Sample[]; stop(): void } {
  const samples: Sample[] = [];
  let gauges = { running: 0, waiting: 0, heapUsed: NaN, heapTotal: NaN };
  const timer = setInterval(() => {
    void call(server.url, "/metrics", { timeoutMs: 5_000 })
      .then((a) => {
        const read = (name: string) =>
          Number(new RegExp(`^${name} (\\S+)$`, "m").exec(a.text)?.[1]);
        gauges = {
          running: read("graph_runs_running"),
          waiting: read("graph_runs_waiting"),
          heapUsed: read("nodejs_heap_size_used_bytes") / 2 ** 20,
          heapTotal: read("nodejs_heap_size_total_bytes") / 2 ** 20,
        };
      })
      .catch(() => undefined);
    samples.push({
      t: (performance.now() - started) / 1000,
      rss: server.rssMb(),
      ...gauges,
      shed: stats.shed503 + stats.shed429,
      completed: stats.completed,
    });
  }, 1_000);
  return { samples, stop: () => clearInterval(timer) };
}

function report(
  samples: Sample[],
  wallSeconds: number,
  check: { lost: string[]; stuck: string[] },
) {
  const ms = (v: number) => (Number.isFinite(v) ? Math.round(v).toLocaleString("en") : "-");
  const errors = [...stats.errors.values()].reduce((a, b) => a + b, 0);
  const rss = samples.map((s) => s.rss).filter(Number.isFinite);
  const rows: [string, string][] = [
    ["concurrent conversations", String(N)],
    [
      "seconds (then requests in flight finished)",
      `${SECONDS} (${wallSeconds.toFixed(0)} s in all)`,
    ],
    ["conversations started / completed", `${stats.started} / ${stats.completed}`],
    ["requests admitted (2xx)", String(stats.admitted)],
    ["shed: 503 overloaded", String(stats.shed503)],
    ["shed: 429 tenant_overloaded", String(stats.shed429)],
    ["shed requests retried, then succeeded", `${stats.shedRequests} / ${stats.shedThenOk}`],
    ["errors (other than 503/429 shed)", String(errors)],
    [
      "threads checked / lost / stuck",
      `${stats.threads.size} / ${check.lost.length} / ${check.stuck.length}`,
    ],
    [
      "graph runs admitted: p50 / p99 ms",
      `${ms(percentile(stats.graphMs, 50))} / ${ms(percentile(stats.graphMs, 99))}`,
    ],
    [
      "all admitted: p50 / p99 ms",
      `${ms(percentile(stats.allMs, 50))} / ${ms(percentile(stats.allMs, 99))}`,
    ],
    [
      "server RSS: first / max / last MB",
      `${ms(rss[0] ?? NaN)} / ${ms(Math.max(...rss))} / ${ms(rss[rss.length - 1] ?? NaN)}`,
    ],
  ];
  let out = "\n| soak | |\n| --- | --- |\n" + rows.map(([k, v]) => `| ${k} | ${v} |`).join("\n");
  out +=
    "\n\n| t (s) | RSS MB | heap used / total MB | running | waiting | shed so far | completed so far |\n";
  out +=
    "| ----- | ------ | -------------------- | ------- | ------- | ----------- | ---------------- |\n";
  const every = Math.max(1, Math.ceil(samples.length / 12));
  for (const [i, s] of samples.entries()) {
    if (i % every !== 0 && i !== samples.length - 1) continue;
    out += `| ${s.t.toFixed(0)} | ${ms(s.rss)} | ${ms(s.heapUsed)} / ${ms(s.heapTotal)} | ${s.running} | ${s.waiting} | ${s.shed} | ${s.completed} |\n`;
  }
  for (const [label, n] of stats.errors) out += `\nerror ×${n}: ${label}`;
  for (const line of [...check.lost, ...check.stuck].slice(0, 20)) out += `\nthread ${line}`;
  process.stdout.write(`${out}\n`);
}

async function cleanup(db: Database, prefixes: string[]): Promise<void> {
  const ids = [...stats.threads.keys()];
  for (const prefix of prefixes) await revokeApiKey(db.pool, prefix);
  if (args.keep) return;
  process.stderr.write(`removing ${ids.length} threads and their checkpoints…\n`);
  for (const table of ["checkpoint_writes", "checkpoint_blobs", "checkpoints"])
    await db.pool.query(`delete from langgraph.${table} where thread_id = any($1::text[])`, [ids]);
  await db.pool.query("delete from app.threads where id = any($1::uuid[])", [ids]);
}

async function main(): Promise<void> {
  const env = parseEnv();
  const db = await openDatabase({
    databaseUrl: env.DATABASE_URL,
    dataDir: resolve(env.DATA_DIR),
    port: env.EMBEDDED_PG_PORT,
  });
  process.stderr.write("starting the server process…\n");
  const server = await startServerProcess({
    databaseUrl: db.url,
    env: {
      RATE_LIMIT_PER_MINUTE: "1000000000",
      ...(HEAP_MB === undefined ? {} : { NODE_OPTIONS: `--max-old-space-size=${HEAP_MB}` }),
    },
  });
  const made = await Promise.all(
    ["online-retail", "demo-retail"].map((t) => createApiKey(db.pool, t, { name: "soak" })),
  );
  const client: Client = {
    server,
    keys: Object.fromEntries(made.map((k) => [k.tenantId, k.key])),
    // Idle sockets are dropped after 2 s, well before the server's keep-alive timeout closes
    // them: a request sent on a socket the server is closing would be reset.
    agent: new Agent({ keepAlive: true, maxSockets: N + 16, timeout: 2_000 }),
  };
  const started = performance.now();
  const deadline = started + SECONDS * 1000;
  const sampling = sampler(server, started);
  process.stderr.write(`${N} conversations for ${SECONDS} s on ${server.url}…\n`);
  const workers = Array.from({ length: N }, async (_, i) => {
    await sleep((RAMP * 1000 * i) / N);
    while (performance.now() < deadline)
      await conversation(client, SCRIPTS[Math.floor(rng() * SCRIPTS.length)]!, deadline);
  });
  let drainTimer: NodeJS.Timeout | undefined;
  const drained = await Promise.race([
    Promise.all(workers).then(() => true),
    new Promise<boolean>(
      (r) => (drainTimer = setTimeout(() => r(false), (SECONDS + DRAIN) * 1000)),
    ),
  ]);
  clearTimeout(drainTimer);
  sampling.stop();
  if (!drained) error("drain", `conversations still in flight after ${DRAIN} s`);
  const wall = (performance.now() - started) / 1000;
  if (server.exited()) {
    process.stderr.write(`the server process exited during the run:\n${server.output()}\n`);
    error("server", "the server process exited");
  }
  try {
    report(sampling.samples, wall, await checkThreads(client));
  } finally {
    client.agent.destroy();
    await server.stop();
    await cleanup(
      db,
      made.map((k) => k.prefix),
    );
    await db.close();
  }
}

await main();
