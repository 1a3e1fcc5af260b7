import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runRequest } from "../runtime/run.ts";
import type { Services } from "../runtime/services.ts";
import { startTestServices } from "../tests/support/services.ts";
import { replaySegments } from "./replay.ts";

let services: Services;
const tenant = "online-retail";

beforeAll(async () => {
  services = await startTestServices();
  await services.db.pool.query("delete from app.segments where name like 'replay-test-%'");
});
afterAll(async () => {
  await services?.db.pool.query("delete from app.segments where name like 'replay-test-%'");
  await services?.close();
});

async function save(
  name: string,
  request: string,
  edit: (def: Record<string, unknown>, size: number) => [unknown, number],
) {
  const r = await runRequest(services, { tenant, request });
  expect(r.status).toBe("ok");
  const [definition, size] = edit(r.segment as unknown as Record<string, unknown>, r.size!);
  await services.db.pool.query(
    "insert into app.segments (tenant_id, name, thread_id, lineage_id, request, definition, sql, size) values ($1, $2, $3, gen_random_uuid(), $4, $5, $6, $7)",
    [tenant, name, r.thread_id, request, JSON.stringify(definition), r.sql, size],
  );
}

describe("replay for drift", () => {
  it("lists the saved segments whose definition or size the current graph changes", async () => {
    await save("replay-test-same", "customers from Ireland", (d, n) => [d, n]);
    await save("replay-test-size", "customers in France", (d, n) => [d, n + 5]);
    await save("replay-test-definition", "customers who placed at least 10 orders", (d, n) => {
      const root = d.root as { comparison: { value: number } };
      return [{ ...d, root: { ...root, comparison: { ...root.comparison, value: 11 } } }, n];
    });
    const results = (await replaySegments(services, { tenant })).filter((r) =>
      r.name?.startsWith("replay-test-"),
    );
    const byName = Object.fromEntries(results.map((r) => [r.name, r]));
    expect(byName["replay-test-same"]).toMatchObject({
      verdict: "same",
      definitionChanged: false,
      sizeBefore: 3,
      sizeAfter: 3,
      // Saved by hand, with no version rows: made before the registry; replayed with today's.
      versions: {
        saved: null,
        now: {
          glossary: services.tenants.get(tenant)!.config.glossaryVersion,
          skills: expect.any(Number),
        },
      },
    });
    expect(byName["replay-test-size"]).toMatchObject({
      verdict: "changed",
      definitionChanged: false,
      sizeBefore: 92,
      sizeAfter: 87,
    });
    expect(byName["replay-test-definition"]).toMatchObject({
      verdict: "changed",
      definitionChanged: true,
      sizeAfter: 391,
    });
  });
});
