/**
 * Dependencies of one test file that it may break on purpose: an embedded PostgreSQL and a
 * redis-server of its own, on free ports, which it can freeze (SIGSTOP), thaw, stop and
 * start again. Only processes this file started are ever signalled: the cluster's processes
 * are those whose working directory is its own temp data dir, Redis is our child process.
 * The machine's PostgreSQL (5432) and Redis (6379) are never touched.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { openDatabase, type Database } from "../../storage/database.ts";
import {
  isClusterProcess,
  readPostmasterPid,
  serverUser,
  startServer,
  stopServer,
} from "../../storage/embedded.ts";
import { listPids } from "../../storage/interprocess.ts";
import { freePort } from "../../storage/testing/test-database.ts";

export class PrivatePostgres {
  private frozen: number[] = [];

  private constructor(
    private readonly db: Database,
    private readonly dataDir: string,
    readonly port: number,
  ) {}

  static async start(): Promise<PrivatePostgres> {
    const dataDir = await mkdtemp(join(tmpdir(), "faults-pg-"));
    const port = await freePort();
    const db = await openDatabase({ dataDir, port });
    return new PrivatePostgres(db, dataDir, port);
  }

  get url(): string {
    return this.db.url;
  }

  private get pgDir(): string {
    return join(this.dataDir, "pg");
  }

  /** The postmaster first (so it starts nothing new), then every backend of this cluster. */
  private postmasterPid(): number {
    const postmaster = readPostmasterPid(this.pgDir)?.pid;
    if (!postmaster || !isClusterProcess(postmaster, this.pgDir)) {
      throw new Error("the private PostgreSQL is not running");
    }
    return postmaster;
  }

  /**
   * Every process of the cluster stops: connections stay open, nothing answers. The
   * postmaster stops first so it forks no backend after the others are listed (a backend
   * forked between a listing and the postmaster's stop would go on answering a pooled
   * connection); the listing is repeated until it finds nothing new.
   */
  freeze(): void {
    const postmaster = this.postmasterPid();
    process.kill(postmaster, "SIGSTOP");
    this.frozen.push(postmaster);
    for (;;) {
      const fresh = listPids().filter(
        (pid) =>
          !this.frozen.includes(pid) && pid !== process.pid && isClusterProcess(pid, this.pgDir),
      );
      if (fresh.length === 0) return;
      for (const pid of fresh) {
        process.kill(pid, "SIGSTOP");
        this.frozen.push(pid);
      }
    }
  }

  thaw(): void {
    for (const pid of this.frozen.reverse()) {
      try {
        process.kill(pid, "SIGCONT");
      } catch {
        // Gone meanwhile.
      }
    }
    this.frozen = [];
  }

  /** A fast shutdown: sessions are terminated (57P01), then connections are refused. */
  async stop(): Promise<void> {
    const pid = readPostmasterPid(this.pgDir)?.pid;
    if (pid && isClusterProcess(pid, this.pgDir)) await stopServer(pid, this.pgDir);
  }

  async restart(): Promise<void> {
    await startServer({
      pgDir: this.pgDir,
      logFile: join(this.dataDir, "pg.log"),
      port: this.port,
      runAs: await serverUser(() => {}),
    });
  }

  async dispose(): Promise<void> {
    this.thaw();
    if (!readPostmasterPid(this.pgDir)) await this.restart().catch(() => undefined);
    await this.db.close().catch(() => undefined);
    await rm(this.dataDir, { recursive: true, force: true });
  }
}

export class PrivateRedis {
  private child: ChildProcess | undefined;

  private constructor(readonly port: number) {}

  static async start(): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort());
    await redis.restart();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts redis-server (again) on the same port and waits until it answers. */
  async restart(): Promise<void> {
    const child = spawn(
      "redis-server",
      ["--port", String(this.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
      { stdio: "ignore" },
    );
    this.child = child;
    const probe = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
    probe.on("error", () => undefined);
    try {
      const deadline = Date.now() + 10_000;
      for (;;) {
        try {
          await probe.connect();
          await probe.ping();
          return;
        } catch (err) {
          if (Date.now() > deadline || child.exitCode !== null || child.signalCode !== null) {
            throw err;
          }
          probe.disconnect();
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    } finally {
      probe.disconnect();
    }
  }

  freeze(): void {
    if (this.child?.pid) process.kill(this.child.pid, "SIGSTOP");
  }

  thaw(): void {
    if (this.child?.pid) process.kill(this.child.pid, "SIGCONT");
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
    this.thaw();
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  }

  async dispose(): Promise<void> {
    await this.stop();
  }
}
