/**
 * A run cut between its saved segment's version write and its own checkpoint (kill -9, a client
 * gone, a crash in the node) leaves the store one version ahead of the thread. The thread's
 * stable checkpoint is the truth: the store comes back to it (at once when the run fails in
 * this process, at the thread's next run after a kill), and the same edit then succeeds as
 * version N+1 — never a 409 for a version nobody saw.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Services } from "../runtime/services.ts";
import { sessionOf, type ConversationStateType } from "../state/conversation-state.ts";
import { transition } from "../state/session.ts";
import { appendVersion, discardUnrecordedVersions, listVersions } from "../storage/segments.ts";
import {
  OTHER_TENANT,
  createTestApp,
  newKey,
  requester,
  savedSegment as savedSegmentOf,
  startTwoTenantServices,
  type TestApp,
} from "../server/testing/api-fixtures.ts";

let services: Services;
let t: TestApp;
let call: ReturnType<typeof requester>;
let key: string;

beforeAll(async () => {
  services = await startTwoTenantServices();
  t = createTestApp(services);
  call = requester(t.app);
  key = await newKey(services, "online-retail");
});
afterAll(async () => {
  await t?.close();
  await services?.close();
});

const TENANT = "online-retail";

const savedSegment = (text: string, name: string) => savedSegmentOf(call, key, text, name);

/** What a process killed inside commitVersion leaves: v2 stored, the thread mid-edit. */
async function killedAfterStoreWrite(
  s: { id: string; threadId: string },
  writer: string,
  version = 2,
) {
  const [v1] = await listVersions(services.db.pool, TENANT, s.id);
  await appendVersion(
    services.db.pool,
    TENANT,
    s.id,
    { ...v1!, version, kind: "edit", text: "the cut run's edit" },
    { threadId: writer },
  );
  const config = { configurable: { thread_id: s.threadId } };
  const state = (await services.graph.getState(config)).values as ConversationStateType;
  await services.graph.updateState(
    config,
    { session: transition(sessionOf(state), "edit") },
    "perceiveMessage",
  );
}

async function versionTexts(id: string): Promise<[number, string][]> {
  const versions = await listVersions(services.db.pool, TENANT, id);
  return versions.map((v) => [v.version, v.text]);
}

