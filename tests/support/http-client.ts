/**
 * A small HTTP client for tests and benchmarks against a server process: JSON in and out, a
 * bounded wait, and the error-envelope check every answer of the API must pass.
 */
import type { Agent } from "node:http";
import { request } from "node:http";

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The parsed body, or undefined when it is not JSON. */
  body: unknown;
  ms: number;
}

export interface CallOptions {
  method?: string;
  key?: string;
  json?: unknown;
  headers?: Record<string, string>;
  /** Give up (reject) after this long. */
  timeoutMs?: number;
  agent?: Agent;
  /** Aborts the request (a client that goes away). */
  signal?: AbortSignal;
}

export function call(base: string, path: string, opts: CallOptions = {}): Promise<Answer> {
  const started = performance.now();
  const body = opts.json === undefined ? undefined : JSON.stringify(opts.json);
  return new Promise((resolve, reject) => {
    const req = request(
      `${base}${path}`,
      {
        method: opts.method ?? (body === undefined ? "GET" : "POST"),
        agent: opts.agent ?? false,
        signal: opts.signal,
        headers: {
          ...(opts.key ? { Authorization: `Bearer ${opts.key}` } : {}),
          ...(body === undefined ? {} : { "Content-Type": "application/json" }),
          ...opts.headers,
        },
        timeout: opts.timeoutMs ?? 60_000,
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("error", reject);
        res.on("end", () => {
          let parsed: unknown;
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = undefined;
          }
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            body: parsed,
            ms: performance.now() - started,
          });
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer to ${path} in time`)));
    req.on("error", reject);
    req.end(body);
  });
}

export interface Envelope {
  error: { code: string; message: string; requestId: string };
}

/** Whether an answer is exactly the API's error envelope, with the header's request id. */
export function isEnvelope(a: Answer): a is Answer & { body: Envelope } {
  const body = a.body as Partial<Envelope> | undefined;
  const e = body?.error;
  return (
    body !== undefined &&
    Object.keys(body).length === 1 &&
    e !== undefined &&
    typeof e.code === "string" &&
    typeof e.message === "string" &&
    e.message.length > 0 &&
    e.requestId === a.headers["x-request-id"]
  );
}

/** A 503 overloaded or 429 tenant_overloaded with Retry-After: the client should send it again. */
export function shedRetryAfter(a: Answer): number | null {
  if (!isEnvelope(a)) return null;
  const shed =
    (a.status === 503 && a.body.error.code === "overloaded") ||
    (a.status === 429 && a.body.error.code === "tenant_overloaded");
  const after = Number(a.headers["retry-after"]);
  return shed && after > 0 ? after : null;
}
