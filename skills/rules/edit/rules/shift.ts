/**
 * Shift a window: "same period a year later", "a month earlier", "the year before", "next
 * quarter". The one dated condition's window moves by the amount named, keeping its length.
 */
import { NUMBER_WORDS } from "../../lexicon.ts";
import { plan, provenanceFor, refuse, type EditFrame, type EditRule } from "../frame.ts";

const SHIFT =
  /\b(?:(?:the\s+)?same\s+(?:period|time|window|months?|dates?)\s+)?(a|an|one|two|three|four|five|six|\d+)\s+(day|week|month|quarter|year)s?\s+(later|earlier|before|after|on|back|forward)\b|\b(previous|prior|preceding|next|following)\s+(day|week|month|quarter|year)\b|\b(?:the\s+)?(day|week|month|quarter|year)\s+(before|after)\b/i;

function count(word: string): number {
  if (/^\d+$/.test(word)) return Number(word);
  if (word === "a" || word === "an") return 1;
  return NUMBER_WORDS[word.toLowerCase()] ?? 1;
}

function shiftIso(iso: string | undefined, unit: string, n: number): string | undefined {
  if (!iso) return iso;
  const d = new Date(`${iso}T00:00:00Z`);
  if (unit === "day") d.setUTCDate(d.getUTCDate() + n);
  if (unit === "week") d.setUTCDate(d.getUTCDate() + 7 * n);
  if (unit === "month") d.setUTCMonth(d.getUTCMonth() + n);
  if (unit === "quarter") d.setUTCMonth(d.getUTCMonth() + 3 * n);
  if (unit === "year") d.setUTCFullYear(d.getUTCFullYear() + n);
  return d.toISOString().slice(0, 10);
}

function shiftOf(f: EditFrame): { unit: string; n: number; start: number; end: number } | null {
  const m = SHIFT.exec(f.text);
  if (!m) return null;
  const start = m.index;
  const end = start + m[0].length;
  if (m[1] && m[2] && m[3]) {
    const back = /^(earlier|before|back)$/i.test(m[3]);
    return { unit: m[2].toLowerCase(), n: (back ? -1 : 1) * count(m[1]), start, end };
  }
  if (m[4] && m[5])
    return {
      unit: m[5].toLowerCase(),
      n: /^(previous|prior|preceding)$/i.test(m[4]) ? -1 : 1,
      start,
      end,
    };
  return { unit: m[6]!.toLowerCase(), n: /^before$/i.test(m[7]!) ? -1 : 1, start, end };
}

export const shift: EditRule = {
  name: "shift",
  // "whose last order was more than 6 months ago" is a condition, not a move of one.
  applies: (f) =>
    shiftOf(f) !== null && !f.a.tokens.some((t) => /^(who|whose|which|that|than)$/.test(t.lower)),
  apply: (f) => {
    const s = shiftOf(f)!;
    const dated = f.leaves.filter((l) => l.condition.type !== "attribute" && l.condition.window);
    if (dated.length === 0)
      return refuse("shift", "edit_no_target", "This segment has no date to move.");
    if (dated.length > 1) return null;
    const leaf = dated[0]!;
    const w = leaf.condition.type !== "attribute" ? leaf.condition.window! : undefined;
    const window = {
      from: shiftIso(w!.from, s.unit, s.n),
      to: shiftIso(w!.to, s.unit, s.n),
      label: `${w!.label}, ${f.text.slice(s.start, s.end)}`,
    };
    return plan("shift", "edit", [
      { op: "set_window", path: leaf.path, window, provenance: provenanceFor(f, s) },
    ]);
  },
};
