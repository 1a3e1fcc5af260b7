/**
 * Opens the application's PostgreSQL: the one named by a URL when there is one, otherwise a
 * local embedded server whose data lives in `<dataDir>/pg` and survives restarts.
 *
 * The embedded server is shared: several of our processes (a CLI batch and another CLI call)
 * may use the same data dir at once. Each open handle registers in `<dataDir>/pg.clients/`;
 * whoever opens first starts the server (or adopts one left running by a killed process), and
 * whoever closes last stops it. Start and stop decisions are serialised by `<dataDir>/pg.lock`.
 */
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import type { Logger } from "pino";
import { pgQueryTimeoutMs, QUERY_TIMEOUT_MARGIN_MS, type AppEnv } from "../state/config.ts";
import {
  LISTEN_HOST,
  SUPERUSER,
  ensureTraversable,
  findRunningServer,
  initialiseCluster,
  isClusterProcess,
  readPassword,
  readPostmasterPid,
  serverUser,
  startServer,
  stopServer,
} from "./embedded.ts";
import type { RunAs, RunningServer, Say } from "./embedded.ts";
import { ClientRegistry, acquireLock, tryAcquireLockSync } from "./interprocess.ts";

/** Fixed so that every process of ours, and a developer's psql, finds the same server. */
export const DEFAULT_EMBEDDED_PORT = 54329;
export const EMBEDDED_DATABASE = "segments";
/** `.data` at the project root; the app passes it as `dataDir` unless told otherwise. */
export const DEFAULT_DATA_DIR = fileURLToPath(new URL("../.data", import.meta.url));

const LOCK_TIMEOUT_MS = 120_000;

export interface Database {
  pool: pg.Pool;
  /** Connection URL; for the embedded server it carries its generated password. */
  url: string;
  embedded: boolean;
  /** Ends the pool and, for the embedded server, stops it if no other process uses it. */
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** An existing PostgreSQL; when absent or empty the embedded server is used. */
  databaseUrl?: string;
  /** Where the embedded server keeps its cluster (`<dataDir>/pg`), log and bookkeeping. */
  dataDir: string;
  /** Port for the embedded server when this call starts it. Default 54329. */
  port?: number;
  logger?: Logger;
  /** Human-readable start-up steps (first-run initialisation, waiting, reuse). */
  onProgress?: (msg: string) => void;
}

export function redactDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "<unparsable database URL>";
  }
}

export async function openDatabase(opts: OpenDatabaseOptions): Promise<Database> {
  const databaseUrl = opts.databaseUrl?.trim();
  if (databaseUrl) return openExternal(databaseUrl, opts.logger);
  return openEmbedded(opts);
}

/** Bounds on every connection of a pool (AppEnv's PG_* settings). */
export interface PoolTimeouts {
  /** Opening a connection, and waiting for a free one when the pool is full. */
  connectMs: number;
  /** statement_timeout of each session; a transaction may raise it with SET LOCAL. */
  statementMs: number;
  /** idle_in_transaction_session_timeout of each session. */
  idleInTransactionMs: number;
  /** The client's wait for any answer (pg's query_timeout): bounds a stalled server. */
  queryMs: number;
}

export function poolTimeoutsFrom(env: AppEnv): PoolTimeouts {
  return {
    connectMs: env.PG_CONNECT_TIMEOUT_MS,
    statementMs: env.PG_STATEMENT_TIMEOUT_MS,
    idleInTransactionMs: env.PG_IDLE_IN_TRANSACTION_TIMEOUT_MS,
    queryMs: pgQueryTimeoutMs(env),
  };
}

/**
 * The same bounds for a pool whose statements never raise the statement timeout (the thread
 * locks): its client waits only a margin longer than the server's own limit.
 */
export function shortStatementTimeouts(timeouts: PoolTimeouts): PoolTimeouts {
  return {
    ...timeouts,
    queryMs: Math.min(timeouts.queryMs, timeouts.statementMs + QUERY_TIMEOUT_MARGIN_MS),
  };
}

/** pg.Pool options for the timeouts; TCP keep-alive also notices a peer that vanished. */
export function poolTimeoutOptions(timeouts: PoolTimeouts) {
  return {
    connectionTimeoutMillis: timeouts.connectMs,
    statement_timeout: timeouts.statementMs,
    idle_in_transaction_session_timeout: timeouts.idleInTransactionMs,
    query_timeout: timeouts.queryMs,
    keepAlive: true,
  } satisfies pg.PoolConfig;
}

