/**
 * The chaos suite: server processes (`segment serve` children, tests/support/server-process.ts)
 * killed with SIGKILL at checkpoint boundaries of a run, clients that go away at seeded random
 * points, a private Redis stopped under the server, and (with CHAOS=full) a private Postgres
 * stopped and frozen (SIGSTOP) during runs. After each fault: every answer was 2xx or an
 * envelope (a 5xx only as an explained 503), no thread is left stuck, the same message or
 * answer sent again succeeds, and no version is lost or doubled.
 *
 * `npm test` runs the fast cases (a kill in a creation, in an answer and after a saved
 * segment's version was stored, eight disconnects, Redis stopped);
 * `npm run test:chaos` (CHAOS=full) kills at every step boundary of a creation and of an
 * answer, forty disconnects, and the Postgres faults, which need a private Postgres with the
 * online-retail warehouse loaded (about a minute more).
 *
 * Processes killed or frozen are only ever this file's own: its server children, its private
 * Redis and Postgres (tests/support/private-services.ts). The machine's are never touched.
 */
import seedrandom from "seedrandom";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseEnv } from "../state/config.ts";
import { createApiKey } from "../storage/api-keys.ts";
import { openDatabase, type Database } from "../storage/database.ts";
import { expectSound, finishedSteps, retry, settledThread, streamRun } from "./support/chaos.ts";
import { call } from "./support/http-client.ts";
import { PrivatePostgres, PrivateRedis } from "./support/private-services.ts";
import pgLib from "pg";
import { startServerProcess, type ServerProcess } from "./support/server-process.ts";
import { resolve } from "node:path";

const FULL = process.env.CHAOS === "full";
/** Every boundary starts a server process of its own: minutes on a loaded machine. */
const BOUNDARY_TIMEOUT_MS = FULL ? 900_000 : 120_000;
const SEED = process.env.CHAOS_SEED ?? "chaos";
const DISCONNECTS = FULL ? 40 : 8;
const REQUEST = "UK customers who bought Christmas decorations in November 2011";
const ASKS = "loyal customers in France";
/** Server settings: limits out of the way, faults answered within about a second. */
const SERVER_ENV = {
  RATE_LIMIT_PER_MINUTE: "1000000",
  GRAPH_RUNS_MAX: "4",
  TENANT_GRAPH_RUNS_MAX: "4",
  REDIS_CONNECT_TIMEOUT_MS: "500",
  REDIS_COMMAND_TIMEOUT_MS: "300",
};

let db: Database;
let redis: PrivateRedis;
/** Stays up through the whole file: where runs cut elsewhere are retried. */
let steady: ServerProcess;
let key: string;
let stepsOfCreate = 0;
let stepsOfAnswer = 0;

beforeAll(async () => {
  const env = parseEnv();
  db = await openDatabase({
    databaseUrl: env.DATABASE_URL,
    dataDir: resolve(env.DATA_DIR),
    port: env.EMBEDDED_PG_PORT,
  });
  redis = await PrivateRedis.start();
  steady = await startServerProcess({
    databaseUrl: db.url,
    env: { ...SERVER_ENV, REDIS_URL: redis.url },
  });
  key = (await createApiKey(db.pool, "online-retail", { name: "chaos" })).key;
  // How many checkpoint boundaries a whole creation and a whole answer cross.
  const thread = await newThread(steady);
  const created = await streamRun(
    steady.url,
    `/v1/threads/${thread}/messages`,
    key,
    {
      text: REQUEST,
    },
    () => undefined,
  );
  stepsOfCreate = finishedSteps(created.events);
  const asked = await newThread(steady);
  await call(steady.url, `/v1/threads/${asked}/messages`, { key, json: { text: ASKS } });
  const answered = await streamRun(
    steady.url,
    `/v1/threads/${asked}/answers`,
    key,
    {
      answer: 1,
    },
    () => undefined,
  );
  stepsOfAnswer = finishedSteps(answered.events);
  expect(stepsOfCreate).toBeGreaterThan(5);
  expect(stepsOfAnswer).toBeGreaterThan(3);
});

