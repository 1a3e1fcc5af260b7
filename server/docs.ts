/**
 * The interactive API reference at /docs: Swagger UI from the installed swagger-ui-dist
 * package, served by us (no CDN: deployments may have no internet), reading /openapi.json.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { notFound } from "./errors.ts";
import type { ApiBindings } from "./types.ts";

const SWAGGER_DIR = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));

/** The only files served from the package: nothing else of node_modules is reachable. */
const ASSETS = new Map([
  ["swagger-ui.css", "text/css; charset=utf-8"],
  ["swagger-ui-bundle.js", "text/javascript; charset=utf-8"],
  ["favicon-32x32.png", "image/png"],
]);

// A file of its own rather than an inline script, so the CSP can forbid inline scripts.
const INIT_JS = `window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    tryItOutEnabled: false,
    // The default validator badge would send the spec to validator.swagger.io.
    validatorUrl: null,
  });
});
`;

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Segmentation agent API</title>
    <link rel="stylesheet" href="/docs/swagger-ui.css" />
    <link rel="icon" type="image/png" href="/docs/favicon-32x32.png" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/docs/swagger-ui-bundle.js"></script>
    <script src="/docs/init.js"></script>
  </body>
</html>
`;

export function mountDocs(app: OpenAPIHono<ApiBindings>): void {
  const cache = new Map<string, Promise<Buffer>>();
  app.get("/docs", (c) => c.html(PAGE));
  app.get("/docs/init.js", (c) =>
    c.body(INIT_JS, 200, { "Content-Type": "text/javascript; charset=utf-8" }),
  );
  app.get("/docs/:file", async (c) => {
    const file = c.req.param("file");
    const type = ASSETS.get(file);
    if (!type) throw notFound("File");
    let body = cache.get(file);
    if (!body) {
      body = readFile(join(SWAGGER_DIR, file));
      cache.set(file, body);
      body.catch(() => cache.delete(file));
    }
    return c.body(new Uint8Array(await body), 200, {
      "Content-Type": type,
      "Cache-Control": "public, max-age=86400",
    });
  });
}
