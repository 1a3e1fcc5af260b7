/**
 * Recipes through the API on the real Postgres: a saved segment is suggested for a like
 * request (result, message, audit trail), stops being suggested once deleted, is indexed again
 * by the start-up backfill, and is never suggested to another tenant. DELETE /v1/segments/{id}
 * with its error and isolation cases.
 */
import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { HashedNgramEmbedder } from "../catalog/embedder.ts";
import { RecipeBook } from "../runtime/recipes.ts";
import type { Services } from "../runtime/services.ts";
import {
  OTHER_TENANT,
  savedSegment,
  openTwoTenantApi,
  type TwoTenantApi,
} from "../server/testing/api-fixtures.ts";
import { offlineEmbedder } from "../vectors/embedder.ts";
import { InProcessVectorStore } from "../vectors/in-process.ts";
import { RecipeIndex } from "../vectors/recipes.ts";

let services: Services;
let call: TwoTenantApi["call"];
let key: string;
let otherKey: string;
const made: string[] = [];

let api: TwoTenantApi | undefined;

beforeAll(async () => {
  api = await openTwoTenantApi();
  ({ services, call, key, otherKey } = api);
});
// Each test's segments go (as a deletion does), so the next test's is not one of many alike,
// and a failed run leaves none to be suggested to the next.
afterEach(async () => {
  for (const id of made.splice(0)) {
    await services.db.pool.query("delete from app.segments where id = $1", [id]);
    await services.recipes.deleted("online-retail", id);
    await services.recipes.deleted(OTHER_TENANT, id);
  }
});
afterAll(async () => {
  await api?.close();
});

interface Suggestion {
  segmentId: string;
  name: string;
  request: string;
  size: number | null;
  savedBy: string | null;
  score: number;
}
interface Run {
  threadId: string;
  status: string;
  message: string;
  suggestions: Suggestion[];
}

// Words no other test saves, so this file's segment is among the few most like them.
const REQUEST = "Norwegian customers who bought lanterns in 2011";
const LIKE_IT = "customers in Norway who bought lanterns during 2011";

async function create(text: string, k = key): Promise<Run> {
  const thread = (await (await call("/v1/threads", { key: k, json: {} })).json()) as { id: string };
  const res = await call(`/v1/threads/${thread.id}/messages`, { key: k, json: { text } });
  expect(res.status).toBe(200);
  return { ...((await res.json()) as Run), threadId: thread.id };
}

async function save(k = key) {
  const name = `norway lanterns ${randomUUID()}`;
  const saved = await savedSegment(call, k, REQUEST, name);
  made.push(saved.id);
  return { ...saved, name };
}

const ids = (r: Run) => r.suggestions.map((s) => s.segmentId);

describe("recipes: saved segments suggested for a new request", () => {
  it("suggests a saved segment for a like request, in the result, the message and the audit", async () => {
    const saved = await save();
    const run = await create(LIKE_IT);
    expect(run.status).toBe("ok");
    const mine = run.suggestions.find((s) => s.segmentId === saved.id);
    expect(mine).toMatchObject({
      name: saved.name,
      request: REQUEST,
      size: saved.size,
      savedBy: expect.stringMatching(/^key:/),
    });
    expect(mine!.score).toBeGreaterThan(0);
    const best = run.suggestions[0]!;
    expect(run.message).toContain(
      `A similar segment exists: "${best.name}" (${best.size} customers)`,
    );
    const thread = (await (await call(`/v1/threads/${run.threadId}`, { key })).json()) as {
      history: { step: string; detail?: { suggested?: { segmentId: string; score: number }[] } }[];
    };
    const step = thread.history.find((h) => h.step === "findRecipes");
    expect(step?.detail?.suggested?.map((s) => s.segmentId)).toEqual(ids(run));
  });

  it("suggests nothing for an edit", async () => {
    await save();
    const run = await create(LIKE_IT);
    const res = await call(`/v1/threads/${run.threadId}/messages`, {
      key,
      json: { text: "only the ones who spent over £100" },
    });
    const edit = (await res.json()) as Run;
    expect(edit.status).toBe("ok");
    expect(edit.suggestions).toEqual([]);
  });

  it("never suggests one tenant's segment to another, even for the very same words", async () => {
    const saved = await save();
    const theirs = await create(REQUEST, otherKey);
    expect(ids(theirs)).not.toContain(saved.id);
    if (theirs.suggestions.length > 0) {
      const { rows } = await services.db.pool.query<{ tenant_id: string }>(
        "select distinct tenant_id from app.segments where id = any($1::uuid[])",
        [ids(theirs)],
      );
      expect(rows.map((r) => r.tenant_id)).toEqual([OTHER_TENANT]);
    }
  });

  it("indexes saved segments again at start (backfill), idempotently", async () => {
    const saved = await save();
    await services.recipes.index.remove("online-retail", [saved.id]);
    expect(ids(await create(LIKE_IT))).not.toContain(saved.id);
    const counts = await services.recipes.backfill();
    expect(counts.get("online-retail")).toBeGreaterThan(0);
    await services.recipes.backfill();
    const run = await create(LIKE_IT);
    expect(ids(run).filter((id) => id === saved.id)).toEqual([saved.id]);
  });
});