afterAll(async () => {
  await steady?.stop();
  await redis?.dispose();
  await db?.close();
});

async function newThread(server: ServerProcess, withKey = key): Promise<string> {
  const a = await call(server.url, "/v1/threads", { key: withKey, json: {} });
  expect(a.status).toBe(201);
  return (a.body as { id: string }).id;
}

/** The thread waits for the answer to "loyal customers in France". */
async function askedThread(server: ServerProcess): Promise<string> {
  const id = await newThread(server);
  const a = await call(server.url, `/v1/threads/${id}/messages`, { key, json: { text: ASKS } });
  expect((a.body as { status: string }).status).toBe("needs_clarification");
  return id;
}

/**
 * After a cut run: the thread rests, the same message or answer succeeds on `server`, and the
 * thread ends ready at the version that answer reported.
 */
async function expectRecovers(
  server: ServerProcess,
  id: string,
  turn: { path: "messages" | "answers"; json: unknown },
  key_ = key,
): Promise<void> {
  const key = key_;
  const before = await settledThread(server.url, key, id);
  expect(["understanding", "editing"]).not.toContain(before.status);
  const again = await retry(server.url, `/v1/threads/${id}/${turn.path}`, key, turn.json);
  // An answer whose run committed its version before the cut is no longer awaited (the thread
  // rests at that version, reported ready, or aborted when the cut came after the commit):
  // nothing is lost.
  if (turn.path === "answers" && again.status === 409) {
    expect((again.body as { error: { code: string } }).error.code).toBe("not_waiting");
    expect(["ready", "aborted"]).toContain(before.status);
    expect(before.pendingQuestion).toBeNull();
    expect(before.versions.length, JSON.stringify(before).slice(0, 600)).toBe(1);
    return;
  }
  expect(again.status, again.text.slice(0, 300)).toBe(200);
  const result = again.body as { status: string; version: number };
  expect(
    result.status,
    `${JSON.stringify(before).slice(0, 400)} → ${again.text.slice(0, 600)}`,
  ).toBe("ok");
  const after = await settledThread(server.url, key, id);
  expect(after).toMatchObject({ status: "ready", version: result.version });
}

function boundaries(steps: number, fast: number[]): number[] {
  return FULL ? Array.from({ length: steps }, (_, k) => k) : fast.filter((k) => k < steps);
}

describe("kill -9 of a server process at checkpoint boundaries", () => {
  it(
    "a creation cut after each of its steps resumes: the same message on another process succeeds",
    async () => {
      for (const k of boundaries(stepsOfCreate, [4])) {
        const doomed = await startServerProcess({ databaseUrl: db.url, env: SERVER_ENV });
        try {
          const id = await newThread(doomed);
          let left = k;
          const run = await streamRun(
            doomed.url,
            `/v1/threads/${id}/messages`,
            key,
            {
              text: REQUEST,
            },
            (e) => {
              // Killed right after the k-th step's update was streamed (its checkpoint written).
              if (finishedSteps([e]) === 1 && --left < 0) void doomed.kill9();
            },
          );
          expect(run.events.some((e) => e.event === "done")).toBe(false);
          await expectRecovers(steady, id, { path: "messages", json: { text: REQUEST } });
        } finally {
          await doomed.kill9();
        }
      }
    },
    BOUNDARY_TIMEOUT_MS,
  );

  it(
    "an answer cut after each of its steps resumes: the same answer on another process succeeds",
    async () => {
      for (const k of boundaries(stepsOfAnswer, [1])) {
        const doomed = await startServerProcess({ databaseUrl: db.url, env: SERVER_ENV });
        try {
          const id = await askedThread(doomed);
          let left = k;
          await streamRun(doomed.url, `/v1/threads/${id}/answers`, key, { answer: 1 }, (e) => {
            if (finishedSteps([e]) === 1 && --left < 0) void doomed.kill9();
          });
          await expectRecovers(steady, id, { path: "answers", json: { answer: 1 } });
        } finally {
          await doomed.kill9();
        }
      }
    },
    BOUNDARY_TIMEOUT_MS,
  );
});

