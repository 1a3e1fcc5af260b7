// The files the compiled code reads at run time beside its modules (through import.meta.url):
// every file under the build's source folders that tsc does not compile — migrations, the
// playground, prompt templates — so a new kind of asset needs no list kept by hand.
import { readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";

const SKIPPED = new Set(["testing", "node_modules", "dist", ".data"]);

/** Paths relative to `root` of the run-time assets under tsconfig.build.json's folders. */
export function runtimeAssets(root) {
  const build = JSON.parse(readFileSync(join(root, "tsconfig.build.json"), "utf8"));
  const out = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED.has(entry.name)) walk(path);
      } else if (!entry.name.endsWith(".ts")) {
        out.push(relative(root, path));
      }
    }
  };
  for (const dir of build.include) walk(join(root, dir));
  return out.sort();
}
