/**
 * The rules-tier mapper: turns each sub-segment, its date tags and its catalog mentions
 * into conditions — attribute, behavioural (with aggregates) and recency — with negation
 * scope, coordination ("jewellery and bags", "German or Swiss") and clause frames that
 * carry the verb and window into elliptical clauses ("but not Christmas items").
 */
import type {
  AttributeCondition,
  BehaviourCondition,
  Comparison,
  DateWindow,
  Measure,
  Provenance,
  RecencyCondition,
  RuleNode,
} from "../../state/segment.ts";
import { conditionsOf } from "../../state/segment.ts";
import type {
  Ambiguity,
  DateTagResult,
  MapResult,
  Mention,
  SkillContext,
  SubSegment,
} from "../types.ts";
import type { DateTag } from "./dates.ts";
import {
  BUY_VERBS,
  CANCEL_WORDS,
  EVALUATIVE,
  FILLERS,
  LAPSE_WORDS,
  NEGATORS,
  NUMBER_WORDS,
  STRUCTURAL,
} from "./lexicon.ts";
import { tagQuantities, type QuantityTag } from "./quantities.ts";
import { tokenize, type Token } from "./text.ts";

export const MAP_PRODUCER = "rules/map@1";

const NEW_CUSTOMER = /\b(new|first[- ]time|newly acquired|newly)\b/i;
const NEW_OPTIONS = [
  "whose first order was in the last 30 days",
  "whose first order was in the last 90 days",
  "whose first order was in the last 12 months",
];

/**
 * Pairs item mentions with the date tag that follows each ("candles in Q3 2011 and textiles
 * in Q4 2011"); undefined unless every date follows its own items and there are two or more.
 */
