import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

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
});
