/**
 * LangGraph checkpoints in the application's own database, on the application's pool, in
 * their own schema so they stay apart from `app` and from whatever lives in `public`.
 *
 * Never call `end()` on the returned saver: it ends the shared pool. Close the Database.
 */
import { BatchedPostgresSaver } from "./batched-saver.ts";
import type pg from "pg";

export const CHECKPOINT_SCHEMA = "langgraph";

/** Arbitrary constant naming "checkpointer setup" among the users of advisory locks. */
const SETUP_LOCK_KEY = "7403915226483022";

/**
 * PostgresSaver that knows which of a thread's checkpoint writes are still in flight. A run
 * whose caller went away ends its stream at once, while LangGraph may still be writing the
 * checkpoint of the step that just finished; whoever records the cut (runtime/run.ts) waits
 * for those writes first, or it would mark as cut a run that in fact finished.
 */
export class SettlingPostgresSaver extends BatchedPostgresSaver {
  private readonly inFlight = new Map<string, Set<Promise<unknown>>>();

  private track<T>(threadId: unknown, write: Promise<T>): Promise<T> {
    const id = String(threadId ?? "");
    let set = this.inFlight.get(id);
    if (!set) this.inFlight.set(id, (set = new Set()));
    const settled = write.then(
      () => undefined,
      () => undefined,
    );
    set.add(settled);
    void settled.then(() => {
      set.delete(settled);
      if (set.size === 0 && this.inFlight.get(id) === set) this.inFlight.delete(id);
    });
    return write;
  }

  override put(
    ...args: Parameters<BatchedPostgresSaver["put"]>
  ): ReturnType<BatchedPostgresSaver["put"]> {
    return this.track(args[0].configurable?.thread_id, super.put(...args));
  }

  override putWrites(
    ...args: Parameters<BatchedPostgresSaver["putWrites"]>
  ): ReturnType<BatchedPostgresSaver["putWrites"]> {
    return this.track(args[0].configurable?.thread_id, super.putWrites(...args));
  }

  /**
   * Resolves once no write of the thread is in flight, and none started in the few turns of
   * the event loop after (LangGraph chains a step's writes through promises).
   */
  async settled(threadId: string, quietTurns = 3): Promise<void> {
    for (let quiet = 0; quiet < quietTurns;) {
      const pending = this.inFlight.get(threadId);
      if (pending?.size) {
        quiet = 0;
        await Promise.all(pending);
      } else {
        quiet++;
        await new Promise((r) => setImmediate(r));
      }
    }
  }
}

const savers = new WeakMap<pg.Pool, Map<string, Promise<SettlingPostgresSaver>>>();

/**
 * The saver for this pool, set up once per pool and schema. `setup()` itself is not safe to
 * run from two processes at once (both would create the schema and record the same
 * migration versions), so it runs under an advisory lock held on a second connection.
 */
export function createCheckpointer(
  pool: pg.Pool,
  opts: { schema?: string } = {},
): Promise<SettlingPostgresSaver> {
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

async function setUp(pool: pg.Pool, schema: string): Promise<SettlingPostgresSaver> {
  if ((pool.options.max ?? 10) < 2) {
    throw new Error("createCheckpointer needs a pool of at least 2 connections");
  }
  const saver = new SettlingPostgresSaver(pool, schema);
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
