/**
 * Remove: "drop the country filter", "forget the date part", "without the Christmas condition",
 * "any country is fine", "all time, not just 2011". Targets are found by facet, value, window,
 * threshold, ordinal or the user's own words; several readings ask one question.
 */
import type { EditOp } from "../../../../state/edit.ts";
import { itemFiltersOf } from "../../../../state/segment.ts";
import { applyOps, EditError } from "../../../../segment/edit-ops.ts";
import { cuesOf, type Cue } from "../cues.ts";
import {
  after,
  ask,
  describeLeaf,
  facetNamed,
  listConditions,
  plan,
  refuse,
  type EditFrame,
  type EditRule,
} from "../frame.ts";
import {
  EDIT_FILLERS,
  PART_NOUNS,
  POPULATION_WORDS,
  SPLIT_PARTICLES,
  SPLIT_VERBS,
} from "../lexicon.ts";
import type { Span } from "../analyse.ts";
import { mergePlan } from "./merge.ts";
import { referencesIn, resolve, type Leaf, type Reference, type Target } from "../targets.ts";

/** "drop those who…", "remove anyone from…": a population follows, so it is an exclusion. */
export function excludesPeople(f: EditFrame, c: Cue): boolean {
  const rest = f.a.tokens.slice(c.end).filter((t) => t.kind !== "symbol");
  for (const [i, t] of rest.entries()) {
    if (t.lower === "the" || t.lower === "all" || t.lower === "any") continue;
    // "don't filter on them" ends the message: "them" is what was named before, not people.
    if (/^(them|those|these)$/.test(t.lower) && i === rest.length - 1) return false;
    return POPULATION_WORDS.has(t.lower) || t.lower === "who";
  }
  return false;
}

/** Words that only end a removal: "… can go as well", "… doesn't matter either", "… them". */
const REMOVAL_TAIL = /^(now|please|thanks|too|either|anymore|as|well|aswell|them|those|these|it)$/;

/** Words after which only fillers follow: the cue ends the message ("… can go", "… out"). */
function atEnd(f: EditFrame, c: Cue): boolean {
  return f.a.tokens
    .filter((t) => t.start >= c.stop)
    .every((t) => EDIT_FILLERS.has(t.lower) || t.kind === "symbol" || REMOVAL_TAIL.test(t.lower));
}

/** A removal cue that ends the message ("… can go", "… - out"). */
export function trailingVerdict(f: EditFrame): Cue | undefined {
  return cuesOf(f.a.cues, "trailing_remove").find((c) => c.start > 0 && atEnd(f, c));
}

/** The message starts with people ("anyone who bought Dyson - out"): they are excluded. */
export function peopleFirst(f: EditFrame): boolean {
  const first = f.a.tokens.find(
    (t) => t.kind === "word" && !/^(and|also|plus|oh|ok|okay|so|then|now|the|all)$/.test(t.lower),
  );
  return !!first && (POPULATION_WORDS.has(first.lower) || first.lower === "who");
}

/**
 * Where the message names what to remove: after a leading cue ("drop the country filter"),
 * between a verb and its particle ("take East of England out of that"), or before a cue that
 * ends the message ("the cake stand requirement can go").
 */
function removalRange(f: EditFrame): Span | undefined {
  const lead = cuesOf(f.a.cues, "remove").find((c) => !excludesPeople(f, c));
  // "tier doesn't matter either", "cancellations are fine, don't filter on them": a cue with
  // nothing after it removes what was named before it.
  if (lead && lead.start > 0 && atEnd(f, lead)) return { start: 0, end: lead.start };
  if (lead) return after(f, lead);
  const toks = f.a.tokens;
  for (let i = 0; i < toks.length; i++) {
    if (!SPLIT_VERBS.has(toks[i]!.lower)) continue;
    const particle = toks.findIndex(
      (t, k) => k > i + 1 && k <= i + 8 && SPLIT_PARTICLES.has(t.lower),
    );
    if (particle < 0) continue;
    const range = { start: toks[i]!.end, end: toks[particle]!.start };
    const first = toks[i + 1]!.lower;
    if (!POPULATION_WORDS.has(first) && first !== "who") return range;
  }
  const trailing = trailingVerdict(f);
  if (
    trailing &&
    !peopleFirst(f) &&
    (trailing.text !== "out" || f.a.tokens.some((t) => SPLIT_VERBS.has(t.lower)))
  )
    return { start: 0, end: trailing.start };
  // "without the date part", "no country filter": a part noun says it is a condition.
  for (const c of cuesOf(f.a.cues, "exclude")) {
    if (c.text !== "without" && c.text !== "but no" && c.text !== "no one") continue;
    const rest = f.a.tokens.slice(c.end, c.end + 4).map((t) => t.lower);
    if (rest.some((w) => PART_NOUNS.has(w))) return after(f, c);
  }
  return undefined;
}

