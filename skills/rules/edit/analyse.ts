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
  const quantities = tagQuantities(part, partTokens, masked).map((q) => ({
    ...shift(q),
    tokens: q.tokens,
  }));
  const tokens = partTokens.map(shift);
  return {
    text,
    tokens,
    dates: dated.tags.map(shift),
    quantities,
    mentions: shortlisted.mentions.map(shift),
    cues: allCues(text, tokens),
  };
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
): Promise<Fragment> {
  const content = text.slice(range.start, range.end).trim();
  if (!content) return { root: null, ambiguities: [], confidence: 0 };
  const lead = text.indexOf(content, range.start);
  const first = tokenize(content)[0]?.lower ?? "";
  const prefix = OPENERS.has(first) ? "customers " : "customers who ";
  const request = prefix + content;
  const decomposition = await skills.decompose.decompose(request, ctx);
  const [dates, shortlist] = await Promise.all([
    skills.tagDates.tag(request, decomposition.subSegments, ctx),
    skills.shortlist.shortlist(request, decomposition.subSegments, ctx),
  ]);
  const mapped = await skills.map.map(
    { text: request, subSegments: decomposition.subSegments, dates, shortlist },
    ctx,
  );
  const offset = lead - prefix.length;
  const toMessage = (n: number) => Math.min(Math.max(n + offset, lead), lead + content.length);
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
