/**
 * Schema migrations: the numbered `.sql` files in ./migrations, applied in order at start-up,
 * each in its own transaction and recorded in `app.schema_migrations` with a checksum.
 * A session advisory lock makes processes that start at the same moment take turns, so the
 * second one finds everything applied and does nothing.
 *
 * A migration file runs inside a transaction, so it cannot use statements that refuse one
 * (CREATE INDEX CONCURRENTLY, ALTER TYPE ... ADD VALUE before PG 12 and the like).
 */
import { createHash } from "node:crypto";
import { readFile, readdir } from "node:fs/promises";
import type pg from "pg";
import type { Logger } from "pino";

export interface Migration {
  /** File name without `.sql`, e.g. `0001_app_tables`; the order is the order of ids. */
  id: string;
  sql: string;
}

export const MIGRATIONS_DIR = new URL("./migrations/", import.meta.url);

/** Arbitrary constant naming "our migration runner" among the users of advisory locks. */
const MIGRATION_LOCK_KEY = "7403915226483021";

const FILE_PATTERN = /^(\d{4})_[a-z0-9_]+\.sql$/;

export async function loadMigrations(dir: URL = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((name) => name.endsWith(".sql")).sort();
  const seen = new Map<string, string>();
  const migrations: Migration[] = [];
  for (const file of files) {
    const match = FILE_PATTERN.exec(file);
    if (!match?.[1]) {
      throw new Error(`Migration file ${file} must be named NNNN_lower_snake_case.sql`);
    }
    const clash = seen.get(match[1]);
    if (clash) throw new Error(`Migrations ${clash} and ${file} share the number ${match[1]}`);
    seen.set(match[1], file);
    migrations.push({ id: file.slice(0, -4), sql: await readFile(new URL(file, dir), "utf8") });
  }
  return migrations;
}

function checksum(sql: string): string {
  return createHash("sha256").update(sql).digest("hex");
}

export interface MigrateOptions {
  logger?: Logger;
  /** Defaults to the files in ./migrations. */
  migrations?: Migration[];
}

/** Applies the pending migrations and returns the ids it applied (empty when up to date). */
export async function migrate(pool: pg.Pool, opts: MigrateOptions = {}): Promise<string[]> {
  const migrations = opts.migrations ?? (await loadMigrations());
  const client = await pool.connect();
  let connectionBroken = false;
  try {
    await client.query("select pg_advisory_lock($1::bigint)", [MIGRATION_LOCK_KEY]);
    try {
      return await applyPending(client, migrations, opts.logger);
    } finally {
      await client
        .query("select pg_advisory_unlock($1::bigint)", [MIGRATION_LOCK_KEY])
        .catch(() => {
          // Discarding the connection releases its session lock all the same.
          connectionBroken = true;
        });
    }
  } finally {
    client.release(connectionBroken);
  }
}

async function applyPending(
  client: pg.PoolClient,
  migrations: Migration[],
  logger: Logger | undefined,
): Promise<string[]> {
  await client.query("create schema if not exists app");
  await client.query(`
    create table if not exists app.schema_migrations (
      id text primary key,
      checksum text not null,
      applied_at timestamptz not null default now()
    )`);
  const { rows } = await client.query<{ id: string; checksum: string }>(
    "select id, checksum from app.schema_migrations",
  );
  const applied = new Map(rows.map((row) => [row.id, row.checksum]));

  const known = new Set(migrations.map((m) => m.id));
  const unknown = [...applied.keys()].filter((id) => !known.has(id));
  if (unknown.length > 0) {
    // A newer version of the app migrated this database; older code may still work with it.
    logger?.warn({ unknown }, "database has migrations this version does not know");
  }

  const done: string[] = [];
  for (const migration of migrations) {
    const sum = checksum(migration.sql);
    const recorded = applied.get(migration.id);
    if (recorded !== undefined) {
      if (recorded !== sum) {
        throw new Error(
          `Migration ${migration.id} was changed after it was applied to this database. ` +
            `Add a new migration instead of editing an applied one.`,
        );
      }
      continue;
    }
    await client.query("begin");
    try {
      await client.query(migration.sql);
      await client.query("insert into app.schema_migrations (id, checksum) values ($1, $2)", [
        migration.id,
        sum,
      ]);
      await client.query("commit");
    } catch (err) {
      await client.query("rollback").catch(() => undefined);
      throw new Error(`Migration ${migration.id} failed: ${(err as Error).message}`, {
        cause: err,
      });
    }
    logger?.info({ migration: migration.id }, "applied migration");
    done.push(migration.id);
  }
  return done;
}
