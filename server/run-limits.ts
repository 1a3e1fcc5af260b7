/**
 * Backpressure on graph runs: at most `concurrency` runs at once per process and
 * `tenantConcurrency` per tenant, each with a bounded wait queue. A run that finds its
 * tenant's queue full is refused with 429 `tenant_overloaded`, one that finds the process's
 * full with 503 `overloaded` (both with Retry-After), at once and before anything is read or
 * written, so the client can send the same request again. A run that waits longer than
 * `queueTimeoutMs` is refused the same way; one whose client goes away leaves the queue.
 *
 * The waiting is p-queue's: one queue per tenant, then the process's. `admitted` counts the
 * runs between admission and release wherever they wait, so the process bound holds for the
 * requests queued at their tenant too.
 */
import PQueue from "p-queue";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ApiError } from "./errors.ts";

export interface RunLimits {
  /** Graph runs at once in this process. */
  concurrency: number;
  /** Runs admitted beyond `concurrency` that may wait, in this process. */
  queue: number;
  /** Graph runs at once for one tenant (within the process's). */
  tenantConcurrency: number;
  /** Runs of one tenant that may wait beyond `tenantConcurrency`. */
  tenantQueue: number;
  /** Longest wait for a slot before the run is refused as if the queue were full. */
  queueTimeoutMs: number;
  /**
   * The least a refused client is told to wait (Retry-After, seconds); more when the runs
   * ahead of it would take longer (see retryAfter).
   */
  retryAfterSeconds: number;
}

/** Retry-After never says more than this, however slow the runs. */
const MAX_RETRY_AFTER_SECONDS = 60;
/** Weight of the newest run in the moving average of how long a run holds its slot. */
const EWMA_WEIGHT = 0.2;

export type ShedScope = "process" | "tenant";
export type ShedReason = "queue_full" | "queue_timeout";

export interface RunLimiterObserver {
  shed(scope: ShedScope, reason: ShedReason, tenant: string): void;
}

/** Ends a run's hold on its slots; idempotent. */
export type ReleaseSlot = () => void;

interface TenantSlots {
  queue: PQueue;
  admitted: number;
}

class Shed extends Error {
  constructor(readonly scope: ShedScope) {
    super(`shed by the ${scope} limit`);
  }
}

/**
 * Waits for one slot of `queue` and resolves with the function that frees it. The slot's
 * task holds it until freed. `wait` aborts the wait only: once the task runs, p-queue is
 * given a signal that never aborts (it would otherwise free the slot of a running task).
 */
function takeSlot(queue: PQueue, wait: AbortSignal): Promise<ReleaseSlot> {
  if (wait.aborted) return Promise.reject(wait.reason as Error);
  const stage = new AbortController();
  const abort = () => stage.abort(wait.reason);
  wait.addEventListener("abort", abort, { once: true });
  return new Promise<ReleaseSlot>((resolve, reject) => {
    queue
      .add(
        () =>
          new Promise<void>((free) => {
            wait.removeEventListener("abort", abort);
            resolve(free);
          }),
        { signal: stage.signal },
      )
      .catch((err: unknown) => {
        wait.removeEventListener("abort", abort);
        reject(err as Error);
      });
  });
}

export class RunLimiter {
  private admitted = 0;
  private running = 0;
  private readonly processSlots: PQueue;
  private readonly tenants = new Map<string, TenantSlots>();
  /** Moving average of how long a run held its slots, ms (0 until one finished). */
  private runMs = 0;

  constructor(
    readonly limits: RunLimits,
    private readonly observer?: RunLimiterObserver,
    private readonly now: () => number = () => performance.now(),
    private readonly random: () => number = Math.random,
  ) {
    this.processSlots = new PQueue({ concurrency: limits.concurrency });
  }

