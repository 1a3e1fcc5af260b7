/**
 * The API's security and bad-input behaviour: keys, tenant isolation on every resource, body
 * limits, media types, rate limits (memory and Redis), CORS, headers, internal errors. Every
 * refusal has the right status and the envelope, and leaves the database as it was.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Services } from "../runtime/services.ts";
import { revokeApiKey } from "../storage/api-keys.ts";
import {
  OTHER_TENANT,
  apiFingerprint,
  createTestApp,
  newKey,
  requester,
  startTwoTenantServices,
  uniquePrefix,
  type TestApp,
} from "../server/testing/api-fixtures.ts";

const run = promisify(execFile);

let services: Services;
let t: TestApp;
let call: ReturnType<typeof requester>;
let keyA: string;
let keyB: string;
/** Tenant A's resources, which tenant B must not see. */
const a = { thread: "", waiting: "", segment: "" };
const UNKNOWN = "00000000-0000-4000-8000-000000000000";

async function expectError(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  const body = (await res.json()) as {
    error: { code: string; message: string; requestId: string };
  };
  expect(body).toEqual({
    error: { code, message: expect.any(String), requestId: res.headers.get("x-request-id") },
  });
  return body;
}

beforeAll(async () => {
  services = await startTwoTenantServices();
  t = createTestApp(services);
  call = requester(t.app);
  keyA = await newKey(services, "online-retail");
  keyB = await newKey(services, OTHER_TENANT);
  const created = (await (await call("/v1/threads", { key: keyA, json: {} })).json()) as {
    id: string;
  };
  a.thread = created.id;
  await call(`/v1/threads/${a.thread}/messages`, {
    key: keyA,
    json: { text: "customers in the Netherlands" },
  });
  const saved = (await (
    await call("/v1/segments", { key: keyA, json: { threadId: a.thread, name: "NL" } })
  ).json()) as { id: string };
  a.segment = saved.id;
  const waiting = (await (await call("/v1/threads", { key: keyA, json: {} })).json()) as {
    id: string;
  };
  a.waiting = waiting.id;
  await call(`/v1/threads/${a.waiting}/messages`, {
    key: keyA,
    json: { text: "loyal customers in France" },
  });
});
afterAll(async () => {
  await t?.close();
  await services?.close();
});

/** Every /v1 route with a valid body, for the checks that apply to all of them. */
function routes(): { method: string; path: string; json?: unknown }[] {
  return [
    { method: "POST", path: "/v1/threads", json: {} },
    { method: "GET", path: `/v1/threads/${a.thread}` },
    {
      method: "POST",
      path: `/v1/threads/${a.waiting}/messages`,
      json: { text: "customers in Spain" },
    },
    { method: "POST", path: `/v1/threads/${a.waiting}/answers`, json: { answer: 1 } },
    { method: "POST", path: "/v1/segments", json: { threadId: a.thread, name: "x" } },
    { method: "GET", path: "/v1/segments" },
    { method: "GET", path: `/v1/segments/${a.segment}` },
    { method: "GET", path: `/v1/segments/${a.segment}/sql` },
    { method: "POST", path: `/v1/segments/${a.segment}/size` },
    { method: "GET", path: `/v1/segments/${a.segment}/members` },
    { method: "GET", path: "/v1/tenant" },
    { method: "PATCH", path: "/v1/tenant", json: { fiscalYearStartMonth: 2 } },
  ];
}