describe("a vector store that is down", () => {
  it("costs the suggestions only: the turn makes its segment and says why there are none", async () => {
    await save();
    const embedder = offlineEmbedder(new HashedNgramEmbedder());
    const down = new InProcessVectorStore(embedder.dimension);
    down.search = () => Promise.reject(new Error("connection refused"));
    const index = new RecipeIndex(down, embedder, {
      minScore: 0,
      limit: 3,
      timeoutMs: 250,
      breakerFailures: 3,
      breakerHalfOpenMs: 10_000,
    });
    const working = services.context.recipes;
    services.context.recipes = new RecipeBook(services.db.pool, index, services.tenants, {
      limit: 3,
    });
    try {
      const run = await create(LIKE_IT);
      expect(run.status).toBe("ok");
      expect(run.suggestions).toEqual([]);
      expect(run.message).not.toMatch(/similar segment/);
      const thread = (await (await call(`/v1/threads/${run.threadId}`, { key })).json()) as {
        history: { step: string; detail?: Record<string, unknown> }[];
      };
      expect(thread.history.find((h) => h.step === "findRecipes")?.detail).toEqual({
        suggested: [],
        source: "unavailable",
        reason: "error",
      });
    } finally {
      services.context.recipes = working;
    }
  });
});

describe("a saved segment's recipe after an edit", () => {
  it("is indexed again with what the segment now means", async () => {
    const saved = await save();
    const recipeOf = async () =>
      (await services.recipes.index.search("online-retail", REQUEST, 20)).matches.find(
        (m) => m.segmentId === saved.id,
      );
    expect((await recipeOf())?.text).not.toMatch(/£100/);
    const res = await call(`/v1/segments/${saved.id}`, {
      method: "PATCH",
      key,
      json: { text: "only the ones who spent over £100" },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Run).status).toBe("ok");
    expect((await recipeOf())?.text).toMatch(/£100/);
  });
});

describe("DELETE /v1/segments/{id}", () => {
  it("deletes the segment, records it, and it is no longer suggested", async () => {
    const saved = await save();
    expect(ids(await create(LIKE_IT))).toContain(saved.id);
    const res = await call(`/v1/segments/${saved.id}`, { method: "DELETE", key });
    expect(res.status).toBe(204);
    expect((await call(`/v1/segments/${saved.id}`, { key })).status).toBe(404);
    expect(ids(await create(LIKE_IT))).not.toContain(saved.id);
    const { rows } = await services.db.pool.query<{ detail: { segmentId: string } }>(
      "select detail from app.audit_log where event = 'segment.deleted' and detail->>'segmentId' = $1",
      [saved.id],
    );
    expect(rows).toHaveLength(1);
  });

  it("is not found twice, nor for an unknown id, and refuses a malformed one", async () => {
    const saved = await save();
    expect((await call(`/v1/segments/${saved.id}`, { method: "DELETE", key })).status).toBe(204);
    const again = await call(`/v1/segments/${saved.id}`, { method: "DELETE", key });
    expect(again.status).toBe(404);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe("not_found");
    const unknown = await call(`/v1/segments/${randomUUID()}`, { method: "DELETE", key });
    expect(unknown.status).toBe(404);
    const bad = await call("/v1/segments/not-a-uuid", { method: "DELETE", key });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe("validation_error");
    expect((await call(`/v1/segments/${saved.id}`, { method: "DELETE" })).status).toBe(401);
  });

  it("does not delete another tenant's segment, which stays suggested to its own tenant", async () => {
    const saved = await save();
    const res = await call(`/v1/segments/${saved.id}`, { method: "DELETE", key: otherKey });
    expect(res.status).toBe(404);
    expect((await call(`/v1/segments/${saved.id}`, { key })).status).toBe(200);
    expect(ids(await create(LIKE_IT))).toContain(saved.id);
  });
});