  /** Runs holding a slot, and runs waiting for one (at their tenant or the process). */
  counts(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.admitted - this.running };
  }

  /**
   * Admits a run of `tenant` and waits for its slots; resolves with the release. Throws the
   * 429 or 503 ApiError when a bound is reached, 499 client_closed when `signal` aborts first.
   */
  async admit(tenant: string, signal?: AbortSignal): Promise<ReleaseSlot> {
    const { limits } = this;
    const slots = this.tenantSlots(tenant);
    if (slots.admitted >= limits.tenantConcurrency + limits.tenantQueue)
      throw this.refuse("tenant", "queue_full", tenant);
    if (this.admitted >= limits.concurrency + limits.queue)
      throw this.refuse("process", "queue_full", tenant);
    slots.admitted++;
    this.admitted++;

    const frees: ReleaseSlot[] = [];
    let released = false;
    let holding = false;
    let heldSince = 0;
    const release = () => {
      if (released) return;
      released = true;
      if (holding) {
        this.running--;
        const ms = this.now() - heldSince;
        this.runMs = this.runMs === 0 ? ms : this.runMs + EWMA_WEIGHT * (ms - this.runMs);
      }
      for (const free of frees.reverse()) free();
      slots.admitted--;
      this.admitted--;
      if (slots.admitted === 0) this.tenants.delete(tenant);
    };

    const wait = new AbortController();
    let stage: ShedScope = "tenant";
    const timer = setTimeout(() => wait.abort(new Shed(stage)), limits.queueTimeoutMs);
    const onClientGone = () => wait.abort(signal?.reason);
    signal?.addEventListener("abort", onClientGone, { once: true });
    try {
      frees.push(await takeSlot(slots.queue, wait.signal));
      stage = "process";
      frees.push(await takeSlot(this.processSlots, wait.signal));
      holding = true;
      heldSince = this.now();
      this.running++;
      return release;
    } catch (err) {
      release();
      if (signal?.aborted)
        throw new ApiError(
          499 as ContentfulStatusCode,
          "client_closed",
          "The client closed the request.",
        );
      if (err instanceof Shed) throw this.refuse(err.scope, "queue_timeout", tenant);
      throw err;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onClientGone);
    }
  }

  private tenantSlots(tenant: string): TenantSlots {
    let slots = this.tenants.get(tenant);
    if (!slots) {
      slots = { queue: new PQueue({ concurrency: this.limits.tenantConcurrency }), admitted: 0 };
      this.tenants.set(tenant, slots);
    }
    return slots;
  }

  /**
   * What a refused client is told to wait: a whole number of seconds drawn evenly between the
   * configured minimum and the time the runs admitted ahead of it need (their number shared
   * over the slots, times how long a run holds one), at most a minute. Drawn, not the same for
   * all: many clients refused at once then come back spread over the time the queue takes to
   * drain, instead of all together when it is empty (a burst, then an idle server).
   */
  retryAfter(scope: ShedScope, tenant: string): number {
    const { limits } = this;
    const [ahead, slots] =
      scope === "tenant"
        ? [this.tenants.get(tenant)?.admitted ?? 0, limits.tenantConcurrency]
        : [this.admitted, limits.concurrency];
    const least = limits.retryAfterSeconds;
    const drain = Math.min(
      MAX_RETRY_AFTER_SECONDS,
      Math.max(least, Math.ceil((ahead / slots) * (this.runMs / 1000))),
    );
    return least + Math.floor(this.random() * (drain - least + 1));
  }

  private refuse(scope: ShedScope, reason: ShedReason, tenant: string): ApiError {
    this.observer?.shed(scope, reason, tenant);
    const after = this.retryAfter(scope, tenant);
    const headers = { "Retry-After": String(after) };
    const waited = reason === "queue_timeout" ? " (no slot within the queue timeout)" : "";
    if (scope === "tenant")
      return new ApiError(
        429,
        "tenant_overloaded",
        `This tenant already has as many segment runs in progress and waiting as it may${waited}; nothing was changed, send the same request again in ${after} s.`,
        headers,
      );
    return new ApiError(
      503,
      "overloaded",
      `The server already has as many segment runs in progress and waiting as it can take${waited}; nothing was changed, send the same request again in ${after} s.`,
      headers,
    );
  }
}
