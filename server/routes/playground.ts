/**
 * The web playground: three static files from `server/playground/` (no build step), the page
 * at `/` and its script and style under `/playground/`. Only these files are reachable; the
 * page talks to the API with the key the user types in, like any other client.
 */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { Context } from "hono";
import { Hono } from "hono";
import { notFound } from "../errors.ts";
import type { ApiBindings } from "../types.ts";

const DIR = fileURLToPath(new URL("../playground/", import.meta.url));

const FILES = new Map([
  ["index.html", "text/html; charset=utf-8"],
  ["app.js", "text/javascript; charset=utf-8"],
  ["style.css", "text/css; charset=utf-8"],
]);

export function playgroundRouter(): Hono<ApiBindings> {
  const router = new Hono<ApiBindings>();
  const cache = new Map<string, Promise<Buffer>>();

  const send = async (c: Context<ApiBindings>, file: string) => {
    const type = FILES.get(file);
    if (!type) throw notFound("File");
    let body = cache.get(file);
    if (!body) {
      body = readFile(DIR + file);
      cache.set(file, body);
      body.catch(() => cache.delete(file));
    }
    return c.body(new Uint8Array(await body), 200, {
      "Content-Type": type,
      // Small files; revalidated so a new deployment shows at once.
      "Cache-Control": "no-cache",
    });
  };

  router.get("/", (c) => send(c, "index.html"));
  router.get("/playground/:file", (c) => send(c, c.req.param("file")));
  return router;
}
