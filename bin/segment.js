#!/usr/bin/env node
// The `segment` CLI (and `npm start`). Runs the compiled JavaScript in dist/ when
// `npm run build` (run by `npm ci` through `prepare`) made it and no source file changed
// since; otherwise the TypeScript sources through tsx, so a clone without a build, or sources
// edited after it, still run as they are. Compiled, the process skips transpiling every
// module at start.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const stamp = join(root, "dist", ".build-stamp");

/** Newest modification time of the files under `dir` that the build compiles or copies. */
function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) latest = Math.max(latest, newest(path));
    else if (!entry.name.endsWith(".test.ts")) latest = Math.max(latest, statSync(path).mtimeMs);
  }
  return latest;
}

function builtIsFresh() {
  if (!existsSync(stamp)) return false;
  const { include } = JSON.parse(readFileSync(join(root, "tsconfig.build.json"), "utf8"));
  const sources = Math.max(...include.map((dir) => newest(join(root, dir))));
  return statSync(stamp).mtimeMs >= sources;
}

if (process.env.SEGMENT_FROM_SOURCE !== "1" && builtIsFresh()) {
  await import("../dist/cli/segment.js");
} else {
  if (existsSync(stamp) && process.env.SEGMENT_FROM_SOURCE !== "1") {
    process.stderr.write("segment: sources changed since `npm run build`; running them with tsx\n");
  }
  const { register } = await import("tsx/esm/api");
  register();
  await import("../cli/segment.ts");
}
