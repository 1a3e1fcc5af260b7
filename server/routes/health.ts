/** Liveness, readiness and metrics: unauthenticated, for orchestrators and scrapers. */
import { createRoute, z } from "@hono/zod-openapi";
import type { AppDeps } from "../deps.ts";
import { ApiError, errorResponses } from "../errors.ts";
import { createRouter, jsonResponse } from "../router.ts";

const tags = ["Operations"];

const READY_TIMEOUT_MS = 2_000;

const healthRoute = createRoute({
  method: "get",
  path: "/healthz",
  tags,
  summary: "The process is up",
  responses: { 200: jsonResponse(z.object({ status: z.literal("ok") }), "Up") },
});

const readyRoute = createRoute({
  method: "get",
  path: "/readyz",
  tags,
  summary: "The database answers and the catalogs are loaded",
  responses: {
    200: jsonResponse(
      z.object({
        status: z.literal("ready"),
        checks: z.object({ database: z.literal("ok"), catalog: z.literal("ok") }),
      }),
      "Ready for traffic",
    ),
    ...errorResponses(503),
  },
});

const metricsRoute = createRoute({
  method: "get",
  path: "/metrics",
  tags,
  summary: "Prometheus metrics",
  responses: {
    200: {
      description: "Prometheus text format",
      content: { "text/plain": { schema: z.string() } },
    },
  },
});

async function databaseAnswers(deps: AppDeps): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), READY_TIMEOUT_MS);
  });
  const ping = deps.services.db.pool.query("select 1").then(
    () => true,
    () => false,
  );
  try {
    return await Promise.race([ping, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function healthRouter(deps: AppDeps) {
  const router = createRouter();

  router.openapi(healthRoute, (c) => c.json({ status: "ok" as const }, 200));

  router.openapi(readyRoute, async (c) => {
    if (deps.isDraining?.()) throw new ApiError(503, "not_ready", "Shutting down.");
    const tenants = [...deps.services.tenants.values()];
    if (tenants.length === 0 || tenants.some((t) => t.catalog.facets.length === 0)) {
      throw new ApiError(503, "not_ready", "No tenant catalog is loaded.");
    }
    if (!(await databaseAnswers(deps))) {
      throw new ApiError(503, "not_ready", "The database does not answer.");
    }
    return c.json(
      { status: "ready" as const, checks: { database: "ok" as const, catalog: "ok" as const } },
      200,
    );
  });

  router.openapi(metricsRoute, async (c) =>
    c.text(await deps.metrics.registry.metrics(), 200, {
      "Content-Type": deps.metrics.registry.contentType,
    }),
  );

  return router;
}
