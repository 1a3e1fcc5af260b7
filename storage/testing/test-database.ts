/**
 * Test support: a throw-away database on the real PostgreSQL named by DATABASE_URL, or, when
 * that is unset, on an embedded server in a temp dir, so the integration tests run anywhere.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { openDatabase } from "../database.ts";
import type { Database } from "../database.ts";

/** A port that was free a moment ago, so parallel test runs do not collide on a fixed one. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export interface TestDatabase {
  url: string;
  /** Where it runs: "DATABASE_URL" or "embedded". */
  source: string;
  newPool(): pg.Pool;
  /** Drops the database and stops an embedded server; ends pools made by newPool(). */
  dispose(): Promise<void>;
}

let embedded: { db: Database; dir: string; users: number } | undefined;

async function adminUrl(): Promise<{ url: string; source: string }> {
  const fromEnv = process.env.DATABASE_URL?.trim();
  if (fromEnv) return { url: fromEnv, source: "DATABASE_URL" };
  if (!embedded) {
    const dir = await mkdtemp(join(tmpdir(), "storage-test-"));
    const db = await openDatabase({ dataDir: dir, port: await freePort() });
    embedded = { db, dir, users: 0 };
  }
  embedded.users += 1;
  return { url: embedded.db.url, source: "embedded" };
}

async function releaseEmbedded(): Promise<void> {
  if (!embedded) return;
  embedded.users -= 1;
  if (embedded.users > 0) return;
  const { db, dir } = embedded;
  embedded = undefined;
  await db.close();
  await rm(dir, { recursive: true, force: true });
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const admin = await adminUrl();
  const name = `storage_test_${randomBytes(6).toString("hex")}`;
  const client = new pg.Client({ connectionString: admin.url });
  await client.connect();
  try {
    await client.query(`create database ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
  const parsed = new URL(admin.url);
  parsed.pathname = `/${name}`;
  const url = parsed.toString();
  const pools: pg.Pool[] = [];
  return {
    url,
    source: admin.source,
    newPool() {
      const pool = new pg.Pool({ connectionString: url });
      // pool.end() resolves before its sockets close, so dispose()'s forced drop can still
      // terminate them; that error is expected and must not fail the run as uncaught.
      pool.on("error", () => undefined);
      pools.push(pool);
      return pool;
    },
    async dispose() {
      await Promise.all(pools.map((pool) => pool.end().catch(() => undefined)));
      const dropper = new pg.Client({ connectionString: admin.url });
      await dropper.connect();
      try {
        await dropper.query(
          `drop database if exists ${dropper.escapeIdentifier(name)} with (force)`,
        );
      } finally {
        await dropper.end();
        await releaseEmbedded();
      }
    },
  };
}