describe("kill -9 in an edit of a saved segment", () => {
  /** A saved segment of "customers in France" at version 1, and the thread it was saved from. */
  async function saved(server: ServerProcess): Promise<{ id: string; thread: string }> {
    const thread = await newThread(server);
    const made = await call(server.url, `/v1/threads/${thread}/messages`, {
      key,
      json: { text: "customers in France" },
    });
    expect((made.body as { status: string }).status).toBe("ok");
    const s = await call(server.url, "/v1/segments", {
      key,
      json: { threadId: thread, name: "c" },
    });
    expect(s.status).toBe(201);
    return { id: (s.body as { id: string }).id, thread };
  }
  const EDIT = { text: "make it Germany instead of France" };

  // Cut after commitVersion the store may hold version 2 while the thread's checkpoint does
  // not: adopting it would make the retry fail ("no condition matching France"), so the
  // thread's stable state wins and the retry makes version 2.
  it(
    "cut after each of its steps: the retry makes version 2, and the store and thread agree",
    async () => {
      const probe = await saved(steady);
      const full = await streamRun(
        steady.url,
        `/v1/threads/${probe.thread}/messages`,
        key,
        EDIT,
        () => undefined,
      );
      const steps = finishedSteps(full.events);
      for (const k of boundaries(steps, [steps - 1])) {
        const s = await saved(steady);
        const doomed = await startServerProcess({ databaseUrl: db.url, env: SERVER_ENV });
        try {
          let left = k;
          await streamRun(doomed.url, `/v1/threads/${s.thread}/messages`, key, EDIT, (e) => {
            if (finishedSteps([e]) === 1 && --left < 0) void doomed.kill9();
          });
          // Killed after its checkpoint landed, the edit is done (retrying it would be a new
          // turn on Germany, rightly refused); killed before, it must go through once.
          const before = await settledThread(steady.url, key, s.thread);
          if (before.status !== "ready" || before.version !== 2)
            await expectRecovers(steady, s.thread, { path: "messages", json: EDIT });
          const versions = await call(steady.url, `/v1/segments/${s.id}/versions`, { key });
          const items = (versions.body as { items: { version: number; text: string }[] }).items;
          expect(items.map((v) => [v.version, v.text])).toEqual([
            [1, "customers in France"],
            [2, EDIT.text],
          ]);
        } finally {
          await doomed.kill9();
        }
      }
    },
    BOUNDARY_TIMEOUT_MS,
  );
});

// The race these once hit: an answer's client leaving right after its run resumed left the
// cut run holding the thread for a moment, and `/answers` said `409 not_waiting` (the code of
// "nothing to answer") instead of `thread_busy`, so the retry gave up. Eight in `npm test`.
describe("clients that go away at random points (seeded)", () => {
  it(`${DISCONNECTS} disconnects mid-run: each thread rests and the same turn succeeds`, async () => {
    const rng = seedrandom(SEED);
    for (let i = 0; i < DISCONNECTS; i++) {
      const answering = rng() < 0.4;
      const id = answering ? await askedThread(steady) : await newThread(steady);
      const turn = answering
        ? { path: "answers" as const, json: { answer: 1 } }
        : { path: "messages" as const, json: { text: REQUEST } };
      const steps = answering ? stepsOfAnswer : stepsOfCreate;
      if (rng() < 0.5) {
        // A streaming client that leaves after a random step.
        let left = Math.floor(rng() * steps);
        const run = await streamRun(
          steady.url,
          `/v1/threads/${id}/${turn.path}`,
          key,
          turn.json,
          (e, cut) => {
            if (finishedSteps([e]) === 1 && --left < 0) cut();
          },
        );
        expect(run.status).toBe(200);
      } else {
        // A JSON client that gives up after a random time within a run.
        const gone = new AbortController();
        setTimeout(() => gone.abort(), Math.floor(rng() * 400));
        const a = await call(steady.url, `/v1/threads/${id}/${turn.path}`, {
          key,
          json: turn.json,
          signal: gone.signal,
        }).catch(() => null);
        if (a) expectSound(a, "a run whose client left");
      }
      await expectRecovers(steady, id, turn);
    }
  });
});

