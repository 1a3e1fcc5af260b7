/**
 * Versioned prompt templates: `prompts/<name>@<version>.md`, read once per process. The hash
 * of the text goes into cache keys and the audit trail, so a changed prompt never serves an
 * answer cached for the old one, and a run says exactly which text produced it.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { z } from "zod";

export interface Prompt {
  /** `<name>@<version>`, e.g. `map@1`. */
  id: string;
  text: string;
  /** First 12 hex digits of the sha256 of the text. */
  hash: string;
  /** The text with every `{{name}}` replaced; a placeholder without a value throws. */
  render(vars: Record<string, string>): string;
}

const PromptName = z.string().regex(/^[a-z][a-z0-9-]*$/);
const loaded = new Map<string, Prompt>();

export function loadPrompt(name: string, version: number): Prompt {
  const id = `${PromptName.parse(name)}@${z.number().int().positive().parse(version)}`;
  const cached = loaded.get(id);
  if (cached) return cached;
  const text = readFileSync(new URL(`./prompts/${id}.md`, import.meta.url), "utf8");
  const prompt: Prompt = {
    id,
    text,
    hash: createHash("sha256").update(text).digest("hex").slice(0, 12),
    render(vars) {
      return text.replace(/\{\{([a-zA-Z_]+)\}\}/g, (_, key: string) => {
        const value = vars[key];
        if (value === undefined) throw new Error(`prompt ${id} needs {{${key}}}`);
        return value;
      });
    },
  };
  loaded.set(id, prompt);
  return prompt;
}
