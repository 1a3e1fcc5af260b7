/**
 * Node's HTTP server around the app: limits on slow clients, and the error envelope on the
 * answers Node writes itself (a request it cannot parse, headers too large, a request that
 * did not arrive in time), which never reach the app.
 *
 * What cannot carry an envelope: a connection reset by the client (nobody to answer); an error
 * on a connection whose response has already begun (a second status line would corrupt it, so
 * the connection is closed, as Node does); a keep-alive connection closed while idle (there is
 * no request to answer).
 */
import { randomUUID } from "node:crypto";
import type { ServerOptions } from "node:http";
import type { Socket } from "node:net";
import type { Logger } from "pino";
import type { HttpTimeouts } from "./env.ts";
import type { ErrorCode } from "./errors.ts";

/**
 * Node checks the header and request timeouts on an interval (30 s by default, which would let
 * a partial request live up to 30 s past its limit); a quarter of the headers timeout, at most a
 * second, keeps that slack small.
 */
export function httpServerOptions(t: HttpTimeouts): ServerOptions {
  return {
    headersTimeout: t.headersMs,
    requestTimeout: t.requestMs,
    keepAliveTimeout: t.keepAliveMs,
    connectionsCheckingInterval: Math.max(100, Math.min(1_000, Math.floor(t.headersMs / 4))),
  };
}

const ANSWERS: Record<
  string,
  { status: number; reason: string; code: ErrorCode; message: string }
> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    reason: "Request Header Fields Too Large",
    code: "headers_too_large",
    message: "The request headers are larger than the server accepts.",
  },
  HPE_CHUNK_EXTENSIONS_OVERFLOW: {
    status: 413,
    reason: "Payload Too Large",
    code: "payload_too_large",
    message: "The chunk extensions of the request body are too large.",
  },
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    reason: "Request Timeout",
    code: "request_timeout",
    message: "The request did not arrive in time.",
  },
};

const BAD_REQUEST = {
  status: 400,
  reason: "Bad Request",
  code: "bad_request" as const,
  message: "The request is not valid HTTP.",
};

/** The raw HTTP/1.1 response Node would have written, with the envelope as its body. */
export function clientErrorResponse(errorCode: string | undefined, requestId: string): string {
  const answer = (errorCode && ANSWERS[errorCode]) || BAD_REQUEST;
  const body = JSON.stringify({
    error: { code: answer.code, message: answer.message, requestId },
  });
  return [
    `HTTP/1.1 ${answer.status} ${answer.reason}`,
    "Content-Type: application/json; charset=utf-8",
    `Content-Length: ${Buffer.byteLength(body)}`,
    `X-Request-Id: ${requestId}`,
    "Connection: close",
    "",
    body,
  ].join("\r\n");
}

/**
 * The server's `clientError` listener. Replaces Node's own, which writes a bare status line;
 * like Node's, it answers only when no response of this connection has begun.
 */
export function onClientError(logger: Logger) {
  return (err: Error & { code?: string }, socket: Socket): void => {
    // Node's own check: the response of the request in flight, if any.
    const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (err.code !== "ECONNRESET" && socket.writable && !inFlight?.headersSent) {
      const requestId = randomUUID();
      logger.info({ code: err.code, requestId }, "client error answered by the HTTP server");
      socket.end(clientErrorResponse(err.code, requestId));
      // A client that never reads must not keep the socket open.
      setTimeout(() => socket.destroy(), 1_000).unref();
      return;
    }
    socket.destroy();
  };
}
