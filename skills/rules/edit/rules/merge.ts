/**
 * Merging new content into the segment, the shared core of the cue rules: values restrict,
 * widen, replace or exclude the condition of their facet; a clause becomes conditions ANDed in
 * (or left out, for an exclusion), replacing a condition of exactly the same kind.
 */
import type { EditChoice, EditOp } from "../../../../state/edit.ts";
import { itemFiltersOf, type Condition, type RuleNode } from "../../../../state/segment.ts";
import { intersects } from "../../../../segment/comparisons.ts";
import { mapFragment, type Span } from "../analyse.ts";
import type { Cue } from "../cues.ts";
import {
  ask,
  conditionForValues,
  describeLeaf,
  facetKind,
  leavesWithFacet,
  listConditions,
  isNoise,
  plan,
  provenanceFor,
  refuse,
  valuesOnly,
  type EditFrame,
  type NamedValue,
} from "../frame.ts";
import { PART_NOUNS, POPULATION_WORDS } from "../lexicon.ts";
import { pointedWindow, withWindow } from "../pointed-window.ts";
import type { Leaf } from "../targets.ts";

export type MergeMode = "only" | "also" | "exclude" | "none";

/** The content after a cue, without the people it is about ("those who", "anyone"). */
export function contentAfter(f: EditFrame, c: Cue | undefined, end = f.text.length): Span {
  return contentFrom(f, c ? c.stop : 0, end);
}

/** The content from a position on, without the people it starts with. */
export function contentFrom(f: EditFrame, from: number, end = f.text.length): Span {
  let start = from;
  const toks = f.a.tokens.filter((x) => x.start >= start && x.end <= end);
  for (const [i, t] of toks.entries()) {
    // "the" goes only with the people after it ("the ones who"), not with "the Germans".
    const article =
      (t.lower === "the" || t.lower === "of") && POPULATION_WORDS.has(toks[i + 1]?.lower ?? "");
    if (POPULATION_WORDS.has(t.lower) || article) start = t.end;
    else break;
  }
  return { start, end };
}

function sameSlot(a: Condition, b: Condition): boolean {
  if (a.type !== "behaviour" || b.type !== "behaviour") return false;
  return (
    a.event === b.event &&
    a.measure === b.measure &&
    a.measure !== "exists" &&
    JSON.stringify(itemFiltersOf(a)) === JSON.stringify(itemFiltersOf(b)) &&
    a.window?.from === b.window?.from &&
    a.window?.to === b.window?.to
  );
}

/** The same purchase of the same things (event, measure and item filters), any window. */
function sameItems(a: Condition, b: Condition): boolean {
  if (a.type !== "behaviour" || b.type !== "behaviour") return false;
  const fa = itemFiltersOf(a);
  return (
    a.event === b.event &&
    a.measure === "exists" &&
    fa.length > 0 &&
    JSON.stringify(fa) === JSON.stringify(itemFiltersOf(b))
  );
}

function topLeaves(node: RuleNode): RuleNode[] {
  return node.type === "and" ? node.children : [node];
}

function group(values: NamedValue[]): Map<string, NamedValue[]> {
  const out = new Map<string, NamedValue[]>();
  for (const v of values) out.set(v.facetId, [...(out.get(v.facetId) ?? []), v]);
  return out;
}

function currentValues(leaf: Leaf, item?: number): string[] {
  const c = leaf.condition;
  if (c.type === "attribute") return c.values;
  if (c.type === "behaviour") return itemFiltersOf(c)[item ?? 0]?.values ?? [];
  return [];
}

function setValues(
  f: EditFrame,
  leaf: Leaf,
  item: number | undefined,
  values: string[],
  span: NamedValue[],
  negate?: boolean,
): EditOp {
  const provenance = provenanceFor(f, {
    start: Math.min(...span.map((v) => v.mention.start)),
    end: Math.max(...span.map((v) => v.mention.end)),
  });
  return {
    op: "set_values",
    path: leaf.path,
    values,
    ...(item !== undefined ? { item } : {}),
    ...(negate !== undefined ? { negate } : {}),
    provenance,
  };
}

/** Whether the segment leaves some values of the facet out (NOT group or not-in). */
function excluded(f: EditFrame, facetId: string): boolean {
  return leavesWithFacet(f, facetId).some(
    (h) =>
      h.leaf.negated || (h.leaf.condition.type === "attribute" && h.leaf.condition.op === "not_in"),
  );
}

