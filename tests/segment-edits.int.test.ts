/**
 * Editing saved segments over HTTP on the real Postgres: PATCH in plain English, versions, one
 * version, diffs, revert — each route's happy path, its errors, and another tenant's key — and
 * concurrent edits: one wins, the other gets 409, no version lost or duplicated.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Services } from "../runtime/services.ts";
import { VersionConflictError } from "../state/context.ts";
import { appendVersion, listVersions } from "../storage/segments.ts";
import {
  OTHER_TENANT,
  apiFingerprint,
  newKey,
  openTwoTenantApi,
  savedSegment as savedSegmentOf,
  type TwoTenantApi,
} from "../server/testing/api-fixtures.ts";

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

interface Envelope {
  error: { code: string; message: string; requestId: string };
}

interface Turn {
  threadId: string;
  status: string;
  version: number | null;
  size: number | null;
  diff: { summary: string[]; added: { description: string }[]; removed: unknown[] } | null;
  rejection: { code: string; message: string } | null;
  clarification: { options: { label: string }[] } | null;
  thread: { status: string; version: number | null };
}

async function expectError(res: Response, status: number, code: string): Promise<Envelope> {
  expect(res.status).toBe(status);
  const body = (await res.json()) as Envelope;
  expect(body.error.code).toBe(code);
  expect(body.error.requestId).toBe(res.headers.get("x-request-id"));
  return body;
}

const savedSegment = (text: string, name: string) => savedSegmentOf(call, key, text, name);

async function edit(id: string, text: string, k = key): Promise<Response> {
  return call(`/v1/segments/${id}`, { method: "PATCH", key: k, json: { text } });
}

describe("PATCH /v1/segments/{id}", () => {
  it("edits in plain English: version 2 with its diff, kept on the segment", async () => {
    const s = await savedSegment("customers in France", "edit happy");
    expect(s.saved.version).toBe(1);
    const res = await edit(s.id, "only the ones who spent over £500");
    expect(res.status).toBe(200);
    const turn = (await res.json()) as Turn;
    expect(turn).toMatchObject({
      status: "ok",
      version: 2,
      thread: { status: "ready", version: 2 },
    });
    expect(turn.size).toBeLessThan(s.size);
    expect(turn.diff?.added.map((a) => a.description)).toEqual([
      "Spent more than £500.00 at any time",
    ]);
    const segment = (await (await call(`/v1/segments/${s.id}`, { key })).json()) as {
      version: number;
      size: number;
      explanation: string[];
    };
    expect(segment).toMatchObject({ version: 2, size: turn.size });
    expect(segment.explanation.join("\n")).toMatch(/Spent more than £500/);
  });

  it("an edit that names nothing in the segment is refused, names what is there, stores nothing", async () => {
    const s = await savedSegment("customers in Germany", "edit refused");
    const before = await apiFingerprint(services);
    const turn = (await (await edit(s.id, "drop the age filter")).json()) as Turn;
    expect(turn).toMatchObject({ status: "rejected", version: 1, size: s.size });
    expect(turn.rejection?.code).toBe("edit_no_target");
    expect(turn.rejection?.message).toMatch(/Country is Germany/);
    const after = (await apiFingerprint(services)) as Record<string, unknown>;
    // Only the conversation's own record moved: no version, no segment change.
    expect({ ...after, audit: 0, checkpoints: 0, writes: 0 }).toEqual({
      ...(before as Record<string, unknown>),
      audit: 0,
      checkpoints: 0,
      writes: 0,
    });
    const versions = (await (await call(`/v1/segments/${s.id}/versions`, { key })).json()) as {
      items: unknown[];
    };
    expect(versions.items).toHaveLength(1);
  });

  it("an edit using a restricted facet is refused as a creation would be", async () => {
    const demoKey = await newKey(services, "online-retail");
    const s = await savedSegment("customers in Spain", "edit restricted");
    // online-retail has no gender: the edit cannot name it; a sensitive trait is refused outright.
    const turn = (await (await edit(s.id, "only the muslim ones", demoKey)).json()) as Turn;
    expect(turn.status).toBe("rejected");
    expect(turn.rejection?.code).toBe("sensitive_trait");
    expect(turn.version).toBe(1);
  });

  it("400 for a missing or empty text, 404 for an unknown segment or another tenant's", async () => {
    const s = await savedSegment("customers in Spain", "edit errors");
    const before = await apiFingerprint(services);
    await expectError(
      await call(`/v1/segments/${s.id}`, { method: "PATCH", key, json: {} }),
      400,
      "validation_error",
    );
    await expectError(await edit(s.id, "   "), 400, "validation_error");
    await expectError(
      await call(`/v1/segments/${s.id}`, { method: "PATCH", key, json: { text: "x", extra: 1 } }),
      400,
      "validation_error",
    );
    await expectError(
      await edit("00000000-0000-4000-8000-000000000000", "drop it"),
      404,
      "not_found",
    );
    await expectError(
      await edit(s.id, "only the ones who spent over £500", otherKey),
      404,
      "not_found",
    );
    await expectError(
      await call(`/v1/segments/${s.id}`, { method: "PATCH", json: { text: "x" } }),
      401,
      "unauthorized",
    );
    const after = await apiFingerprint(services);
    expect(after, JSON.stringify({ before, after })).toEqual(before);
  });

  it("two edits at once: one becomes version 2, the other gets 409; no version lost or doubled", async () => {
    const s = await savedSegment("customers in France", "edit race");
    const responses = await Promise.all([
      edit(s.id, "only the ones who spent over £500"),
      edit(s.id, "and who ordered at least 3 times"),
    ]);
    expect(responses.map((r) => r.status).sort()).toEqual([200, 409]);
    const loser = responses.find((r) => r.status === 409)!;
    expect(["thread_busy", "version_conflict"]).toContain(
      ((await loser.json()) as Envelope).error.code,
    );
    const { rows } = await services.db.pool.query<{ version: number }>(
      "select version from app.segment_versions where segment_id = $1 order by version",
      [s.id],
    );
    expect(rows.map((r) => r.version)).toEqual([1, 2]);
  });
});

describe("versions, diff and revert", () => {
  it("two writers of the same next version at the store: one is written, the other refused", async () => {
    const s = await savedSegment("customers in Spain", "Spain, two writers");
    const [v1] = await listVersions(services.db.pool, "online-retail", s.id);
    const next = { ...v1!, version: 2, kind: "edit" as const, text: "a concurrent edit" };
    const results = await Promise.allSettled([
      appendVersion(services.db.pool, "online-retail", s.id, next, { threadId: s.threadId }),
      appendVersion(services.db.pool, "online-retail", s.id, next, { threadId: s.threadId }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(VersionConflictError);
    const versions = await listVersions(services.db.pool, "online-retail", s.id);
    expect(versions.map((v) => v.version)).toEqual([1, 2]);
    // Another tenant cannot append to it at all.
    await expect(
      appendVersion(services.db.pool, OTHER_TENANT, s.id, { ...next, version: 3 }, {}),
    ).rejects.toThrow(/no segment/);
  });

  it("lists versions, reads one, diffs two, reverts to one as the next version", async () => {
    const s = await savedSegment("customers in France", "history");
    await edit(s.id, "only the ones who spent over £500");
    await edit(s.id, "make it Germany instead of France");
    const list = (await (await call(`/v1/segments/${s.id}/versions`, { key })).json()) as {
      items: { version: number; kind: string; text: string; size: number; diff: unknown }[];
    };
    expect(list.items.map((v) => [v.version, v.kind, v.text])).toEqual([
      [1, "create", "customers in France"],
      [2, "edit", "only the ones who spent over £500"],
      [3, "edit", "make it Germany instead of France"],
    ]);
    expect(list.items[0]!.diff).toBeNull();
    const two = (await (await call(`/v1/segments/${s.id}/versions/2`, { key })).json()) as {
      version: number;
      definition: { root: { type: string } };
      sql: string;
    };
    expect(two).toMatchObject({ version: 2, definition: { root: { type: "and" } } });
    expect(two.sql).toMatch(/^select /);
    const diff = (await (await call(`/v1/segments/${s.id}/diff?from=1&to=3`, { key })).json()) as {
      changed: { what: string[] }[];
      added: { description: string }[];
      sizeBefore: number;
      sizeAfter: number;
    };
    expect(diff.changed.map((c) => c.what)).toEqual([["country: France → Germany"]]);
    expect(diff.added.map((a) => a.description)).toEqual(["Spent more than £500.00 at any time"]);
    expect(diff.sizeBefore).toBe(s.size);
    const latest = (await (await call(`/v1/segments/${s.id}/diff?from=2`, { key })).json()) as {
      toVersion: number;
    };
    expect(latest.toVersion).toBe(3);

    const reverted = (await (
      await call(`/v1/segments/${s.id}/revert`, { key, json: { version: 1 } })
    ).json()) as Turn;
    expect(reverted).toMatchObject({ status: "ok", version: 4, size: s.size });
    const segment = (await (await call(`/v1/segments/${s.id}`, { key })).json()) as {
      version: number;
      size: number;
    };
    expect(segment).toMatchObject({ version: 4, size: s.size });
    const kinds = (await (await call(`/v1/segments/${s.id}/versions`, { key })).json()) as {
      items: { kind: string }[];
    };
    expect(kinds.items.map((v) => v.kind)).toEqual(["create", "edit", "edit", "revert"]);
  });

  it("errors: 404 for a version or segment that is not there, 409 for a revert to none, 400 for bad numbers", async () => {
    const s = await savedSegment("customers in Spain", "history errors");
    await expectError(await call(`/v1/segments/${s.id}/versions/7`, { key }), 404, "not_found");
    await expectError(
      await call(`/v1/segments/${s.id}/diff?from=1&to=7`, { key }),
      404,
      "not_found",
    );
    for (const bad of ["0", "abc", "1e2", "-1", "0x1"])
      await expectError(
        await call(`/v1/segments/${s.id}/versions/${bad}`, { key }),
        400,
        "validation_error",
      );
    await expectError(await call(`/v1/segments/${s.id}/diff`, { key }), 400, "validation_error");
    await expectError(
      await call(`/v1/segments/${s.id}/diff?from=1&x=2`, { key }),
      400,
      "validation_error",
    );
    const before = await apiFingerprint(services);
    await expectError(
      await call(`/v1/segments/${s.id}/revert`, { key, json: { version: 9 } }),
      409,
      "no_such_version",
    );
    await expectError(
      await call(`/v1/segments/${s.id}/revert`, { key, json: { version: "2" } }),
      400,
      "validation_error",
    );
    expect(await apiFingerprint(services)).toEqual(before);
  });

  it("another tenant's key sees none of it", async () => {
    const s = await savedSegment("customers in Spain", "history isolation");
    const before = await apiFingerprint(services);
    for (const path of [
      `/v1/segments/${s.id}/versions`,
      `/v1/segments/${s.id}/versions/1`,
      `/v1/segments/${s.id}/diff?from=1`,
    ])
      await expectError(await call(path, { key: otherKey }), 404, "not_found");
    await expectError(
      await call(`/v1/segments/${s.id}/revert`, { key: otherKey, json: { version: 1 } }),
      404,
      "not_found",
    );
    expect(await apiFingerprint(services)).toEqual(before);
  });

  it("edits on the saved segment's own conversation become its versions too", async () => {
    const s = await savedSegment("customers in Portugal", "thread follow-up");
    const turn = (await (
      await call(`/v1/threads/${s.threadId}/messages`, {
        key,
        json: { text: "and who ordered at least 2 times" },
      })
    ).json()) as Turn;
    expect(turn.version).toBe(2);
    const list = (await (await call(`/v1/segments/${s.id}/versions`, { key })).json()) as {
      items: { version: number }[];
    };
    expect(list.items.map((v) => v.version)).toEqual([1, 2]);
    // Saving the same conversation again is a conflict that points at the saved segment.
    const again = await expectError(
      await call("/v1/segments", { key, json: { threadId: s.threadId, name: "twice" } }),
      409,
      "already_saved",
    );
    expect(again.error.message).toContain(s.id);
  });

  it("a segment whose conversation moved on is loaded into a new thread for its edit", async () => {
    const s = await savedSegment("customers in Austria", "moved on");
    // The conversation starts another segment: the saved one is no longer its current one.
    await call(`/v1/threads/${s.threadId}/messages`, {
      key,
      json: { text: "new segment: customers in Norway" },
    });
    const turn = (await (await edit(s.id, "include Belgium too")).json()) as Turn;
    expect(turn).toMatchObject({ status: "ok", version: 2 });
    expect(turn.threadId).not.toBe(s.threadId);
    const segment = (await (await call(`/v1/segments/${s.id}`, { key })).json()) as {
      threadId: string;
      definition: { root: { values: string[] } };
    };
    expect(segment.threadId).toBe(turn.threadId);
    expect(segment.definition.root.values).toEqual(["Austria", "Belgium"]);
  });
});
