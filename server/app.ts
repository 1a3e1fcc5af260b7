/**
 * The HTTP API. `createApp(deps)` wires middleware and one router per resource; it reads no
 * environment and opens nothing: everything it uses arrives in `deps`.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { requestId } from "hono/request-id";
import { routePath } from "hono/route";
import { secureHeaders } from "hono/secure-headers";
import { auth } from "./auth.ts";
import { rejectControlCharacters } from "./control-characters.ts";
import type { AppDeps } from "./deps.ts";
import { mountDocs } from "./docs.ts";
import { ApiError, onError, onNotFound, validationHook } from "./errors.ts";
import { rateLimit } from "./rate-limit.ts";
import { feedbackRouter } from "./routes/feedback.ts";
import { healthRouter } from "./routes/health.ts";
import { memoryRouter } from "./routes/memory.ts";
import { playgroundRouter } from "./routes/playground.ts";
import { segmentVersionsRouter } from "./routes/segment-versions.ts";
import { segmentsRouter } from "./routes/segments.ts";
import { tenantRouter } from "./routes/tenant.ts";
import { threadsRouter } from "./routes/threads.ts";
import { TenantConfigs } from "./tenant-config.ts";
import type { ApiBindings } from "./types.ts";

export const API_VERSION = "0.1.0";

/** Logs each request and records it in the HTTP metrics under its route pattern. */
function observe(deps: AppDeps): MiddlewareHandler<ApiBindings> {
  return async (c, next) => {
    const started = deps.clock.now();
    c.set("logger", deps.logger.child({ requestId: c.get("requestId") }));
    await next();
    const ms = deps.clock.now() - started;
    const pattern = routePath(c, -1);
    // Unmatched paths would give a label per probe; they share one.
    const route =
      c.res.status === 404 && (!pattern || pattern.includes("*")) ? "unmatched" : pattern;
    const labels = { method: c.req.method, route, status: String(c.res.status) };
    deps.metrics.httpRequests.inc(labels);
    deps.metrics.httpDuration.observe(labels, ms / 1000);
    c.get("logger").info(
      {
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms,
        tenant: c.get("tenantId"),
      },
      "request",
    );
  };
}

/**
 * A body that is not JSON is refused before anything reads it. Without a Content-Type only a
 * declared length or chunked encoding says there is a body (a POST may have none).
 */
const jsonBodiesOnly: MiddlewareHandler<ApiBindings> = async (c, next) => {
  if (c.req.method === "GET" || c.req.method === "HEAD") return next();
  const type = c.req.header("content-type");
  const length = c.req.header("content-length");
  const declaredBody =
    (length !== undefined && length !== "0") || c.req.header("transfer-encoding") !== undefined;
  const json = type !== undefined && /^application\/([\w.-]+\+)?json\s*(;|$)/i.test(type);
  if ((type !== undefined && !json) || (type === undefined && declaredBody)) {
    throw new ApiError(415, "unsupported_media_type", "Send the request body as application/json.");
  }
  await next();
};

export function createApp(deps: AppDeps) {
  const app = new OpenAPIHono<ApiBindings>({ defaultHook: (result) => validationHook(result) });
  const tenantConfigs = new TenantConfigs(deps.services, deps.logger);

  app.use(requestId());
  app.use(observe(deps));
  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // Swagger UI (/docs) sets style attributes and inlines small images; nothing else may.
        styleSrc: [(c) => (/^\/docs(\/|$)/.test(c.req.path) ? "'self' 'unsafe-inline'" : "'self'")],
        imgSrc: ["'self'", "data:"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        frameAncestors: ["'none'"],
      },
    }),
  );
  const allowed = new Set(deps.config.corsOrigins);
  app.use(
    cors({
      origin: (origin) => (allowed.has(origin) ? origin : null),
      allowMethods: ["GET", "POST", "PATCH", "PUT", "DELETE", "OPTIONS"],
      allowHeaders: ["Authorization", "Content-Type", "Accept", "X-Request-Id"],
      exposeHeaders: [
        "X-Request-Id",
        "Retry-After",
        "RateLimit-Limit",
        "RateLimit-Remaining",
        "RateLimit-Reset",
        "Location",
      ],
      maxAge: 600,
    }),
  );
  app.use(
    "/v1/*",
    bodyLimit({
      maxSize: deps.config.bodyLimitBytes,
      onError: () => {
        throw new ApiError(
          413,
          "payload_too_large",
          `The request body is larger than ${deps.config.bodyLimitBytes} bytes.`,
        );
      },
    }),
  );
  app.use("/v1/*", jsonBodiesOnly);
  app.use("/v1/*", auth(deps, tenantConfigs));
  app.use("/v1/*", rateLimit(deps.rateLimiter));
  app.use("/v1/*", rejectControlCharacters);

  app.route("/v1", threadsRouter(deps));
  app.route("/v1", segmentsRouter(deps));
  app.route("/v1", segmentVersionsRouter(deps));
  app.route("/v1", tenantRouter(deps, tenantConfigs));
  app.route("/v1", memoryRouter(deps));
  app.route("/v1", feedbackRouter(deps));
  app.route("/", healthRouter(deps));
  app.route("/", playgroundRouter());

  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    description: "An API key from `segment keys create --tenant ID`",
  });
  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "Segmentation agent API",
      version: API_VERSION,
      description:
        "Plain-English customer segment requests to validated, executable segments. Every " +
        "error has the body `{ error: { code, message, requestId } }`.",
    },
  });
  mountDocs(app);

  app.notFound(onNotFound);
  app.onError(onError);
  return app;
}

export type App = ReturnType<typeof createApp>;
