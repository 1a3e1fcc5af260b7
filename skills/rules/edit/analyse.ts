/**
 * The typed tokens of an edit message: its cues, date tags, quantities and catalog mentions,
 * found by the same skills that read a creation request (through the SkillSet interfaces: no
 * second parser), plus the mapping of a content fragment ("who spent over £500") to a rule
 * tree whose provenance points at the edit's own words.
 */
import type { Provenance, RuleNode } from "../../../state/segment.ts";
import type { Ambiguity, Mention, SkillContext, SkillSet } from "../../types.ts";
import type { DateTag } from "../dates.ts";
import { tagQuantities, type QuantityTag } from "../quantities.ts";
import { tokenize, type Token } from "../text.ts";
import { allCues, type Cue } from "./cues.ts";

export type LanguageSkills = Pick<SkillSet, "decompose" | "tagDates" | "shortlist" | "map">;

export interface Span {
  start: number;
  end: number;
}

export interface Analysis {
  text: string;
  tokens: Token[];
  dates: DateTag[];
  quantities: QuantityTag[];
  mentions: Mention[];
  cues: Cue[];
}

export function overlaps(a: Span, b: Span): boolean {
  return a.start < b.end && b.start < a.end;
}

export function inside(a: Span, range: Span): boolean {
  return a.start >= range.start && a.end <= range.end;
}

/** Runs the language skills over `text` (or a part of it) and types its tokens. */
export async function analyse(
  text: string,
  ctx: SkillContext,
  skills: LanguageSkills,
  range: Span = { start: 0, end: text.length },
): Promise<Analysis> {
  const part = text.slice(range.start, range.end);
  const shift = <T extends Span>(x: T): T => ({
    ...x,
    start: x.start + range.start,
    end: x.end + range.start,
  });
  const decomposition = await skills.decompose.decompose(part, ctx);
  const [dated, shortlisted] = await Promise.all([
    skills.tagDates.tag(part, decomposition.subSegments, ctx),
    skills.shortlist.shortlist(part, decomposition.subSegments, ctx),
  ]);
  const partTokens = tokenize(part);
  // Dates and values claim their tokens first: "in the last 60 days" is not a quantity.
  const masked = new Set<number>();
  partTokens.forEach((t, k) => {
    if (dated.tags.some((d) => overlaps(d, t))) masked.add(k);
    if (
      shortlisted.mentions.some(
        (m) => m.value !== undefined && m.facetId !== "product_word" && overlaps(m, t),
      )
    )
      masked.add(k);
  });
  // Catalog codes written with digits ("25-34", "65+") are values, whatever the number grammar
  // would make of them.
  const coded = codedValues(part, ctx).map(shift);
  partTokens.forEach((t, k) => {
    if (coded.some((m) => overlaps(m, shift(t)))) masked.add(k);
  });
  const tagged = tagQuantities(part, partTokens, masked).map((q) => ({
    ...shift(q),
    tokens: q.tokens,
  }));
  const tokens = partTokens.map(shift);
  const mentions = [...shortlisted.mentions.map(shift), ...coded];
  mentions.push(...noneValues(text, tokens, mentions, ctx));
  const dates = dated.tags.map(shift);
  const quantities: QuantityTag[] = [];
  for (const q of tagged) {
    // A number that is a catalog value ("55-64", "65+") is that value, not an amount.
    // "up to 25-34": the comparator is not part of the value.
    const core = q.text.slice(q.text.search(/\d/)).trim();
    const hit =
      [q.text, core]
        .flatMap((t) => ctx.retriever.exactLookup(t))
        .find((h) => h.value !== undefined) ?? valueCoded(ctx, core);
    if (hit) {
      mentions.push({
        subSegmentId: "edit",
        start: q.start,
        end: q.end,
        text: q.text,
        facetId: hit.facetId,
        value: hit.value,
        label: hit.label,
        score: 1,
        exact: true,
      });
      continue;
    }
    // A bare year ("lose the 2024 bit", "switch it to 2024") is that calendar year.
    const year = yearOf(q, ctx.dates.asOf);
    if (year !== undefined) {
      dates.push({
        start: q.start,
        end: q.end,
        text: q.text,
        from: `${year}-01-01`,
        to: `${year + 1}-01-01`,
        kind: "calendar",
        label: String(year),
        confidence: 0.8,
        subSegmentId: "edit",
      });
      continue;
    }
    quantities.push(q);
  }
  // A cue inside a catalog value is part of the value: the "+" of "65+", the "&" of "Food & Drink".
  const cues = allCues(text, tokens).filter(
    (c) =>
      !mentions.some(
        (m) =>
          m.value !== undefined &&
          m.facetId !== "product_word" &&
          m.start <= c.start &&
          c.stop <= m.end &&
          (m.start < c.start || c.stop < m.end),
      ),
  );
  return { text, tokens, dates, quantities, mentions, cues };
}

