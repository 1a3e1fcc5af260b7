/**
 * Runs the API on Node's HTTP server: services, deps, app, listener, and a shutdown that stops
 * accepting connections, lets requests in flight finish, then closes everything it opened.
 */
import { serve, type ServerType } from "@hono/node-server";
import type { AddressInfo } from "node:net";
import pino, { type Logger } from "pino";
import { startServices, type Services, type StartOptions } from "../runtime/services.ts";
import { createApp, type App } from "./app.ts";
import { poolTimeoutsFrom } from "../storage/database.ts";
import { createDeps, type AppDeps } from "./deps.ts";
import {
  httpTimeoutsFrom,
  redisTimeoutsFrom,
  serverConfigFrom,
  type HttpTimeouts,
  type ServerEnv,
} from "./env.ts";
import { httpServerOptions, onClientError } from "./http-server.ts";

export interface RunningServer {
  url: string;
  port: number;
  app: App;
  deps: AppDeps;
  services: Services;
  /** Graceful: idempotent, resolves when everything is closed. */
  close(): Promise<void>;
}

export interface StartServerOptions {
  logger?: Logger;
  /** Use these services (and leave them open on close) instead of starting new ones. */
  services?: Services;
  startOptions?: StartOptions;
  /** Separates rate-limit counters when several servers share one Redis (tests). */
  rateLimitKeyPrefix?: string;
  /** How long in-flight requests get to finish before their connections are cut. */
  shutdownGraceMs?: number;
}

function listen(
  app: App,
  opts: { host: string; port: number; timeouts: HttpTimeouts; logger: Logger },
): Promise<{ server: ServerType; port: number }> {
  return new Promise((resolve, reject) => {
    const server = serve(
      {
        fetch: app.fetch,
        hostname: opts.host,
        port: opts.port,
        serverOptions: httpServerOptions(opts.timeouts),
      },
      (info: AddressInfo) => resolve({ server, port: info.port }),
    );
    server.on("clientError", onClientError(opts.logger));
    server.once("error", reject);
  });
}

export async function startServer(
  env: ServerEnv,
  opts: StartServerOptions = {},
): Promise<RunningServer> {
  const logger = opts.logger ?? pino({ level: env.LOG_LEVEL });
  const ownsServices = !opts.services;
  const services =
    opts.services ??
    (await startServices(env, {
      onRecipeError: (what, err) => logger.warn({ err }, `recipes: ${what} failed`),
      ...opts.startOptions,
    }));
  let draining = false;
  const owned = createDeps(services, serverConfigFrom(env), {
    logger,
    redisUrl: env.REDIS_URL,
    rateLimitKeyPrefix: opts.rateLimitKeyPrefix,
    isDraining: () => draining,
    poolTimeouts: poolTimeoutsFrom(env),
    poolMax: env.PG_POOL_MAX,
    redisTimeouts: redisTimeoutsFrom(env),
  });
  if (!(await owned.ready())) {
    logger.warn("Redis (REDIS_URL) not reachable yet; rate limits count in this process meanwhile");
  }
  const app = createApp(owned.deps);
  let listening: { server: ServerType; port: number };
  try {
    listening = await listen(app, {
      host: env.HOST,
      port: env.PORT,
      timeouts: httpTimeoutsFrom(env),
      logger,
    });
  } catch (err) {
    await owned.close();
    if (ownsServices) await services.close();
    throw err;
  }
  const { server, port } = listening;
  const host = env.HOST.includes(":") ? `[${env.HOST}]` : env.HOST;
  logger.info({ host: env.HOST, port, tenants: [...services.tenants.keys()] }, "listening");

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      draining = true;
      const grace = setTimeout(() => {
        logger.warn("shutdown grace period over; closing remaining connections");
        if ("closeAllConnections" in server) server.closeAllConnections();
      }, opts.shutdownGraceMs ?? 25_000);
      grace.unref();
      // Node closes the sockets idle at close() time only; a keep-alive socket whose request
      // finishes later would linger until its timeout, so keep closing the newly idle ones.
      const sweep = setInterval(() => {
        if ("closeIdleConnections" in server) server.closeIdleConnections();
      }, 50);
      // Stops accepting, resolves once the requests in flight have ended.
      await new Promise<void>((resolve) => server.close(() => resolve()));
      clearInterval(sweep);
      clearTimeout(grace);
      await owned.close();
      if (ownsServices) await services.close();
      logger.info("server stopped");
    })());

  return { url: `http://${host}:${port}`, port, app, deps: owned.deps, services, close };
}