describe("a version stored by a run that never checkpointed it", () => {
  it("after a kill: the thread's next run discards it, and the same edit becomes version 2", async () => {
    const s = await savedSegment("customers in France", "cut after store write");
    await killedAfterStoreWrite(s, s.threadId);
    expect((await versionTexts(s.id)).map(([v]) => v)).toEqual([1, 2]);

    const again = await call(`/v1/threads/${s.threadId}/messages`, {
      key,
      json: { text: "only the ones who spent over £500" },
    });
    const body = (await again.json()) as { status: string; version: number };
    expect(again.status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({ status: "ok", version: 2 });
    expect(await versionTexts(s.id)).toEqual([
      [1, "customers in France"],
      [2, "only the ones who spent over £500"],
    ]);
    const segment = (await (await call(`/v1/segments/${s.id}`, { key })).json()) as {
      version: number;
    };
    expect(segment.version).toBe(2);
    const { rows } = await services.db.pool.query<{ detail: { versions: number[] } }>(
      "select detail from app.audit_log where thread_id = $1 and event = 'segment.versions_discarded'",
      [s.threadId],
    );
    expect(rows.map((r) => r.detail.versions)).toEqual([[2]]);
  });

  it("after a crash inside the run: the store is back at version 1 at once, and a retry succeeds", async () => {
    const s = await savedSegment("customers in Germany", "crash after store write");
    const store = services.context.segments!;
    const real = store.appendVersion.bind(store);
    const spy = vi.spyOn(store, "appendVersion").mockImplementationOnce(async (...args) => {
      await real(...args);
      throw new Error("the process lost its connection right after the store write");
    });
    try {
      const failed = await call(`/v1/threads/${s.threadId}/messages`, {
        key,
        json: { text: "include Austria too" },
      });
      expect(failed.status).toBeGreaterThanOrEqual(500);
      const envelope = (await failed.json()) as { error?: { code: string } };
      expect(envelope.error?.code).toBeDefined();
    } finally {
      spy.mockRestore();
    }
    expect(await versionTexts(s.id)).toEqual([[1, "customers in Germany"]]);
    const thread = (await (await call(`/v1/threads/${s.threadId}`, { key })).json()) as {
      version: number;
    };
    expect(thread.version).toBe(1);

    const again = await call(`/v1/threads/${s.threadId}/messages`, {
      key,
      json: { text: "include Austria too" },
    });
    expect(await again.json()).toMatchObject({ status: "ok", version: 2 });
    expect((await versionTexts(s.id)).map(([v]) => v)).toEqual([1, 2]);
  });

  it("a later version from another thread is kept: this thread catches up and edits on top of it", async () => {
    const s = await savedSegment("customers in Spain", "built on by another thread");
    await killedAfterStoreWrite(s, "00000000-0000-4000-8000-000000000001");
    const next = await call(`/v1/threads/${s.threadId}/messages`, {
      key,
      json: { text: "include Portugal too" },
    });
    expect(await next.json()).toMatchObject({ status: "ok", version: 3 });
    expect(await versionTexts(s.id)).toEqual([
      [1, "customers in Spain"],
      [2, "the cut run's edit"],
      [3, "include Portugal too"],
    ]);
  });

  it("only the thread's trailing versions go: one it wrote on top of another thread's is discarded, that one kept", async () => {
    const s = await savedSegment("customers in Norway", "orphan on top of a foreign version");
    const [v1] = await listVersions(services.db.pool, TENANT, s.id);
    const other = "00000000-0000-4000-8000-000000000002";
    await appendVersion(
      services.db.pool,
      TENANT,
      s.id,
      { ...v1!, version: 2, kind: "edit", text: "another thread's edit" },
      { threadId: other },
    );
    // The thread synced version 2, stored its own version 3, and was killed before its
    // checkpoint (which still rests at version 1).
    await killedAfterStoreWrite(s, s.threadId, 3);
    const next = await call(`/v1/threads/${s.threadId}/messages`, {
      key,
      json: { text: "include Sweden too" },
    });
    expect(await next.json()).toMatchObject({ status: "ok", version: 3 });
    expect(await versionTexts(s.id)).toEqual([
      [1, "customers in Norway"],
      [2, "another thread's edit"],
      [3, "include Sweden too"],
    ]);
  });

  it("a run aborted while it waited for the segment's lock stores no version", async () => {
    const s = await savedSegment("customers in Finland", "aborted append");
    const [v1] = await listVersions(services.db.pool, TENANT, s.id);
    const gone = new AbortController();
    gone.abort(new Error("the caller went away"));
    await expect(
      appendVersion(
        services.db.pool,
        TENANT,
        s.id,
        { ...v1!, version: 2, kind: "edit" },
        { threadId: s.threadId, signal: gone.signal },
      ),
    ).rejects.toThrow(/went away/);
    expect((await versionTexts(s.id)).map(([v]) => v)).toEqual([1]);
  });

  it("another tenant cannot discard a segment's versions", async () => {
    const s = await savedSegment("customers in Italy", "other tenant discard");
    const { rows } = await services.db.pool.query<{ lineage_id: string }>(
      "select lineage_id from app.segments where id = $1",
      [s.id],
    );
    await appendVersion(
      services.db.pool,
      TENANT,
      s.id,
      { ...(await listVersions(services.db.pool, TENANT, s.id))[0]!, version: 2, kind: "edit" },
      { threadId: s.threadId },
    );
    const discarded = await discardUnrecordedVersions(
      services.db.pool,
      OTHER_TENANT,
      rows[0]!.lineage_id,
      { threadId: s.threadId, keepThrough: 1 },
    );
    expect(discarded).toEqual([]);
    expect((await versionTexts(s.id)).map(([v]) => v)).toEqual([1, 2]);
  });
});
