/** What the `segment` subcommands share: exit codes, the JSON shape, services per command. */
import { parseEnv } from "../state/config.ts";
import type { RunResult } from "../runtime/run.ts";
import { startServices, type Services } from "../runtime/services.ts";
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
