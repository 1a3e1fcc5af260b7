/**
 * LangGraph checkpoints in the application's own database, on the application's pool, in
 * their own schema so they stay apart from `app` and from whatever lives in `public`.
 *
 * Never call `end()` on the returned saver: it ends the shared pool. Close the Database.
 */
import { PostgresSaver } from "@langchain/langgraph-checkpoint-postgres";
import type pg from "pg";

export const CHECKPOINT_SCHEMA = "langgraph";

/** Arbitrary constant naming "checkpointer setup" among the users of advisory locks. */
const SETUP_LOCK_KEY = "7403915226483022";

const savers = new WeakMap<pg.Pool, Map<string, Promise<PostgresSaver>>>();

/**
 * The saver for this pool, set up once per pool and schema. `setup()` itself is not safe to
 * run from two processes at once (both would create the schema and record the same
 * migration versions), so it runs under an advisory lock held on a second connection.
 */
export function createCheckpointer(
  pool: pg.Pool,
  opts: { schema?: string } = {},
): Promise<PostgresSaver> {
  const schema = opts.schema ?? CHECKPOINT_SCHEMA;
  let perSchema = savers.get(pool);
  if (!perSchema) {
    perSchema = new Map();
    savers.set(pool, perSchema);
  }
  let saver = perSchema.get(schema);
  if (!saver) {
    saver = setUp(pool, schema);
    perSchema.set(schema, saver);
    const cache = perSchema;
    // A failed setup (database down) should be retried by the next caller, not cached.
    saver.catch(() => cache.delete(schema));
  }
  return saver;
}

async function setUp(pool: pg.Pool, schema: string): Promise<PostgresSaver> {
  if ((pool.options.max ?? 10) < 2) {
    throw new Error("createCheckpointer needs a pool of at least 2 connections");
  }
  const saver = new PostgresSaver(pool, undefined, { schema });
  const lockHolder = await pool.connect();
  let connectionBroken = false;
  try {
    await lockHolder.query("select pg_advisory_lock($1::bigint)", [SETUP_LOCK_KEY]);
    try {
      await saver.setup();
    } finally {
      await lockHolder
        .query("select pg_advisory_unlock($1::bigint)", [SETUP_LOCK_KEY])
        .catch(() => {
          connectionBroken = true;
        });
    }
  } finally {
    lockHolder.release(connectionBroken);
  }
  return saver;
}
