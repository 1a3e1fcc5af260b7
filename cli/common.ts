/** What the `segment` subcommands share: exit codes, the JSON shape, services per command. */
import { z } from "zod";
import { parseEnv } from "../state/config.ts";
import { InputError, type RunResult } from "../runtime/run.ts";
import { startServices, type Services } from "../runtime/services.ts";
import { VersionConflictError } from "../state/context.ts";
import { ThreadLocks } from "../storage/threads.ts";
import { createProgress } from "./progress.ts";

export const EXIT = { ok: 0, needs_clarification: 0, rejected: 2, error: 1 } as const;

export interface SourceOption {
  /** Folder with the online-retail source files (overrides ONLINE_RETAIL_DIR). */
  source?: string;
}

export function toJson(result: RunResult, withMembers: boolean): Record<string, unknown> {
  const { audit: _audit, explanation: _explanation, members, session, ...rest } = result;
  const thread = { status: session.phase, version: session.version };
  return withMembers ? { ...rest, thread, members: members ?? [] } : { ...rest, thread };
}

export function envWith(opts: SourceOption) {
  const env = parseEnv();
  return opts.source ? { ...env, ONLINE_RETAIL_DIR: opts.source } : env;
}

/** The API validates ids with the same schema. */
const UUID = z.uuid();

/** An id the command line was given, checked before it reaches the database. */
export function requireId(id: string, what: string): string {
  if (!UUID.safeParse(id).success) throw new InputError(`"${id}" is not a ${what} id (a UUID).`);
  return id;
}

/**
 * Runs `fn` holding the conversation's lock, as the API's runs do (one run per thread across
 * every process): a thread another run holds is refused, not raced.
 */
export async function underThreadLock<T>(
  services: Services,
  threadId: string,
  busy: string,
  fn: () => Promise<T>,
): Promise<T> {
  const release = await new ThreadLocks(services.db.pool).tryAcquire(threadId);
  if (!release) throw new InputError(`${busy} is running; try again when it ends.`);
  try {
    return await fn();
  } catch (err) {
    if (err instanceof VersionConflictError)
      throw new InputError(
        `Another edit of this segment was saved first as version ${err.version}; nothing of this turn was stored.`,
      );
    throw err;
  } finally {
    await release();
  }
}

export async function withServices<T>(
  opts: SourceOption,
  quiet: boolean,
  fn: (s: Services, progress: ReturnType<typeof createProgress>) => Promise<T>,
): Promise<T> {
  const progress = createProgress(quiet);
  const services = await startServices(envWith(opts), {
    onStatus: progress.status,
    onLoadProgress: progress.load,
  });
  try {
    return await fn(services, progress);
  } finally {
    await services.close();
  }
}
