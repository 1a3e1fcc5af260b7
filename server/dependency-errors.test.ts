/**
 * Which errors become `503 dependency_unavailable`: the real errors node-postgres, pg-pool and
 * ioredis raise against a closed port and against a server that accepts connections but never
 * answers (a stalled one), the SQLSTATEs of an unavailable server, and the errors that must
 * stay 500.
 */
import { createServer, type Server, type Socket } from "node:net";
import { Hono } from "hono";
import { requestId } from "hono/request-id";
import { Redis } from "ioredis";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../storage/testing/test-database.ts";
import { dependencyFailure } from "./dependency-errors.ts";
import { onError } from "./errors.ts";
import type { ApiBindings } from "./types.ts";

/** Accepts connections and never writes a byte: a frozen server, as the client sees it. */
let silent: Server;
let silentPort: number;
const sockets = new Set<Socket>();
let closedPort: number;

beforeAll(async () => {
  silent = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  silentPort = (silent.address() as { port: number }).port;
  closedPort = await freePort();
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => silent.close(resolve));
});

function dbError(code: string, message = "from the server"): pg.DatabaseError {
  const err = new pg.DatabaseError(message, message.length, "error");
  err.code = code;
  return err;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error("expected a rejection");
}

describe("real errors of the drivers", () => {
  it("pg: connection refused", async () => {
    const client = new pg.Client({ host: "127.0.0.1", port: closedPort, user: "x" });
    const err = await rejection(client.connect());
    expect(dependencyFailure(err)).toMatchObject({ reason: "ECONNREFUSED" });
  });

  it("pg-pool: a new connection that the server never answers", async () => {
    const pool = new pg.Pool({
      host: "127.0.0.1",
      port: silentPort,
      user: "x",
      connectionTimeoutMillis: 100,
    });
    const err = await rejection(pool.query("select 1"));
    expect((err as Error).message).toBe("Connection terminated due to connection timeout");
    expect(dependencyFailure(err)).toMatchObject({ dependency: "postgres" });
    await pool.end();
  });

  it("pg-pool: waiting for a free connection of a full pool", async () => {
    const pool = new pg.Pool({
      host: "127.0.0.1",
      port: silentPort,
      user: "x",
      max: 1,
      connectionTimeoutMillis: 150,
    });
    const first = rejection(pool.connect());
    const second = await rejection(pool.connect());
    expect((second as Error).message).toBe("timeout exceeded when trying to connect");
    expect(dependencyFailure(second)).toMatchObject({ dependency: "postgres" });
    expect(dependencyFailure(await first)).not.toBeNull();
    await pool.end();
  });

  it("ioredis: a command to a Redis that never answers (commandTimeout)", async () => {
    const redis = new Redis(silentPort, "127.0.0.1", {
      enableReadyCheck: false,
      maxRetriesPerRequest: 0,
      commandTimeout: 100,
    });
    redis.on("error", () => undefined);
    const err = await rejection(redis.get("k"));
    expect((err as Error).message).toBe("Command timed out");
    expect(dependencyFailure(err)).toMatchObject({ dependency: "redis" });
    redis.disconnect();
  });

  it("ioredis: a command while disconnected, without an offline queue", async () => {
    const redis = new Redis(closedPort, "127.0.0.1", {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    redis.on("error", () => undefined);
    const err = await rejection(redis.get("k"));
    expect(dependencyFailure(err)).toMatchObject({ dependency: "redis" });
    redis.disconnect();
  });
});

describe("what the server and the drivers report", () => {
  it.each([
    ["57P01", "terminating connection due to administrator command"],
    ["57P02", "terminating connection because of crash of another server process"],
    ["57P03", "the database system is starting up"],
    ["57014", "canceling statement due to statement timeout"],
    ["25P03", "terminating connection due to idle-in-transaction timeout"],
    ["08006", "connection failure"],
    ["08001", "could not connect"],
    ["53300", "sorry, too many clients already"],
  ])("SQLSTATE %s (%s) is an outage", (code, message) => {
    expect(dependencyFailure(dbError(code, message))).toMatchObject({ dependency: "postgres" });
  });

  it.each([
    "Connection terminated unexpectedly",
    "Connection terminated",
    "Query read timeout",
    "Client has encountered a connection error and is not queryable",
    "Cannot use a pool after calling end on the pool",
  ])("pg's %j is an outage", (message) => {
    expect(dependencyFailure(new Error(message))).toMatchObject({ dependency: "postgres" });
  });

  it.each(["ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH", "EPIPE"])("a socket's %s", (code) => {
    expect(dependencyFailure(Object.assign(new Error(code), { code }))).toMatchObject({
      dependency: "network",
      reason: code,
    });
  });

  it("a Redis replying LOADING", () => {
    const reply = Object.assign(new Error("LOADING Redis is loading the dataset in memory"), {
      name: "ReplyError",
    });
    expect(dependencyFailure(reply)).toMatchObject({ dependency: "redis" });
  });

  it("looks through causes and AggregateErrors", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED ::1:5432"), {
      code: "ECONNREFUSED",
    });
    expect(dependencyFailure(new Error("run failed", { cause: refused }))).not.toBeNull();
    expect(dependencyFailure(new AggregateError([new Error("x"), refused]))).not.toBeNull();
    const loop = new Error("outer") as Error & { cause?: unknown };
    loop.cause = loop;
    expect(dependencyFailure(loop)).toBeNull();
  });

  it.each([
    ["a syntax error", dbError("42601", "syntax error at or near")],
    ["a unique violation", dbError("23505", "duplicate key value")],
    ["NUL in text", dbError("22P05", "unsupported Unicode escape sequence")],
    ["a bug", new TypeError("Cannot read properties of undefined")],
    ["a look-alike message", new Error("Connection terminated by the user's request")],
    ["a Node code of another kind", Object.assign(new Error("x"), { code: "ERR_INVALID_ARG" })],
    [
      "a Redis reply error",
      Object.assign(new Error("WRONGTYPE Operation"), { name: "ReplyError" }),
    ],
    ["a string", "ECONNREFUSED"],
    ["nothing", undefined],
  ])("%s is not an outage", (_name, err) => {
    expect(dependencyFailure(err)).toBeNull();
  });
});

describe("the error handler", () => {
  function appThrowing(err: unknown) {
    const app = new Hono<ApiBindings>();
    app.use(requestId());
    app.get("/", () => {
      throw err;
    });
    app.onError(onError);
    return app;
  }

  it("answers an outage 503 dependency_unavailable with Retry-After and the envelope", async () => {
    const res = await appThrowing(dbError("57P01")).request("/");
    expect(res.status).toBe(503);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await res.json()).toEqual({
      error: {
        code: "dependency_unavailable",
        message: expect.stringMatching(/unavailable/),
        requestId: res.headers.get("x-request-id"),
      },
    });
  });

  it("keeps anything else a 500 internal_error without Retry-After", async () => {
    const res = await appThrowing(dbError("42601")).request("/");
    expect(res.status).toBe(500);
    expect(res.headers.get("retry-after")).toBeNull();
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("internal_error");
  });
});
