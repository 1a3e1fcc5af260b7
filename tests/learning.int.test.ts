/**
 * The learning loop end to end on the real Postgres: a creation corrected by an edit right
 * after it → a correction → a candidate → the gate (targets, eval cases, saved-segment
 * replay) → promotion as a new glossary version → a new conversation understood that way,
 * citing the version → rollback. A candidate that would break eval cases is refused, and
 * nothing crosses tenants.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  evaluate,
  glossaryVersions,
  ImproveError,
  promote,
  refreshCandidates,
  rollback,
} from "../learning/improve.ts";
import { runRequest, type RunResult } from "../runtime/run.ts";
import type { Services } from "../runtime/services.ts";
import { OTHER_TENANT, startTwoTenantServices } from "../server/testing/api-fixtures.ts";
import { parseEnv } from "../state/config.ts";
import { getCandidate, type CandidateRecord } from "../storage/candidates.ts";

const TENANT = "online-retail";
let services: Services;
const evalOpts = () => ({ onlineRetailDir: parseEnv().ONLINE_RETAIL_DIR, sets: ["golden"] });

/** What earlier runs of this file taught: each test starts from no corrections of its own. */
async function forgetTaught() {
  const phrases = ["bought tableware", "gift", "bought party"];
  await services.db.pool.query("delete from app.corrections where lower(phrase) = any($1)", [
    phrases,
  ]);
  await services.db.pool.query("delete from app.improvement_candidates where phrase = any($1)", [
    phrases,
  ]);
}

beforeAll(async () => {
  services = await startTwoTenantServices();
  await forgetTaught();
});
afterAll(async () => {
  if (services) await forgetTaught();
  await services?.close();
});

async function createThenEdit(request: string, edit: string, tenant = TENANT, user = "ana") {
  const created = await runRequest(services, { tenant, request, user });
  expect(created.status).toBe("ok");
  const edited = await runRequest(services, { threadId: created.thread_id, request: edit, user });
  expect(edited.status).toBe("ok");
  return { created, edited };
}

async function candidateFor(phrase: string, tenant = TENANT): Promise<CandidateRecord> {
  const { candidates } = await refreshCandidates(services, tenant);
  const found = candidates.find((c) => c.phrase.toLowerCase() === phrase);
  expect(found, `a candidate for "${phrase}"`).toBeDefined();
  return found!;
}

const categoryOf = (r: RunResult) => r.explanation.find((l) => l.includes("products"))?.trim();