/**
 * "the ones with no loyalty tier", "without a tier": a facet named after "no" or "without" is
 * its own "none" value, when the facet has one.
 */
function noneValues(
  text: string,
  tokens: Token[],
  mentions: Mention[],
  ctx: SkillContext,
): Mention[] {
  const out: Mention[] = [];
  for (const m of mentions) {
    if (m.value !== undefined) continue;
    const facet = ctx.catalog.facets.find((f) => f.id === m.facetId);
    const none = facet?.values?.find((v) => /^(none|no|n\/a|unknown)$/i.test(v.value));
    if (!facet || !none) continue;
    // "no loyalty tier", "without a loyalty tier".
    const before = tokens.filter((t) => t.end <= m.start).slice(-2);
    const cue = before.find((t) => t.lower === "no" || t.lower === "without");
    if (!cue) continue;
    out.push({
      ...m,
      start: cue.start,
      text: text.slice(cue.start, m.end),
      value: none.value,
      label: none.label,
      exact: true,
      score: 1,
    });
  }
  return out;
}

/** Mentions of catalog values whose codes have digits, found literally in the text. */
function codedValues(text: string, ctx: SkillContext): Mention[] {
  const out: Mention[] = [];
  for (const facet of ctx.catalog.facets) {
    if ((facet.kind !== "attribute" && facet.kind !== "item") || facet.id === "product") continue;
    for (const v of facet.values ?? []) {
      if (!/\d/.test(v.value) || v.value.length < 2) continue;
      const re = new RegExp(
        `(?<![\\w-])${v.value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![\\w-])`,
        "gi",
      );
      for (const m of text.matchAll(re)) {
        const start = m.index ?? 0;
        out.push({
          subSegmentId: "edit",
          start,
          end: start + m[0].length,
          text: m[0],
          facetId: facet.id,
          value: v.value,
          label: v.label,
          score: 1,
          exact: true,
        });
      }
    }
  }
  return out;
}

/** A catalog value whose own code is this text ("65+", "25-34" age bands). */
function valueCoded(ctx: SkillContext, text: string) {
  const key = text.replace(/\s+/g, "").toLowerCase();
  for (const facet of ctx.catalog.facets) {
    if (facet.kind !== "attribute" && facet.kind !== "item") continue;
    const v = facet.values?.find((x) => x.value.replace(/\s+/g, "").toLowerCase() === key);
    if (v) return { facetId: facet.id, value: v.value, label: v.label };
  }
  return undefined;
}

/**
 * The year a bare number names ("lose the 2024 bit", "only 2011 purchases"): an exact number
 * with no currency and no count noun after it, within ten years before the as-of date — a
 * year the tenant's data can have, not an amount like 2000.
 */
