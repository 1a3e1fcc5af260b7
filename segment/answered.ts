/**
 * Provenance of a clarification's answer: the words it brought into the request are the
 * user's, so conditions read from them are source `user` — or `memory`, when the answer was
 * remembered from another conversation or the words are the user's preferences.
 */
import type { ProvenanceSource, RuleNode } from "../state/segment.ts";

export interface Span {
  start: number;
  end: number;
}

/** Words with their offsets. */
function words(text: string): { w: string; start: number; end: number }[] {
  return [...text.matchAll(/\S+/g)].map((m) => ({
    w: m[0].toLowerCase(),
    start: m.index ?? 0,
    end: (m.index ?? 0) + m[0].length,
  }));
}

/**
 * The runs of words of `after` that are not in `before` (a word-level longest common
 * subsequence aside), in `after`'s offsets: what an answer brought, wherever it went.
 */
export function addedSpan(before: string, after: string): Span[] {
  if (!before || before === after) return [];
  const a = words(before);
  const b = words(after);
  // lcs[i][j]: longest common subsequence of a[i..] and b[j..].
  const lcs = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--)
      lcs[i]![j] =
        a[i]!.w === b[j]!.w ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const kept = new Set<number>();
  for (let i = 0, j = 0; i < a.length && j < b.length;) {
    if (a[i]!.w === b[j]!.w) {
      kept.add(j);
      i++;
      j++;
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) i++;
    else j++;
  }
  const out: Span[] = [];
  b.forEach((word, j) => {
    if (kept.has(j)) return;
    const last = out[out.length - 1];
    if (last && !kept.has(j - 1) && j > 0) last.end = word.end;
    else out.push({ start: word.start, end: word.end });
  });
  return out;
}

/** Conditions whose words lie in an answered span are the user's (source `user`, or `source`). */
export function markAnswered(
  node: RuleNode,
  spans: Span[],
  source: Extract<ProvenanceSource, "user" | "memory"> = "user",
): RuleNode {
  if (spans.length === 0) return node;
  const inside = (p: Span) => spans.some((s) => s.start <= p.start && p.end <= s.end);
  if (node.type === "and" || node.type === "or")
    return { ...node, children: node.children.map((c) => markAnswered(c, spans, source)) };
  if (node.type === "not") {
    const child = markAnswered(node.child, spans, source);
    const provenance =
      node.provenance && inside(node.provenance) ? { ...node.provenance, source } : node.provenance;
    return { ...node, child, ...(provenance ? { provenance } : {}) };
  }
  return inside(node.provenance) ? { ...node, provenance: { ...node.provenance, source } } : node;
}

/**
 * Conditions whose date window is in words memory added (a preferred default window joins the
 * condition it dates, whose own span is the user's): their provenance is `memory` too.
 */
export function markWindows(node: RuleNode, words: string[]): RuleNode {
  if (words.length === 0) return node;
  const said = new Set(words.map((w) => w.trim().toLowerCase()));
  if (node.type === "and" || node.type === "or")
    return { ...node, children: node.children.map((c) => markWindows(c, words)) };
  if (node.type === "not") return { ...node, child: markWindows(node.child, words) };
  if (node.type === "attribute" || !node.window) return node;
  return said.has(node.window.label.trim().toLowerCase())
    ? { ...node, provenance: { ...node.provenance, source: "memory" } }
    : node;
}
