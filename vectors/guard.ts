/**
 * The policy every search of a possibly remote vector store runs under: a cockatiel breaker
 * around an aggressive timeout (the breaker outermost, so a timeout counts as a failure; a
 * hung store's call is abandoned at the deadline, not awaited), and why a guarded call did
 * not answer. Used by the catalog's vector search and the recipe index.
 */
import {
  BrokenCircuitError,
  ConsecutiveBreaker,
  TaskCancelledError,
  TimeoutStrategy,
  circuitBreaker,
  handleAll,
  timeout,
  wrap,
  type CircuitBreakerPolicy,
  type IPolicy,
} from "cockatiel";

/** Why a guarded search did not use the store. */
export type FallbackReason = "breaker_open" | "timeout" | "error";

export interface StoreGuardOptions {
  /** A call slower than this is abandoned. */
  timeoutMs: number;
  /** Consecutive failures or timeouts that open the breaker. */
  breakerFailures: number;
  /** An open breaker lets one trial through after this. */
  breakerHalfOpenMs: number;
}

export interface StoreGuard {
  breaker: CircuitBreakerPolicy;
  policy: IPolicy;
}

export function storeGuard(opts: StoreGuardOptions): StoreGuard {
  const breaker = circuitBreaker(handleAll, {
    halfOpenAfter: opts.breakerHalfOpenMs,
    breaker: new ConsecutiveBreaker(opts.breakerFailures),
  });
  return { breaker, policy: wrap(breaker, timeout(opts.timeoutMs, TimeoutStrategy.Aggressive)) };
}

export function fallbackReason(err: unknown): FallbackReason {
  return err instanceof BrokenCircuitError
    ? "breaker_open"
    : err instanceof TaskCancelledError
      ? "timeout"
      : "error";
}
