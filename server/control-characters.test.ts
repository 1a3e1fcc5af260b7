import { Hono } from "hono";
import { requestId } from "hono/request-id";
import { describe, expect, it } from "vitest";
import { findControlCharacter, rejectControlCharacters } from "./control-characters.ts";
import { onError } from "./errors.ts";
import type { ApiBindings } from "./types.ts";

describe("findControlCharacter", () => {
  it.each([
    ["NUL", "\u0000", "U+0000"],
    ["BEL", "a\u0007b", "U+0007"],
    ["vertical tab", "\u000B", "U+000B"],
    ["form feed", "\f", "U+000C"],
    ["escape", "\u001B[31m", "U+001B"],
    ["DEL", "\u007F", "U+007F"],
    ["C1 next line", "a\u0085", "U+0085"],
    ["C1 CSI", "\u009B", "U+009B"],
  ])("finds %s", (_name, text, codePoint) => {
    expect(findControlCharacter({ name: text })).toEqual({ path: ["name"], codePoint });
  });

  it("finds exactly the Cc characters other than tab, line feed and carriage return", () => {
    const found: number[] = [];
    for (let code = 0; code <= 0xffff; code += 1) {
      if (code >= 0xd800 && code <= 0xdfff) continue; // lone surrogates are not characters
      if (findControlCharacter(String.fromCharCode(code))) found.push(code);
    }
    const expected = [
      ...Array.from({ length: 0x20 }, (_, i) => i).filter((c) => ![0x09, 0x0a, 0x0d].includes(c)),
      ...Array.from({ length: 0x21 }, (_, i) => 0x7f + i),
    ];
    expect(found).toEqual(expected);
  });

  it("allows tab, line feed, carriage return and ordinary Unicode", () => {
    expect(
      findControlCharacter({
        text: "line one\r\nline two\tend",
        name: "Café — 東京 🎄 \u00A0\u200B\uFFFD",
        n: 0,
        ok: true,
        none: null,
      }),
    ).toBeNull();
  });

  it("names the path through arrays and objects, keys included", () => {
    expect(
      findControlCharacter({
        glossary: [{ term: "ok" }, { term: "ok", aliases: ["a", "b\u0000"] }],
      }),
    ).toEqual({ path: ["glossary", 1, "aliases", 1], codePoint: "U+0000" });
    expect(findControlCharacter({ outer: { "bad\u0001key": 1 } })).toEqual({
      path: ["outer", "bad\u0001key"],
      codePoint: "U+0001",
    });
    expect(findControlCharacter(["\u0002"])).toEqual({ path: [0], codePoint: "U+0002" });
  });

  it("walks a deeply nested body quickly, without overflowing the stack", () => {
    // 100,000 levels: deeper than any body under the 64 KB limit can be.
    let deep: unknown = "\u0000";
    for (let i = 0; i < 100_000; i += 1) deep = [deep];
    const started = performance.now();
    const hit = findControlCharacter(deep);
    expect(hit?.codePoint).toBe("U+0000");
    expect(hit?.path).toHaveLength(100_000);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

describe("rejectControlCharacters", () => {
  const app = new Hono<ApiBindings>();
  app.use(requestId());
  app.use(rejectControlCharacters);
  app.post("/echo", async (c) => c.json({ got: await c.req.json() }));
  app.post("/raw", async (c) => c.text(await c.req.text()));
  app.get("/echo", (c) => c.json({ got: c.req.query("q") ?? null }));
  app.onError(onError);

  const post = (body: string) =>
    app.request("/echo", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body,
    });

  it("refuses a JSON body holding an escaped NUL with 400 validation_error", async () => {
    const res = await post(JSON.stringify({ glossary: [{ term: "VIP\u0000" }] }));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: {
        code: "validation_error",
        message: expect.stringMatching(/^body\.glossary\.0\.term: control character U\+0000/),
        requestId: res.headers.get("x-request-id"),
      },
    });
  });

  it("refuses a raw C1 character (valid JSON, not printable)", async () => {
    const res = await post('{"name":"a\u0085b"}');
    expect(res.status).toBe(400);
  });

  it("lets clean bodies through, readable again by the route", async () => {
    const res = await post(JSON.stringify({ text: "a\tb\nc" }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ got: { text: "a\tb\nc" } });
  });

  it("leaves a body that is not JSON to the route's validator (malformed_json)", async () => {
    const res = await app.request("/raw", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: '{"a": "\u0000',
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('{"a": "\u0000');
  });

  it("ignores GET requests", async () => {
    const res = await app.request("/echo?q=x");
    expect(res.status).toBe(200);
  });
});