/** Operations for named values under a mode, or a refusal message. */
function valueOps(
  f: EditFrame,
  values: NamedValue[],
  mode: MergeMode,
  onlyAnd: boolean,
  widening = true,
): EditOp[] | string {
  const ops: EditOp[] = [];
  for (const [facetId, named] of group(values)) {
    const positive = named.filter((v) => !v.negated && mode !== "exclude");
    const negative = named.filter((v) => v.negated || mode === "exclude");
    const holders = leavesWithFacet(f, facetId);
    const included = holders.filter(
      (h) =>
        !h.leaf.negated &&
        !(h.leaf.condition.type === "attribute" && h.leaf.condition.op === "not_in"),
    );
    const excludedAttr = holders.find(
      (h) => h.leaf.condition.type === "attribute" && h.leaf.condition.op === "not_in",
    );
    const kind = facetKind(f, facetId);
    const label =
      f.ctx.catalog.facets.find((x) => x.id === facetId)?.label.toLowerCase() ?? facetId;
    if (positive.length) {
      const vals = positive.map((v) => v.value);
      const holder = included[0];
      if (mode === "also" && !(onlyAnd && kind === "item")) {
        if (holder) {
          ops.push(
            setValues(
              f,
              holder.leaf,
              holder.item,
              [...new Set([...currentValues(holder.leaf, holder.item), ...vals])],
              positive,
            ),
          );
        } else if (excludedAttr && currentValues(excludedAttr.leaf).some((v) => vals.includes(v))) {
          const left = currentValues(excludedAttr.leaf).filter((v) => !vals.includes(v));
          ops.push(
            left.length
              ? setValues(f, excludedAttr.leaf, undefined, left, positive)
              : { op: "remove", path: excludedAttr.leaf.path },
          );
        } else if (excluded(f, facetId)) {
          // Nothing of the facet is included, only left out: "and France too" after "minus
          // the Germans" leaves France out as well.
          return valueOps(
            f,
            named.map((v) => ({ ...v, negated: true })),
            "exclude",
            onlyAnd,
          );
        } else if (kind === "attribute" && (onlyAnd || !widening)) {
          // "and were acquired through social", "that are also gold", "add the 45-54 band":
          // with no condition on the facet, only an explicit widening verb ("include", "open
          // it up to", "or") can mean more people; anything else adds the condition.
          ops.push({ op: "add", node: conditionForValues(f, facetId, positive) });
        } else if (kind === "attribute") {
          return `Every ${label} is already included: the segment has no ${label} condition. Its conditions are: ${listConditions(f)}.`;
        } else {
          ops.push({ op: "add", node: conditionForValues(f, facetId, positive) });
        }
      } else if (holder && (mode === "only" || mode === "none")) {
        ops.push(setValues(f, holder.leaf, holder.item, vals, positive));
      } else {
        ops.push({ op: "add", node: conditionForValues(f, facetId, positive) });
      }
    }
    if (negative.length) {
      const vals = negative.map((v) => v.value);
      const holder = included.find((h) =>
        currentValues(h.leaf, h.item).some((v) => vals.includes(v)),
      );
      const already = ops.find(
        (o) => o.op === "set_values" && holder && o.path.join() === holder.leaf.path.join(),
      );
      if (holder && !already) {
        const left = currentValues(holder.leaf, holder.item).filter((v) => !vals.includes(v));
        if (left.length === 0)
          return `Leaving out ${vals.join(", ")} would leave no customer: the segment only has ${vals.join(", ")} there (${describeLeaf(f, holder.leaf)}).`;
        ops.push(setValues(f, holder.leaf, holder.item, left, negative));
      } else if (!already) {
        if (kind === "attribute") {
          if (excludedAttr)
            ops.push(
              setValues(
                f,
                excludedAttr.leaf,
                undefined,
                [...new Set([...currentValues(excludedAttr.leaf), ...vals])],
                negative,
                true,
              ),
            );
          else ops.push({ op: "add", node: conditionForValues(f, facetId, negative, true) });
        } else {
          ops.push({ op: "exclude", node: conditionForValues(f, facetId, negative) });
        }
      }
    }
  }
  return ops;
}

