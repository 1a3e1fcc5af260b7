import { auditEntry, type AuditEntry } from "./graph-state.ts";

/** Runs a step and returns its result with the audit entry that records how long it took. */
export async function timed<T>(
  step: string,
  fn: () => Promise<T> | T,
  detail?: (result: T) => Record<string, unknown>,
): Promise<{ result: T; audit: AuditEntry[] }> {
  const started = performance.now();
  const result = await fn();
  const ms = Math.round((performance.now() - started) * 1000) / 1000;
  return { result, audit: [auditEntry(step, ms, detail ? detail(result) : undefined)] };
}

/** A best-effort step's outcome: its error's message, or undefined when it succeeded. */
export function failureOf(work: Promise<unknown>): Promise<string | undefined> {
  return work.then(
    () => undefined,
    (err: unknown) => (err instanceof Error ? err.message : String(err)),
  );
}
