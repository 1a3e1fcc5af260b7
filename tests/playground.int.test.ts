/**
 * The web playground end to end: the real server on a free loopback port, Debian's Chromium
 * driven by playwright-core. Types a request, answers the clarifying question, checks the size
 * and the rule tree's provenance, saves the segment, and leaves screenshots in reports/:
 * playground-question.png (the clarifying question) and playground.png (the saved segment).
 */
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import pino from "pino";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import type { Services } from "../runtime/services.ts";
import { parseServerEnv } from "../server/env.ts";
import { startServer, type RunningServer } from "../server/serve.ts";
import { newKey, startTwoTenantServices, uniquePrefix } from "../server/testing/api-fixtures.ts";

const CHROMIUM = "/usr/bin/chromium";
const HAS_CHROMIUM = existsSync(CHROMIUM);
const REPORTS = fileURLToPath(new URL("../reports/", import.meta.url));
const SCREENSHOT = `${REPORTS}playground.png`;
const STEP_MS = 15_000;

if (!HAS_CHROMIUM) {
  console.warn(
    `playground test skipped: ${CHROMIUM} is missing (apt-get install chromium; CI installs it)`,
  );
}

describe.skipIf(!HAS_CHROMIUM)(
  `web playground in headless Chromium${HAS_CHROMIUM ? "" : ` (skipped: no ${CHROMIUM})`}`,
  () => {
    let services: Services | undefined;
    let server: RunningServer | undefined;
    let browser: Browser | undefined;
    let key: string;

    beforeAll(async () => {
      services = await startTwoTenantServices();
      server = await startServer(
        {
          ...parseServerEnv(),
          PORT: 0,
          HOST: "127.0.0.1",
          RATE_LIMIT_PER_MINUTE: 100_000,
          REDIS_URL: undefined,
        },
        { services, logger: pino({ level: "silent" }), rateLimitKeyPrefix: uniquePrefix() },
      );
      key = await newKey(services, "online-retail");
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        timeout: STEP_MS,
        args: [
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-quic",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
        ],
      });
    }, 120_000);

    afterAll(async () => {
      await browser?.close();
      await server?.close();
      await services?.close();
    });

    /** Text of the first match, trimmed, once it is visible. */
    async function textOf(page: Page, selector: string): Promise<string> {
      const locator = page.locator(selector).first();
      await locator.waitFor({ state: "visible" });
      return (await locator.innerText()).trim();
    }

    it("request, clarification, size, rule tree with provenance, save, edit, revert, screenshots", async () => {
      const base = server!.url;
      const page = await browser!.newPage({ viewport: { width: 1360, height: 900 } });
      page.setDefaultTimeout(STEP_MS);
      await mkdir(REPORTS, { recursive: true });
      onTestFailed(async () => {
        await page.screenshot({ path: `${REPORTS}playground-failed.png`, fullPage: true });
      });

      // The page must log no error (a CSP refusal is one), answer no request with an error
      // but the one the test provokes (a wrong key), and ask nothing of any other host.
      const wrongKey = (status: number, url: string) =>
        status === 401 && url === `${base}/v1/tenant`;
      const problems: string[] = [];
      const offsite: string[] = [];
      page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
      page.on("console", (m) => {
        const refused = wrongKey(401, m.location().url) && /status of 401/.test(m.text());
        if (m.type() === "error" && !refused) problems.push(`console: ${m.text()}`);
      });
      page.on("response", (r) => {
        if (r.status() >= 400 && !wrongKey(r.status(), r.url())) {
          problems.push(`${r.status()} ${r.url()}`);
        }
      });
      page.on("request", (r) => {
        if (!r.url().startsWith(base)) offsite.push(r.url());
      });

      const home = await page.goto(`${base}/`);
      expect(home?.status()).toBe(200);
      expect(home?.headers()["content-security-policy"]).toMatch(/script-src 'self'(;|$)/);
      expect(home?.headers()["content-security-policy"]).toMatch(/style-src 'self'(;|$)/);

      // A wrong key: the error envelope is shown.
      await page.getByLabel("API key").fill("seg_not-a-key");
      await page.getByRole("button", { name: "Use key" }).click();
      expect(await textOf(page, "#error")).toMatch(/\(unauthorized, request [\w-]+\).*API key/);

      await page.getByLabel("API key").fill(key);
      await page.getByRole("button", { name: "Use key" }).click();
      expect(await textOf(page, "#tenant-id")).toBe("online-retail");
      expect(await page.locator("#error").isHidden()).toBe(true);

      await page.getByLabel("Describe the customers you want").fill("loyal customers in France");
      await page.getByRole("button", { name: "Create segment" }).click();
      await page.locator('body[data-status="needs_clarification"]').waitFor();
      expect(await textOf(page, "#question-text")).toMatch(/loyal/i);
      expect(await page.locator("#steps li").count()).toBeGreaterThan(3);
      expect(await textOf(page, "#steps li")).toMatch(/^perceiveMessage\s+\d/);

      await page.screenshot({ path: `${REPORTS}playground-question.png`, fullPage: true });

      const first = page.locator("#options button").first();
      const optionLabel = await textOf(page, "#options button .opt-label");
      const optionSize = await textOf(page, "#options button .opt-size b");
      await first.click();
      await page.locator('body[data-status="ok"]').waitFor();

      const size = await textOf(page, "#size");
      expect(size).toBe(optionSize);
      expect(Number(size.replace(/,/g, ""))).toBeGreaterThan(0);
      expect((await page.locator("#log .msg-user .text").last().innerText()).trim()).toBe(
        optionLabel,
      );

      const france = page.locator("#tree .cond", { hasText: "France" }).first();
      expect(await france.locator(".cond-text").innerText()).toMatch(/France/);
      expect(await france.locator(".prov .span").innerText()).toMatch(/France/);
      expect(await france.locator(".prov .src").innerText()).toBe("catalog");
      expect(await france.locator(".prov .conf").innerText()).toMatch(/^confidence [01]\.\d\d$/);

      await page.locator("#sql-block summary").click();
      expect(await textOf(page, "#sql")).toMatch(/^select /i);
      expect(await page.locator("#params li").count()).toBeGreaterThan(0);

      await page.getByLabel("Name").fill("French big spenders");
      await page.getByRole("button", { name: "Save segment" }).click();
      expect(await textOf(page, "#saved-text")).toContain("Saved “French big spenders”");
      const link = page.getByRole("link", { name: "Show members" });
      await link.click();
      await page.locator("#members li").first().waitFor();
      const count = Number(size.replace(/,/g, ""));
      expect(await page.locator("#members li").count()).toBe(Math.min(100, count));

      // The page really saved it, under this key's tenant.
      const href = (await link.getAttribute("href")) ?? "";
      expect(href).toMatch(/^\/v1\/segments\/[\w-]+\/members$/);
      const saved = await fetch(`${base}${href.replace(/\/members$/, "")}`, {
        headers: { Authorization: `Bearer ${key}` },
      });
      expect(await saved.json()).toMatchObject({ name: "French big spenders", size: count });

      // A follow-up edits the saved segment: version 2, its diff, the version list.
      await page.getByLabel("Change it, or ask about it").fill("only the ones who bought candles");
      await page.getByRole("button", { name: "Send follow-up" }).click();
      await page.locator("#version-list li").nth(1).waitFor();
      expect(await textOf(page, "#diff-list .added")).toMatch(
        /^\+ Bought Candles & Lighting products/,
      );
      expect((await textOf(page, "#diff-versions")).toLowerCase()).toContain("version 1 → 2");
      const edited = Number((await textOf(page, "#size")).replace(/,/g, ""));
      expect(edited).toBeLessThan(count);
      await page.screenshot({ path: `${REPORTS}playground-edit.png`, fullPage: true });

      // Going back to version 1 is version 3, with the first definition and size.
      await page.getByRole("button", { name: "Go back to v1" }).click();
      await page.locator("#version-list li").nth(2).waitFor();
      expect(await textOf(page, "#size")).toBe(size);
      expect(await textOf(page, "#diff-list .removed")).toMatch(/^− Bought Candles/);
      const versions = await fetch(`${base}${href.replace(/\/members$/, "/versions")}`, {
        headers: { Authorization: `Bearer ${key}` },
      });
      const body = (await versions.json()) as {
        items: { version: number; kind: string; size: number }[];
      };
      expect(body.items.map((v) => [v.version, v.kind])).toEqual([
        [1, "create"],
        [2, "edit"],
        [3, "revert"],
      ]);
      expect(body.items[2]!.size).toBe(count);

      await page.screenshot({ path: SCREENSHOT, fullPage: true });
      expect(existsSync(SCREENSHOT)).toBe(true);
      expect(problems).toEqual([]);
      expect(offsite).toEqual([]);
    }, 90_000);
  },
);