/** ANDs a mapped clause in, replacing what it restates (same attribute, same aggregate). */
function clauseOps(f: EditFrame, root: RuleNode, mode: MergeMode): EditOp[] {
  if (mode === "exclude") return [{ op: "exclude", node: root }];
  const ops: EditOp[] = [];
  for (const node of topLeaves(root)) {
    if (node.type === "attribute" && node.op === "in") {
      const holder = leavesWithFacet(f, node.facet).find(
        (h) =>
          !h.leaf.negated && h.leaf.condition.type === "attribute" && h.leaf.condition.op === "in",
      );
      if (holder) {
        const values =
          mode === "also"
            ? [...new Set([...currentValues(holder.leaf), ...node.values])]
            : node.values;
        ops.push({ op: "set_values", path: holder.leaf.path, values, provenance: node.provenance });
        continue;
      }
    }
    if (node.type === "behaviour") {
      const twin = f.leaves.find((l) => !l.negated && sameSlot(l.condition, node));
      const old = twin?.condition;
      // A restated threshold replaces the old one, unless the two contradict: then both stay
      // and validation asks which to keep.
      if (
        twin &&
        old?.type === "behaviour" &&
        old.comparison &&
        node.comparison &&
        intersects(old.comparison, node.comparison)
      ) {
        ops.push({
          op: "set_comparison",
          path: twin.path,
          comparison: node.comparison,
          provenance: node.provenance,
        });
        continue;
      }
      // "only 2011 doormat purchases" restates a purchase the segment has, with a window.
      const same = f.leaves.find((l) => !l.negated && sameItems(l.condition, node));
      if (same && node.window && node.measure === "exists") {
        ops.push({
          op: "set_window",
          path: same.path,
          window: node.window,
          provenance: node.provenance,
        });
        continue;
      }
    }
    ops.push({ op: "add", node });
  }
  return ops;
}

/** Words that open or pad a message without meaning anything ("fine, add…", "hmm", "oh"). */
const INTERJECTIONS = new Set([
  "oh",
  "ah",
  "um",
  "erm",
  "uh",
  "hmm",
  "hm",
  "fine",
  "ok",
  "okay",
  "yeah",
  "yep",
  "wait",
  "right",
  "well",
  "hey",
  "cool",
  "great",
  "perfect",
  "nice",
  "thanks",
  "tho",
  "though",
]);

/** Whether a word only opens or pads the message ("fine, add…"). */
export function isInterjection(word: string): boolean {
  return INTERJECTIONS.has(word);
}

/** Words that end an edit without saying anything ("… too", "… as well", "… please"). */
const TAIL = new Set([
  "too",
  "as",
  "well",
  "also",
  "either",
  "please",
  "pls",
  "then",
  "instead",
  "again",
  "aswell",
  "thanks",
  "now",
  "tho",
  "though",
]);

/** The range without the talk at its end, so "bought candles too" maps as "bought candles". */
export function trimTail(f: EditFrame, range: Span): Span {
  let end = range.end;
  const toks = f.a.tokens.filter((t) => t.start >= range.start && t.end <= range.end);
  // The "+" of "65+" is part of its value.
  const inValue = (t: { start: number; end: number }) =>
    f.a.mentions.some(
      (m) =>
        m.value !== undefined &&
        m.facetId !== "product_word" &&
        m.start <= t.start &&
        t.end <= m.end,
    );
  for (let i = toks.length - 1; i >= 0; i--) {
    const t = toks[i]!;
    if (inValue(t)) break;
    if (TAIL.has(t.lower) || t.kind === "symbol" || isNoise(f, t))
      end = i > 0 ? toks[i - 1]!.end : range.start;
    else break;
  }
  return { start: range.start, end: Math.max(range.start, end) };
}

/**
 * Edit talk inside a clause that the request grammar would misread: part nouns ("a spend
 * condition then: over £300"), trailing words, punctuation, noise, and "back" in "back in
 * 2010".
 */
