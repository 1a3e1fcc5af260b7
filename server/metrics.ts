/**
 * Prometheus metrics on a registry of the app's own (not prom-client's global one), so two apps
 * in one process (tests) do not fight over metric names.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { RunResult } from "../runtime/run.ts";
import type { RunLimiterObserver } from "./run-limits.ts";

export interface ApiMetrics {
  registry: Registry;
  httpRequests: Counter<"method" | "route" | "status">;
  httpDuration: Histogram<"method" | "route" | "status">;
  graphSteps: Histogram<"step">;
  clarifications: Counter<"tenant">;
  rejections: Counter<"tenant">;
  /** Graph runs refused by backpressure (run-limits.ts), by limit, reason and tenant. */
  runsShed: Counter<"scope" | "reason" | "tenant">;
  /** Records a finished graph run: its step timings and its outcome. */
  observeRun(tenant: string, result: RunResult): void;
  /** The run limiter's observer: counts shed runs. */
  runLimiterObserver: RunLimiterObserver;
  /** Where the running and waiting gauges read their values at each scrape. */
  watchRuns(counts: () => { running: number; waiting: number }): void;
}

export function createMetrics(
  opts: {
    defaultMetrics?: boolean;
    /** Served with the app's (the LLM tier's). */ also?: Registry[];
  } = {},
): ApiMetrics {
  const own = new Registry();
  const registry = own;
  if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const httpRequests = new Counter({
    name: "http_requests_total",
    help: "HTTP requests by route pattern and status",
    labelNames: ["method", "route", "status"] as const,
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: "http_request_duration_seconds",
    help: "HTTP request latency by route pattern and status",
    labelNames: ["method", "route", "status"] as const,
    // Runs take tens to hundreds of milliseconds; a slow segment can take seconds.
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const graphSteps = new Histogram({
    name: "graph_step_duration_seconds",
    help: "NSC graph step latency, from the run's audit entries",
    labelNames: ["step"] as const,
    buckets: [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
    registers: [registry],
  });
  const clarifications = new Counter({
    name: "segment_clarifications_total",
    help: "Runs that ended with a clarifying question",
    labelNames: ["tenant"] as const,
    registers: [registry],
  });
  const rejections = new Counter({
    name: "segment_rejections_total",
    help: "Runs that ended rejected",
    labelNames: ["tenant"] as const,
    registers: [registry],
  });
  const runsShed = new Counter({
    name: "graph_runs_shed_total",
    help: "Graph runs refused with 503 overloaded (scope=process) or 429 tenant_overloaded (scope=tenant)",
    labelNames: ["scope", "reason", "tenant"] as const,
    registers: [registry],
  });
  let runCounts = () => ({ running: 0, waiting: 0 });
  new Gauge({
    name: "graph_runs_running",
    help: "Graph runs holding a slot in this process",
    registers: [registry],
    collect() {
      this.set(runCounts().running);
    },
  });
  new Gauge({
    name: "graph_runs_waiting",
    help: "Graph runs admitted and waiting for a slot in this process",
    registers: [registry],
    collect() {
      this.set(runCounts().waiting);
    },
  });
  return {
    // Merged last: a merged registry holds the metrics registered so far, the same objects.
    registry: opts.also?.length ? Registry.merge([own, ...opts.also]) : own,
    runsShed,
    runLimiterObserver: {
      shed: (scope, reason, tenant) => runsShed.inc({ scope, reason, tenant }),
    },
    watchRuns(counts) {
      runCounts = counts;
    },
    httpRequests,
    httpDuration,
    graphSteps,
    clarifications,
    rejections,
    observeRun(tenant, result) {
      for (const entry of result.audit) graphSteps.observe({ step: entry.step }, entry.ms / 1000);
      if (result.status === "needs_clarification") clarifications.inc({ tenant });
      if (result.status === "rejected") rejections.inc({ tenant });
    },
  };
}
