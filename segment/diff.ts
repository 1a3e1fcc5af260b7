/**
 * The difference between two versions of a segment, in conditions and in plain words:
 * conditions added, removed and changed (same kind of condition, other values, threshold or
 * window), and the size before → after.
 */
import type { TenantCatalog } from "../state/catalog.ts";
import type { DiffItem, SegmentDiff } from "../state/edit.ts";
import {
  itemFiltersOf,
  type Comparison,
  type Condition,
  type DateWindow,
  type RuleNode,
} from "../state/segment.ts";
import { leavesWithPaths } from "./edit-ops.ts";
import { describeCondition, describeWindow } from "./explain.ts";

interface Leaf {
  condition: Condition;
  negated: boolean;
}

/** A condition without its provenance: two leaves with the same content are the same. */
function content(c: Condition): string {
  return JSON.stringify({ ...c, provenance: undefined });
}

/**
 * What a condition is about, regardless of its values, threshold and window: two leaves with
 * the same slot are one condition that changed, not a removal and an addition.
 */
function slot(leaf: Leaf): string {
  const c = leaf.condition;
  const polarity = leaf.negated ? "not" : "is";
  if (c.type === "attribute") return `${polarity}:attribute:${c.facet}`;
  if (c.type === "recency") return `${polarity}:recency:${c.which}`;
  const facets = itemFiltersOf(c).map((f) => f.facet);
  return `${polarity}:behaviour:${c.event}:${c.measure}:${facets.join("+")}`;
}

function fmtComparison(c: Comparison | undefined): string {
  if (!c) return "none";
  const ops = { gt: ">", gte: "≥", lt: "<", lte: "≤", eq: "=", between: "between" } as const;
  return c.op === "between" ? `between ${c.value} and ${c.value2}` : `${ops[c.op]} ${c.value}`;
}

function fmtWindow(w: DateWindow | undefined): string {
  return w ? `${describeWindow(w)} ("${w.label}")` : "at any time";
}

/** The fields that differ between two leaves of one slot, in words. */
function changes(a: Condition, b: Condition): string[] {
  const out: string[] = [];
  if (a.type === "attribute" && b.type === "attribute") {
    if (a.values.join("|") !== b.values.join("|"))
      out.push(`${a.facet}: ${a.values.join(", ")} → ${b.values.join(", ")}`);
    if (a.op !== b.op)
      out.push(`${a.op === "in" ? "is" : "is not"} → ${b.op === "in" ? "is" : "is not"}`);
    return out;
  }
  if (a.type === "behaviour" && b.type === "behaviour") {
    const fa = itemFiltersOf(a);
    const fb = itemFiltersOf(b);
    fa.forEach((f, i) => {
      const g = fb[i];
      if (g && f.values.join("|") !== g.values.join("|"))
        out.push(`${f.facet}: ${f.values.join(", ")} → ${g.values.join(", ")}`);
    });
    if (fmtComparison(a.comparison) !== fmtComparison(b.comparison))
      out.push(`threshold: ${fmtComparison(a.comparison)} → ${fmtComparison(b.comparison)}`);
    if (a.window?.from !== b.window?.from || a.window?.to !== b.window?.to)
      out.push(`window: ${fmtWindow(a.window)} → ${fmtWindow(b.window)}`);
    if (Boolean(a.zeroIfNone) !== Boolean(b.zeroIfNone))
      out.push(b.zeroIfNone ? "customers with no orders now count as £0" : "spenders only");
    return out;
  }
  if (a.type === "recency" && b.type === "recency")
    out.push(`window: ${fmtWindow(a.window)} → ${fmtWindow(b.window)}`);
  return out;
}

function item(leaf: Leaf, catalog: TenantCatalog): DiffItem {
  return {
    description: `${leaf.negated ? "NOT " : ""}${describeCondition(leaf.condition, catalog)}`,
    span: leaf.condition.provenance.span,
    // "Country is not Germany" leaves people out as much as a NOT group does.
    excluded:
      leaf.negated !== (leaf.condition.type === "attribute" && leaf.condition.op === "not_in"),
  };
}

/** Removes the first leaf of `pool` matching `pred` and returns it. */
function take(pool: Leaf[], pred: (l: Leaf) => boolean): Leaf | undefined {
  const i = pool.findIndex(pred);
  return i < 0 ? undefined : pool.splice(i, 1)[0];
}

export function diffTrees(
  before: RuleNode | null,
  after: RuleNode | null,
  catalog: TenantCatalog,
  opts: {
    fromVersion?: number | null;
    toVersion?: number | null;
    sizeBefore?: number | null;
    sizeAfter?: number | null;
  } = {},
): SegmentDiff {
  const old: Leaf[] = before ? leavesWithPaths(before) : [];
  const neu: Leaf[] = after ? leavesWithPaths(after) : [];
  let unchanged = 0;
  // Identical conditions first, so a changed one is only paired with what is left.
  for (const leaf of [...neu]) {
    const twin = take(
      old,
      (o) => o.negated === leaf.negated && content(o.condition) === content(leaf.condition),
    );
    if (twin) {
      unchanged++;
      neu.splice(neu.indexOf(leaf), 1);
    }
  }
  const changed: SegmentDiff["changed"] = [];
  for (const leaf of [...neu]) {
    const was = take(old, (o) => slot(o) === slot(leaf));
    if (!was) continue;
    neu.splice(neu.indexOf(leaf), 1);
    changed.push({
      before: item(was, catalog),
      after: item(leaf, catalog),
      what: changes(was.condition, leaf.condition),
    });
  }
  const added = neu.map((l) => item(l, catalog));
  const removed = old.map((l) => item(l, catalog));
  const summary: string[] = [
    ...added.map((a) => `Added: ${a.description}.`),
    ...removed.map((r) => `Removed: ${r.description}.`),
    ...changed.map((c) => `Changed: ${c.after.description} (${c.what.join("; ") || "wording"}).`),
  ];
  if (summary.length === 0) summary.push("No condition changed.");
  const sizeBefore = opts.sizeBefore ?? null;
  const sizeAfter = opts.sizeAfter ?? null;
  if (sizeBefore !== null && sizeAfter !== null) {
    const delta = sizeAfter - sizeBefore;
    summary.push(
      `Size: ${sizeBefore.toLocaleString("en-GB")} → ${sizeAfter.toLocaleString("en-GB")} customers (${delta >= 0 ? "+" : ""}${delta.toLocaleString("en-GB")}).`,
    );
  }
  return {
    added,
    removed,
    changed,
    unchanged,
    fromVersion: opts.fromVersion ?? null,
    toVersion: opts.toVersion ?? null,
    sizeBefore,
    sizeAfter,
    summary,
  };
}