describe("API keys", () => {
  it("every route is 401 without a key, with a wrong scheme, a malformed, unknown or revoked key", async () => {
    const revoked = await newKey(services, "online-retail");
    const { rows } = await services.db.pool.query<{ prefix: string }>(
      "select prefix from app.api_keys where hash = encode(sha256($1::bytea), 'hex')",
      [revoked],
    );
    expect(await revokeApiKey(services.db.pool, rows[0]!.prefix)).not.toBeNull();
    const unknownKey = `seg_${"A".repeat(43)}`;
    const before = await apiFingerprint(services);
    for (const route of routes()) {
      for (const authorization of [
        undefined,
        `Basic ${Buffer.from("a:b").toString("base64")}`,
        "Bearer",
        `Bearer ${keyA.slice(0, -1)}`,
        `Bearer ${unknownKey}`,
        `Bearer ${revoked}`,
        keyA,
      ]) {
        const res = await call(route.path, {
          method: route.method,
          json: route.json,
          headers: authorization === undefined ? {} : { Authorization: authorization },
        });
        await expectError(res, 401, "unauthorized");
        expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
      }
    }
    expect(await apiFingerprint(services)).toEqual(before);
  });

  it("stores only the sha256 and a display prefix", async () => {
    const { rows } = await services.db.pool.query<{ prefix: string; hash: string }>(
      "select prefix, hash from app.api_keys where hash = encode(sha256($1::bytea), 'hex')",
      [keyA],
    );
    expect(rows).toHaveLength(1);
    expect(keyA.startsWith(rows[0]!.prefix)).toBe(true);
    expect(rows[0]!.prefix.length).toBeLessThan(16);
    const { rows: leaked } = await services.db.pool.query(
      "select 1 from app.api_keys where prefix = $1 or hash = $1 or name = $1",
      [keyA],
    );
    expect(leaked).toHaveLength(0);
  });

  it("records when a key was last used", async () => {
    const key = await newKey(services, "online-retail");
    expect((await call("/v1/tenant", { key })).status).toBe(200);
    await expect
      .poll(async () => {
        const { rows } = await services.db.pool.query<{ used: boolean }>(
          "select last_used_at is not null as used from app.api_keys where hash = encode(sha256($1::bytea), 'hex')",
          [key],
        );
        return rows[0]?.used;
      })
      .toBe(true);
  });

  it("segment keys create / list / revoke (the CLI) make a working key and revoke it", async () => {
    const cli = (...args: string[]) =>
      run("npx", ["tsx", "cli/segment.ts", "keys", ...args], { env: process.env });
    const created = await cli("create", "--tenant", "online-retail", "--name", "cli test");
    const key = created.stdout.trim();
    expect(key).toMatch(/^seg_[A-Za-z0-9_-]{43}$/);
    expect(created.stderr).toMatch(/not shown again/);
    expect((await call("/v1/tenant", { key })).status).toBe(200);
    const listed = await cli("list", "--tenant", "online-retail");
    const prefix = key.slice(0, 12);
    expect(listed.stdout).toMatch(new RegExp(`${prefix}\\s+active .*cli test`));
    expect(listed.stdout).not.toContain(key);
    const revoked = await cli("revoke", prefix);
    expect(revoked.stdout).toMatch(/revoked/);
    await expectError(await call("/v1/tenant", { key }), 401, "unauthorized");
    await expect(cli("revoke", prefix)).rejects.toMatchObject({ code: 2 });
    await expect(cli("create", "--tenant", "no-such-tenant")).rejects.toMatchObject({ code: 2 });
  });
});

