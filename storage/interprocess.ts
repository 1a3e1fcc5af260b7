/**
 * Cross-process coordination for the embedded PostgreSQL: process liveness checks, a lock
 * file that serialises start/stop decisions, and a registry of the processes using a data
 * dir. Everything here is file based because the processes sharing a data dir (a CLI batch
 * and another CLI call) have nothing else in common, and Node has no flock().
 */
import { randomBytes } from "node:crypto";
import {
  existsSync,
  linkSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  renameSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/** A pid alone is ambiguous once the kernel reuses it; the start time pins one process. */
export interface ProcessIdentity {
  pid: number;
  startTime: string | null;
}

/** Linux: liveness, identity and working directory of other processes can be checked. */
export const HAS_PROC = existsSync("/proc/self/stat");

function errnoCode(err: unknown): string | undefined {
  return typeof err === "object" && err !== null && "code" in err
    ? String((err as { code: unknown }).code)
    : undefined;
}

/** The fields of /proc/<pid>/stat after the command name, which may itself contain spaces. */
function procStatFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null;
  }
}

export function processStartTime(pid: number): string | null {
  // Field 22 of stat (starttime); the slice above starts at field 3.
  return procStatFields(pid)?.[19] ?? null;
}

export function currentProcess(): ProcessIdentity {
  return { pid: process.pid, startTime: processStartTime(process.pid) };
}

/**
 * True when the pid runs and is not a zombie. A postmaster whose parent was killed is
 * re-parented to PID 1, which in containers often does not reap children, so kill(pid, 0)
 * alone would report a dead server as alive forever.
 */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    if (errnoCode(err) !== "EPERM") return false;
  }
  if (!HAS_PROC) return true;
  const fields = procStatFields(pid);
  if (!fields) return false;
  return fields[0] !== "Z" && fields[0] !== "X";
}

export function isSameProcessAlive(id: ProcessIdentity): boolean {
  if (!isProcessAlive(id.pid)) return false;
  if (id.startTime === null) return true;
  const now = processStartTime(id.pid);
  return now === null || now === id.startTime;
}

/** Working directory of a process, or null when unknown (no /proc, or it is gone). */
export function processCwd(pid: number): string | null {
  if (!HAS_PROC) return null;
  try {
    return readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return null;
  }
}

/** argv of a process; a process that retitled itself may have it all in the first item. */
export function processArgv(pid: number): string[] | null {
  if (!HAS_PROC) return null;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
  } catch {
    return null;
  }
}

/** All live pids on the machine; empty without /proc, where callers fall back to less. */
export function listPids(): number[] {
  if (!HAS_PROC) return [];
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

function parseIdentity(text: string): ProcessIdentity | null {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== "object" || value === null) return null;
    const { pid, startTime } = value as { pid?: unknown; startTime?: unknown };
    if (typeof pid !== "number") return null;
    return { pid, startTime: typeof startTime === "string" ? startTime : null };
  } catch {
    return null;
  }
}

function readIdentity(path: string): ProcessIdentity | null | "missing" {
  try {
    return parseIdentity(readFileSync(path, "utf8"));
  } catch (err) {
    if (errnoCode(err) === "ENOENT") return "missing";
    throw err;
  }
}

export type ReleaseLock = () => void;

/**
 * One non-blocking attempt at the lock. The content is written to a private file first and
 * then hard-linked into place, so the lock never exists without its owner's identity in it.
 */
export function tryAcquireLockSync(lockPath: string): ReleaseLock | null {
  const me = currentProcess();
  const temp = `${lockPath}.${me.pid}.${randomBytes(4).toString("hex")}`;
  writeFileSync(temp, JSON.stringify(me), { mode: 0o600 });
  try {
    linkSync(temp, lockPath);
  } catch (err) {
    if (errnoCode(err) === "EEXIST") return null;
    throw err;
  } finally {
    unlinkSync(temp);
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const holder = readIdentity(lockPath);
    // Only remove our own lock: a stale-lock breaker may have replaced it meanwhile.
    if (holder !== "missing" && holder?.pid === me.pid && holder.startTime === me.startTime) {
      unlinkSync(lockPath);
    }
  };
}

/**
 * Removes a lock whose owner died. The lock is first renamed aside, so two waiters breaking
 * it at once cannot delete a fresh lock taken in between; if the moved file turns out to
 * belong to a live owner it is linked back.
 */
function breakStaleLock(lockPath: string): void {
  const aside = `${lockPath}.stale.${process.pid}.${randomBytes(4).toString("hex")}`;
  try {
    renameSync(lockPath, aside);
  } catch (err) {
    if (errnoCode(err) === "ENOENT") return;
    throw err;
  }
  const holder = readIdentity(aside);
  if (holder !== "missing" && holder !== null && isSameProcessAlive(holder)) {
    try {
      linkSync(aside, lockPath);
    } catch (err) {
      if (errnoCode(err) !== "EEXIST") throw err;
    }
  }
  unlinkSync(aside);
}

export interface AcquireLockOptions {
  timeoutMs: number;
  /** Called once when the lock is busy for a while, to tell the user why start-up waits. */
  onWait?: (holderPid: number) => void;
}

export async function acquireLock(
  lockPath: string,
  { timeoutMs, onWait }: AcquireLockOptions,
): Promise<ReleaseLock> {
  const started = Date.now();
  let told = false;
  for (;;) {
    const release = tryAcquireLockSync(lockPath);
    if (release) return release;
    const holder = readIdentity(lockPath);
    if (holder === null || (holder !== "missing" && !isSameProcessAlive(holder))) {
      breakStaleLock(lockPath);
      continue;
    }
    if (holder === "missing") continue;
    const waited = Date.now() - started;
    if (waited > timeoutMs) {
      throw new Error(
        `Timed out after ${Math.round(waited / 1000)} s waiting for ${lockPath}, held by pid ${holder.pid}. ` +
          `If that process is stuck, stop it; the lock is released when it exits.`,
      );
    }
    if (!told && waited > 1000) {
      told = true;
      onWait?.(holder.pid);
    }
    await sleep(50);
  }
}

/**
 * The processes currently using a data dir, one file per open handle
 * (`<pid>.<n>.json`), so a process holding two handles counts until both are closed.
 */
export class ClientRegistry {
  private static seq = 0;

  constructor(readonly dir: string) {}

  register(): string {
    mkdirSync(this.dir, { recursive: true });
    const me = currentProcess();
    ClientRegistry.seq += 1;
    const file = join(this.dir, `${me.pid}.${ClientRegistry.seq}.json`);
    writeFileSync(file, JSON.stringify(me));
    return file;
  }

  unregister(file: string): void {
    try {
      unlinkSync(file);
    } catch (err) {
      if (errnoCode(err) !== "ENOENT") throw err;
    }
  }

  /** Live registered handles other than `except`; entries of dead processes are deleted. */
  liveClients(except?: string): ProcessIdentity[] {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch (err) {
      if (errnoCode(err) === "ENOENT") return [];
      throw err;
    }
    const live: ProcessIdentity[] = [];
    for (const name of names) {
      if (!name.endsWith(".json")) continue;
      const file = join(this.dir, name);
      if (file === except) continue;
      const id = readIdentity(file);
      if (id === "missing") continue;
      if (id !== null && isSameProcessAlive(id)) live.push(id);
      else this.unregister(file);
    }
    return live;
  }
}
