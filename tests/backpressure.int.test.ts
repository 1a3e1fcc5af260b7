/**
 * Backpressure on graph runs through the app: with 1 run and 1 waiting allowed, a third
 * concurrent run gets 503 overloaded with Retry-After and the envelope, changes nothing, and
 * succeeds when sent again; with a tenant limit, one tenant gets 429 tenant_overloaded while
 * another is served. Every route that runs the graph is admitted the same way, streamed ones
 * included (a stream holds its slot until it ends).
 *
 * To keep runs in flight without timing anything, the test holds an ACCESS EXCLUSIVE lock on
 * online-retail's customers table: a run then waits in its size estimate until the lock is let
 * go. demo-retail's warehouse is another schema, so its runs go through.
 */
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoRetailProvider } from "../runtime/demo-retail-provider.ts";
import { startServices, type Services } from "../runtime/services.ts";
import { onlineRetailProvider } from "../runtime/tenants.ts";
import type { RunLimits } from "../server/run-limits.ts";
import {
  TEST_CONFIG,
  createTestApp,
  newKey,
  requester,
  type TestApp,
} from "../server/testing/api-fixtures.ts";
import { parseEnv } from "../state/config.ts";

let services: Services;
let retailKey: string;
let demoKey: string;

beforeAll(async () => {
  services = await startServices(parseEnv(), {
    providers: [onlineRetailProvider, demoRetailProvider],
  });
  retailKey = await newKey(services, "online-retail");
  demoKey = await newKey(services, "demo-retail");
});
afterAll(async () => {
  await services?.close();
});

interface Envelope {
  error: { code: string; message: string; requestId: string };
}

function appWith(limits: Partial<RunLimits>): TestApp {
  return createTestApp(services, {
    config: { runLimits: { ...TEST_CONFIG.runLimits, ...limits, retryAfterSeconds: 2 } },
  });
}

/** Holds online-retail's customers table: its runs wait in estimateSize until `release`. */
async function holdRetailWarehouse(): Promise<{ release(): Promise<void> }> {
  const client: pg.PoolClient = await services.db.pool.connect();
  await client.query("begin");
  await client.query("lock table tenant_online_retail.customers in access exclusive mode");
  return {
    release: async () => {
      await client.query("rollback");
      client.release();
    },
  };
}

async function until(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((r) => setTimeout(r, 20));
}

async function expectShed(res: Response, status: 503 | 429, code: string): Promise<void> {
  expect(res.status).toBe(status);
  expect(res.headers.get("retry-after")).toBe("2");
  expect(res.headers.get("content-type")).toMatch(/application\/json/);
  expect((await res.json()) as Envelope).toEqual({
    error: { code, message: expect.any(String), requestId: res.headers.get("x-request-id") },
  });
}

async function auditEvents(threadId: string): Promise<string[]> {
  const { rows } = await services.db.pool.query<{ event: string }>(
    "select event from app.audit_log where thread_id = $1 order by id",
    [threadId],
  );
  return rows.map((r) => r.event);
}

async function threadCount(): Promise<number> {
  const { rows } = await services.db.pool.query<{ n: string }>(
    "select count(*) n from app.threads",
  );
  return Number(rows[0]!.n);
}