/**
 * "lose portugal, spain only", "drop storage, bags only": a later part that narrows to what
 * stays is not part of the removal; the range ends at the separator before it.
 */
function beforeNarrowing(f: EditFrame, range: Span): Span {
  const only = cuesOf(f.a.cues, "only").find((c) => c.start > range.start && c.start < range.end);
  if (!only) return range;
  const separator = f.a.tokens.filter(
    (t) =>
      t.start > range.start &&
      t.end <= only.start &&
      t.kind === "symbol" &&
      /^[,;]$/.test(t.text) &&
      f.a.tokens.some((w) => w.kind === "word" && w.start > range.start && w.end <= t.start),
  );
  const last = separator[separator.length - 1];
  return last ? { start: range.start, end: last.start } : range;
}

/** "any country", "all time", "ever": drop what the unrestricted word qualifies. */
function unrestricted(f: EditFrame): Cue | undefined {
  // Inside a clause ("anyone who's ever cancelled") or beside another cue it qualifies that.
  const others = ["exclude", "only", "also", "replace", "new_before_old"] as const;
  // "that restriction too - any time is fine": a trailing "too" joins this removal to the last.
  const joining = (c: Cue) => c.kind === "also" && /^(too|as well|aswell)$/.test(c.text);
  if (others.some((k) => cuesOf(f.a.cues, k).some((c) => !joining(c)))) return undefined;
  if (f.a.tokens.some((t) => /^(who|whose|which|that)$/.test(t.lower))) return undefined;
  return cuesOf(f.a.cues, "unrestricted").find((c) => {
    const next = f.a.tokens[c.end];
    const multi =
      c.text.includes(" ") || c.text === "ever" || c.text === "anytime" || c.text === "lifetime";
    return multi || (next !== undefined && !POPULATION_WORDS.has(next.lower));
  });
}

/** How specific a part of a condition is, when several references find the same one. */
const PART_RANK: Record<Target["part"], number> = { whole: 0, value: 1, threshold: 2, window: 3 };

/**
 * The operation that takes a target's part out of its condition; `alsoValues` are more values
 * of the same condition named in the same message ("remove France and Germany").
 */
function removal(t: Target, alsoValues: string[] = []): EditOp {
  const c = t.leaf.condition;
  const whole: EditOp = { op: "remove", path: t.leaf.notPath ?? t.leaf.path };
  if (t.part === "window" && c.type === "behaviour") {
    const trivial = c.measure === "exists" && itemFiltersOf(c).length === 0;
    return trivial ? whole : { op: "strip_window", path: t.leaf.path };
  }
  // "never mind the £500" of "spent over £500 on Dyson": what is left is buying Dyson.
  if (t.part === "threshold" && c.type === "behaviour" && c.comparison && itemFiltersOf(c).length) {
    const { comparison: _dropped, zeroIfNone: _zero, ...rest } = c;
    return { op: "replace", path: t.leaf.path, node: { ...rest, measure: "exists" } };
  }
  if (t.part === "value" && t.value) {
    const values =
      c.type === "attribute"
        ? c.values
        : c.type === "behaviour"
          ? (itemFiltersOf(c)[t.value.item ?? 0]?.values ?? [])
          : [];
    const gone = new Set([t.value.value, ...alsoValues]);
    const left = values.filter((v) => !gone.has(v));
    if (left.length > 0)
      return {
        op: "set_values",
        path: t.leaf.path,
        values: left,
        ...(t.value.item !== undefined ? { item: t.value.item } : {}),
      };
  }
  return whole;
}

/** What the user named that matched nothing, in their words. */
function named(f: EditFrame, refs: Reference[]): string {
  return refs.map((r) => `"${f.text.slice(r.start, r.end)}"`).join(", ");
}

