/**
 * "anyone who bought party supplies that month", "in the same period", "back then": a window
 * named by pointing at the segment's own. It means that window when the segment has exactly
 * one; the words are blanked for the request grammar and the window is put on the new
 * conditions that have none.
 */
import type { DateWindow, RuleNode } from "../../../state/segment.ts";
import type { Span } from "./analyse.ts";
import type { EditFrame } from "./frame.ts";

/** Nouns a pointer can name a window by. "this month" is not here: it is a date of its own. */
const PERIOD_NOUN =
  /^(month|months|period|quarter|year|week|weeks|window|time|timeframe|season|stretch|range|dates|days)$/;
const POINTER = /^(that|those|same)$/;
const PREPOSITION = /^(in|during|over|within|for|from|across|at)$/;

export interface PointedWindow {
  /** The pointing words, with their preposition. */
  spans: Span[];
  window: DateWindow;
}

/** The one window of the segment's conditions, if they have exactly one between them. */
function onlyWindow(f: EditFrame): DateWindow | undefined {
  const seen = new Map<string, DateWindow>();
  for (const l of f.leaves) {
    const c = l.condition;
    if (c.type === "behaviour" && c.window) seen.set(`${c.window.from}|${c.window.to}`, c.window);
  }
  return seen.size === 1 ? [...seen.values()][0] : undefined;
}

/** Words in `range` that point at the segment's window, when it has one. */
export function pointedWindow(f: EditFrame, range: Span): PointedWindow | null {
  const toks = f.a.tokens.filter((t) => t.start >= range.start && t.end <= range.end);
  const dated = (s: Span) => f.a.dates.some((d) => d.start < s.end && s.start < d.end);
  const spans: Span[] = [];
  toks.forEach((t, i) => {
    let first = -1;
    let last = -1;
    // "that month", "the same period", "those dates"
    if (POINTER.test(t.lower) && PERIOD_NOUN.test(toks[i + 1]?.lower ?? "")) {
      first = i > 0 && toks[i - 1]!.lower === "the" ? i - 1 : i;
      last = i + 1;
    }
    // "back then", "at the time", "at that point"
    if (t.lower === "back" && toks[i + 1]?.lower === "then") [first, last] = [i, i + 1];
    if (t.lower === "at" && /^(the|that)$/.test(toks[i + 1]?.lower ?? "")) {
      if (/^(time|point)$/.test(toks[i + 2]?.lower ?? "")) [first, last] = [i, i + 2];
    }
    if (first < 0) return;
    if (first > 0 && PREPOSITION.test(toks[first - 1]!.lower)) first -= 1;
    const span = { start: toks[first]!.start, end: toks[last]!.end };
    if (!dated(span) && !spans.some((s) => s.start === span.start)) spans.push(span);
  });
  if (spans.length === 0) return null;
  const window = onlyWindow(f);
  return window ? { spans, window } : null;
}

/** The tree with the window on every purchase condition that has none. */
export function withWindow(node: RuleNode, window: DateWindow): RuleNode {
  switch (node.type) {
    case "and":
    case "or":
      return { ...node, children: node.children.map((c) => withWindow(c, window)) };
    case "not":
      return { ...node, child: withWindow(node.child, window) };
    case "behaviour":
      return node.window ? node : { ...node, window };
    default:
      return node;
  }
}
