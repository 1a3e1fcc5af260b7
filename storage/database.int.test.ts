import { spawn } from "node:child_process";
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, redactDatabaseUrl } from "./database.ts";
import { isClusterProcess, readPostmasterPid } from "./embedded.ts";
import { isProcessAlive, listPids } from "./interprocess.ts";
import { createTestDatabase, freePort } from "./testing/test-database.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const HOLDER = fileURLToPath(new URL("./testing/hold-embedded.ts", import.meta.url));

async function waitFor(check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await sleep(50);
  }
}

describe("openDatabase with a URL", () => {
  it("uses the given server and reports unreachable ones clearly", async () => {
    const testDb = await createTestDatabase();
    try {
      const db = await openDatabase({ databaseUrl: testDb.url, dataDir: "/nonexistent" });
      expect(db.embedded).toBe(false);
      expect(db.url).toBe(testDb.url);
      const { rows } = await db.pool.query<{ n: number }>("select 41 + 1 as n");
      expect(rows[0]?.n).toBe(42);
      await db.close();
      await db.close();
      expect(db.pool.ended).toBe(true);
    } finally {
      await testDb.dispose();
    }

    const port = await freePort();
    const url = `postgres://someone:secret@127.0.0.1:${port}/nothing`;
    const failure = openDatabase({ databaseUrl: url, dataDir: "/nonexistent" });
    await expect(failure).rejects.toThrow(
      /Cannot connect to PostgreSQL at postgres:\/\/someone:\*\*\*@/,
    );
    await expect(failure).rejects.not.toThrow(/secret/);
    expect(redactDatabaseUrl(url)).not.toContain("secret");
  });
});