export function talk(f: EditFrame, range: Span): Span[] {
  const toks = f.a.tokens.filter((t) => t.start >= range.start && t.end <= range.end);
  return toks
    .filter((t, i) => {
      if (t.kind === "symbol")
        return t.text === ":" || t.text === "-" || t.text === "?" || t.text === "!";
      if (
        PART_NOUNS.has(t.lower) &&
        !f.a.mentions.some((m) => m.start <= t.start && t.end <= m.end)
      )
        return true;
      if (t.lower === "back" && /^(in|then|when|before|during)$/.test(toks[i + 1]?.lower ?? ""))
        return true;
      // "at some point", "at any stage": any time, which a condition without a window is.
      if (/^(some|any)$/.test(t.lower) && /^(point|stage)$/.test(toks[i + 1]?.lower ?? ""))
        return true;
      if (/^(point|stage)$/.test(t.lower) && /^(some|any)$/.test(toks[i - 1]?.lower ?? ""))
        return true;
      if (INTERJECTIONS.has(t.lower)) return true;
      return TAIL.has(t.lower) || isNoise(f, t);
    })
    .map((t) => ({ start: t.start, end: t.end }));
}

/**
 * Whether the message goes on with the change that made the current version, when that left
 * people out: "and anyone who bought Easter stuff", "and France too" after an exclusion.
 */
export function continuesExclusion(f: EditFrame): boolean {
  const prev = f.previous;
  if (!prev || prev.added.length === 0 || !prev.added.every((a) => a.excluded)) return false;
  if (prev.removed.length || prev.changed.length) return false;
  const toks = f.a.tokens;
  const lead = toks.findIndex((t) => !/^(ok|okay|and|also|plus|oh|or)$/.test(t.lower));
  if (lead <= 0 || !/^(and|also|plus|or)$/.test(toks[lead - 1]!.lower)) return false;
  const next = toks[lead]!.lower === "the" ? (toks[lead + 1]?.lower ?? "") : toks[lead]!.lower;
  if (POPULATION_WORDS.has(next) || next === "anybody" || next === "whoever") return true;
  return (
    valuesOnly(f, { start: toks[lead]!.start, end: f.text.length }) !== null &&
    toks.some((t) => /^(too|well|also)$/.test(t.lower))
  );
}

export async function mergePlan(
  f: EditFrame,
  mode: MergeMode,
  whole: Span,
  rule: string,
  opts: { onlyAnd?: boolean; widening?: boolean } = {},
) {
  const range = trimTail(f, whole);
  if (range.start >= range.end) return null;
  const values = valuesOnly(f, range);
  if (values) {
    const ops = valueOps(f, values, mode, opts.onlyAnd ?? false, opts.widening ?? true);
    if (typeof ops === "string") return refuse(rule, "edit_no_change", ops);
    return ops.length ? plan(rule, "edit", ops, mode === "none" ? 0.7 : 0.9) : null;
  }
  // "that month", "the same period": the segment's window, put on the new conditions.
  const pointed = pointedWindow(f, whole);
  const dated = (root: RuleNode) => (pointed ? withWindow(root, pointed.window) : root);
  const mapped = await mapFragment(f.text, range, f.next, f.ctx, f.skills, [
    ...talk(f, range),
    ...(pointed?.spans ?? []),
  ]);
  // Words the mapper could not place that are only talk ("can go", "chuck") change nothing.
  const fragment = {
    ...mapped,
    ambiguities: mapped.ambiguities.filter(
      (a) =>
        !(
          a.kind === "unmapped" &&
          mapped.root &&
          f.a.tokens
            .filter((t) => t.start >= a.span.start && t.end <= a.span.end)
            .every((t) => isNoise(f, t) || t.kind !== "word")
        ),
    ),
  };
  if (fragment.ambiguities.length) {
    // A vague word in the edit ("and the loyal ones"): one option per reading it offers.
    const amb = fragment.ambiguities[0]!;
    const choices: EditChoice[] = [];
    for (const o of amb.options) {
      const rewritten =
        f.text.slice(0, amb.span.start) +
        o.replacement +
        f.text.slice(amb.span.end) +
        (o.append ? ` ${o.append}` : "");
      const delta = rewritten.length - f.text.length;
      const again = await mapFragment(
        rewritten,
        { start: range.start, end: range.end + delta },
        f.next,
        f.ctx,
        f.skills,
      );
      if (again.root && again.ambiguities.length === 0)
        choices.push({ label: o.label, ops: clauseOps(f, dated(again.root), mode) });
    }
    return choices.length ? ask(rule, choices) : null;
  }
  if (!fragment.root) return null;
  return plan(rule, "edit", clauseOps(f, dated(fragment.root), mode), fragment.confidence * 0.9);
}