describe("the learning loop", () => {
  it("learns a correction, promotes it through the gate, and can roll it back", async () => {
    const { edited } = await createThenEdit(
      "bought tableware in Germany",
      "change kitchen & dining to home decor",
    );
    const candidate = await candidateFor("bought tableware");
    expect(candidate.proposal).toMatchObject({
      kind: "glossary",
      entry: { term: "bought tableware", expansion: "home decor" },
    });

    const before = await runRequest(services, {
      tenant: TENANT,
      request: "bought tableware in France",
    });
    expect(categoryOf(before)).toMatch(/^Bought Kitchen & Dining products/);

    const evaluation = await evaluate(services, TENANT, candidate, evalOpts());
    expect(evaluation.verdict).toBe("promote");
    expect(evaluation.targets).toHaveLength(1);
    expect(evaluation.targets[0]).toMatchObject({
      before: { pass: false },
      after: { pass: true },
      goldSize: edited.size,
    });

    const promotion = await promote(services, TENANT, candidate.id, { ...evalOpts(), by: "test" });
    expect(promotion.version).toBeGreaterThan(promotion.previous ?? 0);
    expect((await getCandidate(services.db.pool, TENANT, candidate.id))?.status).toBe("promoted");

    // A new conversation, by someone else: the tenant's glossary now reads the phrase so.
    const after = await runRequest(services, {
      tenant: TENANT,
      request: "bought tableware in France",
      members: true,
    });
    expect(after.status).toBe("ok");
    expect(categoryOf(after)).toMatch(/^Bought Home Decor products/);
    // The same members as the words the entry stands for, by execution.
    const meant = await runRequest(services, {
      tenant: TENANT,
      request: "home decor in France",
      members: true,
    });
    expect(meant.status).toBe("ok");
    expect(after.members).toEqual(meant.members);
    const perceived = after.audit.find((a) => a.step === "perceive");
    expect(perceived?.detail?.versions).toMatchObject({ glossary: promotion.version });

    const versions = await glossaryVersions(services, TENANT);
    expect(versions[0]).toMatchObject({ version: promotion.version, active: true });
    expect(versions[0]!.reason).toBe(`promoted candidate ${candidate.id}`);
    const audit = await services.db.pool.query<{ detail: { candidate: string } }>(
      "select detail from app.audit_log where tenant_id = $1 and event = 'improvement.promoted' order by id desc limit 1",
      [TENANT],
    );
    expect(audit.rows[0]?.detail.candidate).toBe(candidate.id);

    const back = await rollback(services, TENANT, promotion.previous!, { by: "test" });
    expect(back.rolledBack).toContain(candidate.id);
    const again = await runRequest(services, {
      tenant: TENANT,
      request: "bought tableware in France",
    });
    expect(categoryOf(again)).toMatch(/^Bought Kitchen & Dining products/);
    expect(again.audit.find((a) => a.step === "perceive")?.detail?.versions).toMatchObject({
      glossary: promotion.previous,
    });
  });

  it("refuses a candidate that breaks eval cases, and says which", async () => {
    await createThenEdit("gift shoppers", "make it Christmas instead");
    const candidate = await candidateFor("gift");
    const evaluation = await evaluate(services, TENANT, candidate, evalOpts());
    expect(evaluation.targets[0]?.after.pass).toBe(true);
    expect(evaluation.verdict).toBe("reject");
    expect(evaluation.sets.find((s) => s.set === "golden")?.regressions.length).toBeGreaterThan(0);
    const version = services.tenants.get(TENANT)!.config.glossaryVersion;
    await expect(promote(services, TENANT, candidate.id, evalOpts())).rejects.toThrow(ImproveError);
    expect(services.tenants.get(TENANT)!.config.glossaryVersion).toBe(version);
    expect((await getCandidate(services.db.pool, TENANT, candidate.id))?.status).toBe("rejected");
  });

  it("keeps each tenant's corrections and candidates to itself", async () => {
    await createThenEdit(
      "bought party stuff in Spain",
      "change party & celebrations to christmas",
      OTHER_TENANT,
      "bo",
    );
    const theirs = await candidateFor("bought party", OTHER_TENANT);
    const ours = await refreshCandidates(services, TENANT);
    expect(ours.candidates.map((c) => c.id)).not.toContain(theirs.id);
    expect(await getCandidate(services.db.pool, TENANT, theirs.id)).toBeNull();
    await expect(promote(services, TENANT, theirs.id, evalOpts())).rejects.toThrow(/No candidate/);
  });

  it("refuses a rollback to a glossary version that does not exist", async () => {
    await expect(rollback(services, TENANT, 10_000)).rejects.toThrow(/no glossary version 10000/);
  });
});

describe("versions a run records", () => {
  it("are saved with each version of a saved segment", async () => {
    const r = await runRequest(services, { tenant: TENANT, request: "customers in Belgium" });
    const runtime = services.tenants.get(TENANT)!;
    const { saveSegment, listVersions } = await import("../storage/segments.ts");
    const state = await services.graph.getState({ configurable: { thread_id: r.thread_id } });
    const lineage = (state.values as { lineage: { id: string; versions: never[] } }).lineage;
    const saved = await saveSegment(services.db.pool, {
      tenantId: TENANT,
      threadId: r.thread_id,
      name: `versions-${r.thread_id}`,
      lineageId: lineage.id,
      versions: lineage.versions,
    });
    const [v1] = await listVersions(services.db.pool, TENANT, saved.id);
    expect(v1?.versions).toEqual({
      skills: runtime.skillsVersion,
      glossary: runtime.config.glossaryVersion,
    });
    await services.db.pool.query("delete from app.segments where id = $1", [saved.id]);
  });
});

describe("memory writes", () => {
  it("never fail the turn: a write that throws is audited and the version stands", async () => {
    const memory = services.memory;
    const broken = Object.assign(Object.create(Object.getPrototypeOf(memory) as object), memory, {
      recordSegment: async () => {
        throw new Error("memory store down");
      },
      recordCorrections: async () => {
        throw new Error("memory store down");
      },
    }) as typeof memory;
    const failing = { ...services, context: { ...services.context, memory: broken } };
    const created = await runRequest(failing, {
      tenant: TENANT,
      request: "customers in Portugal",
      user: "cy",
    });
    expect(created.status).toBe("ok");
    expect(created.version).toBe(1);
    const commit = created.audit.find((a) => a.step === "commitVersion");
    expect(commit?.detail?.memoryError).toBe("memory store down");
    const edited = await runRequest(failing, {
      threadId: created.thread_id,
      request: "make it Spain instead",
      user: "cy",
    });
    expect(edited).toMatchObject({ status: "ok", version: 2 });
  });
});