describe("tenant isolation", () => {
  it("tenant B gets 404 for every thread and segment of tenant A, and changes nothing", async () => {
    const before = await apiFingerprint(services);
    const attempts = [
      { method: "GET", path: `/v1/threads/${a.thread}` },
      { method: "GET", path: `/v1/threads/${a.waiting}` },
      {
        method: "POST",
        path: `/v1/threads/${a.waiting}/messages`,
        json: { text: "customers in Spain" },
      },
      {
        method: "POST",
        path: `/v1/threads/${a.thread}/messages`,
        json: { text: "customers in Spain" },
      },
      { method: "POST", path: `/v1/threads/${a.waiting}/answers`, json: { answer: 1 } },
      { method: "POST", path: "/v1/segments", json: { threadId: a.thread, name: "stolen" } },
      { method: "GET", path: `/v1/segments/${a.segment}` },
      { method: "GET", path: `/v1/segments/${a.segment}/sql` },
      { method: "POST", path: `/v1/segments/${a.segment}/size` },
      { method: "GET", path: `/v1/segments/${a.segment}/members` },
    ];
    for (const attempt of attempts) {
      const res = await call(attempt.path, { ...attempt, key: keyB });
      const body = await expectError(res, 404, "not_found");
      expect(body.error.message).not.toMatch(/tenant|online-retail/i);
    }
    expect(await apiFingerprint(services)).toEqual(before);
    // A's thread is still waiting for A's answer.
    const state = (await (await call(`/v1/threads/${a.waiting}`, { key: keyA })).json()) as {
      status: string;
    };
    expect(state.status).toBe("needs_clarification");
  });

  it("lists only the key's own segments, and a cursor of A's gives B nothing of A's", async () => {
    const listB = (await (await call("/v1/segments?limit=100", { key: keyB })).json()) as {
      items: { id: string }[];
    };
    expect(listB.items.map((s) => s.id)).not.toContain(a.segment);
    const cursor = Buffer.from(a.segment).toString("base64url");
    const paged = (await (await call(`/v1/segments?cursor=${cursor}`, { key: keyB })).json()) as {
      items: { id: string }[];
    };
    expect(paged.items).toEqual([]);
    const listA = (await (await call("/v1/segments?limit=100", { key: keyA })).json()) as {
      items: { id: string }[];
    };
    expect(listA.items.map((s) => s.id)).toContain(a.segment);
  });

  it("threads and segments created by B belong to B; A cannot see them", async () => {
    const created = (await (await call("/v1/threads", { key: keyB, json: {} })).json()) as {
      id: string;
    };
    const run = await call(`/v1/threads/${created.id}/messages`, {
      key: keyB,
      json: { text: "customers in Spain" },
    });
    expect(((await run.json()) as { segment: { tenant: string } }).segment.tenant).toBe(
      OTHER_TENANT,
    );
    const saved = (await (
      await call("/v1/segments", { key: keyB, json: { threadId: created.id, name: "B" } })
    ).json()) as { id: string };
    const { rows } = await services.db.pool.query(
      "select (select tenant_id from app.threads where id = $1) t, (select tenant_id from app.segments where id = $2) s",
      [created.id, saved.id],
    );
    expect(rows[0]).toEqual({ t: OTHER_TENANT, s: OTHER_TENANT });
    await expectError(await call(`/v1/threads/${created.id}`, { key: keyA }), 404, "not_found");
    await expectError(await call(`/v1/segments/${saved.id}`, { key: keyA }), 404, "not_found");
  });

  it("the tenant routes act on the key's own tenant only", async () => {
    const beforeA = services.tenants.get("online-retail")!.config;
    const res = await call("/v1/tenant", {
      key: keyB,
      method: "PATCH",
      json: { fiscalYearStartMonth: 3 },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { id: string }).id).toBe(OTHER_TENANT);
    expect(services.tenants.get("online-retail")!.config).toBe(beforeA);
    const tenantA = (await (await call("/v1/tenant", { key: keyA })).json()) as {
      fiscalYearStartMonth: number;
    };
    expect(tenantA.fiscalYearStartMonth).toBe(1);
    await services.db.pool.query(
      "update app.tenants set config = jsonb_set(config, '{fiscalYearStartMonth}', '1'), updated_at = created_at where id = $1",
      [OTHER_TENANT],
    );
  });
});

