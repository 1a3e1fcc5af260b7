/**
 * Which errors mean "a service we depend on is down or stalled" rather than "a bug": those are
 * answered `503 dependency_unavailable` with `Retry-After` (errors.ts), the rest stay 500.
 *
 * node-postgres, pg-pool and ioredis give their connection and timeout failures no code, only
 * a fixed message; those messages are listed here exactly, as the libraries spell them.
 */

/** Why the error counts as an outage, for the log line. */
export interface DependencyFailure {
  dependency: "postgres" | "redis" | "network";
  reason: string;
}

/** Node's socket and name-resolution failures: the peer is unreachable or went away. */
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "EHOSTDOWN",
  "ENETUNREACH",
  "ENETDOWN",
  "EAI_AGAIN",
  "ENOTFOUND",
]);

/** SQLSTATEs that say the server is unavailable, not that the statement is wrong. */
const SQLSTATES: Record<string, string> = {
  "57P01": "admin_shutdown",
  "57P02": "crash_shutdown",
  "57P03": "cannot_connect_now",
  "57P05": "idle_session_timeout",
  "57014": "query_canceled (statement timeout)",
  "25P03": "idle_in_transaction_session_timeout",
};

/** Whole classes: 08 connection exception, 53 insufficient resources (too many connections). */
const SQLSTATE_CLASSES: Record<string, string> = {
  "08": "connection_exception",
  "53": "insufficient_resources",
};

const PG_MESSAGES = new Set([
  // pg-pool: no free client within connectionTimeoutMillis; a new one did not connect in it.
  "timeout exceeded when trying to connect",
  "Connection terminated due to connection timeout",
  // pg: the server closed the connection; query_timeout passed; a client that already failed.
  "Connection terminated unexpectedly",
  "Connection terminated",
  "Query read timeout",
  "timeout expired",
  "Client has encountered a connection error and is not queryable",
  "Client was closed and is not queryable",
  // pg-pool after end(): the process is shutting down.
  "Cannot use a pool after calling end on the pool",
]);

const REDIS_MESSAGES = new Set([
  "Command timed out",
  "Connection is closed.",
  "Stream isn't writeable and enableOfflineQueue options is false",
]);

/** Redis replies that mean "not now" (loading its data, busy script, failover). */
const REDIS_REPLIES = /^(LOADING|BUSY|MASTERDOWN|TRYAGAIN|CLUSTERDOWN)\b/;

function classifyOne(err: object): DependencyFailure | null {
  const { code, message, name } = err as { code?: unknown; message?: unknown; name?: unknown };
  if (typeof code === "string") {
    if (NETWORK_CODES.has(code)) return { dependency: "network", reason: code };
    if (/^[0-9A-Z]{5}$/.test(code)) {
      const known = SQLSTATES[code] ?? SQLSTATE_CLASSES[code.slice(0, 2)];
      if (known) return { dependency: "postgres", reason: `SQLSTATE ${code} ${known}` };
    }
  }
  if (typeof message !== "string") return null;
  if (PG_MESSAGES.has(message)) return { dependency: "postgres", reason: message };
  if (name === "MaxRetriesPerRequestError" || REDIS_MESSAGES.has(message)) {
    return { dependency: "redis", reason: message };
  }
  if (name === "ReplyError" && REDIS_REPLIES.test(message)) {
    return { dependency: "redis", reason: message };
  }
  return null;
}

/**
 * The outage this error reports, looking through `cause` chains and AggregateErrors (Node
 * reports a refused connection to every address of a host as one); null for anything else.
 */
export function dependencyFailure(err: unknown): DependencyFailure | null {
  const seen = new Set<object>();
  const queue: unknown[] = [err];
  while (queue.length > 0 && seen.size < 20) {
    const next = queue.shift();
    if (typeof next !== "object" || next === null || seen.has(next)) continue;
    seen.add(next);
    const found = classifyOne(next);
    if (found) return found;
    const { cause, errors } = next as { cause?: unknown; errors?: unknown };
    queue.push(cause);
    if (Array.isArray(errors)) queue.push(...(errors as unknown[]));
  }
  return null;
}
