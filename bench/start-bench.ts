/**
 * Cold start to `/readyz`: starts `segment serve` as a child process, the ways being compared
 * interleaved (A, B, C, A, B, C, …) so machine load falls on all of them alike, and prints the
 * median, min and max of each from spawn to the first 200 from /readyz.
 *
 *   npm run bench:start [-- --starts 5 --before-dir ../old-worktree]
 *
 * The ways: `tsx cli/segment.ts serve` (what `npm start` ran before; in `--before-dir`, a
 * checkout of an older commit, when given), `node bin/segment.js
 * serve` on the build (what it runs now) with the catalog index cached on disk, and the same
 * with the index cache emptied before each start (the first start after a catalog change).
 * npm itself is left out of all three: it adds the same few hundred milliseconds to each.
 * Needs `npm run build` first, and the database in DATABASE_URL (else the embedded one).
 */
import { spawn } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { catalogIndexDir } from "../catalog/index-cache.ts";
import { parseEnv } from "../state/config.ts";
import { OFFLINE_ENV, PROJECT_ROOT, freePort } from "../tests/support/dev-server.ts";

interface Way {
  name: string;
  command: string[];
  /** Default: this checkout. */
  cwd?: string;
  /** Runs before each start of this way. */
  before?: () => void;
}

const { values: args } = parseArgs({
  options: {
    starts: { type: "string", default: "5" },
    /** A checkout of the commit to compare with (a second worktree), for the "before" way. */
    "before-dir": { type: "string" },
  },
});
const starts = Number(args.starts);
if (!(starts >= 1 && starts <= 50)) throw new Error("--starts must be 1..50");
if (!existsSync(join(PROJECT_ROOT, "dist", ".build-stamp"))) {
  throw new Error("no build: run `npm run build` first");
}

const indexDir = catalogIndexDir(parseEnv());
const WAYS: Way[] = [
  {
    name: `before: tsx cli/segment.ts serve${args["before-dir"] ? ` in ${args["before-dir"]}` : ""}`,
    command: ["node_modules/.bin/tsx", "cli/segment.ts"],
    cwd: args["before-dir"],
  },
  {
    name: "now: node bin/segment.js serve (dist, index cached)",
    command: ["node", "bin/segment.js"],
  },
  {
    name: "now, index cache empty (catalog changed)",
    command: ["node", "bin/segment.js"],
    before: () => rmSync(indexDir, { recursive: true, force: true }),
  },
];

async function ready(url: string, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${url}/readyz`)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${url}/readyz not ready in time`);
}

/** Milliseconds from spawn to the first 200 of /readyz; the server is stopped afterwards. */
async function startOnce(way: Way): Promise<number> {
  way.before?.();
  const port = await freePort();
  const started = performance.now();
  const [cmd, ...rest] = way.command;
  const child = spawn(cmd!, [...rest, "serve", "--port", String(port), "--host", "127.0.0.1"], {
    cwd: way.cwd ?? PROJECT_ROOT,
    env: { ...process.env, ...OFFLINE_ENV, LOG_LEVEL: "warn" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  try {
    await Promise.race([
      ready(`http://127.0.0.1:${port}`, Date.now() + 120_000),
      exited.then(() => Promise.reject(new Error(`server exited: ${stderr}`))),
    ]);
    return performance.now() - started;
  } finally {
    child.kill("SIGTERM");
    await exited;
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;

const times = new Map<string, number[]>(WAYS.map((w) => [w.name, []]));
for (let i = 0; i < starts; i++) {
  for (const way of WAYS) {
    const ms = await startOnce(way);
    times.get(way.name)!.push(ms);
    process.stderr.write(`• ${i + 1}/${starts} ${way.name}: ${Math.round(ms)} ms\n`);
  }
}

const base = median(times.get(WAYS[0]!.name)!);
const rows = WAYS.map((w) => {
  const xs = times.get(w.name)!;
  return [w.name, median(xs), Math.min(...xs), Math.max(...xs), median(xs) / base] as const;
});
const width = Math.max(...rows.map((r) => r[0].length));
console.log(
  `cold start to /readyz, ${starts} starts each, interleaved; load average ${(
    await import("node:os")
  )
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(" ")}`,
);
console.log(`${"way".padEnd(width)} | median ms | min ms | max ms | ÷ before`);
console.log(`${"-".repeat(width)}-|-----------|--------|--------|---------`);
for (const [name, med, min, max, ratio] of rows) {
  console.log(
    `${name.padEnd(width)} | ${med.toFixed(0).padStart(9)} | ${min.toFixed(0).padStart(6)} | ${max.toFixed(0).padStart(6)} | ${ratio.toFixed(2).padStart(8)}`,
  );
}