describe("process-wide limit: 1 running, 1 waiting", () => {
  it("a third concurrent run gets 503 overloaded with Retry-After, changes nothing, and succeeds when retried", async () => {
    const t = appWith({ concurrency: 1, queue: 1, tenantConcurrency: 1, tenantQueue: 10 });
    const call = requester(t.app);
    const newThread = async () =>
      ((await (await call("/v1/threads", { key: retailKey, json: {} })).json()) as { id: string })
        .id;
    const [first, second, third] = [await newThread(), await newThread(), await newThread()];
    const message = (thread: string, headers?: Record<string, string>) =>
      call(`/v1/threads/${thread}/messages`, {
        key: retailKey,
        json: { text: "customers in France" },
        headers,
      });
    const lock = await holdRetailWarehouse();
    let streamed: Promise<string> | undefined;
    let queued: Promise<Response> | undefined;
    try {
      // The first run streams: its slot is held until the stream ends.
      streamed = message(first, { Accept: "text/event-stream" }).then((r) => r.text());
      await until(() => t.deps.runLimiter.counts().running === 1);
      queued = message(second);
      await until(() => t.deps.runLimiter.counts().waiting === 1);

      const threadsBefore = await threadCount();
      await expectShed(await message(third), 503, "overloaded");
      await expectShed(await message(third, { Accept: "text/event-stream" }), 503, "overloaded");
      await expectShed(
        await call(`/v1/threads/${third}/answers`, { key: retailKey, json: { answer: 1 } }),
        503,
        "overloaded",
      );
      // A segment edit or revert may create the thread it runs on: refused before that.
      const someSegment = "00000000-0000-4000-8000-000000000000";
      await expectShed(
        await call(`/v1/segments/${someSegment}`, {
          key: retailKey,
          method: "PATCH",
          json: { text: "only those who spent over £500" },
        }),
        503,
        "overloaded",
      );
      await expectShed(
        await call(`/v1/segments/${someSegment}/revert`, { key: retailKey, json: { version: 1 } }),
        503,
        "overloaded",
      );
      // Nothing of the shed requests: no thread created, the third thread never started.
      expect(await threadCount()).toBe(threadsBefore);
      expect(await auditEvents(third)).toEqual(["thread.created"]);
      // Reading is not held back (it runs no graph).
      const untouched = await call(`/v1/threads/${third}`, { key: retailKey });
      expect(untouched.status).toBe(200);
      expect(((await untouched.json()) as { status: string }).status).toBe("new");
    } finally {
      await lock.release();
    }
    expect(await streamed).toMatch(/event: done/);
    expect((await queued!).status).toBe(200);
    expect(t.deps.runLimiter.counts()).toEqual({ running: 0, waiting: 0 });

    const retried = await message(third);
    expect(retried.status).toBe(200);
    expect(((await retried.json()) as { status: string }).status).toBe("ok");
    expect(await auditEvents(third)).toEqual(["thread.created", "thread.message"]);

    const metrics = await (await call("/metrics")).text();
    expect(metrics).toMatch(
      /graph_runs_shed_total\{scope="process",reason="queue_full",tenant="online-retail"\} 5/,
    );
    await t.close();
  });
});

describe("per-tenant limit: 1 running, none waiting", () => {
  it("gives one tenant 429 tenant_overloaded while another tenant is served", async () => {
    const t = appWith({ concurrency: 4, queue: 4, tenantConcurrency: 1, tenantQueue: 0 });
    const call = requester(t.app);
    const thread = async (key: string) =>
      ((await (await call("/v1/threads", { key, json: {} })).json()) as { id: string }).id;
    const [busy, refused, demo] = [
      await thread(retailKey),
      await thread(retailKey),
      await thread(demoKey),
    ];
    const lock = await holdRetailWarehouse();
    let running: Promise<Response> | undefined;
    try {
      running = call(`/v1/threads/${busy}/messages`, {
        key: retailKey,
        json: { text: "customers in France" },
      });
      await until(() => t.deps.runLimiter.counts().running === 1);
      await expectShed(
        await call(`/v1/threads/${refused}/messages`, {
          key: retailKey,
          json: { text: "customers in Germany" },
        }),
        429,
        "tenant_overloaded",
      );
      expect(await auditEvents(refused)).toEqual(["thread.created"]);

      const served = await call(`/v1/threads/${demo}/messages`, {
        key: demoKey,
        json: { text: "customers in the North region" },
      });
      expect(served.status).toBe(200);
      expect(await auditEvents(demo)).toEqual(["thread.created", "thread.message"]);
    } finally {
      await lock.release();
    }
    expect((await running!).status).toBe(200);
    const retried = await call(`/v1/threads/${refused}/messages`, {
      key: retailKey,
      json: { text: "customers in Germany" },
    });
    expect(retried.status).toBe(200);
    const metrics = await (await call("/metrics")).text();
    expect(metrics).toMatch(
      /graph_runs_shed_total\{scope="tenant",reason="queue_full",tenant="online-retail"\} 1/,
    );
    await t.close();
  });
});

describe("the OpenAPI document", () => {
  it("documents 429 tenant_overloaded and 503 overloaded on every route that runs the graph", async () => {
    const t = appWith({});
    const doc = (await (await requester(t.app)("/openapi.json")).json()) as {
      paths: Record<string, Record<string, { responses: Record<string, { description: string }> }>>;
    };
    for (const [path, method] of [
      ["/v1/threads/{threadId}/messages", "post"],
      ["/v1/threads/{threadId}/answers", "post"],
      ["/v1/segments/{id}", "patch"],
      ["/v1/segments/{id}/revert", "post"],
    ] as const) {
      const responses = doc.paths[path]![method]!.responses;
      expect(responses["429"]?.description).toMatch(/tenant_overloaded/);
      expect(responses["503"]?.description).toMatch(/overloaded/);
    }
    await t.close();
  });
});
