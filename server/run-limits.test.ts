import { describe, expect, it } from "vitest";
import { ApiError } from "./errors.ts";
import { RunLimiter, type RunLimits, type ShedReason, type ShedScope } from "./run-limits.ts";

const LIMITS: RunLimits = {
  concurrency: 2,
  queue: 1,
  tenantConcurrency: 1,
  tenantQueue: 1,
  queueTimeoutMs: 60_000,
  retryAfterSeconds: 3,
};

function limiter(limits: Partial<RunLimits> = {}) {
  const shed: [ShedScope, ShedReason, string][] = [];
  const l = new RunLimiter({ ...LIMITS, ...limits }, { shed: (...a) => shed.push(a) });
  return { l, shed };
}

async function refusal(p: Promise<unknown>): Promise<ApiError> {
  const err = await p.then(
    () => new Error("admitted"),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiError);
  return err as ApiError;
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe("RunLimiter", () => {
  it("runs up to the tenant's concurrency, queues up to its queue, then refuses 429 tenant_overloaded with Retry-After", async () => {
    const { l, shed } = limiter();
    const first = await l.admit("a");
    let secondStarted = false;
    const second = l.admit("a").then((release) => ((secondStarted = true), release));
    await tick();
    expect(secondStarted).toBe(false);
    expect(l.counts()).toEqual({ running: 1, waiting: 1 });

    const third = await refusal(l.admit("a"));
    expect(third.status).toBe(429);
    expect(third.code).toBe("tenant_overloaded");
    expect(third.headers["Retry-After"]).toBe("3");
    expect(shed).toEqual([["tenant", "queue_full", "a"]]);

    first();
    const releaseSecond = await second;
    expect(secondStarted).toBe(true);
    releaseSecond();
    expect(l.counts()).toEqual({ running: 0, waiting: 0 });
  });

  it("serves another tenant while one tenant is refused", async () => {
    const { l } = limiter();
    const a1 = await l.admit("a");
    const a2 = l.admit("a");
    expect((await refusal(l.admit("a"))).status).toBe(429);
    const b1 = await l.admit("b");
    expect(l.counts()).toEqual({ running: 2, waiting: 1 });
    a1();
    b1();
    (await a2)();
  });

  it("refuses 503 overloaded once the process's runs and queue are full, counting runs waiting at their tenant", async () => {
    const { l, shed } = limiter({ tenantConcurrency: 2, tenantQueue: 5 });
    const held = [await l.admit("a"), await l.admit("b")];
    // Waits at the process: 3 admitted = 2 running + 1 queued.
    const queued = l.admit("c");
    const over = await refusal(l.admit("d"));
    expect(over.status).toBe(503);
    expect(over.code).toBe("overloaded");
    expect(over.headers["Retry-After"]).toBe("3");
    expect(shed).toEqual([["process", "queue_full", "d"]]);
    for (const release of held) release();
    (await queued)();
    expect(l.counts()).toEqual({ running: 0, waiting: 0 });
  });

  it("gives slots in arrival order", async () => {
    const { l } = limiter({ concurrency: 1, tenantConcurrency: 1, queue: 5, tenantQueue: 5 });
    const order: number[] = [];
    const first = await l.admit("a");
    const waiting = [1, 2, 3].map((n) =>
      l.admit("a").then((release) => {
        order.push(n);
        release();
      }),
    );
    first();
    await Promise.all(waiting);
    expect(order).toEqual([1, 2, 3]);
  });

  it("refuses a run that waited past the queue timeout, and frees its place", async () => {
    const { l, shed } = limiter({ queueTimeoutMs: 100 });
    const first = await l.admit("a");
    const timedOut = await refusal(l.admit("a"));
    expect(timedOut.code).toBe("tenant_overloaded");
    expect(timedOut.message).toMatch(/queue timeout/);
    expect(shed).toEqual([["tenant", "queue_timeout", "a"]]);
    expect(l.counts()).toEqual({ running: 1, waiting: 0 });
    first();
    (await l.admit("a"))();
  });

  it("drops a waiting run whose client went away (499 client_closed) without taking a slot", async () => {
    const { l, shed } = limiter();
    const first = await l.admit("a");
    const client = new AbortController();
    const gone = l.admit("a", client.signal);
    client.abort(new Error("client disconnected"));
    const err = await refusal(gone);
    expect(err.code).toBe("client_closed");
    expect(shed).toEqual([]);
    expect(l.counts()).toEqual({ running: 1, waiting: 0 });
    first();
    expect(l.counts()).toEqual({ running: 0, waiting: 0 });
  });

  it("a release called twice frees one slot", async () => {
    const { l } = limiter({ tenantConcurrency: 2, tenantQueue: 0 });
    const a = await l.admit("a");
    const b = await l.admit("a");
    a();
    a();
    expect(l.counts()).toEqual({ running: 1, waiting: 0 });
    b();
    expect(l.counts()).toEqual({ running: 0, waiting: 0 });
  });
});

describe("Retry-After", () => {
  it("is the configured minimum while runs are quick, then drawn up to the time the runs ahead need", async () => {
    let now = 0;
    let draw = 0.999;
    const l = new RunLimiter(
      { ...LIMITS, concurrency: 2, queue: 10 },
      undefined,
      () => now,
      () => draw,
    );
    expect(l.retryAfter("process", "a")).toBe(3);
    // Runs that hold their slot 10 s each.
    const held = [await l.admit("a"), await l.admit("b")];
    now += 10_000;
    for (const release of held) release();
    expect(l.retryAfter("process", "a")).toBe(3); // nobody ahead
    const ahead = await Promise.all(["a", "b"].map((t) => l.admit(t)));
    const waiting = ["c", "d"].map((t) => l.admit(t));
    // 4 admitted over 2 slots of 10 s: up to 20 s; the tenant "c" has 1 over 1 slot: 10 s.
    expect(l.retryAfter("process", "e")).toBe(20);
    expect(l.retryAfter("tenant", "c")).toBe(10);
    draw = 0;
    expect(l.retryAfter("process", "e")).toBe(3);
    draw = 0.5;
    expect(l.retryAfter("process", "e")).toBe(12);
    for (const release of ahead) release();
    for (const release of await Promise.all(waiting)) release();
  });

  it("never says more than a minute", async () => {
    let now = 0;
    const l = new RunLimiter(
      { ...LIMITS, concurrency: 1, tenantConcurrency: 1 },
      undefined,
      () => now,
      () => 0.999,
    );
    const slow = await l.admit("a");
    now += 3_600_000;
    slow();
    const ahead = await l.admit("a");
    expect(l.retryAfter("tenant", "a")).toBe(60);
    ahead();
  });
});