/**
 * Puts the timeouts on a pool already in use: the services' pool is opened, migrated and
 * loaded at start-up without them (a warehouse load runs statements far longer than any API
 * request may). pg-pool reads its options at each connect and hands them to every new client,
 * so connections opened from now on carry them; the idle ones, opened before, are closed here.
 * Call it before serving, while nothing has a connection checked out.
 */
export async function applyPoolTimeouts(
  pool: pg.Pool,
  timeouts: PoolTimeouts,
  /** The pool's size from now on (PG_POOL_MAX); pg-pool reads it at each connect too. */
  max?: number,
): Promise<void> {
  Object.assign(pool.options, poolTimeoutOptions(timeouts), max === undefined ? {} : { max });
  const idle = await Promise.all(
    Array.from({ length: pool.idleCount }, () => pool.connect().catch(() => undefined)),
  );
  for (const client of idle) client?.release(true);
}

/**
 * A client checked out of a pool and idle between its queries (a thread lock held for a run, a
 * transaction between statements) emits its connection's loss on itself, not on the pool;
 * unhandled, that crashes the process (seen with Postgres stopped mid-run). The loss is logged
 * here; the client's next query fails like any other dependency failure (503), and the pool
 * drops the client when it is released.
 */
export function guardCheckedOutClients(pool: pg.Pool, logger: Logger | undefined): void {
  pool.on("connect", (client) => {
    client.on("error", (err) => {
      if (!pool.ending) logger?.warn({ err }, "PostgreSQL connection of a checked-out client lost");
    });
  });
}

function createPool(url: string, logger: Logger | undefined): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, application_name: "segmentation-agent" });
  guardCheckedOutClients(pool, logger);
  // An idle client losing its connection is emitted on the pool; unhandled, it would crash
  // the process, while the pool simply replaces the client on next use. end() resolves
  // before the sockets are closed, so a server stopped right after close() can still reach
  // clients that are on their way out: not worth a warning.
  pool.on("error", (err) => {
    if (!pool.ending) logger?.warn({ err }, "idle PostgreSQL connection failed");
  });
  return pool;
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= fn());
}

async function openExternal(url: string, logger: Logger | undefined): Promise<Database> {
  const pool = createPool(url, logger);
  try {
    const client = await pool.connect();
    client.release();
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw new Error(
      `Cannot connect to PostgreSQL at ${redactDatabaseUrl(url)}: ${(err as Error).message}`,
      { cause: err },
    );
  }
  logger?.info({ url: redactDatabaseUrl(url) }, "connected to PostgreSQL");
  return { pool, url, embedded: false, close: once(() => pool.end()) };
}

interface EmbeddedHandle {
  pgDir: string;
  lockPath: string;
  registry: ClientRegistry;
  clientFile: string;
}

const openHandles = new Set<EmbeddedHandle>();
let exitHookInstalled = false;

/**
 * A process that exits without close() (process.exit, an uncaught error) would otherwise
 * leave a server running that nobody uses. 'exit' handlers must be synchronous, so this
 * unregisters, and only if the lock is free right now and no one else is registered, asks
 * the postmaster to shut down without waiting for it. A process killed by a signal never
 * gets here; the next open adopts the server it leaves behind.
 */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const handle of openHandles) {
      try {
        handle.registry.unregister(handle.clientFile);
        const release = tryAcquireLockSync(handle.lockPath);
        if (!release) continue;
        try {
          if (handle.registry.liveClients().length > 0) continue;
          const pidFile = readPostmasterPid(handle.pgDir);
          if (pidFile && isClusterProcess(pidFile.pid, handle.pgDir)) {
            process.kill(pidFile.pid, "SIGINT");
          }
        } finally {
          release();
        }
      } catch {
        // Exiting anyway; whatever is left is cleaned up by the next open.
      }
    }
    openHandles.clear();
  });
}

/** Stops the cluster's server when no live process is registered. Caller holds the lock. */
async function stopIfUnused(pgDir: string, registry: ClientRegistry, say: Say): Promise<void> {
  const others = registry.liveClients();
  if (others.length > 0) {
    say(`Leaving the local PostgreSQL running for pid(s) ${others.map((c) => c.pid).join(", ")}.`);
    return;
  }
  const pidFile = readPostmasterPid(pgDir);
  if (!pidFile || !isClusterProcess(pidFile.pid, pgDir)) return;
  say(`Stopping the local PostgreSQL (pid ${pidFile.pid}).`);
  await stopServer(pidFile.pid, pgDir);
}

