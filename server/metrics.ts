/**
 * Prometheus metrics on a registry of the app's own (not prom-client's global one), so two apps
 * in one process (tests) do not fight over metric names.
 */
import { Counter, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { RunResult } from "../runtime/run.ts";

export interface ApiMetrics {
  registry: Registry;
  httpRequests: Counter<"method" | "route" | "status">;
  httpDuration: Histogram<"method" | "route" | "status">;
  graphSteps: Histogram<"step">;
  clarifications: Counter<"tenant">;
  rejections: Counter<"tenant">;
  /** Records a finished graph run: its step timings and its outcome. */
  observeRun(tenant: string, result: RunResult): void;
}

export function createMetrics(opts: { defaultMetrics?: boolean } = {}): ApiMetrics {
  const registry = new Registry();
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
  return {
    registry,
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
