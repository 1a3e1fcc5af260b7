/**
 * The API server as a child process (`segment serve`, the CLI's own code path) on a free
 * loopback port, with the database and settings it is given: for the soak benchmark, and for
 * the chaos tests, which kill it with SIGKILL mid-run and start another on the same database.
 *
 * The child is node itself (`node --import tsx cli/segment.ts serve`), not npm: its pid is the
 * server's, so its RSS can be read and a signal reaches the server, not a wrapper. Offline like
 * the dev server (dev-server.ts): no tracing, no analytics, no LangSmith key.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { OFFLINE_ENV, PROJECT_ROOT, freePort } from "./dev-server.ts";

export interface ServerProcess {
  url: string;
  port: number;
  pid: number;
  /** Resident set size of the server process, in MB (from /proc); NaN once it has exited. */
  rssMb(): number;
  /** Everything the server wrote to stdout and stderr (the last 100 kB). */
  output(): string;
  /** Whether the process has exited. */
  exited(): boolean;
  /** SIGKILL, at once: no shutdown hook runs. Resolves when the process is gone. */
  kill9(): Promise<void>;
  /** SIGTERM (a graceful drain), SIGKILL after `graceMs`; resolves when the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

const DROPPED_ENV = ["LANGSMITH_API_KEY", "LANGCHAIN_API_KEY", "LANGGRAPH_API_KEY", "PORT", "HOST"];

function rssOf(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
    return kb ? Number(kb) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

export async function startServerProcess(opts: {
  databaseUrl: string;
  /** More environment for the server (limits, REDIS_URL, timeouts). */
  env?: Record<string, string>;
  readyTimeoutMs?: number;
}): Promise<ServerProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...OFFLINE_ENV,
    LOG_LEVEL: "warn",
    ...opts.env,
    DATABASE_URL: opts.databaseUrl,
  };
  for (const key of DROPPED_ENV) delete env[key];
  const child: ChildProcess = spawn(
    process.execPath,
    ["--import", "tsx", "cli/segment.ts", "serve", "--port", String(port), "--host", "127.0.0.1"],
    { cwd: PROJECT_ROOT, env, stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  const collect = (chunk: Buffer) => {
    out += chunk.toString("utf8");
    if (out.length > 200_000) out = out.slice(-100_000);
  };
  child.stdout!.on("data", collect);
  child.stderr!.on("data", collect);
  const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  // Last resort if the parent goes away without stopping it.
  const onExit = () => {
    if (!exited()) child.kill("SIGKILL");
  };
  process.once("exit", onExit);

  const kill9 = async () => {
    if (!exited()) child.kill("SIGKILL");
    await gone;
    process.off("exit", onExit);
  };
  const stop = async (graceMs = 30_000) => {
    if (!exited()) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await gone;
      clearTimeout(timer);
    }
    process.off("exit", onExit);
  };

  const deadline = Date.now() + (opts.readyTimeoutMs ?? 120_000);
  for (;;) {
    if (exited()) throw new Error(`the server exited before it was ready:\n${out}`);
    if (Date.now() > deadline) {
      await kill9();
      throw new Error(`the server was not ready in time:\n${out}`);
    }
    const ready = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) })
      .then((r) => r.ok)
      .catch(() => false);
    if (ready) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    port,
    pid: child.pid!,
    rssMb: () => (exited() ? NaN : rssOf(child.pid!)),
    output: () => out,
    exited,
    kill9,
    stop,
  };
}