async function ensureDatabase(port: number, password: string, say: Say): Promise<void> {
  const client = new pg.Client({
    host: LISTEN_HOST,
    port,
    user: SUPERUSER,
    password,
    database: "postgres",
  });
  client.on("error", () => undefined);
  try {
    await client.connect();
  } catch (err) {
    throw new Error(
      `Cannot connect to the local PostgreSQL on ${LISTEN_HOST}:${port}: ${(err as Error).message}`,
      { cause: err },
    );
  }
  try {
    const found = await client.query("select 1 from pg_database where datname = $1", [
      EMBEDDED_DATABASE,
    ]);
    if (found.rowCount === 0) {
      try {
        await client.query(`create database ${client.escapeIdentifier(EMBEDDED_DATABASE)}`);
        say(`Created database "${EMBEDDED_DATABASE}".`);
      } catch (err) {
        if ((err as { code?: string }).code !== "42P04") throw err;
      }
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function ensureServer(opts: {
  pgDir: string;
  logFile: string;
  port: number;
  runAs: RunAs | undefined;
  say: Say;
}): Promise<RunningServer> {
  const { pgDir, say } = opts;
  const running = await findRunningServer(pgDir, say);
  if (running) {
    say(`Using the local PostgreSQL already running on port ${running.port} (pid ${running.pid}).`);
    return running;
  }
  say(`Starting the local PostgreSQL on ${LISTEN_HOST}:${opts.port}…`);
  try {
    return await startServer(opts);
  } catch (err) {
    // Someone outside our lock (a developer's pg_ctl, say) may have started it meanwhile.
    const lateStarter = await findRunningServer(pgDir, say);
    if (lateStarter) return lateStarter;
    throw err;
  }
}

async function openEmbedded(opts: OpenDatabaseOptions): Promise<Database> {
  const { logger, onProgress } = opts;
  const port = opts.port ?? DEFAULT_EMBEDDED_PORT;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`Invalid port for the local PostgreSQL: ${port}`);
  }
  const say: Say = (msg) => {
    logger?.info(msg);
    onProgress?.(msg);
  };
  const dataDir = resolve(opts.dataDir);
  const pgDir = join(dataDir, "pg");
  const lockPath = join(dataDir, "pg.lock");
  const registry = new ClientRegistry(join(dataDir, "pg.clients"));

  await mkdir(dataDir, { recursive: true });
  const runAs = await serverUser(say);
  await ensureTraversable(dataDir, runAs);

  const release = await acquireLock(lockPath, {
    timeoutMs: LOCK_TIMEOUT_MS,
    onWait: (pid) =>
      say(`Waiting for process ${pid}, which is starting or stopping the local PostgreSQL…`),
  });
  let clientFile: string | undefined;
  let url: string;
  try {
    // Registered under the lock: a close() elsewhere takes the lock too, so it sees us and
    // leaves the server running even while we are still starting it.
    clientFile = registry.register();
    const passwordFile = join(dataDir, "pg.password");
    if (!existsSync(pgDir)) {
      await initialiseCluster({ dataDir, pgDir, passwordFile, runAs, say });
    }
    const password = await readPassword(passwordFile, pgDir);
    const server = await ensureServer({
      pgDir,
      logFile: join(dataDir, "pg.log"),
      port,
      runAs,
      say,
    });
    if (server.port !== port) {
      say(`Note: the running local PostgreSQL listens on port ${server.port}, not ${port}.`);
    }
    await ensureDatabase(server.port, password, say);
    url = `postgres://${SUPERUSER}:${encodeURIComponent(password)}@${LISTEN_HOST}:${server.port}/${EMBEDDED_DATABASE}`;
  } catch (err) {
    try {
      if (clientFile) registry.unregister(clientFile);
      await stopIfUnused(pgDir, registry, say);
    } catch (cleanupErr) {
      logger?.warn(
        { err: cleanupErr },
        "cleanup after a failed start of the local PostgreSQL failed",
      );
    } finally {
      release();
    }
    throw err;
  }
  release();

  const handle: EmbeddedHandle = { pgDir, lockPath, registry, clientFile };
  openHandles.add(handle);
  installExitHook();
  const pool = createPool(url, logger);
  logger?.info({ url: redactDatabaseUrl(url), dataDir }, "using the local PostgreSQL");

  return {
    pool,
    url,
    embedded: true,
    close: once(async () => {
      try {
        await pool.end();
      } finally {
        openHandles.delete(handle);
        const unlock = await acquireLock(lockPath, { timeoutMs: LOCK_TIMEOUT_MS });
        try {
          registry.unregister(handle.clientFile);
          await stopIfUnused(pgDir, registry, say);
        } finally {
          unlock();
        }
      }
    }),
  };
}
