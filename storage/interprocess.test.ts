import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  ClientRegistry,
  acquireLock,
  currentProcess,
  isProcessAlive,
  isSameProcessAlive,
  tryAcquireLockSync,
} from "./interprocess.ts";

async function deadPid(): Promise<number> {
  const child = spawn("true");
  await new Promise((resolve) => child.on("exit", resolve));
  return child.pid ?? 999_999;
}

describe("interprocess", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "interprocess-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("tells live, dead and recycled pids apart", async () => {
    expect(isProcessAlive(process.pid)).toBe(true);
    expect(isProcessAlive(await deadPid())).toBe(false);
    expect(isProcessAlive(-1)).toBe(false);
    const me = currentProcess();
    expect(isSameProcessAlive(me)).toBe(true);
    // Same pid, different start time: the pid was reused by another process.
    expect(isSameProcessAlive({ pid: me.pid, startTime: "1" })).toBe(me.startTime === null);
  });

  it("grants the lock to one holder at a time and releases it", async () => {
    const lock = join(dir, "pg.lock");
    const release = tryAcquireLockSync(lock);
    expect(release).not.toBeNull();
    expect(tryAcquireLockSync(lock)).toBeNull();
    await expect(acquireLock(lock, { timeoutMs: 200 })).rejects.toThrow(/held by pid/);
    release?.();
    expect(existsSync(lock)).toBe(false);
    const again = await acquireLock(lock, { timeoutMs: 200 });
    again();
    expect(readdirSync(dir)).toEqual([]);
  });

  it("waits for a lock held in-process and gets it once released", async () => {
    const lock = join(dir, "pg.lock");
    const release = await acquireLock(lock, { timeoutMs: 1_000 });
    setTimeout(release, 150);
    const started = Date.now();
    const second = await acquireLock(lock, { timeoutMs: 5_000 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    second();
  });

  it("breaks a lock whose holder died", async () => {
    const lock = join(dir, "pg.lock");
    writeFileSync(lock, JSON.stringify({ pid: await deadPid(), startTime: null }));
    const release = await acquireLock(lock, { timeoutMs: 1_000 });
    expect(tryAcquireLockSync(lock)).toBeNull();
    release();
    writeFileSync(lock, "not json");
    (await acquireLock(lock, { timeoutMs: 1_000 }))();
    expect(readdirSync(dir)).toEqual([]);
  });

  it("counts live registered handles and forgets dead ones", async () => {
    const registry = new ClientRegistry(join(dir, "clients"));
    expect(registry.liveClients()).toEqual([]);
    const a = registry.register();
    const b = registry.register();
    writeFileSync(
      join(dir, "clients", "1.1.json"),
      JSON.stringify({ pid: await deadPid(), startTime: null }),
    );
    expect(registry.liveClients()).toHaveLength(2);
    expect(readdirSync(join(dir, "clients"))).toHaveLength(2);
    expect(registry.liveClients(a)).toHaveLength(1);
    registry.unregister(a);
    registry.unregister(b);
    registry.unregister(b);
    expect(registry.liveClients()).toEqual([]);
  });
});
