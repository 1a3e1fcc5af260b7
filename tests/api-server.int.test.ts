/**
 * The API on a real Node HTTP server on a free loopback port, through fetch: server-sent
 * events, a client that disconnects mid-run (the run must stop), and a graceful shutdown.
 */
import pino from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Services } from "../runtime/services.ts";
import { parseServerEnv } from "../server/env.ts";
import { startServer, type RunningServer } from "../server/serve.ts";
import {
  OTHER_TENANT,
  newKey,
  startTwoTenantServices,
  uniquePrefix,
} from "../server/testing/api-fixtures.ts";

let services: Services;
let server: RunningServer;
let key: string;

function serverEnv() {
  return {
    ...parseServerEnv(),
    PORT: 0,
    HOST: "127.0.0.1",
    RATE_LIMIT_PER_MINUTE: 100_000,
    REDIS_URL: undefined,
  };
}

beforeAll(async () => {
  services = await startTwoTenantServices();
  server = await startServer(serverEnv(), {
    services,
    logger: pino({ level: "silent" }),
    rateLimitKeyPrefix: uniquePrefix(),
  });
  key = await newKey(services, "online-retail");
});
afterAll(async () => {
  await server?.close();
  await services?.close();
});

/** Makes the warehouse's size query (estimateSize) take `ms` longer, until restored. */
function slowSizes(ms: number): () => void {
  const original = services.warehouse.size.bind(services.warehouse);
  const calls: number[] = [];
  services.warehouse.size = async (sql) => {
    calls.push(Date.now());
    await new Promise((r) => setTimeout(r, ms));
    return original(sql);
  };
  return () => {
    delete (services.warehouse as Partial<typeof services.warehouse>).size;
  };
}
let restore: (() => void) | undefined;
afterEach(() => {
  restore?.();
  restore = undefined;
});

function headers(extra: Record<string, string> = {}): Record<string, string> {
  return { Authorization: `Bearer ${key}`, "Content-Type": "application/json", ...extra };
}

async function newThread(base = server.url): Promise<string> {
  const res = await fetch(`${base}/v1/threads`, { method: "POST", headers: headers(), body: "{}" });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

/** Reads server-sent events; `until` may stop early (the caller then aborts the request). */
async function readEvents(
  res: Response,
  until: (e: SseEvent) => boolean = () => false,
): Promise<SseEvent[]> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const events: SseEvent[] = [];
  let buffer = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return events;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? "message";
      const data = block
        .split("\n")
        .filter((l) => l.startsWith("data: "))
        .map((l) => l.slice(6))
        .join("\n");
      const parsed = { event, data: JSON.parse(data) as Record<string, unknown> };
      events.push(parsed);
      if (until(parsed)) return events;
    }
  }
}

async function threadState(id: string) {
  const res = await fetch(`${server.url}/v1/threads/${id}`, { headers: headers() });
  return (await res.json()) as { status: string; history: { step: string }[] };
}

async function auditEvents(threadId: string): Promise<string[]> {
  const { rows } = await services.db.pool.query<{ event: string }>(
    "select event from app.audit_log where thread_id = $1 order by id",
    [threadId],
  );
  return rows.map((r) => r.event);
}

