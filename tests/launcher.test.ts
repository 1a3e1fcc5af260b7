/**
 * bin/segment.js (what `npm start` and `npx segment` run) picks the build or the sources. Run
 * on a copy of the launcher in a temporary project whose "build" and "sources" say which ran.
 */
import { execFileSync } from "node:child_process";
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "./support/dev-server.ts";

function project(): string {
  const root = mkdtempSync(join(tmpdir(), "launcher-"));
  for (const dir of ["bin", "cli", "dist/cli", "src"])
    mkdirSync(join(root, dir), { recursive: true });
  copyFileSync(join(PROJECT_ROOT, "bin/segment.js"), join(root, "bin/segment.js"));
  symlinkSync(join(PROJECT_ROOT, "node_modules"), join(root, "node_modules"), "dir");
  writeFileSync(join(root, "package.json"), '{"type": "module"}\n');
  writeFileSync(join(root, "tsconfig.build.json"), '{"include": ["src", "cli"]}\n');
  writeFileSync(join(root, "src/lib.ts"), "export const x = 1;\n");
  writeFileSync(join(root, "cli/segment.ts"), 'console.log("source");\n');
  writeFileSync(join(root, "dist/cli/segment.js"), 'console.log("dist");\n');
  writeFileSync(join(root, "dist/.build-stamp"), "built\n");
  return root;
}

/** What the launcher ran, by what it printed. */
function run(root: string, env: Record<string, string> = {}): { stdout: string } {
  const stdout = execFileSync(process.execPath, [join(root, "bin/segment.js")], {
    env: { ...process.env, ...env },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  return { stdout: stdout.trim() };
}

describe("bin/segment.js", () => {
  it("runs the build when its stamp is at least as new as every source", () => {
    expect(run(project()).stdout).toBe("dist");
  });

  it("runs the sources through tsx when one changed after the build", () => {
    const root = project();
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(root, "src/lib.ts"), later, later);
    expect(run(root).stdout).toBe("source");
  });

  it("runs the sources when the build is older than them", () => {
    const root = project();
    const earlier = new Date(0);
    utimesSync(join(root, "dist/.build-stamp"), earlier, earlier);
    expect(run(root).stdout).toBe("source");
  });

  it("runs the sources when SEGMENT_FROM_SOURCE=1, build or not", () => {
    expect(run(project(), { SEGMENT_FROM_SOURCE: "1" }).stdout).toBe("source");
  });
});

describe("the build's run-time assets (scripts/assets.mjs)", () => {
  it("are every non-TypeScript file of the build's folders: prompts, migrations, the playground", async () => {
    const { runtimeAssets } = await import("../scripts/assets.mjs");
    const root = mkdtempSync(join(tmpdir(), "assets-"));
    for (const dir of ["skills/llm/prompts", "storage/migrations", "skills/testing", "tests"])
      mkdirSync(join(root, dir), { recursive: true });
    writeFileSync(join(root, "tsconfig.build.json"), '{"include": ["skills", "storage"]}\n');
    writeFileSync(join(root, "skills/llm/prompts/map@1.md"), "prompt\n");
    writeFileSync(join(root, "skills/llm/map.ts"), "export {};\n");
    writeFileSync(join(root, "storage/migrations/0001.sql"), "select 1;\n");
    writeFileSync(join(root, "skills/testing/fixture.json"), "{}\n");
    writeFileSync(join(root, "tests/outside.md"), "not built\n");
    expect(runtimeAssets(root)).toEqual([
      "skills/llm/prompts/map@1.md",
      "storage/migrations/0001.sql",
    ]);
    // The project's own: what dist/ once lacked (the prompts) is there.
    expect(runtimeAssets(PROJECT_ROOT)).toEqual(
      expect.arrayContaining([
        "skills/llm/prompts/map@1.md",
        "storage/migrations/0001_app_tables.sql",
      ]),
    );
  });
});
