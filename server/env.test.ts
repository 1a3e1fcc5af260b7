import { describe, expect, it } from "vitest";
import { pgQueryTimeoutMs } from "../state/config.ts";
import {
  poolTimeoutOptions,
  poolTimeoutsFrom,
  shortStatementTimeouts,
} from "../storage/database.ts";
import { httpTimeoutsFrom, parseServerEnv, redisTimeoutsFrom, serverConfigFrom } from "./env.ts";
import { httpServerOptions } from "./http-server.ts";

describe("the services' pool size in the server environment", () => {
  it("is pg's own 10 by default and read from a string", () => {
    expect(parseServerEnv({}).PG_POOL_MAX).toBe(10);
    expect(parseServerEnv({ PG_POOL_MAX: "24" }).PG_POOL_MAX).toBe(24);
  });

  it("refuses a size that cannot serve a run or is not a whole number", () => {
    for (const bad of ["0", "-3", "2.5", "many", "100000"])
      expect(() => parseServerEnv({ PG_POOL_MAX: bad }), bad).toThrow(/PG_POOL_MAX/);
  });
});

describe("timeouts in the server environment", () => {
  it("has defaults for every dependency and for slow clients", () => {
    const env = parseServerEnv({});
    expect(poolTimeoutsFrom(env)).toEqual({
      connectMs: 5_000,
      statementMs: 10_000,
      idleInTransactionMs: 15_000,
      // A segment may run 30 s (SEGMENT_TIMEOUT_MS); the client waits 2 s more.
      queryMs: 32_000,
    });
    expect(redisTimeoutsFrom(env)).toEqual({ connectMs: 2_000, commandMs: 500 });
    expect(httpTimeoutsFrom(env)).toEqual({
      headersMs: 10_000,
      requestMs: 30_000,
      keepAliveMs: 5_000,
    });
  });

  it("reads them from strings, as the environment has them", () => {
    const env = parseServerEnv({
      PG_CONNECT_TIMEOUT_MS: "750",
      PG_STATEMENT_TIMEOUT_MS: "4000",
      PG_IDLE_IN_TRANSACTION_TIMEOUT_MS: "9000",
      SEGMENT_TIMEOUT_MS: "3000",
      PG_QUERY_TIMEOUT_MS: "6000",
      REDIS_COMMAND_TIMEOUT_MS: "250",
      HTTP_HEADERS_TIMEOUT_MS: "2000",
    });
    expect(poolTimeoutsFrom(env)).toEqual({
      connectMs: 750,
      statementMs: 4_000,
      idleInTransactionMs: 9_000,
      queryMs: 6_000,
    });
    expect(redisTimeoutsFrom(env).commandMs).toBe(250);
    expect(httpTimeoutsFrom(env).headersMs).toBe(2_000);
  });

  it("never lets the client give up on a statement the server still runs", () => {
    // Unset: the longer of the two server-side limits plus the margin.
    expect(pgQueryTimeoutMs(parseServerEnv({ PG_STATEMENT_TIMEOUT_MS: "60000" }))).toBe(62_000);
    expect(() => parseServerEnv({ PG_QUERY_TIMEOUT_MS: "30000" })).toThrow(/PG_QUERY_TIMEOUT_MS/);
    expect(() =>
      parseServerEnv({ PG_STATEMENT_TIMEOUT_MS: "5000", PG_QUERY_TIMEOUT_MS: "4000" }),
    ).toThrow(/PG_QUERY_TIMEOUT_MS/);
  });

  it("refuses nonsense", () => {
    for (const bad of [
      { PG_CONNECT_TIMEOUT_MS: "0" },
      { PG_STATEMENT_TIMEOUT_MS: "soon" },
      { REDIS_COMMAND_TIMEOUT_MS: "-1" },
      { HTTP_HEADERS_TIMEOUT_MS: "40000" }, // longer than the whole request may take
    ]) {
      expect(() => parseServerEnv(bad), JSON.stringify(bad)).toThrow();
    }
  });

  it("turns them into pg, Node HTTP options", () => {
    const t = poolTimeoutsFrom(parseServerEnv({}));
    expect(poolTimeoutOptions(t)).toMatchObject({
      connectionTimeoutMillis: 5_000,
      statement_timeout: 10_000,
      idle_in_transaction_session_timeout: 15_000,
      query_timeout: 32_000,
    });
    // The lock pool never raises its statement timeout, so its client waits less.
    expect(shortStatementTimeouts(t).queryMs).toBe(12_000);
    expect(httpServerOptions(httpTimeoutsFrom(parseServerEnv({})))).toEqual({
      headersTimeout: 10_000,
      requestTimeout: 30_000,
      keepAliveTimeout: 5_000,
      connectionsCheckingInterval: 1_000,
    });
  });
});

describe("backpressure limits in the server environment", () => {
  it("has defaults: 4 runs at once and 32 waiting per process, 3 and 24 per tenant", () => {
    expect(serverConfigFrom(parseServerEnv({})).runLimits).toEqual({
      concurrency: 4,
      queue: 32,
      tenantConcurrency: 3,
      tenantQueue: 24,
      queueTimeoutMs: 10_000,
      retryAfterSeconds: 2,
    });
  });

  it("reads them from strings, a queue of 0 included", () => {
    const limits = serverConfigFrom(
      parseServerEnv({
        GRAPH_RUNS_MAX: "1",
        GRAPH_RUNS_QUEUE: "0",
        TENANT_GRAPH_RUNS_MAX: "1",
        TENANT_GRAPH_RUNS_QUEUE: "0",
        OVERLOAD_RETRY_AFTER_SECONDS: "5",
      }),
    ).runLimits;
    expect(limits).toMatchObject({
      concurrency: 1,
      queue: 0,
      tenantQueue: 0,
      retryAfterSeconds: 5,
    });
  });

  it("refuses a tenant limit above the process's, and nonsense", () => {
    expect(() => parseServerEnv({ GRAPH_RUNS_MAX: "2", TENANT_GRAPH_RUNS_MAX: "3" })).toThrow(
      /TENANT_GRAPH_RUNS_MAX/,
    );
    expect(() => parseServerEnv({ GRAPH_RUNS_MAX: "0" })).toThrow(/GRAPH_RUNS_MAX/);
    expect(() => parseServerEnv({ GRAPH_RUNS_QUEUE: "-1" })).toThrow(/GRAPH_RUNS_QUEUE/);
  });
});