function yearOf(q: QuantityTag, asOf: string): number | undefined {
  if (q.currency || q.op !== "eq" || q.value2 !== undefined) return undefined;
  const digits = /(\d{4})$/.exec(q.text.trim())?.[1];
  if (!digits || Number(digits) !== q.value) return undefined;
  const unit = q.unit[0];
  if (
    unit &&
    /^(orders?|times?|units?|items?|products?|pounds?|customers?|people|pieces?)$/.test(unit)
  )
    return undefined;
  const year = Number(digits);
  const now = Number(asOf.slice(0, 4));
  return year >= now - 10 && year <= now ? year : undefined;
}

/** Words that open a clause after a head noun: "customers <who …>". */
const OPENERS = new Set([
  "who",
  "whose",
  "that",
  "which",
  "with",
  "having",
  "where",
  "in",
  "from",
  "at",
  "living",
  "located",
  "based",
  "since",
  "before",
  "after",
  "during",
  "between",
  "over",
  "under",
  "aged",
]);

export interface Fragment {
  root: RuleNode | null;
  ambiguities: Ambiguity[];
  confidence: number;
}

function remapProvenance(node: RuleNode, fix: (p: Provenance) => Provenance): RuleNode {
  if (node.type === "and" || node.type === "or")
    return { ...node, children: node.children.map((c) => remapProvenance(c, fix)) };
  if (node.type === "not")
    return {
      ...node,
      child: remapProvenance(node.child, fix),
      ...(node.provenance ? { provenance: fix(node.provenance) } : {}),
    };
  return { ...node, provenance: fix(node.provenance) };
}

/**
 * Maps a piece of the message as a request of its own ("customers who spent over £500"), then
 * points every condition's provenance at the message's words and at the version it will be.
 */
export async function mapFragment(
  text: string,
  range: Span,
  version: number,
  ctx: SkillContext,
  skills: LanguageSkills,
  /** Spans of edit talk to leave out ("condition", ":"), blanked so offsets stay the user's. */
  blanks: Span[] = [],
): Promise<Fragment> {
  let source = text;
  for (const b of blanks)
    source = source.slice(0, b.start) + " ".repeat(b.end - b.start) + source.slice(b.end);
  const content = source.slice(range.start, range.end).trim();
  if (!content) return { root: null, ambiguities: [], confidence: 0 };
  const lead = source.indexOf(content, range.start);
  const first = tokenize(content)[0]?.lower ?? "";
  const prefix = OPENERS.has(first) ? "customers " : "customers who ";
  // Blanked talk leaves runs of spaces: the mapper reads the words; `at` maps its offsets back.
  let collapsed = "";
  const at: number[] = [];
  for (let i = 0; i < content.length; i++) {
    const space = /\s/.test(content[i]!);
    if (space && collapsed.endsWith(" ")) continue;
    collapsed += space ? " " : content[i];
    at.push(i);
  }
  at.push(content.length);
  const request = prefix + collapsed;
  const decomposition = await skills.decompose.decompose(request, ctx);
  const [dates, shortlist] = await Promise.all([
    skills.tagDates.tag(request, decomposition.subSegments, ctx),
    skills.shortlist.shortlist(request, decomposition.subSegments, ctx),
  ]);
  const mapped = await skills.map.map(
    { text: request, subSegments: decomposition.subSegments, dates, shortlist },
    ctx,
  );
  const toMessage = (n: number) =>
    n <= prefix.length ? lead : lead + at[Math.min(n - prefix.length, at.length - 1)]!;
  const fix = (p: Provenance): Provenance => {
    const start = toMessage(p.start);
    const end = Math.max(start, toMessage(p.end));
    return { ...p, start, end, span: text.slice(start, end) || p.span, version };
  };
  return {
    root: mapped.root ? remapProvenance(mapped.root, fix) : null,
    ambiguities: mapped.ambiguities.map((a) => {
      const start = toMessage(a.span.start);
      const end = Math.max(start, toMessage(a.span.end));
      return { ...a, span: { text: text.slice(start, end), start, end } };
    }),
    confidence: mapped.confidence,
  };
}
