import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { cacheKey } from "./cache.ts";
import { loadPrompt } from "./prompts.ts";

describe("versioned prompts", () => {
  it("loads a prompt file with the hash of its text", () => {
    const prompt = loadPrompt("map", 1);
    const text = readFileSync(new URL("./prompts/map@1.md", import.meta.url), "utf8");
    expect(prompt.id).toBe("map@1");
    expect(prompt.text).toBe(text);
    expect(prompt.hash).toBe(createHash("sha256").update(text).digest("hex").slice(0, 12));
    expect(loadPrompt("edit", 1).hash).not.toBe(prompt.hash);
  });

  it("fills every placeholder and refuses to render with one missing", () => {
    const prompt = loadPrompt("map", 1);
    expect(prompt.render({ currency: "GBP" })).toContain("Amounts are in GBP");
    expect(prompt.render({ currency: "GBP" })).not.toMatch(/\{\{/);
    expect(() => prompt.render({})).toThrow(/currency/);
  });

  it("refuses names that are not a prompt file's", () => {
    expect(() => loadPrompt("../secrets", 1)).toThrow();
    expect(() => loadPrompt("map", 0)).toThrow();
  });

  it("keys cached answers by tenant, prompt hash, model and input", () => {
    const base = { tenant: "a", skill: "map@1", promptHash: "h1", model: "m", input: { q: 1 } };
    const key = cacheKey(base);
    expect(cacheKey({ ...base })).toBe(key);
    for (const change of [
      { tenant: "b" },
      { promptHash: "h2" },
      { model: "n" },
      { input: { q: 2 } },
    ]) {
      expect(cacheKey({ ...base, ...change })).not.toBe(key);
    }
  });
});
