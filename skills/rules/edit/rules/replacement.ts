/**
 * What goes in the place of a target: new values, a new threshold, a new window or a new
 * clause, read from one side of the message, and the operation that puts it there.
 */
import type { EditOp } from "../../../../state/edit.ts";
import { itemFiltersOf, type Condition, type DateWindow } from "../../../../state/segment.ts";
import type { DateTag } from "../../dates.ts";
import type { QuantityTag } from "../../quantities.ts";
import { analyse, mapFragment, type Analysis, type Span } from "../analyse.ts";
import {
  conditionForValues,
  facetKind,
  provenanceFor,
  valuesOnly,
  type EditFrame,
  type NamedValue,
} from "../frame.ts";
import type { Target } from "../targets.ts";
import { measureFacet } from "../targets.ts";

export type NewContent =
  | { kind: "values"; values: NamedValue[]; span: Span }
  | { kind: "quantity"; quantity: QuantityTag; span: Span }
  | { kind: "date"; date: DateTag; span: Span }
  | { kind: "clause"; span: Span };

/** Re-reads one side of the message on its own: "£1,000 to £2,000" is two amounts, not a range. */
export async function side(f: EditFrame, range: Span): Promise<{ a: Analysis; frame: EditFrame }> {
  const a = await analyse(f.text, f.ctx, f.skills, range);
  return { a, frame: { ...f, a } };
}