function pairItemsWithDates(
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

/** Whether a customer with no orders (spend 0) satisfies the comparison. */
function zeroSatisfies(c: Comparison): boolean {
  if (c.op === "lt") return c.value > 0;
  if (c.op === "lte" || c.op === "eq") return c.value >= 0 && (c.op === "lte" || c.value === 0);
  if (c.op === "between") return c.value <= 0 && (c.value2 ?? 0) >= 0;
  return false;
}

/**
 * "UK customers who spent under £100": spend is a property of every customer of the named
 * population, and one with no orders has spend 0 (data contract), so they are included.
 * Without a population ("customers who spent under £100") the request is about spenders.
 */
function zeroSpendForPopulations(root: RuleNode | null): RuleNode | null {
  if (!root || root.type !== "and" || !root.children.some((c) => c.type === "attribute"))
    return root;
  return {
    ...root,
    children: root.children.map((c) =>
      c.type === "behaviour" && c.measure === "spend" && c.comparison && zeroSatisfies(c.comparison)
        ? { ...c, zeroIfNone: true }
        : c,
    ),
  };
}

/** The condition with a window where it had none (behaviour only, through NOT/AND/OR). */
function withWindow(node: RuleNode, window: DateWindow): RuleNode {
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

const LAPSE_OPTIONS = [
  "who have not ordered in the last 90 days",
  "who have not ordered in the last 6 months",
  "who have not ordered in the last 12 months",
];

const EVALUATIVE_OPTIONS = [
  "who spent more than £1,000",
  "who spent more than £5,000",
  "who placed at least 10 orders",
];

const MEASURE_FACETS = new Set([
  "spend",
  "orders",
  "units",
  "distinct_products",
  "distinct_categories",
  "aov",
  "cancellations",
]);
const RECENCY_FACETS = new Set(["first_purchase", "last_purchase"]);
const DURATION_UNITS: Record<string, "day" | "week" | "month" | "year"> = {
  day: "day",
  days: "day",
  week: "week",
  weeks: "week",
  month: "month",
  months: "month",
  year: "year",
  years: "year",
};

interface Frame {
  event: "order" | "cancellation";
  window?: DateWindow;
  /** What the clause bought, inherited by "but not in 2011". */
  items?: Mention[][];
}

interface ClauseResult {
  nodes: RuleNode[];
  frame?: Frame;
  /** A clause that is only a date ("YTD", "in 2011"): it dates the clause before it. */
  dateOnly?: { window: DateWindow; parts: { start: number; end: number }[]; confidence: number };
}

type Tagged = DateTag & { subSegmentId: string };

function minusDuration(iso: string, n: number, unit: "day" | "week" | "month" | "year"): string {
  const d = new Date(`${iso}T00:00:00Z`);
  if (unit === "day") d.setUTCDate(d.getUTCDate() - n);
  if (unit === "week") d.setUTCDate(d.getUTCDate() - 7 * n);
  if (unit === "month") d.setUTCMonth(d.getUTCMonth() - n);
  if (unit === "year") d.setUTCFullYear(d.getUTCFullYear() - n);
  return d.toISOString().slice(0, 10);
}

/** Intersection of windows; undefined when the intersection is empty (a contradiction). */
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

function windowOf(tag: DateTag): DateWindow | undefined {
  if (!tag.from && !tag.to) return undefined;
  return { from: tag.from, to: tag.to, label: tag.text };
}

function overlaps(a: { start: number; end: number }, b: { start: number; end: number }): boolean {
  return a.start < b.end && b.start < a.end;
}

class ClauseMapper {
  readonly ambiguities: Ambiguity[] = [];
  confidence = 1;

  constructor(
    private readonly text: string,
    private readonly ctx: SkillContext,
  ) {}

  provenance(
    parts: { start: number; end: number }[],
    source: Provenance["source"],
    confidence: number,
  ): Provenance {
    const start = Math.min(...parts.map((p) => p.start));
    const end = Math.max(...parts.map((p) => p.end));
    this.confidence = Math.min(this.confidence, confidence);
    return {
      span: this.text.slice(start, end),
      start,
      end,
      source,
      confidence,
      producer: MAP_PRODUCER,
    };
  }

  /** Coordination between two spans: the nearest "or" makes it a union, otherwise "and". */
  private coordination(a: { end: number }, b: { start: number }): "and" | "or" {
    const between = this.text.slice(a.end, b.start).toLowerCase();
    if (/\b(or|either|nor)\b|\//.test(between)) return "or";
    return "and";
  }

  mapClause(
    seg: SubSegment,
    mentionsIn: Mention[],
    tagsIn: Tagged[],
    prev: Frame | undefined,
  ): ClauseResult {
    const tokens: Token[] = tokenize(this.text.slice(seg.start, seg.end)).map((t) => ({
      ...t,
      start: t.start + seg.start,
      end: t.end + seg.start,
    }));
    // Dates win over mentions they cover ("at Christmas 2010"), unless the mention is longer.
    const tags = tagsIn.filter(
      (t) => !mentionsIn.some((m) => overlaps(m, t) && m.end - m.start > t.end - t.start),
    );
    const mentions = mentionsIn.filter((m) => !tags.some((t) => overlaps(m, t)));

    const masked = new Set<number>();
    tokens.forEach((tok, k) => {
      if (tags.some((t) => overlaps(t, tok))) masked.add(k);
      if (mentions.some((m) => m.value !== undefined && overlaps(m, tok))) masked.add(k);
    });
    const quantities = tagQuantities(this.text, tokens, masked);
    const inQuantity = (tok: Token) => quantities.some((q) => overlaps(q, tok));

    const hasWord = (set: Set<string>) => tokens.some((t) => set.has(t.lower) && !inQuantity(t));
    // A negator inside a catalog value ("no loyalty tier") names the value, not a negation.
    const negTokens = tokens.filter(
      (t) =>
        (NEGATORS.has(t.lower) || t.lower.endsWith("n't")) &&
        !inQuantity(t) &&
        !mentions.some((m) => m.value !== undefined && overlaps(m, t)),
    );
    const negated = negTokens.length > 0 || seg.negatedByConnective;

    const kindOf = (m: Mention) => this.ctx.catalog.facets.find((f) => f.id === m.facetId)?.kind;
    const attrs = mentions.filter((m) => kindOf(m) === "attribute" && m.value !== undefined);
    const items = mentions.filter((m) => kindOf(m) === "item" && m.value !== undefined);
    const measureMentions = mentions.filter((m) => MEASURE_FACETS.has(m.facetId));
    const recencyMentions = mentions.filter((m) => RECENCY_FACETS.has(m.facetId));
    const cancel =
      hasWord(CANCEL_WORDS) || measureMentions.some((m) => m.facetId === "cancellations");
    const buyVerb = hasWord(BUY_VERBS);
    const verbTokens = tokens.filter(
      (t) => (BUY_VERBS.has(t.lower) || CANCEL_WORDS.has(t.lower)) && !inQuantity(t),
    );

    // Window: every date in the clause narrows it; "N months ago" bounds it; a bare "since"
    // continues from where the previous clause's window ended.
    const windows: DateWindow[] = [];
    const windowParts: { start: number; end: number }[] = [];
    let windowConfidence = 1;
    let previousTag: Tagged | undefined;
    const both = tokens.some((t) => t.lower === "both");
    const perWindow: DateWindow[] = [];
    for (const t of tags) {
      let w = windowOf(t);
      if (!w) continue;
      // "more than 6 months ago" is before that day; "less than 30 days ago" is after it.
      // The comparison may sit before the tag or open it ("over 200 days ago").
      const before = this.text.slice(seg.start, t.start).toLowerCase();
      const words = t.text.toLowerCase().split(/\s+/);
      const firstNumber = words.findIndex((x) => /^\d/.test(x) || x in NUMBER_WORDS || x === "a");
      const lead = `${before} ${words.slice(0, Math.max(0, firstNumber)).join(" ")}`;
      if (/\bago$/i.test(t.text) && w.from) {
        if (/(more than|over|at least|longer than|greater than|>)\s*$/.test(lead))
          w = { to: w.from, label: `more than ${t.text}` };
        else if (/(less than|under|within|fewer than|<)\s*$/.test(lead))
          w = { from: w.from, label: `less than ${t.text}` };
      }
      // "earlier than 1 May 2011" is before that day; "later than" after it.
      if (/\b(earlier|sooner|prior)\s+(than|to)\s*$/.test(before) && w.from) {
        w = { to: w.from, label: `earlier than ${t.text}` };
      } else if (/\blater\s+than\s*$/.test(before) && w.to) {
        w = { from: w.to, label: `later than ${t.text}` };
      }
      // "by the end of February 2011": anything up to that end.
      if (w.to && /\bby\s*$/.test(before) && /^(the\s+)?end\s+of\b/i.test(t.text)) {
        w = { to: w.to, label: `by ${t.text}` };
      }
      // Dates joined by "or"/"and" ("October or November 2011") widen the window when they
      // touch; otherwise each date narrows it ("in 2011 ... in March").
      const joined =
        previousTag && /^\s*(,|or|and|&|\/)\s*$/i.test(this.text.slice(previousTag.end, t.start));
      const last = windows[windows.length - 1];
      // "in both 2010 and 2011": each period must hold on its own, not their span.
      if (joined && both) {
        perWindow.push(w);
      } else if (
        joined &&
        last &&
        last.to &&
        w.from &&
        last.from &&
        w.to &&
        w.from <= last.to &&
        last.from <= w.to
      ) {
        windows[windows.length - 1] = {
          from: last.from < w.from ? last.from : w.from,
          to: last.to > w.to ? last.to : w.to,
          label: `${last.label} ${this.text.slice(previousTag!.end, t.start).trim()} ${w.label}`,
        };
      } else {
        windows.push(w);
      }
      windowParts.push(t);
      windowConfidence = Math.min(windowConfidence, t.confidence);
      previousTag = t;
    }
    const agoQuantities = quantities.filter(
      (q) => DURATION_UNITS[q.unit[0] ?? ""] && q.unit[1] === "ago",
    );
    for (const q of agoQuantities) {
      const boundary = minusDuration(this.ctx.dates.asOf, q.value, DURATION_UNITS[q.unit[0]!]!);
      // "more than 3 months ago": before the boundary; "less than 30 days ago": after it.
      const before = q.op === "gt" || q.op === "gte";
      windows.push(
        before
          ? { to: boundary, label: q.text + " ago" }
          : { from: boundary, label: q.text + " ago" },
      );
      windowParts.push(q);
    }
    // "but not since", "but never after", "nothing afterwards": from the end of that window.
    const sinceIdx = tokens.findIndex(
      (t) =>
        ["since", "after", "afterwards", "afterward", "thereafter"].includes(t.lower) &&
        !tags.some((tag) => overlaps(tag, t)),
    );
    if (sinceIdx >= 0 && prev?.window?.to) {
      windows.push({ from: prev.window.to, label: `since ${prev.window.label}` });
      windowParts.push(tokens[sinceIdx]!);
    }
    // "candles in Q3 2011 and textiles in Q4 2011": each item takes the date after it.
    const itemWindows = pairItemsWithDates(
      mentions.filter((m) => kindOf(m) === "item" && m.value !== undefined),
      tags,
    );
    let window: DateWindow | undefined;
    const inter = itemWindows ? undefined : intersectWindows(windows);
    if (inter === "empty") {
      this.ambiguities.push({
        key: `empty-window:${seg.start}`,
        kind: "ambiguous_value",
        span: { text: seg.text, start: seg.start, end: seg.end },
        question: `The dates in "${seg.text}" do not overlap, so no order can match. Which period did you mean?`,
        options: windows.map((w) => ({ label: w.label, replacement: w.label })),
      });
    } else {
      window = inter;
    }
    // "...spent less than £250 in that period": the window of the clause before.
    const segLower = seg.text.toLowerCase();
    const windowAnaphor =
      /\b(that|the same|this) (period|time|timeframe|window|year|month|quarter|season)\b/.exec(
        segLower,
      );
    if (!window && windowAnaphor && prev?.window) {
      window = prev.window;
      const start = seg.start + windowAnaphor.index;
      windowParts.push({ start, end: start + windowAnaphor[0].length });
    }

    const nodes: RuleNode[] = [];
    const countQuantities = quantities.filter((q) => !agoQuantities.includes(q));

    // Attributes: values of one facet in a clause are alternatives (a customer has one
    // country, one age band); different facets must all hold.
    const clauseNegatesAttrs = negated && !buyVerb && !items.length && !countQuantities.length;
    for (const facet of [...new Set(attrs.map((m) => m.facetId))]) {
      const group = attrs.filter((m) => m.facetId === facet);
      // "outside London acquired via email": "outside"/"non-" negate the values they precede.
      const before = this.text.slice(seg.start, group[0]!.start).toLowerCase();
      const outside = /\boutside(\s+of)?(\s+the)?\s*$|\bnon-$/.test(before);
      const attrNegated = outside || clauseNegatesAttrs;
      const condition: AttributeCondition = {
        type: "attribute",
        facet,
        op: attrNegated ? "not_in" : "in",
        values: [...new Set(group.map((m) => m.value!))],
        provenance: this.provenance(
          group,
          group.every((m) => m.exact) ? "catalog" : "inferred",
          Math.min(...group.map((m) => m.score)),
        ),
      };
      nodes.push(condition);
    }

    const frameEvent: Frame["event"] = cancel ? "cancellation" : (prev?.event ?? "order");
    const effectiveWindow = window ?? (buyVerb || cancel ? undefined : prev?.window);
    const windowOf2 = (g: Mention[] | undefined): { window?: DateWindow } => {
      const w = (g && itemWindows?.get(g[0]!)) ?? effectiveWindow;
      return w ? { window: w } : {};
    };
    // A group's first facet is the item; its other facets filter the same line.
    const itemFilter = (group: Mention[]) => {
      const facets = [...new Set(group.map((m) => m.facetId))];
      const [item, ...andItems] = facets.map((facet) => ({
        facet,
        values: [...new Set(group.filter((m) => m.facetId === facet).map((m) => m.value!))],
      }));
      return { item: item!, ...(andItems.length ? { andItems } : {}) };
    };
    // Items joined by "or" share one condition; "and"/"both" need each bought.
    let itemGroups: Mention[][] = [];
    for (const m of items) {
      const last = itemGroups[itemGroups.length - 1];
      const prevItem = last?.[last.length - 1];
      // Same facet joined by "or": alternatives. Different facets side by side ("Nike
      // trainers", "red retrospot bags"): one line that is both.
      const adjacent = prevItem && /^\s*$/.test(this.text.slice(prevItem.end, m.start));
      // Items dated differently ("Easter items in April or garden products in May") stay apart.
      const sameDate =
        !itemWindows || !prevItem || itemWindows.get(prevItem) === itemWindows.get(m);
      if (
        last &&
        prevItem &&
        sameDate &&
        prevItem.facetId === m.facetId &&
        this.coordination(prevItem, m) === "or"
      )
        last.push(m);
      else if (
        last &&
        prevItem &&
        prevItem.facetId !== m.facetId &&
        adjacent &&
        !last.some((x) => x.facetId === m.facetId)
      )
        last.push(m);
      else itemGroups.push([m]);
    }
    const anyObject = tokens.some((t) => ["nothing", "anything", "none", "any"].includes(t.lower));
    // "bought toys but not in 2011": an elliptical clause with only a window keeps the items.
    const inheritsItems =
      itemGroups.length === 0 &&
      !anyObject &&
      !buyVerb &&
      !cancel &&
      !attrs.length &&
      !countQuantities.length &&
      !recencyMentions.length &&
      window !== undefined;
    // "...but spent under £50 on them": the items of the clause before.
    const itemAnaphor = /\b(on|of|for) (them|those|these|it|that|those items|these items)\b/.test(
      segLower,
    );
    if ((inheritsItems || (itemAnaphor && itemGroups.length === 0)) && prev?.items)
      itemGroups = prev.items;
    const orBetweenGroups =
      itemGroups.length > 1 &&
      itemGroups.every(
        (g, i) => i === 0 || this.coordination(itemGroups[i - 1]!.at(-1)!, g[0]!) === "or",
      );

    const behaviourNodes: RuleNode[] = [];
    // Aggregates: each comparison becomes one condition on what was bought in the window.
    for (const q of countQuantities) {
      // "at least one but fewer than twenty orders": a bare bound takes its partner's measure.
      const measure =
        this.measureFor(q, measureMentions, tokens, cancel) ??
        countQuantities
          .filter((o) => o !== q && o.unit.length > 0)
          .map((o) => this.measureFor(o, measureMentions, tokens, cancel))
          .find((m) => m !== undefined);
      if (!measure) {
        this.ambiguities.push({
          key: `measure:${q.text.toLowerCase()}`,
          kind: "missing_value",
          span: { text: q.text, start: q.start, end: q.end },
          question: `"${q.text}" of what?`,
          options: [
            { label: `${q.text} orders`, replacement: `${q.text} orders` },
            { label: `spent ${q.text} pounds`, replacement: `spent ${q.text} pounds` },
            { label: `${q.text} units`, replacement: `${q.text} units` },
          ],
        });
        continue;
      }
      const comparison = {
        op: q.op,
        value: q.value,
        ...(q.value2 !== undefined ? { value2: q.value2 } : {}),
      };
      // The span is the comparison with the measure word right before it ("spent over £500"),
      // so two comparisons in one clause keep apart spans.
      const before = [...measureMentions, ...verbTokens].filter(
        (m) => m.end <= q.start && /^\s*$/.test(this.text.slice(m.end, q.start)),
      );
      const after = measureMentions.filter(
        (m) =>
          m.start >= q.end && q.unit.length > 0 && m.start - q.end <= 2 + q.unit.join(" ").length,
      );
      const parts: { start: number; end: number }[] = [
        q,
        ...before,
        ...after,
        ...windowParts.filter((w) => countQuantities.length === 1 || overlaps(w, q)),
      ];
      const groups = itemGroups.length ? itemGroups : [undefined];
      for (const g of groups) {
        const condition: BehaviourCondition = {
          type: "behaviour",
          event: measure.event,
          ...(g ? itemFilter(g) : {}),
          ...windowOf2(g),
          measure: measure.measure,
          comparison,
          provenance: this.provenance(
            [...parts, ...(g ?? [])],
            measure.fromCatalog ? "catalog" : "inferred",
            Math.min(
              q.confidence,
              windowConfidence,
              measure.confidence,
              ...(g ?? []).map((m) => m.score),
            ),
          ),
        };
        behaviourNodes.push(condition);
      }
    }

    // Recency: "whose first order was in Q1 2011", "last purchase before March".
    let recencyUsed = false;
    if (recencyMentions.length && effectiveWindow && !countQuantities.length) {
      const m = recencyMentions[0]!;
      const condition: RecencyCondition = {
        type: "recency",
        which: m.facetId === "first_purchase" ? "first" : "last",
        window: effectiveWindow,
        provenance: this.provenance(
          [m, ...windowParts],
          "catalog",
          Math.min(m.score, windowConfidence),
        ),
      };
      behaviourNodes.push(condition);
      recencyUsed = true;
    } else if (recencyMentions.length && !effectiveWindow) {
      const m = recencyMentions[0]!;
      this.ambiguities.push({
        key: `recency-window:${m.text.toLowerCase()}`,
        kind: "missing_value",
        span: { text: m.text, start: m.start, end: m.end },
        question: `When should the ${m.label.toLowerCase()} be?`,
        options: [
          { label: "in the last 30 days", replacement: `${m.text} in the last 30 days` },
          { label: "in the last 90 days", replacement: `${m.text} in the last 90 days` },
          { label: "before the last 6 months", replacement: `${m.text} before the last 6 months` },
        ],
      });
      recencyUsed = true;
    }

    // Plain "bought X": one existence condition per item group, or any order when the
    // clause only has a verb, an inherited frame or a window ("active in 2011", "nothing in
    // December").
    if (!countQuantities.length && !recencyUsed) {
      const dateOnly =
        !negated &&
        itemGroups.length === 0 &&
        !buyVerb &&
        !cancel &&
        !anyObject &&
        !attrs.length &&
        !recencyMentions.length &&
        !measureMentions.length;
      if (dateOnly && window) {
        this.reportUnmapped(seg, tokens, { tags, mentions, quantities, nodes });
        return {
          nodes,
          frame: prev,
          dateOnly: { window, parts: windowParts, confidence: windowConfidence },
        };
      }
      // A negated date ("but not since", "but not in 2011") negates the frame's buying.
      const wantsExists =
        itemGroups.length > 0 ||
        buyVerb ||
        cancel ||
        anyObject ||
        (window !== undefined && prev !== undefined);
      if (wantsExists) {
        const groups = itemGroups.length ? itemGroups : [undefined];
        for (const g of groups) {
          const parts = [...(g ?? []), ...windowParts, ...verbTokens];
          if (parts.length === 0) parts.push(seg);
          const condition: BehaviourCondition = {
            type: "behaviour",
            event: frameEvent,
            ...(g ? itemFilter(g) : {}),
            ...windowOf2(g),
            measure: "exists",
            provenance: this.provenance(
              parts,
              g && g.every((m) => m.exact) ? "catalog" : "inferred",
              Math.min(windowConfidence, ...(g ?? []).map((m) => m.score)),
            ),
          };
          behaviourNodes.push(condition);
        }
      }
    }

    // "Both X and Y" periods: the same conditions again for every further period.
    for (const w of perWindow) {
      for (const n of [...behaviourNodes]) {
        if (n.type === "behaviour") behaviourNodes.push({ ...n, window: w });
      }
    }
    let behaviour: RuleNode | undefined;
    if (behaviourNodes.length === 1) behaviour = behaviourNodes[0];
    else if (behaviourNodes.length > 1)
      behaviour = { type: orBetweenGroups ? "or" : "and", children: behaviourNodes };
    if (behaviour && negated) behaviour = this.negate(behaviour, negTokens[0] ?? seg);
    if (behaviour) nodes.push(behaviour);

    this.reportUnmapped(seg, tokens, { tags, mentions, quantities, nodes });

    const frame: Frame | undefined =
      buyVerb || cancel || itemGroups.length || countQuantities.length
        ? {
            event: frameEvent,
            window: effectiveWindow,
            items: itemGroups.length ? itemGroups : undefined,
          }
        : prev;
    return { nodes, frame };
  }

  /**
   * "Have not purchased in the last 90 days" / "nothing since June": per the data contract a
   * lapse means the customer has orders and the latest is before the boundary, so an
   * open-ended negated existence becomes a last-purchase condition.
   */
  private negate(node: RuleNode, cue: { start: number; end: number }): RuleNode {
    // "Never bought X" means no line for X at all, cancelled ones included (data contract).
    if (/^never$/i.test(this.text.slice(cue.start, cue.end))) node = this.neverAnyLine(node);
    if (
      node.type === "behaviour" &&
      node.event === "order" &&
      node.measure === "exists" &&
      !node.item &&
      node.window?.from &&
      (!node.window.to || node.window.to >= this.ctx.dates.asOf)
    ) {
      const recency: RecencyCondition = {
        type: "recency",
        which: "last",
        window: { to: node.window.from, label: `no order on or after ${node.window.from}` },
        provenance: {
          ...node.provenance,
          ...this.spanOf([node.provenance, cue]),
          source: "inferred",
        },
      };
      return recency;
    }
    return { type: "not", child: node, provenance: this.provenance([cue], "inferred", 0.95) };
  }

  private neverAnyLine(node: RuleNode): RuleNode {
    if (
      node.type === "behaviour" &&
      node.event === "order" &&
      node.measure === "exists" &&
      node.item
    )
      return { ...node, event: "line" };
    if (node.type === "and" || node.type === "or")
      return { ...node, children: node.children.map((c) => this.neverAnyLine(c)) };
    return node;
  }

  private spanOf(parts: { start: number; end: number }[]) {
    const start = Math.min(...parts.map((p) => p.start));
    const end = Math.max(...parts.map((p) => p.end));
    return { span: this.text.slice(start, end), start, end };
  }

  private measureFor(
    q: QuantityTag,
    measureMentions: Mention[],
    tokens: Token[],
    cancel: boolean,
  ):
    | {
        measure: Exclude<Measure, "exists">;
        event: "order" | "cancellation";
        fromCatalog: boolean;
        confidence: number;
      }
    | undefined {
    const unit = q.unit.join(" ");
    const event = cancel ? "cancellation" : "order";
    const distinct = /\b(distinct|different|unique|separate)\b/.test(unit);
    // "5 separate orders", "3 different orders": orders, however they are qualified.
    if (
      /^(?:(?:separate|different|distinct|individual|unique)\s+)?(times|orders?|purchases?|transactions?|invoices?|visits?|occasions?)\b/.test(
        unit,
      ) ||
      /\bcancell?ed orders?\b/.test(unit)
    ) {
      return { measure: "orders", event, fromCatalog: true, confidence: 1 };
    }
    if (/^(cancell?ations?|cancell?ed|returns?|refunds?)\b/.test(unit)) {
      return { measure: "orders", event: "cancellation", fromCatalog: true, confidence: 1 };
    }
    if (/^(?:(?:distinct|different|separate|unique)\s+)?(categor(y|ies))\b/.test(unit)) {
      return { measure: "distinct_categories", event, fromCatalog: true, confidence: 1 };
    }
    if (distinct || /^(skus?|products?|lines?|styles?)\b/.test(unit)) {
      return {
        measure: "distinct_products",
        event,
        fromCatalog: true,
        confidence: distinct ? 1 : 0.7,
      };
    }
    if (/^(units?|items?|pieces?|articles?)\b/.test(unit)) {
      return { measure: "units", event, fromCatalog: true, confidence: 1 };
    }
    // The closest measure word before or after the number decides ("spent over £500").
    const nearest = [...measureMentions].sort(
      (a, b) => Math.abs(a.start - q.start) - Math.abs(b.start - q.start),
    )[0];
    const aov = measureMentions.some((m) => m.facetId === "aov");
    if (aov) return { measure: "aov", event, fromCatalog: true, confidence: 1 };
    if (q.currency)
      return { measure: "spend", event, fromCatalog: nearest?.facetId === "spend", confidence: 1 };
    if (nearest) {
      const id = nearest.facetId;
      if (id === "cancellations")
        return { measure: "orders", event: "cancellation", fromCatalog: true, confidence: 0.9 };
      if (id === "spend" || id === "orders" || id === "units" || id === "distinct_products") {
        return { measure: id, event, fromCatalog: true, confidence: 0.9 };
      }
    }
    if (tokens.some((t) => t.lower === "spent" || t.lower === "spend" || t.lower === "spending")) {
      return { measure: "spend", event, fromCatalog: false, confidence: 0.8 };
    }
    return undefined;
  }

  /** Content words that nothing claimed make the request ambiguous: ask, don't guess. */
  private reportUnmapped(
    seg: SubSegment,
    tokens: Token[],
    claimed: { tags: DateTag[]; mentions: Mention[]; quantities: QuantityTag[]; nodes: RuleNode[] },
  ): void {
    // Words in parentheses explain ("Fees (postage, carriage and similar charges)"); what
    // they add is linked, what is not linked does not block.
    const parens = [...this.text.matchAll(/\([^()]*\)/g)].map((m) => ({
      start: m.index ?? 0,
      end: (m.index ?? 0) + m[0].length,
    }));
    const covered = (t: Token) =>
      parens.some((x) => overlaps(x, t)) ||
      claimed.tags.some((x) => overlaps(x, t)) ||
      claimed.mentions.some((x) => overlaps(x, t)) ||
      claimed.quantities.some((q) => overlaps(q, t) || q.unit.slice(0, 2).includes(t.lower));
    const leftovers = tokens.filter(
      (t) =>
        t.kind === "word" &&
        !covered(t) &&
        !FILLERS.has(t.lower) &&
        !STRUCTURAL.has(t.lower) &&
        !NEGATORS.has(t.lower) &&
        !t.lower.endsWith("n't") &&
        !BUY_VERBS.has(t.lower) &&
        !CANCEL_WORDS.has(t.lower),
    );
    const runs: Token[][] = [];
    for (const t of leftovers) {
      const run = runs[runs.length - 1];
      const last = run?.[run.length - 1];
      if (run && last && /^\s*$/.test(this.text.slice(last.end, t.start))) run.push(t);
      else runs.push([t]);
    }
    for (const run of runs) {
      const start = run[0]!.start;
      const end = run[run.length - 1]!.end;
      const phrase = this.text.slice(start, end);
      const suggestions = this.ctx.retriever
        .search(phrase, { limit: 3, kinds: ["attribute", "item", "measure"] })
        .filter((h) => h.score > 0.3);
      this.ambiguities.push({
        key: `unmapped:${phrase.toLowerCase()}`,
        kind: "unmapped",
        span: { text: phrase, start, end },
        question:
          `I could not match "${phrase}" to anything in the ${this.ctx.catalog.tenant} catalog` +
          ` (in "${seg.text}"). What did you mean?`,
        options: [
          ...suggestions.map((h) => ({
            label: h.value ? `${h.label} (${h.facetId})` : h.label,
            replacement: h.value ? h.label : h.matched,
          })),
          { label: `Ignore "${phrase}"`, replacement: "" },
        ],
      });
    }
  }
}

function combine(parts: { connective: "and" | "or"; node: RuleNode }[]): RuleNode | null {
  if (parts.length === 0) return null;
  // "or" binds the clause to the one before it; "and" separates.
  const conjuncts: RuleNode[][] = [];
  for (const p of parts) {
    if (p.connective === "or" && conjuncts.length) conjuncts[conjuncts.length - 1]!.push(p.node);
    else conjuncts.push([p.node]);
  }
  const children = conjuncts.map((c) =>
    c.length === 1 ? c[0]! : ({ type: "or", children: c } as RuleNode),
  );
  const flat = children.flatMap((c) => (c.type === "and" ? c.children : [c]));
  return flat.length === 1 ? flat[0]! : { type: "and", children: flat };
}

const withoutProvenance = (n: RuleNode) =>
  JSON.stringify(n, (k, v) => (k === "provenance" ? undefined : v));

/**
 * Drops conditions stated twice, and "bought anything in W" when a sibling already
 * requires buying something in W.
 */
function simplify(node: RuleNode): RuleNode {
  if (node.type === "not") return { ...node, child: simplify(node.child) };
  if (node.type !== "and" && node.type !== "or") return node;
  const seen = new Set<string>();
  const children = node.children.map(simplify).filter((c) => {
    const key = withoutProvenance(c);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  if (children.length === 1) return children[0]!;
  if (node.type === "or") return { ...node, children };
  const key = (w?: DateWindow) => `${w?.from ?? ""}|${w?.to ?? ""}`;
  const kept = children.filter((c) => {
    if (c.type !== "behaviour" || c.measure !== "exists" || c.item) return true;
    return !children.some(
      (o) =>
        o !== c && o.type === "behaviour" && o.event === c.event && key(o.window) === key(c.window),
    );
  });
  return kept.length === 1 ? kept[0]! : { ...node, children: kept };
}

export function mapRequest(
  input: { text: string; subSegments: SubSegment[]; dates: DateTagResult; mentions: Mention[] },
  ctx: SkillContext,
): MapResult {
  const mapper = new ClauseMapper(input.text, ctx);
  const parts: { connective: "and" | "or"; node: RuleNode }[] = [];
  let frame: Frame | undefined;
  let previous: RuleNode[] = [];
  // "New customers" / "first-time buyers": the period they came in is a first purchase.
  const newCustomers = input.subSegments.find((s) => s.zone === "pre" && NEW_CUSTOMER.test(s.text));
  let newConsumed = false;
  let pending: (NonNullable<ClauseResult["dateOnly"]> & { connective: "and" | "or" }) | undefined;
  /** A date alone: bought anything then, or, for new customers, first bought then. */
  const activeIn = (d: NonNullable<ClauseResult["dateOnly"]>): RuleNode => {
    const provenance = mapper.provenance(
      d.parts,
      newCustomers ? "inferred" : "default",
      d.confidence * 0.9,
    );
    const node: RuleNode =
      newCustomers && !newConsumed
        ? { type: "recency", which: "first", window: d.window, provenance }
        : { type: "behaviour", event: "order", window: d.window, measure: "exists", provenance };
    newConsumed ||= Boolean(newCustomers);
    return node;
  };
  for (const seg of input.subSegments) {
    const result = mapper.mapClause(
      seg,
      input.mentions.filter((m) => m.subSegmentId === seg.id),
      input.dates.tags.filter((t) => t.subSegmentId === seg.id),
      frame,
    );
    frame = result.frame ?? frame;
    let nodes = result.nodes;
    if (result.dateOnly) {
      const { window, parts: spans, confidence } = result.dateOnly;
      const dated = previous.map((n) => withWindow(n, window));
      if (!newCustomers && dated.some((n, i) => n !== previous[i])) {
        // Re-date the previous clause's conditions in place.
        for (const [i, n] of dated.entries()) {
          const at = parts.findIndex((p) => p.node === previous[i]);
          if (at >= 0) parts[at] = { ...parts[at]!, node: n };
        }
        previous = dated;
        continue;
      }
      // "customers who, in Q3 2011, bought lighting": the date leads the clause it dates.
      if (!newCustomers && seg !== input.subSegments.at(-1)) {
        pending = { ...result.dateOnly, connective: seg.connective };
        continue;
      }
      nodes = [activeIn({ window, parts: spans, confidence })];
    } else if (pending && nodes.length) {
      const dated = nodes.map((n) => withWindow(n, pending!.window));
      if (dated.some((n, i) => n !== nodes[i])) nodes = dated;
      else parts.push({ connective: pending.connective, node: activeIn(pending) });
      pending = undefined;
    }
    nodes.forEach((node, i) => parts.push({ connective: i === 0 ? seg.connective : "and", node }));
    if (nodes.length) previous = nodes;
  }
  if (pending) parts.push({ connective: pending.connective, node: activeIn(pending) });
  newConsumed ||= parts.some((p) =>
    conditionsOf(p.node).some((c) => c.type === "recency" && c.which === "first"),
  );
  if (newCustomers && !newConsumed) {
    mapper.ambiguities.push({
      key: `new-customers:${newCustomers.text.toLowerCase()}`,
      kind: "missing_value",
      span: { text: newCustomers.text, start: newCustomers.start, end: newCustomers.end },
      question: `New since when? "${newCustomers.text}" needs the period of their first order.`,
      options: NEW_OPTIONS.map((o) => ({ label: o, replacement: "", append: o })),
    });
  }
  const root = zeroSpendForPopulations(combine(parts));
  const stated = root
    ? conditionsOf(root).some((c) => c.type === "behaviour" && c.comparison)
    : false;
  const lapseStated = root
    ? conditionsOf(root).some((c) => c.type === "recency" && c.which === "last")
    : false;
  const ambiguities = mapper.ambiguities.flatMap((a) => {
    const words = a.span.text.toLowerCase().split(/[\s-]+/);
    if (a.kind === "unmapped" && words.every((w) => LAPSE_WORDS.has(w))) {
      if (lapseStated) return [];
      return [
        {
          ...a,
          question: `How long without an order makes a customer "${a.span.text}"?`,
          options: LAPSE_OPTIONS.map((o) => ({ label: o, replacement: "", append: o })),
        },
      ];
    }
    if (a.kind !== "unmapped" || !words.every((w) => EVALUATIVE.has(w))) return [a];
    // "High spenders who spent £10k+": the threshold is stated, the adjective adds nothing.
    if (stated) return [];
    return [
      {
        ...a,
        question: `What makes a customer "${a.span.text}"? Pick a threshold or type your own.`,
        options: EVALUATIVE_OPTIONS.map((o) => ({ label: o, replacement: "", append: o })),
      },
    ];
  });
  return {
    root: root && simplify(root),
    ambiguities,
    confidence: root ? mapper.confidence : 0,
    producer: MAP_PRODUCER,
  };
}
