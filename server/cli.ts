/**
 * The `segment serve` and `segment keys …` subcommands. Bad input throws InputError, which the
 * CLI turns into exit code 2 like every other rejected input.
 */
import type { Command } from "commander";
import { InvalidArgumentError } from "commander";
import { resolve } from "node:path";
import { createProgress } from "../cli/progress.ts";
import { InputError } from "../runtime/run.ts";
import { TENANT_PROVIDERS } from "../runtime/tenants.ts";
import {
  UnknownTenantError,
  createApiKey,
  listApiKeys,
  revokeApiKey,
} from "../storage/api-keys.ts";
import { openDatabase, type Database } from "../storage/database.ts";
import { migrate } from "../storage/migrations.ts";
import { parseServerEnv, type ServerEnv } from "./env.ts";
import { startServer } from "./serve.ts";

function envOrInputError(overrides: Partial<Record<"PORT" | "HOST", string>>): ServerEnv {
  try {
    return parseServerEnv({ ...process.env, ...overrides });
  } catch (err) {
    const issues = (err as { issues?: { path: PropertyKey[]; message: string }[] }).issues;
    if (!issues) throw err;
    throw new InputError(
      `invalid environment: ${issues.map((i) => `${i.path.map(String).join(".")}: ${i.message}`).join("; ")}`,
    );
  }
}

function port(value: string): string {
  if (!/^\d+$/.test(value) || Number(value) > 65535) {
    throw new InvalidArgumentError("expected a port number");
  }
  return value;
}

async function serveCommand(opts: { port?: string; host?: string; quiet?: boolean }) {
  const env = envOrInputError({
    ...(opts.port ? { PORT: opts.port } : {}),
    ...(opts.host ? { HOST: opts.host } : {}),
  });
  const progress = createProgress(Boolean(opts.quiet));
  const running = await startServer(env, {
    startOptions: { onStatus: progress.status, onLoadProgress: progress.load },
  });
  progress.status(`listening on ${running.url} (reference: ${running.url}/docs)`);
  await new Promise<void>((done) => {
    const stop = (signal: NodeJS.Signals) => {
      progress.status(`${signal}: finishing requests in flight, then stopping`);
      running.close().then(done, (err: unknown) => {
        process.stderr.write(`error while stopping: ${(err as Error).message}\n`);
        process.exitCode = 1;
        done();
      });
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}

/** The database alone: managing keys needs neither the warehouse nor the catalogs. */
async function withDatabase<T>(fn: (db: Database) => Promise<T>): Promise<T> {
  const env = envOrInputError({});
  const db = await openDatabase({
    databaseUrl: env.DATABASE_URL,
    dataDir: resolve(env.DATA_DIR),
    port: env.EMBEDDED_PG_PORT,
  });
  try {
    await migrate(db.pool);
    return await fn(db);
  } finally {
    await db.close();
  }
}

/**
 * A shipped tenant gets its row (with the shipped defaults, as start-up would create it), so a
 * key can be made before the server first ran.
 */
async function ensureShippedTenant(db: Database, tenantId: string): Promise<void> {
  const provider = TENANT_PROVIDERS.find((p) => p.id === tenantId);
  if (!provider) return;
  await db.pool.query(
    "insert into app.tenants (id, config) values ($1, $2) on conflict (id) do nothing",
    [tenantId, JSON.stringify(provider.defaultConfig)],
  );
}

function date(d: Date | null): string {
  return d ? d.toISOString().slice(0, 19).replace("T", " ") : "-";
}

export function addServerCommands(program: Command): void {
  program
    .command("serve")
    .description("start the HTTP API (PORT, HOST, CORS_ORIGINS, REDIS_URL, … from the environment)")
    .option("--port <n>", "port to listen on (default PORT or 8080)", port)
    .option("--host <address>", "address to listen on (default HOST or 127.0.0.1)")
    .option("--quiet", "no progress on stderr")
    .action(async (opts: { port?: string; host?: string; quiet?: boolean }) => {
      await serveCommand(opts);
    });

  const keys = program.command("keys").description("manage API keys (stored hashed)");
  keys
    .command("create")
    .description("create a key for a tenant; the key is printed once, on stdout")
    .requiredOption("--tenant <id>", "the tenant the key gives access to")
    .option("--name <name>", "a note on who or what uses the key")
    .option("--user <id>", "the person the key belongs to: whose memory it reads and writes")
    .action(async (opts: { tenant: string; name?: string; user?: string }) => {
      await withDatabase(async (db) => {
        await ensureShippedTenant(db, opts.tenant);
        try {
          const created = await createApiKey(db.pool, opts.tenant, {
            name: opts.name,
            user: opts.user,
          });
          process.stdout.write(`${created.key}\n`);
          process.stderr.write(
            `created key ${created.prefix}… for ${created.tenantId}; it is not shown again.\n`,
          );
        } catch (err) {
          if (err instanceof UnknownTenantError) throw new InputError(err.message);
          throw err;
        }
      });
    });
  keys
    .command("list")
    .description("list a tenant's keys (prefixes only)")
    .requiredOption("--tenant <id>", "the tenant")
    .option("--json", "one JSON array")
    .action(async (opts: { tenant: string; json?: boolean }) => {
      await withDatabase(async (db) => {
        const list = await listApiKeys(db.pool, opts.tenant);
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(list)}\n`);
          return;
        }
        for (const k of list) {
          process.stdout.write(
            `${k.prefix}  ${k.revokedAt ? "revoked" : "active "}  created ${date(k.createdAt)}  ` +
              `last used ${date(k.lastUsedAt)}  ${k.name ?? ""}\n`.replace(/ +\n$/, "\n"),
          );
        }
        if (list.length === 0) process.stderr.write(`no keys for ${opts.tenant}\n`);
      });
    });
  keys
    .command("revoke")
    .description("revoke a key by its prefix (as shown by keys list)")
    .argument("<prefix>", "the key's prefix, e.g. seg_AbCd1234")
    .action(async (prefix: string) => {
      await withDatabase(async (db) => {
        const revoked = await revokeApiKey(db.pool, prefix);
        if (!revoked) throw new InputError(`no active key with prefix ${prefix}`);
        process.stdout.write(`revoked ${revoked.prefix} (${revoked.tenantId})\n`);
      });
    });
}