describe("bad input", () => {
  const bodyRoutes = () => [
    { method: "POST", path: "/v1/threads" },
    { method: "POST", path: `/v1/threads/${UNKNOWN}/messages` },
    { method: "POST", path: `/v1/threads/${a.waiting}/messages` },
    { method: "POST", path: `/v1/threads/${a.waiting}/answers` },
    { method: "POST", path: "/v1/segments" },
    { method: "PATCH", path: "/v1/tenant" },
  ];

  it("malformed JSON: 400 malformed_json on every route with a body", async () => {
    const before = await apiFingerprint(services);
    for (const route of bodyRoutes()) {
      for (const body of ["{", '{"text": }', "not json", "{'a': 1}"]) {
        const res = await call(route.path, {
          method: route.method,
          key: keyA,
          body,
          headers: { "Content-Type": "application/json" },
        });
        // An unknown thread is looked up after the body is read: malformed wins everywhere.
        await expectError(res, 400, "malformed_json");
      }
    }
    expect(await apiFingerprint(services)).toEqual(before);
  });

  it("wrong types: 400 validation_error naming the field", async () => {
    const before = await apiFingerprint(services);
    const cases: { method: string; path: string; json: unknown; field: RegExp }[] = [
      { method: "POST", path: "/v1/threads", json: { asOf: 20111210 }, field: /body\.asOf/ },
      { method: "POST", path: "/v1/threads", json: [], field: /body/ },
      {
        method: "POST",
        path: `/v1/threads/${a.waiting}/messages`,
        json: { text: ["a"] },
        field: /body\.text/,
      },
      {
        method: "POST",
        path: `/v1/threads/${a.waiting}/messages`,
        json: "customers",
        field: /body/,
      },
      {
        method: "POST",
        path: `/v1/threads/${a.waiting}/answers`,
        json: { answer: false },
        field: /body\.answer/,
      },
      {
        method: "POST",
        path: "/v1/segments",
        json: { threadId: 5, name: "x" },
        field: /body\.threadId/,
      },
      { method: "PATCH", path: "/v1/tenant", json: { glossary: "VIP" }, field: /body\.glossary/ },
    ];
    for (const c of cases) {
      const body = await expectError(
        await call(c.path, { method: c.method, key: keyA, json: c.json }),
        400,
        "validation_error",
      );
      expect(body.error.message).toMatch(c.field);
    }
    expect(await apiFingerprint(services)).toEqual(before);
  });

  it("a body that is not JSON: 415", async () => {
    const before = await apiFingerprint(services);
    for (const route of bodyRoutes()) {
      for (const type of [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
      ]) {
        const res = await call(route.path, {
          method: route.method,
          key: keyA,
          body: "text=customers",
          headers: { "Content-Type": type },
        });
        await expectError(res, 415, "unsupported_media_type");
      }
    }
    expect(await apiFingerprint(services)).toEqual(before);
  });

  it("a body over the limit: 413 before any work", async () => {
    const before = await apiFingerprint(services);
    const big = JSON.stringify({ text: `customers who bought ${"bags ".repeat(15_000)}` });
    expect(big.length).toBeGreaterThan(64 * 1024);
    for (const route of bodyRoutes()) {
      const withLength = await call(route.path, {
        method: route.method,
        key: keyA,
        body: big,
        headers: { "Content-Type": "application/json", "Content-Length": String(big.length) },
      });
      await expectError(withLength, 413, "payload_too_large");
      // Without a declared length, the limit is enforced while reading.
      const streamed = await call(route.path, {
        method: route.method,
        key: keyA,
        body: big,
        headers: { "Content-Type": "application/json" },
      });
      await expectError(streamed, 413, "payload_too_large");
    }
    expect(await apiFingerprint(services)).toEqual(before);
  });

  it("a request without a key is refused before its body is looked at", async () => {
    await expectError(
      await call("/v1/threads", { body: "{", headers: { "Content-Type": "application/json" } }),
      401,
      "unauthorized",
    );
  });
});