describe("a private Redis stopped under the server (rate-limit counters)", () => {
  it("runs are served from in-memory limits while it is down, and it is used again once back", async () => {
    const id = await askedThread(steady);
    await redis.stop();
    try {
      const answered = await call(steady.url, `/v1/threads/${id}/answers`, {
        key,
        json: { answer: 1 },
      });
      expectSound(answered, "answer with Redis down");
      expect(answered.status).toBe(200);
      const edited = await call(steady.url, `/v1/threads/${id}/messages`, {
        key,
        json: { text: "include Belgium too" },
      });
      expect(edited.status).toBe(200);
      expect((edited.body as { version: number }).version).toBe(2);
    } finally {
      await redis.restart();
    }
    const after = await call(steady.url, `/v1/threads/${id}`, { key });
    expect(after.status).toBe(200);
    expect(after.body).toMatchObject({ status: "ready", version: 2 });
  });
});

describe.runIf(FULL)("a private Postgres stopped and frozen during runs (CHAOS=full)", () => {
  let pg: PrivatePostgres;
  let server: ServerProcess;
  let pgKey: string;
  const LIMITS = {
    PG_CONNECT_TIMEOUT_MS: "1000",
    PG_STATEMENT_TIMEOUT_MS: "1000",
    PG_IDLE_IN_TRANSACTION_TIMEOUT_MS: "1500",
    SEGMENT_TIMEOUT_MS: "2000",
  };

  beforeAll(async () => {
    pg = await PrivatePostgres.start();
    // The server loads the warehouses into the private database as it starts.
    server = await startServerProcess({
      databaseUrl: pg.url,
      env: { ...SERVER_ENV, ...LIMITS },
      readyTimeoutMs: 600_000,
    });
    const pool = new pgLib.Pool({ connectionString: pg.url, max: 1 });
    pgKey = (await createApiKey(pool, "online-retail", { name: "chaos" })).key;
    await pool.end();
  }, 900_000);
  afterAll(async () => {
    pg?.thaw();
    if (process.env.CHAOS_LOG) console.info(server?.output().slice(-80000));
    await server?.stop();
    await pg?.dispose();
  });

  for (const fault of ["frozen", "stopped"] as const) {
    it(`${fault} mid-run: the stream says dependency_unavailable, requests get 503 envelopes, and the same message succeeds once it is back`, async () => {
      const id = await newThread(server, pgKey);
      // The run is held in its size estimate (a lock on the warehouse), so the fault lands
      // mid-run whatever the machine's speed.
      const holder = new pgLib.Client({ connectionString: pg.url });
      holder.on("error", () => undefined);
      await holder.connect();
      await holder.query("begin");
      await holder.query("lock table tenant_online_retail.customers in access exclusive mode");
      let faulted: Promise<void> | undefined;
      const run = await streamRun(
        server.url,
        `/v1/threads/${id}/messages`,
        pgKey,
        { text: REQUEST },
        (e) => {
          if (!faulted && e.event === "draft")
            faulted = fault === "frozen" ? Promise.resolve(pg.freeze()) : pg.stop();
        },
      );
      await faulted;
      try {
        const error = run.events.find((e) => e.event === "error");
        expect(server.exited(), server.output().slice(-3000)).toBe(false);
        expect(error?.data, JSON.stringify(run.events.map((e) => e.event))).toMatchObject({
          code: "dependency_unavailable",
        });
        const other = await call(server.url, "/v1/threads", { key: pgKey, json: {} });
        expectSound(other, `POST /v1/threads with Postgres ${fault}`);
        expect(other.status).toBe(503);
      } finally {
        if (fault === "frozen") pg.thaw();
        else await pg.restart();
        await holder.end().catch(() => undefined);
      }
      // Back without a restart of the server: the same message goes through.
      await expectRecovers(server, id, { path: "messages", json: { text: REQUEST } }, pgKey);
    });
  }
});