/** Words that make the new side a clause of its own: relatives, verbs of buying, negation. */
const CLAUSE_WORDS =
  /^(who|whose|which|that|bought|purchased|ordered|spent|shopped|cancelled|canceled|since|during|haven't|hasn't|didn't|never|not)$/;

const NEGATION = /^(haven't|hasn't|didn't|never|not)$/;
const BUY_VERBS = /^(bought|purchased|ordered|got|buy|purchase|order)$/;

/** What the new side of a replacement says, or null when it says nothing usable. */
export function newContent(sf: EditFrame, range: Span): NewContent | null {
  // Overlapping counts: "extend that to the last 6 months" has its date start at "the".
  const inRange = <T extends Span>(xs: T[]) =>
    xs.filter((x) => x.end > range.start && x.start < range.end && x.end <= range.end);
  const dates = inRange(sf.a.dates).filter((d) => d.from || d.to);
  // "this one, Portugal": a bare number word beside a value is a pronoun, not an amount.
  const quantities = inRange(sf.a.quantities).filter(
    (q) => !(/^[a-z]+$/i.test(q.text) && !q.currency && q.unit.length === 0 && q.confidence <= 0.8),
  );
  // "who haven't ordered since 1 Nov", "spent 5 times in 2011": a clause, not a bare date or
  // amount, when a relative or a verb stands beside it.
  // "only if they bought it in 2024": a verb whose object points back at the segment's own
  // condition dates that condition, so the new content is the date.
  const clauseBeside = (x: Span) => {
    const words = sf.a.tokens.filter(
      (t) => t.start >= range.start && t.end <= range.end && (t.end <= x.start || t.start >= x.end),
    );
    if (!words.some((t) => CLAUSE_WORDS.test(t.lower))) return false;
    if (words.some((t) => NEGATION.test(t.lower))) return true;
    return !words.some(
      (t, i) =>
        BUY_VERBS.test(t.lower) && /^(it|them|that|those|these)$/.test(words[i + 1]?.lower ?? ""),
    );
  };
  if (dates.length === 1 && quantities.length === 0 && !clauseBeside(dates[0]!))
    return { kind: "date", date: dates[0]!, span: dates[0]! };
  const values = valuesOnly(sf, range);
  if (values && values.length && quantities.length === 0 && dates.length === 0)
    return {
      kind: "values",
      values,
      span: { start: values[0]!.mention.start, end: values[values.length - 1]!.mention.end },
    };
  // "5 orders", "£2k", "2,000 please": a bare amount.
  if (quantities.length === 1 && dates.length === 0 && !clauseBeside(quantities[0]!))
    return { kind: "quantity", quantity: quantities[0]!, span: quantities[0]! };
  const text = sf.text.slice(range.start, range.end).trim();
  if (!text) return null;
  return { kind: "clause", span: range };
}

function shiftYears(iso: string | undefined, years: number): string | undefined {
  if (!iso) return iso;
  return `${Number(iso.slice(0, 4)) + years}${iso.slice(4)}`;
}

/**
 * A new window the user gave without a year ("Q4", "the first half") takes the year of the
 * window it replaces, when that lies within one calendar year: "make it Q3" of a 2023 window
 * is Q3 2023, not the Q3 the as-of date would give.
 */
export function inheritYear(d: DateTag, old: DateWindow | undefined): DateWindow {
  const window = { from: d.from, to: d.to, label: d.text };
  if (/\b(19|20)\d{2}\b|'\d{2}\b/.test(d.text) || !old?.from || !old.to || !d.from) return window;
  const year = Number(old.from.slice(0, 4));
  const within = old.to <= `${year + 1}-01-01`;
  const given = Number(d.from.slice(0, 4));
  if (!within || given === year) return window;
  return {
    from: shiftYears(d.from, year - given),
    to: shiftYears(d.to, year - given),
    label: d.text,
  };
}

/** The measure a bare amount is about, from its currency or unit ("£", "orders", "units"). */
export function measuresFor(f: EditFrame, q: QuantityTag): string[] | undefined {
  if (q.currency) return ["spend", "aov"];
  const unit = q.unit.join(" ");
  if (/\b(orders?|times?|purchases?|transactions?|visits?|invoices?)\b/.test(unit))
    return ["orders", "cancellations"];
  if (/\b(units?|items?|pieces?)\b/.test(unit)) return ["units"];
  if (/\bcategor/.test(unit)) return ["distinct_categories"];
  if (/\b(products?|skus?)\b/.test(unit)) return ["distinct_products"];
  if (/\b(cancel|return|refund)/.test(unit)) return ["cancellations"];
  void f;
  return undefined;
}

/** The operation that puts new content where a target is, or null when they do not fit. */
export async function replacementOp(
  f: EditFrame,
  t: Target,
  content: NewContent,
): Promise<EditOp | null> {
  const c: Condition = t.leaf.condition;
  const path = t.leaf.path;
  const provenance = provenanceFor(f, content.span);
  switch (content.kind) {
    case "date": {
      if (c.type === "attribute") return null;
      const window = inheritYear(content.date, c.window);
      return { op: "set_window", path, window, provenance };
    }
    case "quantity": {
      if (c.type !== "behaviour" || !c.comparison) return null;
      const q = content.quantity;
      const explicit = q.confidence > 0.8;
      const op = explicit ? q.op : c.comparison.op === "between" ? "gte" : c.comparison.op;
      const comparison =
        op === "between"
          ? { op, value: q.value, value2: q.value2 ?? q.value }
          : { op, value: q.value };
      return { op: "set_comparison", path, comparison, provenance };
    }
    case "values": {
      const byFacet = new Map<string, NamedValue[]>();
      for (const v of content.values.filter((x) => !x.negated))
        byFacet.set(v.facetId, [...(byFacet.get(v.facetId) ?? []), v]);
      if (byFacet.size !== 1) return null;
      const [facetId, values] = [...byFacet.entries()][0]!;
      const newValues = values.map((v) => v.value);
      if (c.type === "attribute") {
        if (c.facet === facetId) {
          const keep =
            t.part === "value" && t.value ? c.values.filter((v) => v !== t.value!.value) : [];
          return { op: "set_values", path, values: [...keep, ...newValues], provenance };
        }
        if (facetKind(f, facetId) === "attribute")
          return {
            op: "replace",
            path,
            node: conditionForValues(f, facetId, values, c.op === "not_in"),
          };
        return null;
      }
      if (c.type === "behaviour") {
        const filters = itemFiltersOf(c);
        const item = t.value?.item ?? filters.findIndex((x) => x.facet === facetId);
        const target = filters[item < 0 ? 0 : item];
        if (target && target.facet === facetId) {
          const keep =
            t.part === "value" && t.value ? target.values.filter((v) => v !== t.value!.value) : [];
          return {
            op: "set_values",
            path,
            item: item < 0 ? 0 : item,
            values: [...keep, ...newValues],
            provenance,
          };
        }
        if (facetKind(f, facetId) === "item") {
          const next = filters.length
            ? filters.map((x, i) =>
                i === (item < 0 ? 0 : item) ? { facet: facetId, values: newValues } : x,
              )
            : [{ facet: facetId, values: newValues }];
          const [first, ...others] = next;
          return {
            op: "replace",
            path,
            node: {
              ...c,
              item: first,
              ...(others.length ? { andItems: others } : { andItems: undefined }),
              provenance,
            },
          };
        }
        return null;
      }
      return null;
    }
    case "clause": {
      const mapped = await mapFragment(f.text, content.span, f.next, f.ctx, f.skills);
      if (!mapped.root || mapped.ambiguities.length) return null;
      return {
        op: "replace",
        path: t.leaf.notPath ? [...t.leaf.notPath, 0] : path,
        node: mapped.root,
      };
    }
  }
}

/** Whether new content is of the kind a target holds (a threshold for an amount, …). */
export function fits(t: Target, content: NewContent, f: EditFrame): boolean {
  const c = t.leaf.condition;
  if (content.kind === "date") return c.type !== "attribute";
  if (content.kind === "quantity") {
    if (c.type !== "behaviour" || !c.comparison) return false;
    const measures = measuresFor(f, content.quantity);
    return !measures || measures.includes(measureFacet(c) ?? "");
  }
  if (content.kind === "values") {
    const facets = new Set(content.values.map((v) => v.facetId));
    if (c.type === "attribute")
      return facets.has(c.facet) || [...facets].every((x) => facetKind(f, x) === "attribute");
    if (c.type === "behaviour") return [...facets].every((x) => facetKind(f, x) === "item");
    return false;
  }
  return true;
}
