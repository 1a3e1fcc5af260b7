/**
 * Load benchmark of the HTTP API: the server in this process on a free loopback port, a fresh
 * API key, then autocannon sending full create-segment requests (`POST /v1/threads/{id}/messages`
 * on online-retail, each in a thread of its own, made before the clock starts) at each
 * concurrency level. Prints requests/second and p50/p95/p99 latency per level and the highest
 * concurrency with no errors and no non-2xx answers.
 *
 *   npm run bench:load [-- --duration 20 --connections 1,4,16 --keep]
 *
 * Rate limits are raised out of the way and counted in memory; client and server share this
 * machine's cores, so the figures are a floor for a server on its own.
 */
import autocannon from "autocannon";
import { parseArgs } from "node:util";
import pino from "pino";
import { onlineRetailProvider } from "../runtime/tenants.ts";
import { parseServerEnv } from "../server/env.ts";
import { startServer, type RunningServer } from "../server/serve.ts";
import { createApiKey } from "../storage/api-keys.ts";
import { createThreads } from "../storage/threads.ts";
import { percentile } from "./stats.ts";

const REQUEST =
  "UK customers who bought Christmas decorations in November 2011 but haven't ordered since December 2011";
const TENANT = onlineRetailProvider.id;

const { values: args } = parseArgs({
  options: {
    duration: { type: "string", default: "20" },
    connections: { type: "string", default: "1,4,16" },
    /** Keep the benchmark's threads and checkpoints instead of deleting them afterwards. */
    keep: { type: "boolean", default: false },
  },
});
const duration = Number(args.duration);
const levels = args.connections.split(",").map(Number);
if (!(duration > 0 && duration <= 120) || levels.some((n) => !(n >= 1 && n <= 256))) {
  throw new Error("--duration must be 1..120 seconds and --connections a list of 1..256");
}

interface LevelResult {
  connections: number;
  requests: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  non2xx: number;
  /** 2xx answers whose run did not end "ok" (would mean the benchmark measures the wrong thing). */
  notOk: number;
}

async function runLevel(
  server: RunningServer,
  key: string,
  connections: number,
  seconds: number,
  used: string[],
  created: string[],
): Promise<LevelResult> {
  // Generously more threads than the level can use: a reused thread would answer 409.
  const threads = await createThreads(server.services.db.pool, TENANT, seconds * 150 + 50);
  created.push(...threads);
  let next = 0;
  let notOk = 0;
  const latencies: number[] = [];
  const instance = autocannon({
    url: server.url,
    connections,
    duration: seconds,
    timeout: 30,
    headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
    requests: [
      {
        method: "POST",
        body: JSON.stringify({ text: REQUEST }),
        setupRequest: (req) => {
          const id = threads[next++ % threads.length]!;
          used.push(id);
          return { ...req, path: `/v1/threads/${id}/messages` };
        },
        onResponse: (status, body) => {
          if (status < 300 && !body.includes('"status":"ok"')) notOk++;
        },
      },
    ],
  });
  // The typings miss the client argument autocannon passes first.
  (instance as unknown as NodeJS.EventEmitter).on(
    "response",
    (_client: unknown, _status: number, _bytes: number, ms: number) => latencies.push(ms),
  );
  const result = await instance;
  latencies.sort((a, b) => a - b);
  return {
    connections,
    requests: result.requests.total,
    rps: result.requests.total / result.duration,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    notOk,
  };
}

async function main(): Promise<void> {
  const env = {
    ...parseServerEnv(),
    HOST: "127.0.0.1",
    PORT: 0,
    REDIS_URL: undefined,
    RATE_LIMIT_PER_MINUTE: 1_000_000_000,
  };
  process.stderr.write("starting the server (online-retail)…\n");
  const server = await startServer(env, {
    logger: pino({ level: "silent" }),
    startOptions: { providers: [onlineRetailProvider] },
  });
  const used: string[] = [];
  const created: string[] = [];
  try {
    const { key } = await createApiKey(server.services.db.pool, TENANT, { name: "load-bench" });
    process.stderr.write(`warming up on ${server.url}…\n`);
    await runLevel(server, key, 2, 3, used, created);
    const results: LevelResult[] = [];
    for (const connections of levels) {
      process.stderr.write(`${connections} connection(s), ${duration} s…\n`);
      results.push(await runLevel(server, key, connections, duration, used, created));
    }
    const fmt = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : "-");
    process.stdout.write(
      `\nPOST /v1/threads/{id}/messages, "${REQUEST}"\n\n` +
        "| connections | requests | req/s | p50 ms | p95 ms | p99 ms | errors | non-2xx | not ok |\n" +
        "| ----------- | -------- | ----- | ------ | ------ | ------ | ------ | ------- | ------ |\n",
    );
    for (const r of results) {
      process.stdout.write(
        `| ${r.connections} | ${r.requests} | ${fmt(r.rps)} | ${fmt(r.p50)} | ${fmt(r.p95)} | ` +
          `${fmt(r.p99)} | ${r.errors} | ${r.non2xx} | ${r.notOk} |\n`,
      );
    }
    const clean = results.filter((r) => r.errors === 0 && r.non2xx === 0 && r.notOk === 0);
    const best = clean.reduce((m, r) => Math.max(m, r.connections), 0);
    process.stdout.write(`\nhighest concurrency with zero errors and non-2xx: ${best || "none"}\n`);
  } finally {
    if (!args.keep) {
      // The audit log keeps its entries: it records what happened, benchmarks included.
      process.stderr.write("removing the benchmark's threads and checkpoints…\n");
      for (const id of new Set(used)) await server.services.checkpointer.deleteThread(id);
      await server.services.db.pool.query("delete from app.threads where id = any($1::uuid[])", [
        created,
      ]);
    }
    await server.close();
  }
}

await main();
