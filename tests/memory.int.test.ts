/**
 * Memory across conversations through the API on the real Postgres: an answer remembered for
 * a user resolves the same question in a new thread (source `memory`, options beside it),
 * preferences apply to new requests, recent segments are recalled, and GET/DELETE/PUT
 * /v1/memory see and erase only the key's tenant (and the user's own entries).
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Services } from "../runtime/services.ts";
import { openTwoTenantApi, type TwoTenantApi } from "../server/testing/api-fixtures.ts";
import { conditionsOf, type RuleNode } from "../state/segment.ts";
import { createApiKey } from "../storage/api-keys.ts";

let services: Services;
let call: TwoTenantApi["call"];
let key: string;
let otherKey: string;

let api: TwoTenantApi | undefined;

beforeAll(async () => {
  api = await openTwoTenantApi();
  ({ services, call, key, otherKey } = api);
});
afterAll(async () => {
  await api?.close();
});

interface Run {
  threadId: string;
  status: string;
  size: number | null;
  segment: { root: RuleNode } | null;
  clarification: { key: string; options: { label: string; request: string }[] } | null;
  recalled: { id: string; key: string; answer: string; scope: string; options: unknown[] }[];
  explanation: string[];
}

interface Memory {
  user: string | null;
  answers: { id: string; key: string; answer: string; scope: string; term: string }[];
  preferences: { effective: Record<string, unknown> };
  recent: { id: string; request: string; version: number }[];
}

/** A unique user per test, so no test's memory meets another's. */
const someone = () => `user-${randomUUID()}`;

