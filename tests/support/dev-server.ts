/**
 * Starts the LangGraph dev server (`npm run studio`, i.e. `langgraphjs dev --no-browser`) as
 * a child process for a test, offline and isolated, and stops it with every process it
 * started.
 *
 * - Offline: no browser (`--no-browser`, `BROWSER=none`), no tunnel (no `--tunnel`), no
 *   analytics ping (`LANGGRAPH_CLI_NO_ANALYTICS=1`), no LangSmith tracing (every tracing
 *   variable "false", no API key). Nothing else in the CLI or the server goes out (no update
 *   check); the in-memory server keeps its state on disk, not in a service.
 * - Isolated: the server runs on a snapshot of the project's sources in a temp folder (its
 *   `node_modules` a link to ours). `langgraphjs dev` runs the server under `tsx watch`,
 *   which restarts it whenever an imported file changes: on the work tree, a save in an
 *   editor during the test would kill the runs in flight. The snapshot also receives the
 *   server's `.langgraph_api/` (threads, runs, checkpoints), so nothing is written here and a
 *   developer's own `npm run studio` is left alone. `DATA_DIR` and `ONLINE_RETAIL_DIR` are
 *   passed as absolute paths, so the database and the data are the ones the CLI uses.
 * - Stopped whole: npm runs sh, which runs the CLI, which runs `tsx watch`, which runs the
 *   server; all of them share the process group npm leads (`detached`), which gets SIGTERM,
 *   then SIGKILL if anything is still there after a grace period. (An embedded Postgres runs in its own session and
 *   is shut down by the server's exit hook when no other process of ours uses it.)
 */
import { spawn, type ChildProcess } from "node:child_process";
import { cp, mkdtemp, rm, symlink } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { parseEnv } from "../../state/config.ts";

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** Environment that keeps the CLI and the server from reaching any network. */
export const OFFLINE_ENV: Record<string, string> = {
  LANGGRAPH_CLI_NO_ANALYTICS: "1",
  BROWSER: "none",
  LANGSMITH_TRACING: "false",
  LANGSMITH_TRACING_V2: "false",
  LANGCHAIN_TRACING: "false",
  LANGCHAIN_TRACING_V2: "false",
  LANGSMITH_TEST_TRACKING: "false",
  // npm itself: no version check against the registry.
  npm_config_update_notifier: "false",
};
const DROPPED_ENV = ["LANGSMITH_API_KEY", "LANGCHAIN_API_KEY", "LANGGRAPH_API_KEY"];

export interface DevServer {
  url: string;
  /** The process group: npm's pid. */
  pgid: number;
  /** Seconds from spawn until `/ok` answered. */
  startupSeconds: number;
  /** Everything the CLI and the server printed so far. */
  output(): string;
  /** SIGTERM to the group, SIGKILL after `graceMs`; resolves when the group is gone. */
  stop(graceMs?: number): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      const port = typeof address === "object" && address ? address.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

/** Whether any process of the group is still there (a zombie leader counts until reaped). */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitUntil(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

const NOT_COPIED = new Set(["node_modules", ".data", ".git", ".langgraph_api", "reports", "dist"]);

/** Copies the project's sources (not its dependencies, data or state) into `dir`. */
async function snapshotProject(dir: string): Promise<string> {
  const root = join(dir, "project");
  await cp(PROJECT_ROOT, root, {
    recursive: true,
    filter: (src) => {
      const rel = relative(PROJECT_ROOT, src);
      return !NOT_COPIED.has(rel.split(sep)[0]!) && !rel.endsWith(".log");
    },
  });
  await symlink(join(PROJECT_ROOT, "node_modules"), join(root, "node_modules"), "dir");
  return root;
}

export async function startDevServer(opts: { readyTimeoutMs?: number } = {}): Promise<DevServer> {
  const readyTimeoutMs = opts.readyTimeoutMs ?? 60_000;
  const dir = await mkdtemp(join(tmpdir(), "seg-studio-"));
  const root = await snapshotProject(dir);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const appEnv = parseEnv();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...OFFLINE_ENV,
    DATA_DIR: resolve(PROJECT_ROOT, appEnv.DATA_DIR),
    ONLINE_RETAIL_DIR: resolve(PROJECT_ROOT, appEnv.ONLINE_RETAIL_DIR),
  };
  for (const key of DROPPED_ENV) delete env[key];
  const started = Date.now();
  // The command the README documents, so CI checks that too; npm runs it through sh.
  const child: ChildProcess = spawn(
    "npm",
    [
      "run",
      "--silent",
      "studio",
      "--",
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
      "--config",
      join(root, "langgraph.json"),
    ],
    { cwd: root, env, detached: true, stdio: ["ignore", "pipe", "pipe"] },
  );
  const pgid = child.pid!;
  let out = "";
  const collect = (chunk: Buffer) => {
    out += chunk.toString("utf8");
    if (out.length > 200_000) out = out.slice(-100_000);
  };
  child.stdout!.on("data", collect);
  child.stderr!.on("data", collect);
  const status: { exited: string | null } = { exited: null };
  child.on("exit", (code, signal) => (status.exited = `exit ${code ?? signal}`));
  // Last resort if the test process itself goes away without stop().
  const onExit = () => {
    if (groupAlive(pgid)) process.kill(-pgid, "SIGKILL");
  };
  process.once("exit", onExit);

  let stopped: Promise<void> | undefined;
  const stop = (graceMs = 10_000) =>
    (stopped ??= (async () => {
      if (groupAlive(pgid)) {
        process.kill(-pgid, "SIGTERM");
        if (!(await waitUntil(() => !groupAlive(pgid), graceMs)) && groupAlive(pgid)) {
          process.kill(-pgid, "SIGKILL");
          await waitUntil(() => !groupAlive(pgid), 3_000);
        }
      }
      process.off("exit", onExit);
      await rm(dir, { recursive: true, force: true });
    })());
  const server: DevServer = { url, pgid, startupSeconds: 0, output: () => out, stop };

  const deadline = started + readyTimeoutMs;
  for (;;) {
    if (status.exited) {
      await stop();
      throw new Error(`langgraphjs dev stopped before it was ready (${status.exited}):\n${out}`);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`langgraphjs dev not ready after ${readyTimeoutMs} ms:\n${out}`);
    }
    const ok = await fetch(`${url}/ok`, { signal: AbortSignal.timeout(2_000) })
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) break;
    await sleep(250);
  }
  server.startupSeconds = (Date.now() - started) / 1000;
  return server;
}
