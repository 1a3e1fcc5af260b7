/**
 * One error envelope for every failure the API can answer with:
 * `{ "error": { "code", "message", "requestId" } }`, with the same id in `X-Request-Id`.
 */
import { z } from "@hono/zod-openapi";
import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ZodError } from "zod";
import { dependencyFailure } from "./dependency-errors.ts";
import type { ApiBindings } from "./types.ts";

export const ErrorCode = z.enum([
  "malformed_json",
  "validation_error",
  "unsupported_media_type",
  "unauthorized",
  "user_mismatch",
  "not_found",
  "not_waiting",
  "thread_busy",
  "no_segment",
  "version_conflict",
  "already_saved",
  "no_such_version",
  "payload_too_large",
  "rate_limited",
  "tenant_overloaded",
  "internal_error",
  "not_ready",
  "tenant_unavailable",
  "client_closed",
  "dependency_unavailable",
  "overloaded",
  // Written by Node's HTTP server itself (http-server.ts), before a request reaches the app.
  "bad_request",
  "request_timeout",
  "headers_too_large",
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ErrorEnvelope = z
  .object({
    error: z.object({
      code: ErrorCode,
      message: z.string(),
      requestId: z.string(),
    }),
  })
  .openapi("Error");
export type ErrorEnvelope = z.infer<typeof ErrorEnvelope>;

export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ErrorCode,
    message: string,
    /** Extra response headers (Retry-After, WWW-Authenticate). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** A run already holds the thread: worth sending again in a moment (a cut run winds down). */
export const THREAD_BUSY_RETRY_AFTER_SECONDS = 1;

/**
 * 409 thread_busy: another run holds the thread. Its own code, never `not_waiting`, so a
 * client can tell "try again in a moment" from "there is nothing to answer".
 */
export function threadBusy(message: string): ApiError {
  return new ApiError(409, "thread_busy", message, {
    "Retry-After": String(THREAD_BUSY_RETRY_AFTER_SECONDS),
  });
}

/** What a client is told to wait after a dependency failed: about one connect timeout. */
export const DEPENDENCY_RETRY_AFTER_SECONDS = 5;

/**
 * The 503 for an error that reports a dependency down or stalled (dependency-errors.ts), or
 * null for any other error.
 */
export function dependencyUnavailable(err: unknown): ApiError | null {
  if (!dependencyFailure(err)) return null;
  return new ApiError(
    503,
    "dependency_unavailable",
    `A service this API depends on is unavailable or did not answer in time; retry in ${DEPENDENCY_RETRY_AFTER_SECONDS} s.`,
    { "Retry-After": String(DEPENDENCY_RETRY_AFTER_SECONDS) },
  );
}

export function notFound(what: string): ApiError {
  return new ApiError(404, "not_found", `${what} not found.`);
}

export function errorBody(c: Context<ApiBindings>, code: ErrorCode, message: string) {
  return { error: { code, message, requestId: c.get("requestId") ?? "" } };
}

export function errorResponse(c: Context<ApiBindings>, err: ApiError): Response {
  for (const [name, value] of Object.entries(err.headers)) c.header(name, value);
  return c.json(errorBody(c, err.code, err.message), err.status);
}

/** `body.answer: expected string, received boolean; query.limit: ...` */
export function describeIssues(error: ZodError, target: string): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => {
      const part = target === "param" ? "path" : target === "json" ? "body" : target;
      const path = [part, ...issue.path.map(String)].join(".");
      return `${path}: ${issue.message}`;
    })
    .join("; ");
}

export const onError: ErrorHandler<ApiBindings> = (err, c) => {
  if (err instanceof ApiError) return errorResponse(c, err);
  if (err instanceof HTTPException) {
    // Hono's own rejections: a JSON body that does not parse, mostly.
    const status = err.status as ContentfulStatusCode;
    const code: ErrorCode = /malformed json/i.test(err.message)
      ? "malformed_json"
      : status === 413
        ? "payload_too_large"
        : status === 401
          ? "unauthorized"
          : status === 404
            ? "not_found"
            : status >= 500
              ? "internal_error"
              : "validation_error";
    return errorResponse(c, new ApiError(status, code, err.message || "Bad request."));
  }
  const unavailable = dependencyUnavailable(err);
  if (unavailable) {
    c.get("logger")?.warn(
      { err, dependency: dependencyFailure(err), requestId: c.get("requestId") },
      "dependency unavailable",
    );
    return errorResponse(c, unavailable);
  }
  c.get("logger")?.error({ err, requestId: c.get("requestId") }, "unhandled error");
  return errorResponse(
    c,
    new ApiError(500, "internal_error", "Something went wrong on our side; quote the request id."),
  );
};

export const onNotFound: NotFoundHandler<ApiBindings> = (c) =>
  errorResponse(c, new ApiError(404, "not_found", `No route ${c.req.method} ${c.req.path}.`));

/** Validation failures of any request part, thrown so that onError writes the envelope. */
export function validationHook(
  result: { success: true } | { success: false; error: ZodError; target: string },
): void {
  if (!result.success) {
    throw new ApiError(400, "validation_error", describeIssues(result.error, result.target));
  }
}

type ErrorStatus = 400 | 401 | 404 | 409 | 413 | 415 | 429 | 503;

const ERROR_DESCRIPTIONS: Record<ErrorStatus | 500, string> = {
  400: "Malformed JSON or invalid input (malformed_json, validation_error)",
  401: "Missing, unknown or revoked API key",
  404: "Not found (or belongs to another tenant)",
  409: "The thread is not in a state that allows this",
  413: "Request body larger than the limit",
  415: "Request body is not JSON",
  429: "Rate limit exceeded (rate_limited), or the tenant's graph runs and their queue are full (tenant_overloaded); nothing was changed, see Retry-After",
  500: "Internal error",
  503: "Not ready, a dependency (database) down or stalled (dependency_unavailable), or the server's graph runs and their queue are full (overloaded; nothing was changed); see Retry-After",
};

interface ErrorResponse {
  description: string;
  content: { "application/json": { schema: typeof ErrorEnvelope } };
}

/** OpenAPI response entries for the errors a route can give (500 and 503 always). */
export function errorResponses<const S extends readonly ErrorStatus[]>(
  ...statuses: S
): { [K in S[number] | 500 | 503]: ErrorResponse } {
  return Object.fromEntries(
    [...statuses, 500 as const, 503 as const].map((status) => [
      status,
      {
        description: ERROR_DESCRIPTIONS[status],
        content: { "application/json": { schema: ErrorEnvelope } },
      },
    ]),
  ) as { [K in S[number] | 500 | 503]: ErrorResponse };
}