async function say(text: string, user?: string, k = key): Promise<Run> {
  const thread = (await (await call("/v1/threads", { key: k, json: {} })).json()) as { id: string };
  const res = await call(`/v1/threads/${thread.id}/messages`, {
    key: k,
    json: { text, ...(user ? { user } : {}) },
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Run;
}

async function answer(run: Run, body: Record<string, unknown>, k = key): Promise<Run> {
  const res = await call(`/v1/threads/${run.threadId}/answers`, { key: k, json: body });
  expect(res.status).toBe(200);
  return (await res.json()) as Run;
}

async function memoryOf(user: string | undefined, k = key): Promise<Memory> {
  const res = await call(`/v1/memory${user ? `?user=${encodeURIComponent(user)}` : ""}`, {
    key: k,
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Memory;
}

const sources = (run: Run) => conditionsOf(run.segment!.root).map((c) => c.provenance.source);

describe("remembered answers", () => {
  it("an answer given once resolves the same word in a new conversation, from memory", async () => {
    const ana = someone();
    const asked = await say("loyal customers in France", ana);
    expect(asked.status).toBe("needs_clarification");
    expect(asked.clarification!.key).toBe("unmapped:loyal");
    const picked = asked.clarification!.options[1]!;
    const answered = await answer(asked, { answer: 2, user: ana });
    expect(answered.status).toBe("ok");
    expect(sources(answered)).toContain("user");

    const later = await say("loyal customers in Germany", ana);
    expect(later.status).toBe("ok");
    expect(later.recalled).toHaveLength(1);
    expect(later.recalled[0]).toMatchObject({
      key: "unmapped:loyal",
      answer: picked.label,
      scope: "user",
    });
    // The other options stay one step away: each a whole request the client can send.
    expect(later.recalled[0]!.options).toHaveLength(asked.clarification!.options.length);
    expect(sources(later)).toContain("memory");
    // The same segment as saying the remembered threshold outright.
    const explicit = await say("customers in Germany who spent more than £5,000");
    expect(later.size).toBe(explicit.size);
  });

  it("is the user's own: another user of the same key is asked", async () => {
    const ana = someone();
    const asked = await say("loyal customers in France", ana);
    await answer(asked, { answer: 1, user: ana });
    expect((await say("loyal customers in Spain", someone())).status).toBe("needs_clarification");
    // Nobody named: nothing is remembered or recalled.
    expect((await say("loyal customers in Spain")).status).toBe("needs_clarification");
  });

  it("a key that belongs to a user remembers for it without a user field", async () => {
    const own = (await createApiKey(services.db.pool, "online-retail", { user: someone() })).key;
    const asked = await say("loyal customers in France", undefined, own);
    await answer(asked, { answer: 1 }, own);
    const later = await say("loyal customers in Italy", undefined, own);
    expect(later.status).toBe("ok");
    expect(later.recalled[0]?.answer).toBe(asked.clarification!.options[0]!.label);
  });

  it("a key that belongs to a user cannot act for another: 403, and nothing read or erased", async () => {
    const ana = someone();
    const own = (await createApiKey(services.db.pool, "online-retail", { user: ana })).key;
    await answer(await say("loyal customers in France", undefined, own), { answer: 1 }, own);
    const before = await memoryOf(undefined, own);
    expect(before.answers).toHaveLength(1);
    const other = someone();
    const peek = await call(`/v1/memory?user=${encodeURIComponent(other)}`, { key: own });
    expect(peek.status).toBe(403);
    expect(((await peek.json()) as { error: { code: string } }).error.code).toBe("user_mismatch");
    const erase = await call(`/v1/memory?user=${encodeURIComponent(other)}`, {
      key: own,
      method: "DELETE",
    });
    expect(erase.status).toBe(403);
    const thread = (await (await call("/v1/threads", { key: own, json: {} })).json()) as {
      id: string;
    };
    const posing = await call(`/v1/threads/${thread.id}/messages`, {
      key: own,
      json: { text: "loyal customers in Spain", user: other },
    });
    expect(posing.status).toBe(403);
    // Naming itself is fine, and what it remembered is intact.
    expect((await memoryOf(ana, own)).answers).toEqual(before.answers);
  });

  it("remember: none keeps nothing", async () => {
    const ana = someone();
    const asked = await say("loyal customers in France", ana);
    await answer(asked, { answer: 1, user: ana, remember: "none" });
    expect((await say("loyal customers in Germany", ana)).status).toBe("needs_clarification");
    expect((await memoryOf(ana)).answers).toEqual([]);
  });

  it("remember: tenant is shared by the tenant's users and erased with scope=tenant", async () => {
    // other-tenant, and a word no other test asks about, so no other test meets this entry.
    const asked = await say("dormant customers in France", someone(), otherKey);
    expect(asked.clarification?.key).toBe("unmapped:dormant");
    await answer(asked, { answer: 3, remember: "tenant" }, otherKey);
    try {
      const later = await say("dormant customers in Spain", someone(), otherKey);
      expect(later.status).toBe("ok");
      expect(later.recalled[0]?.scope).toBe("tenant");
      // Never in another tenant.
      expect((await say("dormant customers in Spain", someone())).status).toBe(
        "needs_clarification",
      );
    } finally {
      const res = await call("/v1/memory?scope=tenant", { key: otherKey, method: "DELETE" });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { erased: number }).erased).toBeGreaterThan(0);
    }
    expect((await say("dormant customers in Spain", someone(), otherKey)).status).toBe(
      "needs_clarification",
    );
  });
});

describe("GET and DELETE /v1/memory", () => {
  it("shows the answers and recent segments; erasing one entry asks again", async () => {
    const ana = someone();
    const asked = await say("loyal customers in France", ana);
    await answer(asked, { answer: 1, user: ana });
    await say("customers in Germany", ana);
    const memory = await memoryOf(ana);
    expect(memory.user).toBe(ana);
    expect(memory.answers.map((a) => [a.key, a.term, a.scope])).toEqual([
      ["unmapped:loyal", "loyal", "user"],
    ]);
    expect(memory.recent.map((r) => r.request)).toEqual([
      "customers in Germany",
      "loyal customers in France",
    ]);
    const res = await call(`/v1/memory/${memory.answers[0]!.id}?user=${ana}`, {
      key,
      method: "DELETE",
    });
    expect(res.status).toBe(204);
    expect((await say("loyal customers in Germany", ana)).status).toBe("needs_clarification");
  });

  it("erases everything of the user", async () => {
    const ana = someone();
    await answer(await say("loyal customers in France", ana), { answer: 1, user: ana });
    const res = await call(`/v1/memory?user=${ana}`, { key, method: "DELETE" });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { erased: number }).erased).toBe(2);
    const memory = await memoryOf(ana);
    expect(memory.answers).toEqual([]);
    expect(memory.recent).toEqual([]);
  });

  it("refuses to erase a user's memory without a user, and a bad id", async () => {
    const res = await call("/v1/memory", { key, method: "DELETE" });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("validation_error");
    expect((await call("/v1/memory/not-a-uuid", { key, method: "DELETE" })).status).toBe(400);
    expect((await call(`/v1/memory/${randomUUID()}`, { key, method: "DELETE" })).status).toBe(404);
    expect((await call("/v1/memory?user=a%20b", { key })).status).toBe(400);
  });

  it("another tenant's key never sees or erases the entries", async () => {
    const ana = someone();
    await answer(await say("loyal customers in France", ana), { answer: 1, user: ana });
    const mine = await memoryOf(ana);
    expect(mine.answers).toHaveLength(1);
    const theirs = await memoryOf(ana, otherKey);
    expect(theirs.answers).toEqual([]);
    expect(theirs.recent).toEqual([]);
    const id = mine.answers[0]!.id;
    expect(
      (await call(`/v1/memory/${id}?user=${ana}`, { key: otherKey, method: "DELETE" })).status,
    ).toBe(404);
    const erased = await call(`/v1/memory?user=${ana}`, { key: otherKey, method: "DELETE" });
    expect(((await erased.json()) as { erased: number }).erased).toBe(0);
    expect((await memoryOf(ana)).answers.map((a) => a.id)).toEqual([id]);
    // Nor another user of the same tenant, by id.
    expect(
      (await call(`/v1/memory/${id}?user=${someone()}`, { key, method: "DELETE" })).status,
    ).toBe(404);
  });

  it("needs a key", async () => {
    expect((await call("/v1/memory")).status).toBe(401);
    expect((await call("/v1/memory", { method: "DELETE" })).status).toBe(401);
  });
});

