/**
 * Tenant glossary terms in a request ("VIPs", "repeat buyers", "Gen Z"): found once, on word
 * boundaries, longest first, so decompose keeps them whole, linking claims them, and the
 * mapper reads each as the conditions of its expansion while keeping the user's word as the
 * span. A term followed by a parenthesis is defined there by the user ("VIPs (over £2,500
 * spent)"): the user's definition wins over the glossary's.
 */
import type { TenantConfig } from "../../state/catalog.ts";

export type Glossary = TenantConfig["glossary"];
export type GlossaryEntry = Glossary[number];

export interface GlossarySpan {
  start: number;
  end: number;
  text: string;
  entry: GlossaryEntry;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

const compiled = new WeakMap<Glossary, { re: RegExp; entry: GlossaryEntry }[]>();

function patterns(glossary: Glossary): { re: RegExp; entry: GlossaryEntry }[] {
  const hit = compiled.get(glossary);
  if (hit) return hit;
  const out = glossary
    .filter((g) => g.expansion)
    .flatMap((entry) => [entry.term, ...entry.aliases].map((t) => ({ t, entry })))
    .sort((a, b) => b.t.length - a.t.length)
    .map(({ t, entry }) => ({
      re: new RegExp(`(?<![\\p{L}\\d-])${escapeRegExp(t)}(?![\\p{L}\\d-])`, "giu"),
      entry,
    }));
  compiled.set(glossary, out);
  return out;
}

/** Every glossary term of the text with an expansion, longest first, never overlapping. */
export function glossarySpans(text: string, glossary: Glossary | undefined): GlossarySpan[] {
  if (!glossary?.length) return [];
  const out: GlossarySpan[] = [];
  for (const { re, entry } of patterns(glossary)) {
    re.lastIndex = 0;
    for (const m of text.matchAll(re)) {
      const start = m.index ?? 0;
      const end = start + m[0].length;
      if (out.some((o) => o.start < end && start < o.end)) continue;
      // "VIPs (over £2,500 spent)": the user defines the term right there.
      if (/^\s*\(/.test(text.slice(end))) continue;
      out.push({ start, end, text: m[0], entry });
    }
  }
  return out.sort((a, b) => a.start - b.start);
}
