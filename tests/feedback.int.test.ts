/**
 * Feedback and corrections through the API on the real Postgres: POST /v1/feedback on a turn
 * or a saved segment (with a corrected segment teaching corrections), an edit right after a
 * creation recorded as a correction, and neither ever crossing tenants.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Services } from "../runtime/services.ts";
import {
  savedSegment,
  openTwoTenantApi,
  type TwoTenantApi,
} from "../server/testing/api-fixtures.ts";
import type { RuleNode } from "../state/segment.ts";

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
  segment: { root: RuleNode } | null;
}
interface Correction {
  phrase: string;
  was: { description: string } | null;
  meant: { description: string } | null;
  source?: string;
  threadId?: string | null;
}

async function thread(k = key): Promise<string> {
  return ((await (await call("/v1/threads", { key: k, json: {} })).json()) as { id: string }).id;
}

async function send(threadId: string, text: string, user?: string): Promise<Run> {
  const res = await call(`/v1/threads/${threadId}/messages`, {
    key,
    json: { text, ...(user ? { user } : {}) },
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Run;
}

const feedback = (body: unknown, k = key) => call("/v1/feedback", { key: k, json: body });

async function corrections(k = key): Promise<Correction[]> {
  const res = await call("/v1/corrections", { key: k });
  expect(res.status).toBe(200);
  return ((await res.json()) as { corrections: Correction[] }).corrections;
}

async function errorCode(res: Response): Promise<string> {
  return ((await res.json()) as { error: { code: string } }).error.code;
}

describe("POST /v1/feedback", () => {
  it("stores a thumbs-up on a turn", async () => {
    const id = await thread();
    await send(id, "customers in France");
    const res = await feedback({ threadId: id, turn: 1, rating: "up", reason: "spot on" });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { id: string; corrections: unknown[] };
    expect(body.corrections).toEqual([]);
    const { rows } = await services.db.pool.query(
      "select tenant_id, rating, reason, turn from app.feedback where id = $1",
      [body.id],
    );
    expect(rows).toEqual([
      { tenant_id: "online-retail", rating: "up", reason: "spot on", turn: 1 },
    ]);
  });

  it("a corrected segment on a saved one teaches what its words should have meant", async () => {
    const saved = await savedSegment(call, key, "customers in France", `fr-${randomUUID()}`);
    const run = (await (await call(`/v1/segments/${saved.id}`, { key })).json()) as {
      definition: { root: RuleNode };
    };
    const root = run.definition.root;
    if (root.type !== "attribute")
      throw new Error(`expected one country condition: ${JSON.stringify(root)}`);
    const res = await feedback({
      segmentId: saved.id,
      version: 1,
      rating: "down",
      reason: "I meant Germany",
      corrected: { root: { ...root, values: ["Germany"] } },
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { corrections: Correction[] };
    expect(body.corrections).toHaveLength(1);
    expect(body.corrections[0]!.phrase).toContain("France");
    expect(body.corrections[0]!.meant!.description).toContain("Germany");
    const listed = await corrections();
    expect(listed.some((c) => c.source === "feedback" && c.phrase.includes("France"))).toBe(true);
  });

  it("refuses input that does not say what it is about, or says it wrongly", async () => {
    const id = await thread();
    await send(id, "customers in France");
    expect((await feedback({ rating: "up" })).status).toBe(400);
    expect((await feedback({ threadId: id, segmentId: randomUUID(), rating: "up" })).status).toBe(
      400,
    );
    expect((await feedback({ threadId: id, rating: "meh" })).status).toBe(400);
    expect((await feedback({ threadId: id, version: 1, rating: "up" })).status).toBe(400);
    const badTree = await feedback({ threadId: id, rating: "down", corrected: { root: { x: 1 } } });
    expect(badTree.status).toBe(400);
    expect(await errorCode(badTree)).toBe("validation_error");
    expect((await feedback({ threadId: randomUUID(), rating: "up" })).status).toBe(404);
    expect((await feedback({ threadId: id, turn: 9, rating: "up" })).status).toBe(404);
    expect((await call("/v1/feedback", { json: { threadId: id, rating: "up" } })).status).toBe(401);
  });

  it("another tenant's thread or segment is not found, and nothing is stored", async () => {
    const id = await thread();
    await send(id, "customers in France");
    const saved = await savedSegment(call, key, "customers in Spain", `es-${randomUUID()}`);
    const count = async () =>
      Number(
        (await services.db.pool.query("select count(*) n from app.feedback")).rows[0]!.n as string,
      );
    const before = await count();
    const onThread = await feedback({ threadId: id, rating: "down" }, otherKey);
    expect(onThread.status).toBe(404);
    expect(await errorCode(onThread)).toBe("not_found");
    expect((await feedback({ segmentId: saved.id, rating: "down" }, otherKey)).status).toBe(404);
    expect(await count()).toBe(before);
  });
});

describe("corrections from edits", () => {
  it("an edit right after a creation records the words it changed", async () => {
    const id = await thread();
    expect((await send(id, "customers in France", "ana")).status).toBe("ok");
    expect((await send(id, "make it Germany instead", "ana")).status).toBe("ok");
    const mine = (await corrections()).filter((c) => c.threadId === id);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ source: "edit" });
    expect(mine[0]!.phrase).toContain("France");
    expect(mine[0]!.meant!.description).toContain("Germany");
    // A later edit is not a correction of the creation's words.
    expect((await send(id, "make it Spain instead", "ana")).status).toBe("ok");
    expect((await corrections()).filter((c) => c.threadId === id)).toHaveLength(1);
  });

  it("another tenant never sees them", async () => {
    const id = await thread();
    await send(id, "customers in France", "ana");
    await send(id, "make it Italy instead", "ana");
    expect((await corrections()).some((c) => c.threadId === id)).toBe(true);
    expect((await corrections(otherKey)).some((c) => c.threadId === id)).toBe(false);
    expect((await call("/v1/corrections")).status).toBe(401);
  });
});