describe("embedded PostgreSQL", () => {
  let dataDir: string;
  let pgDir: string;
  let port: number;
  const holders: ChildProcessWithoutNullStreams[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "storage-embedded-"));
    pgDir = join(dataDir, "pg");
    port = await freePort();
  });

  afterAll(async () => {
    for (const child of holders) if (child.exitCode === null) child.kill("SIGKILL");
    // Whatever a failed test left behind, no postmaster of this data dir may outlive the run.
    for (const pid of listPids()) {
      if (isClusterProcess(pid, pgDir)) process.kill(pid, "SIGKILL");
    }
    await rm(dataDir, { recursive: true, force: true });
  });

  const serverPid = () => readPostmasterPid(pgDir)?.pid ?? -1;
  const registered = () => readdirSync(join(dataDir, "pg.clients"));

  function expectStopped(pid: number) {
    expect(isProcessAlive(pid)).toBe(false);
    expect(existsSync(join(pgDir, "postmaster.pid"))).toBe(false);
    expect(registered()).toEqual([]);
  }

  async function spawnHolder(dir = dataDir) {
    const child = spawn(process.execPath, ["--import", "tsx", HOLDER, dir, String(port)], {
      cwd: ROOT,
      stdio: ["pipe", "pipe", "pipe"],
    });
    holders.push(child);
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) =>
      child.on("exit", (code) => resolve(code)),
    );
    const report = await new Promise<{ ready: boolean; pid: number }>((resolve, reject) => {
      let out = "";
      child.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        const line = out.split("\n")[0];
        if (out.includes("\n") && line)
          resolve(JSON.parse(line) as { ready: boolean; pid: number });
      });
      void exited.then((code) => reject(new Error(`holder exited (${code}): ${stderr}`)));
    });
    expect(report.ready).toBe(true);
    return {
      child,
      exited,
      send: (command: string) => child.stdin.write(`${command}\n`),
    };
  }

  it("creates the cluster once, keeps data across restarts and stops on close", async () => {
    const progress: string[] = [];
    let started = Date.now();
    const first = await openDatabase({ dataDir, port, onProgress: (m) => progress.push(m) });
    const firstStart = Date.now() - started;
    expect(first.embedded).toBe(true);
    expect(first.url).toContain(`@127.0.0.1:${port}/segments`);
    expect(progress.some((m) => m.includes("Creating the local PostgreSQL cluster"))).toBe(true);
    await first.pool.query("create table kept (note text)");
    await first.pool.query("insert into kept values ('survives a restart')");
    const pid = serverPid();
    expect(isProcessAlive(pid)).toBe(true);
    await first.close();
    expectStopped(pid);

    progress.length = 0;
    started = Date.now();
    const second = await openDatabase({ dataDir, port, onProgress: (m) => progress.push(m) });
    const restart = Date.now() - started;
    expect(progress.some((m) => m.includes("Creating"))).toBe(false);
    const { rows } = await second.pool.query<{ note: string }>("select note from kept");
    expect(rows).toEqual([{ note: "survives a restart" }]);
    expect(second.url).toBe(first.url);
    const secondPid = serverPid();
    await second.close();
    expectStopped(secondPid);
    expect(restart).toBeLessThan(3_000);
    expect(firstStart).toBeLessThan(30_000);
  });

  it("keeps the server up while another process uses it, and that process exits on its own", async () => {
    const holder = await spawnHolder();
    const pid = serverPid();
    const mine = await openDatabase({ dataDir, port });
    expect(serverPid()).toBe(pid);
    expect(registered()).toHaveLength(2);

    // The holder started the server; it closes first and must still exit by itself with
    // its own exit code, leaving the server running for us.
    holder.send("drain");
    expect(await holder.exited).toBe(3);
    expect(isProcessAlive(pid)).toBe(true);
    const { rows } = await mine.pool.query<{ one: number }>("select 1 as one");
    expect(rows[0]?.one).toBe(1);

    await mine.close();
    expectStopped(pid);
  });

  it("adopts the orphaned server of a process killed with SIGKILL, then stops it", async () => {
    const holder = await spawnHolder();
    const pid = serverPid();
    holder.child.kill("SIGKILL");
    await holder.exited;
    expect(isProcessAlive(pid)).toBe(true);

    // The running server wins over the port asked for: it is the same cluster.
    const otherPort = await freePort();
    const progress: string[] = [];
    const db = await openDatabase({
      dataDir,
      port: otherPort,
      onProgress: (m) => progress.push(m),
    });
    expect(serverPid()).toBe(pid);
    expect(db.url).toContain(`:${port}/segments`);
    expect(progress.some((m) => m.includes("already running"))).toBe(true);
    await db.pool.query("insert into kept values ('after the orphan')");
    await db.close();
    expectStopped(pid);
  });

  it("stops the server when the last user calls process.exit without closing", async () => {
    const holder = await spawnHolder();
    const pid = serverPid();
    holder.send("exit");
    expect(await holder.exited).toBe(0);
    await waitFor(() => !isProcessAlive(pid));
    await waitFor(() => !existsSync(join(pgDir, "postmaster.pid")));
    expect(registered()).toEqual([]);
  });

  it("removes a stale postmaster.pid whose process is gone", async () => {
    const dead = spawn("true");
    await new Promise((resolve) => dead.on("exit", resolve));
    const deadPid = dead.pid ?? 999_999;
    expect(isProcessAlive(deadPid)).toBe(false);
    writeFileSync(
      join(pgDir, "postmaster.pid"),
      `${deadPid}\n${pgDir}\n1700000000\n${port}\n\n127.0.0.1\n  1234567     98304\nready   \n`,
    );

    const progress: string[] = [];
    const db = await openDatabase({ dataDir, port, onProgress: (m) => progress.push(m) });
    expect(progress.some((m) => m.includes("Removed stale postmaster.pid"))).toBe(true);
    const { rows } = await db.pool.query<{ n: string }>("select count(*) as n from kept");
    expect(rows[0]?.n).toBe("2");
    const pid = serverPid();
    expect(pid).not.toBe(deadPid);
    await db.close();
    expectStopped(pid);
  });

  it("starts a new server after the postmaster itself was SIGKILLed", async () => {
    const crashed = await openDatabase({ dataDir, port });
    const pid = serverPid();
    process.kill(pid, "SIGKILL");
    await waitFor(() => !isProcessAlive(pid));

    const db = await openDatabase({ dataDir, port });
    const newPid = serverPid();
    expect(newPid).not.toBe(pid);
    const { rows } = await db.pool.query<{ n: string }>("select count(*) as n from kept");
    expect(rows[0]?.n).toBe("2");
    await db.close();
    expect(isProcessAlive(newPid)).toBe(true);
    await crashed.close();
    expectStopped(newPid);
  });

  it("lets two processes that open at the same moment share one server", async () => {
    const [one, two] = await Promise.all([spawnHolder(), spawnHolder()]);
    const pid = serverPid();
    expect(isProcessAlive(pid)).toBe(true);
    expect(registered()).toHaveLength(2);
    one.send("close");
    expect(await one.exited).toBe(0);
    expect(isProcessAlive(pid)).toBe(true);
    two.send("close");
    expect(await two.exited).toBe(0);
    expectStopped(pid);
  });

  it("serialises concurrent opens in one process: one start, one shared server", async () => {
    const [a, b] = await Promise.all([
      openDatabase({ dataDir, port }),
      openDatabase({ dataDir, port }),
    ]);
    const pid = serverPid();
    expect(registered()).toHaveLength(2);
    await a.close();
    expect(isProcessAlive(pid)).toBe(true);
    await b.pool.query("select 1");
    await b.close();
    expectStopped(pid);
  });

  it("explains a port held by a program that is not our PostgreSQL", async () => {
    const blocker = createServer();
    const blocked = await freePort();
    await new Promise<void>((resolve) => blocker.listen(blocked, "127.0.0.1", resolve));
    try {
      await expect(openDatabase({ dataDir, port: blocked })).rejects.toThrow(
        new RegExp(`Port ${blocked} on 127.0.0.1 is already in use by another process`),
      );
      expect(existsSync(join(pgDir, "postmaster.pid"))).toBe(false);
      expect(registered()).toEqual([]);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});

describe("embedded PostgreSQL first run", () => {
  it("replaces a cluster whose creation was interrupted", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "storage-interrupted-"));
    try {
      // What a process killed during initdb leaves: a scratch dir and no pg/.
      mkdirSync(join(dataDir, "pg.init-4242"));
      writeFileSync(join(dataDir, "pg.init-4242", "PG_VERSION"), "18\n");
      const db = await openDatabase({ dataDir, port: await freePort() });
      expect(readdirSync(dataDir).filter((name) => name.startsWith("pg.init"))).toEqual([]);
      await db.pool.query("select 1");
      const pid = readPostmasterPid(join(dataDir, "pg"))?.pid ?? -1;
      await db.close();
      expect(isProcessAlive(pid)).toBe(false);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