describe("server-sent events", () => {
  it("streams steps, the clarification and the result; the answer streams draft, size and done", async () => {
    const id = await newThread();
    const res = await fetch(`${server.url}/v1/threads/${id}/messages`, {
      method: "POST",
      headers: headers({ Accept: "text/event-stream" }),
      body: JSON.stringify({ text: "loyal customers in France" }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(res.headers.get("x-request-id")).toBeTruthy();
    const events = await readEvents(res);
    expect(events[0]).toEqual({
      event: "step",
      data: { node: "perceiveMessage", phase: "started" },
    });
    const finished = events.filter((e) => e.event === "step" && e.data.phase === "finished");
    expect(finished.map((e) => e.data.node)).toEqual(
      expect.arrayContaining(["perceive", "decompose", "tagDates", "shortlistFacets", "validate"]),
    );
    for (const e of finished) expect(typeof e.data.ms).toBe("number");
    const names = events.map((e) => e.event);
    expect(names.slice(-2)).toEqual(["clarification", "done"]);
    expect(names).not.toContain("error");
    const clarification = events.at(-2)!.data as { options: { request: string; size: number }[] };
    expect(clarification.options.length).toBeGreaterThan(1);
    expect(events.at(-1)!.data).toMatchObject({ threadId: id, status: "needs_clarification" });

    const answer = await fetch(`${server.url}/v1/threads/${id}/answers`, {
      method: "POST",
      headers: headers({ Accept: "text/event-stream" }),
      body: JSON.stringify({ answer: 1 }),
    });
    const resumed = await readEvents(answer);
    const order = resumed.map((e) => e.event).filter((e) => e !== "step");
    expect(order).toEqual(["draft", "size", "done"]);
    const draft = resumed.find((e) => e.event === "draft")!.data as {
      segment: { request: string };
      explanation: string[];
    };
    expect(draft.segment.request).toBe(clarification.options[0]!.request);
    expect(draft.explanation.length).toBeGreaterThan(0);
    expect(resumed.find((e) => e.event === "size")!.data).toEqual({
      size: clarification.options[0]!.size,
    });
    expect(resumed.at(-1)!.data).toMatchObject({
      status: "ok",
      size: clarification.options[0]!.size,
    });
    expect((await threadState(id)).status).toBe("ready");
  });

  it("refusals before the stream starts are ordinary JSON envelopes", async () => {
    const res = await fetch(
      `${server.url}/v1/threads/00000000-0000-4000-8000-000000000000/messages`,
      {
        method: "POST",
        headers: headers({ Accept: "text/event-stream" }),
        body: JSON.stringify({ text: "customers in France" }),
      },
    );
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toMatch(/application\/json/);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("not_found");
  });

  it("a client that disconnects mid-run aborts the run and frees the thread", async () => {
    restore = slowSizes(3_000);
    const id = await newThread();
    const controller = new AbortController();
    const res = await fetch(`${server.url}/v1/threads/${id}/messages`, {
      method: "POST",
      headers: headers({ Accept: "text/event-stream" }),
      body: JSON.stringify({ text: "UK customers who spent over £10,000" }),
      signal: controller.signal,
    });
    const seen = await readEvents(res, (e) => e.event === "step" && e.data.node === "estimateSize");
    expect(seen.map((e) => e.event)).toContain("draft");
    const abortedAt = Date.now();
    controller.abort();
    // The run stops well before the slowed size query would have let it finish.
    await expect
      .poll(async () => (await threadState(id)).status, { timeout: 2_500 })
      .toBe("aborted");
    expect(Date.now() - abortedAt).toBeLessThan(2_500);
    const state = await threadState(id);
    expect(state.history.map((h) => h.step)).not.toContain("estimateSize");
    expect(await auditEvents(id)).toEqual(["thread.created"]);
    // Nothing holds the thread and nothing of the cut-short run is left: the same message again
    // runs from where the thread stood, to a finished segment.
    restore?.();
    restore = undefined;
    const again = await fetch(`${server.url}/v1/threads/${id}/messages`, {
      method: "POST",
      headers: headers(),
      body: JSON.stringify({ text: "UK customers who spent over £10,000" }),
    });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ status: "ok", version: 1 });
    expect((await threadState(id)).status).toBe("ready");
  });

  it("a JSON client that disconnects mid-run aborts it too", async () => {
    restore = slowSizes(3_000);
    const id = await newThread();
    const controller = new AbortController();
    const pending = fetch(`${server.url}/v1/threads/${id}/messages`, {
      method: "POST",
      headers: headers(),
      body: JSON.stringify({ text: "UK customers who spent over £10,000" }),
      signal: controller.signal,
    }).catch((err: unknown) => err);
    await expect
      .poll(async () => (await threadState(id)).status, { timeout: 15_000, interval: 50 })
      .toBe("understanding");
    controller.abort();
    expect(await pending).toBeInstanceOf(Error);
    await expect
      .poll(async () => (await threadState(id)).status, { timeout: 2_500 })
      .toBe("aborted");
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(
      /http_requests_total\{method="POST",route="\/v1\/threads\/:threadId\/messages",status="499"\} 1/,
    );
  });
});

describe("the real server", () => {
  it("enforces the body limit on the wire and answers in the envelope", async () => {
    const res = await fetch(`${server.url}/v1/threads`, {
      method: "POST",
      headers: headers(),
      body: JSON.stringify({ asOf: "x".repeat(70_000) }),
    });
    expect(res.status).toBe(413);
    const body = (await res.json()) as { error: { code: string; requestId: string } };
    expect(body.error.code).toBe("payload_too_large");
    expect(body.error.requestId).toBe(res.headers.get("x-request-id"));
  });

  it("serves both tenants' keys, each on its own data", async () => {
    const otherKey = await newKey(services, OTHER_TENANT);
    const res = await fetch(`${server.url}/v1/tenant`, {
      headers: { Authorization: `Bearer ${otherKey}` },
    });
    expect(((await res.json()) as { id: string }).id).toBe(OTHER_TENANT);
  });

  it("shuts down gracefully: stops accepting, finishes the request in flight", async () => {
    const second = await startServer(serverEnv(), {
      services,
      logger: pino({ level: "silent" }),
      rateLimitKeyPrefix: uniquePrefix(),
    });
    restore = slowSizes(800);
    const id = await newThread(second.url);
    const inFlight = fetch(`${second.url}/v1/threads/${id}/messages`, {
      method: "POST",
      headers: headers(),
      body: JSON.stringify({ text: "customers in France" }),
    });
    await expect
      .poll(async () => (await threadState(id)).status, { timeout: 15_000, interval: 50 })
      .toBe("understanding");
    const closed = second.close();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(((await res.json()) as { status: string }).status).toBe("ok");
    await closed;
    await expect(fetch(`${second.url}/healthz`)).rejects.toThrow();
    // The services belonged to the caller and are still usable.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});