describe("rate limits", () => {
  it("per tenant, in memory: 429 with Retry-After once the minute's budget is spent", async () => {
    const limited = createTestApp(services, { config: { rateLimitPerMinute: 3 } });
    const req = requester(limited.app);
    try {
      for (let i = 0; i < 3; i++) {
        const ok = await req("/v1/tenant", { key: keyA });
        expect(ok.status).toBe(200);
        expect(ok.headers.get("ratelimit-limit")).toBe("3");
        expect(ok.headers.get("ratelimit-remaining")).toBe(String(2 - i));
      }
      const before = await apiFingerprint(services);
      const res = await req("/v1/threads", { key: keyA, json: {} });
      await expectError(res, 429, "rate_limited");
      const retry = Number(res.headers.get("retry-after"));
      expect(retry).toBeGreaterThan(0);
      expect(retry).toBeLessThanOrEqual(60);
      expect(await apiFingerprint(services)).toEqual(before);
      // Another tenant has its own budget.
      expect((await req("/v1/tenant", { key: keyB })).status).toBe(200);
      // Unauthenticated probes and operations endpoints do not spend a tenant's budget.
      expect((await req("/healthz")).status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it("with Redis: two app instances share one tenant's budget", async () => {
    const prefix = uniquePrefix();
    const redisUrl = "redis://127.0.0.1:6379";
    const one = createTestApp(services, {
      config: { rateLimitPerMinute: 4 },
      redisUrl,
      rateLimitKeyPrefix: prefix,
    });
    const two = createTestApp(services, {
      config: { rateLimitPerMinute: 4 },
      redisUrl,
      rateLimitKeyPrefix: prefix,
    });
    try {
      expect(await one.ready()).toBe(true);
      expect(await two.ready()).toBe(true);
      const r1 = requester(one.app);
      const r2 = requester(two.app);
      const statuses = [];
      for (let i = 0; i < 3; i++) {
        statuses.push((await r1("/v1/tenant", { key: keyA })).status);
        statuses.push((await r2("/v1/tenant", { key: keyA })).status);
      }
      expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
      expect((await r2("/v1/tenant", { key: keyB })).status).toBe(200);
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });

  it("with Redis unreachable: falls back to in-process limits instead of failing", async () => {
    const broken = createTestApp(services, {
      config: { rateLimitPerMinute: 2 },
      redisUrl: "redis://127.0.0.1:1",
    });
    try {
      const req = requester(broken.app);
      expect((await req("/v1/tenant", { key: keyA })).status).toBe(200);
      expect((await req("/v1/tenant", { key: keyA })).status).toBe(200);
      await expectError(await req("/v1/tenant", { key: keyA }), 429, "rate_limited");
    } finally {
      await broken.close();
    }
  });
});

describe("CORS, headers, request ids, internal errors", () => {
  it("allows only the configured origins", async () => {
    const allowed = await call("/v1/tenant", {
      key: keyA,
      headers: { Origin: "https://app.example.com" },
    });
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
    expect(allowed.headers.get("access-control-expose-headers")).toMatch(/X-Request-Id/);
    const other = await call("/v1/tenant", {
      key: keyA,
      headers: { Origin: "https://evil.example" },
    });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
    const preflight = await call("/v1/threads", {
      method: "OPTIONS",
      headers: {
        Origin: "https://app.example.com",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type",
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
    expect(preflight.headers.get("access-control-allow-headers")).toMatch(/Authorization/);
    const closed = createTestApp(services, { config: { corsOrigins: [] } });
    try {
      const res = await requester(closed.app)("/v1/tenant", {
        key: keyA,
        headers: { Origin: "https://app.example.com" },
      });
      expect(res.headers.get("access-control-allow-origin")).toBeNull();
    } finally {
      await closed.close();
    }
  });

  it("sets security headers on every response, errors included", async () => {
    for (const res of [
      await call("/v1/tenant", { key: keyA }),
      await call("/nope"),
      await call("/docs"),
    ]) {
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("x-frame-options")).toBe("SAMEORIGIN");
      expect(res.headers.get("referrer-policy")).toBe("no-referrer");
      expect(res.headers.get("strict-transport-security")).toMatch(/max-age/);
      expect(res.headers.get("content-security-policy")).toMatch(/script-src 'self'/);
    }
  });

  it("echoes a client's request id in the header and the envelope", async () => {
    const res = await call(`/v1/threads/${UNKNOWN}`, {
      key: keyA,
      headers: { "X-Request-Id": "client-trace-123" },
    });
    expect(res.headers.get("x-request-id")).toBe("client-trace-123");
    const body = await expectError(res, 404, "not_found");
    expect(body.error.requestId).toBe("client-trace-123");
  });

  it("an internal error is a 500 envelope that reveals nothing", async () => {
    const failing = createTestApp({
      ...services,
      warehouse: Object.assign(Object.create(services.warehouse) as typeof services.warehouse, {
        size: async () => {
          throw new Error("connection to 10.0.0.7 failed: password authentication for admin");
        },
      }),
    });
    try {
      const res = await requester(failing.app)(`/v1/segments/${a.segment}/size`, {
        key: keyA,
        method: "POST",
      });
      const body = await expectError(res, 500, "internal_error");
      expect(body.error.message).not.toMatch(/10\.0\.0\.7|password|admin/);
    } finally {
      await failing.close();
    }
  });
});