describe("preferences", () => {
  const put = (body: unknown, k = key) =>
    call("/v1/memory/preferences", { key: k, method: "PUT", json: body });

  it("a default window and currency format apply to the user's new requests", async () => {
    const ana = someone();
    const res = await put({
      user: ana,
      preferences: {
        defaultWindow: "in the last 12 months",
        currency: { display: "code", decimals: 0 },
      },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Memory).preferences.effective).toMatchObject({
      defaultWindow: "in the last 12 months",
    });
    const run = await say("customers in France who spent over £1,000", ana);
    expect(run.status).toBe("ok");
    const explicit = await say("customers in France who spent over £1,000 in the last 12 months");
    expect(run.size).toBe(explicit.size);
    expect(sources(run)).toContain("memory");
    expect(run.explanation.join("\n")).toContain("GBP 1,000");
    // A request that names its own period keeps it.
    const dated = await say("customers in France who spent over £1,000 in 2011", ana);
    const plain = await say("customers in France who spent over £1,000 in 2011");
    expect(dated.size).toBe(plain.size);
    expect(sources(dated)).not.toContain("memory");
  });

  it("default exclusions are added to a new request", async () => {
    const ana = someone();
    await put({ user: ana, preferences: { defaultExclusions: ["excluding Germany"] } });
    const run = await say("customers who spent over £5,000", ana);
    const explicit = await say("customers who spent over £5,000 excluding Germany");
    expect(run.size).toBe(explicit.size);
    expect(sources(run)).toContain("memory");
  });

  it("refuses bad preferences and a user's preferences without a user", async () => {
    expect(
      (await put({ user: someone(), preferences: { currency: { display: "x" } } })).status,
    ).toBe(400);
    expect((await put({ user: someone(), preferences: {}, extra: 1 })).status).toBe(400);
    expect((await put({ preferences: { defaultWindow: "in 2011" } })).status).toBe(400);
  });

  it("another tenant's preferences for the same user change nothing here", async () => {
    const ana = someone();
    await put({ user: ana, preferences: { defaultWindow: "in the last 12 months" } }, otherKey);
    expect((await memoryOf(ana)).preferences.effective).toEqual({});
    expect(sources(await say("customers in France", ana))).not.toContain("memory");
  });
});
