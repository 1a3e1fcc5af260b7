import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { ThreadLocks } from "../storage/threads.ts";
import { startTestServices } from "./support/services.ts";

const run = promisify(execFile);
const root = join(import.meta.dirname, "..");

/** Runs the CLI in its own process, as another tool would. */
async function segment(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ["--import", "tsx", "cli/segment.ts", ...args],
      { cwd: root, env: process.env, maxBuffer: 64 * 1024 * 1024 },
    );
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("segment CLI", () => {
  it("deletes a saved segment, which is then not found", async () => {
    const made = JSON.parse(
      (await segment(["create", "--tenant", "online-retail", "--json", "customers from Iceland"]))
        .stdout,
    );
    expect(made.status).toBe("ok");
    const saved = JSON.parse(
      (await segment(["save", made.thread_id, "--name", "cli delete", "--json"])).stdout,
    );
    const deleted = await segment(["delete", saved.id]);
    expect(deleted.code).toBe(0);
    expect(deleted.stdout).toBe(`Deleted ${saved.id} "cli delete"\n`);
    const again = await segment(["delete", saved.id, "--quiet"]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/No segment/);
    expect((await segment(["versions", saved.id, "--quiet"])).stderr).toMatch(/No segment/);
  });

  it("keeps a conversation across processes: asked in one, answered in another", async () => {
    const asked = await segment([
      "create",
      "--tenant",
      "online-retail",
      "--json",
      "loyal customers in France",
    ]);
    expect(asked.code).toBe(0);
    const first = JSON.parse(asked.stdout);
    expect(first).toMatchObject({
      status: "needs_clarification",
      segment: null,
      sql: null,
      size: null,
    });
    expect(first.clarification.options.length).toBeGreaterThan(1);

    const answered = await segment([
      "create",
      "--json",
      "--members",
      "--thread",
      first.thread_id,
      "--answer",
      "2",
    ]);
    expect(answered.code).toBe(0);
    const second = JSON.parse(answered.stdout);
    expect(second).toMatchObject({ status: "ok", thread_id: first.thread_id, clarification: null });
    expect(second.size).toBe(first.clarification.options[1].size);
    expect(second.members).toHaveLength(second.size);
    expect(second.members.every((m: unknown) => typeof m === "string")).toBe(true);
    expect([...second.members].sort((a: string, b: string) => Number(a) - Number(b))).toEqual(
      second.members,
    );
  });

  it("exits 2 with a JSON rejection for rejected input, and for a bad flag", async () => {
    const r = await segment([
      "create",
      "--tenant",
      "online-retail",
      "--json",
      "'; DROP TABLE customers; --",
    ]);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: "rejected", segment: null });
    expect((await segment(["create", "--no-such-flag"])).code).toBe(2);
    expect(
      (await segment(["create", "--tenant", "online-retail", "--as-of", "yesterday", "x"])).code,
    ).toBe(2);
    // A date the calendar does not have is refused as the API refuses it, not read as March.
    const impossible = await segment(["create", "--as-of", "2011-02-30", "customers in France"]);
    expect(impossible.code).toBe(2);
    expect(impossible.stderr).toMatch(/calendar date/);
    // A batch file and a request at once: which one was meant is unclear, so neither runs.
    const both = await segment(["create", "--batch", "x.jsonl", "customers in France"]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/either --batch FILE or a request/);
  });

  it("follows up on a conversation, saves it, edits, lists versions and reverts the saved segment", async () => {
    const first = JSON.parse(
      (await segment(["create", "--tenant", "online-retail", "--json", "customers in France"]))
        .stdout,
    );
    expect(first).toMatchObject({
      status: "ok",
      version: 1,
      size: 87,
      thread: { status: "ready" },
    });
    const follow = await segment([
      "create",
      "--json",
      "--thread",
      first.thread_id,
      "only the ones who spent over £500",
    ]);
    expect(follow.code).toBe(0);
    const second = JSON.parse(follow.stdout);
    expect(second).toMatchObject({ status: "ok", intent: "edit", version: 2 });
    expect(second.diff.summary[0]).toBe("Added: Spent more than £500.00 at any time.");

    const saved = JSON.parse(
      (await segment(["save", first.thread_id, "--name", "cli edits", "--json"])).stdout,
    );
    expect(saved).toMatchObject({ version: 2, size: second.size });
    const edited = await segment(["edit", saved.id, "make it Germany instead of France", "--json"]);
    expect(edited.code).toBe(0);
    expect(JSON.parse(edited.stdout)).toMatchObject({ status: "ok", version: 3 });
    const refused = await segment(["edit", saved.id, "drop the age filter", "--json"]);
    expect(refused.code).toBe(2);
    expect(JSON.parse(refused.stdout)).toMatchObject({ status: "rejected", version: 3 });

    const reverted = await segment(["revert", saved.id, "1", "--json"]);
    expect(reverted.code).toBe(0);
    expect(JSON.parse(reverted.stdout)).toMatchObject({ status: "ok", version: 4, size: 87 });
    const versions = (await segment(["versions", saved.id, "--json"])).stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(versions.map((v) => [v.version, v.kind])).toEqual([
      [1, "create"],
      [2, "edit"],
      [3, "edit"],
      [4, "revert"],
    ]);
    expect((await segment(["revert", saved.id, "9"])).code).toBe(2);
    expect((await segment(["versions", "00000000-0000-4000-8000-000000000000"])).code).toBe(2);
    // Ten CLI processes, each starting the services: minutes on a loaded 2-core machine.
  }, 400_000);

  it("two processes editing one segment: the one without the lock is told; versions stay whole", async () => {
    const first = JSON.parse(
      (await segment(["create", "--tenant", "online-retail", "--json", "customers in Spain"]))
        .stdout,
    );
    const saved = JSON.parse(
      (await segment(["save", first.thread_id, "--name", "cli race", "--json"])).stdout,
    );
    // This process holds the segment's thread, as a running edit would: the CLI's edit stops.
    const services = await startTestServices();
    const locks = new ThreadLocks(services.db.pool);
    const release = await locks.tryAcquire(first.thread_id);
    try {
      const blocked = await segment([
        "edit",
        saved.id,
        "and who ordered at least 2 times",
        "--json",
      ]);
      expect(blocked.code).toBe(2);
      expect(blocked.stderr + blocked.stdout).toMatch(/Another edit of segment .* is running/);
    } finally {
      await release!();
    }
    // Two processes at once: each lands or is told, and every landed edit is one version.
    const results = await Promise.all([
      segment(["edit", saved.id, "and who ordered at least 2 times", "--json"]),
      segment(["edit", saved.id, "only the ones who spent over £200", "--json"]),
    ]);
    for (const r of results) expect([0, 2]).toContain(r.code);
    const landed = results.filter((r) => r.code === 0).length;
    expect(landed).toBeGreaterThan(0);
    const { rows } = await services.db.pool.query<{ version: number }>(
      "select version from app.segment_versions where segment_id = $1 order by version",
      [saved.id],
    );
    expect(rows.map((r) => r.version)).toEqual(Array.from({ length: 1 + landed }, (_, n) => n + 1));
    await services.close();
  });
  it("runs a batch in one process and answers each line with its id", async () => {
    const dir = mkdtempSync(join(tmpdir(), "segment-batch-"));
    const file = join(dir, "batch.jsonl");
    writeFileSync(
      file,
      [
        '{"id":"a","query":"customers in France"}',
        '{"id":"b","query":""}',
        "not json",
        '{"id":"c","query":"customers from Ireland"}',
      ].join("\n"),
    );
    const r = await segment(["create", "--tenant", "online-retail", "--batch", file, "--quiet"]);
    const lines = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.id, l.status, l.size ?? null])).toEqual([
      ["a", "ok", 87],
      ["b", "rejected", null],
      [3, "rejected", null],
      ["c", "ok", 3],
    ]);
    expect(r.code).toBe(0);
  });

  it("runs conversations from a batch: one JSON result per turn, on one thread per line", async () => {
    const dir = mkdtempSync(join(tmpdir(), "segment-batch-"));
    const file = join(dir, "conversations.jsonl");
    writeFileSync(
      file,
      [
        '{"id":"c1","turns":["customers in France","only the ones who spent over £500","undo that"]}',
        '{"id":"c2","turns":["loyal customers in Germany",{"answer":1},"drop the age filter"]}',
      ].join("\n"),
    );
    const r = await segment([
      "create",
      "--tenant",
      "online-retail",
      "--batch",
      file,
      "--quiet",
      "--members",
    ]);
    const lines = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.id, l.turn, l.status, l.version])).toEqual([
      ["c1", 1, "ok", 1],
      ["c1", 2, "ok", 2],
      ["c1", 3, "ok", 3],
      ["c2", 1, "needs_clarification", null],
      ["c2", 2, "ok", 1],
      ["c2", 3, "rejected", 1],
    ]);
    expect(new Set(lines.filter((l) => l.id === "c1").map((l) => l.thread_id)).size).toBe(1);
    expect(lines[2].members).toEqual(lines[0].members);
    expect(lines[1].members.length).toBe(lines[1].size);
    expect(r.code).toBe(0);
  });
});
