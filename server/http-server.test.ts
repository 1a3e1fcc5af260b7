import { describe, expect, it } from "vitest";
import { clientErrorResponse, httpServerOptions } from "./http-server.ts";

function parse(raw: string) {
  const [head, body] = raw.split("\r\n\r\n");
  const [statusLine, ...headerLines] = (head ?? "").split("\r\n");
  const headers = Object.fromEntries(
    headerLines.map((line) => {
      const i = line.indexOf(":");
      return [line.slice(0, i).toLowerCase(), line.slice(i + 1).trim()];
    }),
  );
  return { statusLine, headers, body: body ?? "" };
}

describe("clientErrorResponse", () => {
  it.each([
    ["ERR_HTTP_REQUEST_TIMEOUT", "HTTP/1.1 408 Request Timeout", "request_timeout"],
    ["HPE_HEADER_OVERFLOW", "HTTP/1.1 431 Request Header Fields Too Large", "headers_too_large"],
    ["HPE_CHUNK_EXTENSIONS_OVERFLOW", "HTTP/1.1 413 Payload Too Large", "payload_too_large"],
    ["HPE_INVALID_METHOD", "HTTP/1.1 400 Bad Request", "bad_request"],
    [undefined, "HTTP/1.1 400 Bad Request", "bad_request"],
  ])("answers %s with %s and the envelope", (code, statusLine, errorCode) => {
    const res = parse(clientErrorResponse(code, "req-1"));
    expect(res.statusLine).toBe(statusLine);
    expect(res.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(res.headers["connection"]).toBe("close");
    expect(res.headers["x-request-id"]).toBe("req-1");
    expect(Number(res.headers["content-length"])).toBe(Buffer.byteLength(res.body));
    expect(JSON.parse(res.body)).toEqual({
      error: { code: errorCode, message: expect.any(String), requestId: "req-1" },
    });
  });
});

describe("httpServerOptions", () => {
  it("checks the timeouts often enough to cut a request close to its limit", () => {
    expect(
      httpServerOptions({ headersMs: 1_000, requestMs: 2_000, keepAliveMs: 500 }),
    ).toMatchObject({ connectionsCheckingInterval: 250 });
    expect(
      httpServerOptions({ headersMs: 60_000, requestMs: 60_000, keepAliveMs: 500 }),
    ).toMatchObject({ connectionsCheckingInterval: 1_000 });
    expect(httpServerOptions({ headersMs: 100, requestMs: 100, keepAliveMs: 100 })).toMatchObject({
      connectionsCheckingInterval: 100,
    });
  });
});