export function removalPlan(f: EditFrame, refs: Reference[], rule: string) {
  const found = refs.map((r) => ({ ref: r, targets: resolve(r, f.leaves) }));
  const missing = found.filter((x) => x.targets.length === 0).map((x) => x.ref);
  const hits = found.filter((x) => x.targets.length > 0);
  if (hits.length === 0) {
    const what = missing.length ? named(f, missing) : "that";
    return refuse(
      rule,
      "edit_no_target",
      `This segment has no condition matching ${what}. Its conditions are: ${listConditions(f)}. Say which one to change.`,
    );
  }
  // One reference meaning several conditions is a question unless another narrows it down.
  const chosen = new Map<Leaf, Target>();
  // Every value named of one condition (and item), so all of them go, not only the first.
  const valuesOf = new Map<Leaf, Map<number, Set<string>>>();
  let ambiguous: Target[] | undefined;
  for (const h of hits) {
    const narrowed =
      hits.length > 1
        ? h.targets.filter((t) =>
            hits.every((o) => o === h || o.targets.some((x) => x.leaf === t.leaf)),
          )
        : h.targets;
    const pool = narrowed.length ? narrowed : h.targets;
    if (pool.length > 1 && new Set(pool.map((t) => t.leaf)).size > 1) {
      ambiguous ??= pool;
      continue;
    }
    const t = pool[0]!;
    if (t.part === "value" && t.value) {
      const items = valuesOf.get(t.leaf) ?? new Map<number, Set<string>>();
      const set = items.get(t.value.item ?? 0) ?? new Set<string>();
      set.add(t.value.value);
      items.set(t.value.item ?? 0, set);
      valuesOf.set(t.leaf, items);
    }
    const prev = chosen.get(t.leaf);
    // The most specific part wins: "the time limit on the skincare" names the window, and the
    // value only finds the condition.
    if (!prev || PART_RANK[t.part] > PART_RANK[prev.part]) chosen.set(t.leaf, t);
  }
  if (ambiguous && chosen.size === 0) {
    return ask(
      rule,
      ambiguous.map((t) => {
        const op = removal(t);
        const partial = op.op !== "remove";
        return {
          label: `${partial && t.part === "window" ? "Remove the dates of" : partial ? "Change" : "Remove"} "${describeLeaf(f, t.leaf)}"`,
          ops: [op],
          match: `${t.leaf.condition.provenance.span} ${t.leaf.condition.type !== "attribute" ? (t.leaf.condition.window?.label ?? "") : ""}`,
        };
      }),
    );
  }
  const ops = [...chosen.values()].map((t) =>
    removal(t, t.value ? [...(valuesOf.get(t.leaf)?.get(t.value.item ?? 0) ?? [])] : []),
  );
  try {
    applyOps(f.base.root, ops);
  } catch (err) {
    if (err instanceof EditError && err.code === "empty")
      return refuse(
        rule,
        "edit_empties_segment",
        `That would remove every condition of the segment (${listConditions(f)}). Say which condition to keep, or start a new segment.`,
      );
    throw err;
  }
  return plan(rule, "edit", ops, missing.length ? 0.7 : 0.9);
}

export const remove: EditRule = {
  name: "remove",
  applies: (f) => removalRange(f) !== undefined || unrestricted(f) !== undefined,
  apply: (f) => {
    const named = removalRange(f);
    const u = named ? undefined : unrestricted(f);
    const range = beforeNarrowing(f, named ?? { start: u!.start, end: f.text.length });
    let refs = referencesIn(f.a, range, facetNamed(f));
    if (u) refs = refs.filter((r) => r.kind === "facet" || r.kind === "window");
    if (refs.length === 0) {
      const rest = f.a.tokens.filter((t) => t.start >= range.start && !EDIT_FILLERS.has(t.lower));
      // "drop it", "remove that": the condition the last change added, if there is one.
      if (rest.length === 0 && f.leaves.length > 1)
        return ask(
          "remove",
          f.leaves.map((l) => ({
            label: `Remove "${describeLeaf(f, l)}"`,
            ops: [{ op: "remove", path: l.notPath ?? l.path }],
          })),
        );
      return null;
    }
    // "remove Germany" with no Germany in the segment: an exclusion, not a removal — unless
    // the words name a condition ("the France restriction"), which then is not there.
    const namesCondition = f.a.tokens.some(
      (t) => t.start >= range.start && t.end <= range.end && PART_NOUNS.has(t.lower),
    );
    if (
      !namesCondition &&
      refs.every((r) => r.kind === "value") &&
      refs.every((r) => resolve(r, f.leaves).length === 0)
    )
      return mergePlan(f, "exclude", range, "remove");
    return removalPlan(f, refs, "remove");
  },
};
