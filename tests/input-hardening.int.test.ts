/**
 * Hostile input the schemas alone did not stop: control characters (NUL made Postgres fail
 * with 22P05, a 500) in every stored text field, and numbers in query strings that
 * `z.coerce.number()` read leniently ("0x10", "1e2", "limit[]=1"). Each refusal is a 400 with
 * the envelope and leaves the database as it was.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Services } from "../runtime/services.ts";
import {
  apiFingerprint,
  createTestApp,
  newKey,
  requester,
  startTwoTenantServices,
  type TestApp,
} from "../server/testing/api-fixtures.ts";

let services: Services;
let t: TestApp;
let call: ReturnType<typeof requester>;
let key: string;
let thread: string;
let segment: string;

beforeAll(async () => {
  services = await startTwoTenantServices();
  t = createTestApp(services);
  call = requester(t.app);
  key = await newKey(services, "online-retail");
  thread = ((await (await call("/v1/threads", { key, json: {} })).json()) as { id: string }).id;
  const ran = await call(`/v1/threads/${thread}/messages`, {
    key,
    json: { text: "customers in the Netherlands" },
  });
  expect(ran.status).toBe(200);
  const saved = await call("/v1/segments", { key, json: { threadId: thread, name: "NL" } });
  expect(saved.status).toBe(201);
  segment = ((await saved.json()) as { id: string }).id;
});
afterAll(async () => {
  await t?.close();
  await services?.close();
});

async function expectValidationError(res: Response, message?: RegExp): Promise<void> {
  expect(res.status).toBe(400);
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(body).toEqual({
    error: {
      code: "validation_error",
      message: expect.any(String),
      requestId: res.headers.get("x-request-id"),
    },
  });
  if (message) expect(body.error.message).toMatch(message);
}

describe("control characters in stored text", () => {
  const glossary = (entry: Record<string, unknown>) => ({
    glossary: [{ term: "VIPs", meaning: "big spenders", ...entry }],
  });

  const cases: { name: string; method: string; path: () => string; json: unknown; at: RegExp }[] = [
    {
      name: "NUL in a glossary term",
      method: "PATCH",
      path: () => "/v1/tenant",
      json: glossary({ term: "VIP\u0000s" }),
      at: /body\.glossary\.0\.term: control character U\+0000/,
    },
    {
      name: "BEL in a glossary meaning",
      method: "PATCH",
      path: () => "/v1/tenant",
      json: glossary({ meaning: "big\u0007spenders" }),
      at: /body\.glossary\.0\.meaning: .*U\+0007/,
    },
    {
      name: "DEL in a glossary expansion",
      method: "PATCH",
      path: () => "/v1/tenant",
      json: glossary({ expansion: "customers who spent over £5,000\u007F" }),
      at: /expansion: .*U\+007F/,
    },
    {
      name: "a C1 control in a glossary alias",
      method: "PATCH",
      path: () => "/v1/tenant",
      json: glossary({ aliases: ["V.I.P.\u0085"] }),
      at: /body\.glossary\.0\.aliases\.0: .*U\+0085/,
    },
    {
      name: "NUL in a restricted facet",
      method: "PATCH",
      path: () => "/v1/tenant",
      json: { restrictedFacets: ["country\u0000"] },
      at: /restrictedFacets\.0/,
    },
    {
      name: "NUL in a key of the body",
      method: "PATCH",
      path: () => "/v1/tenant",
      json: { "asOf\u0000": "2011-12-10" },
      at: /U\+0000/,
    },
    {
      name: "NUL in a segment name",
      method: "POST",
      path: () => "/v1/segments",
      json: { threadId: "", name: "UK\u0000big spenders" },
      at: /body\.name: control character U\+0000/,
    },
    {
      name: "ESC in a segment name",
      method: "POST",
      path: () => "/v1/segments",
      json: { threadId: "", name: "\u001b[31mred" },
      at: /body\.name: .*U\+001B/,
    },
    {
      name: "NUL in a message",
      method: "POST",
      path: () => `/v1/threads/${thread}/messages`,
      json: { text: "customers in France\u0000" },
      at: /body\.text: .*U\+0000/,
    },
    {
      name: "NUL in a new thread's as-of date",
      method: "POST",
      path: () => "/v1/threads",
      json: { asOf: "2011-12-10\u0000" },
      at: /body\.asOf/,
    },
  ];

  for (const c of cases) {
    it(`refuses ${c.name} with 400 and stores nothing`, async () => {
      const json =
        c.path() === "/v1/segments" ? { ...(c.json as object), threadId: thread } : c.json;
      const before = await apiFingerprint(services);
      await expectValidationError(await call(c.path(), { method: c.method, key, json }), c.at);
      expect(await apiFingerprint(services)).toEqual(before);
    });
  }

  it("keeps tab and line breaks, which are text", async () => {
    // A conversation's segment is saved once, so this name goes on a conversation of its own.
    const other = ((await (await call("/v1/threads", { key, json: {} })).json()) as { id: string })
      .id;
    const ran = await call(`/v1/threads/${other}/messages`, {
      key,
      json: { text: "customers in Belgium" },
    });
    expect(ran.status).toBe(200);
    const res = await call("/v1/segments", {
      key,
      json: { threadId: other, name: "NL\tcustomers\r\nsecond line" },
    });
    expect(res.status).toBe(201);
    expect(((await res.json()) as { name: string }).name).toBe("NL\tcustomers\r\nsecond line");
  });

  it("still answers a body that does not parse with malformed_json", async () => {
    const res = await call("/v1/tenant", {
      method: "PATCH",
      key,
      body: '{"glossary": "\\u0000',
      headers: { "Content-Type": "application/json" },
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("malformed_json");
  });
});

describe("numbers in query strings", () => {
  const hostile = [
    "limit=0x10",
    "limit=1e2",
    "limit[]=1",
    "limit=%2010",
    "limit=10%20",
    "limit=+5",
    "limit=%2B5",
    "limit=-1",
    "limit=1.0",
    "limit=",
    "limit=Infinity",
    "limit=%EF%BC%91%EF%BC%90", // full-width "１０"
    "limit=1&limit=2",
    "limt=5",
  ];

  for (const query of hostile) {
    it(`GET /v1/segments?${query} is a 400`, async () => {
      const before = await apiFingerprint(services);
      await expectValidationError(await call(`/v1/segments?${query}`, { key }));
      expect(await apiFingerprint(services)).toEqual(before);
    });

    it(`GET /v1/segments/{id}/members?${query} is a 400`, async () => {
      await expectValidationError(await call(`/v1/segments/${segment}/members?${query}`, { key }));
    });
  }

  it("reads plain decimal digits, leading zeros included", async () => {
    const list = await call("/v1/segments?limit=001", { key });
    expect(list.status).toBe(200);
    expect(((await list.json()) as { items: unknown[] }).items).toHaveLength(1);
    const members = await call(`/v1/segments/${segment}/members?limit=0005`, { key });
    expect(members.status).toBe(200);
    expect(((await members.json()) as { items: unknown[] }).items).toHaveLength(5);
    expect((await call("/v1/segments", { key })).status).toBe(200);
  });
});
