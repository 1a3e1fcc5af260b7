/** Window arithmetic shared by the mapper's rules. */
import type { DateWindow, RuleNode } from "../../../state/segment.ts";
import type { Mention } from "../../types.ts";
import type { DateTag } from "../dates.ts";

export function windowOf(tag: DateTag): DateWindow | undefined {
  if (!tag.from && !tag.to) return undefined;
  return { from: tag.from, to: tag.to, label: tag.text };
}

/** Intersection of windows; "empty" when it is empty (a contradiction). */
export function intersectWindows(windows: DateWindow[]): DateWindow | undefined | "empty" {
  if (windows.length === 0) return undefined;
  let from: string | undefined;
  let to: string | undefined;
  for (const w of windows) {
    if (w.from && (!from || w.from > from)) from = w.from;
    if (w.to && (!to || w.to < to)) to = w.to;
  }
  if (from && to && from >= to) return "empty";
  const label = windows.map((w) => w.label).join(" ∩ ");
  return { from, to, label };
}

/**
 * Pairs item mentions with the date tag that follows each ("candles in Q3 2011 and textiles
 * in Q4 2011"); undefined unless every date follows its own items and there are two or more.
 */
export function pairItemsWithDates(
  items: Mention[],
  tags: DateTag[],
): Map<Mention, DateWindow> | undefined {
  const dated = tags.filter((t) => t.from || t.to);
  if (dated.length < 2 || items.length < dated.length) return undefined;
  const out = new Map<Mention, DateWindow>();
  let previousEnd = -1;
  for (const tag of dated) {
    const own = items.filter((m) => m.start > previousEnd && m.end <= tag.start);
    if (own.length === 0) return undefined;
    for (const m of own) out.set(m, windowOf(tag)!);
    previousEnd = tag.end;
  }
  // Items after the last date have no date of their own: not this pattern.
  return items.every((m) => out.has(m)) ? out : undefined;
}

/** The condition with a window where it had none (behaviour only, through NOT/AND/OR). */
export function withWindow(node: RuleNode, window: DateWindow): RuleNode {
  if (node.type === "behaviour" && !node.window) return { ...node, window };
  if (node.type === "not") {
    const child = withWindow(node.child, window);
    return child === node.child ? node : { ...node, child };
  }
  if (node.type === "and" || node.type === "or") {
    const children = node.children.map((c) => withWindow(c, window));
    return children.every((c, i) => c === node.children[i]) ? node : { ...node, children };
  }
  return node;
}
