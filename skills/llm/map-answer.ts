/**
 * What the mapping model answers (the structured-output schema) and the strict reading of it
 * into a rule tree. The model only chooses: facets and values among the candidates retrieved
 * for the request, windows among the date tags the rules found, spans among the request's own
 * words. Anything else makes the whole answer invalid, so an invented facet, a value smuggled
 * in by the request's text or a paraphrased span never reaches the segment.
 */
import { z } from "zod";
import {
  facetById,
  storedMeasure,
  type Facet,
  type MeasureSpec,
  type TenantCatalog,
} from "../../state/catalog.ts";
import {
  Comparison,
  ComparisonOp,
  RuleNode,
  type DateWindow,
  type ItemFilter,
  type Provenance,
} from "../../state/segment.ts";
import type { DateTagResult, Mention } from "../types.ts";

// Nullable rather than optional: strict structured-output modes require every key.
export const MapAnswerCondition = z.object({
  span: z.string(),
  kind: z.enum(["attribute", "behaviour", "recency"]),
  negated: z.boolean(),
  facet: z.string().nullable(),
  values: z.array(z.string()),
  event: z.enum(["order", "cancellation"]).nullable(),
  items: z.array(z.object({ facet: z.string(), values: z.array(z.string()) })),
  measure: z.string().nullable(),
  op: ComparisonOp.nullable(),
  value: z.number().nullable(),
  value2: z.number().nullable(),
  dateTag: z.number().int().nullable(),
});
export type MapAnswerCondition = z.infer<typeof MapAnswerCondition>;

export const MapAnswer = z.object({
  conditions: z.array(MapAnswerCondition),
  combine: z.enum(["and", "or"]),
  confidence: z.number().min(0).max(1),
  unmapped: z.array(z.string()),
});
export type MapAnswer = z.infer<typeof MapAnswer>;

/** What the model may choose from: the retrieved values per facet, and every measure. */
export interface Candidates {
  /** facet id -> canonical values retrieved for this request (empty: the facet itself). */
  values: Map<string, Set<string>>;
}

export function candidatesOf(mentions: Mention[]): Candidates {
  const values = new Map<string, Set<string>>();
  for (const m of mentions) {
    const set = values.get(m.facetId) ?? new Set<string>();
    if (m.value !== undefined) set.add(m.value);
    values.set(m.facetId, set);
  }
  return { values };
}

export interface ReadContext {
  text: string;
  catalog: TenantCatalog;
  dates: DateTagResult;
  candidates: Candidates;
  producer: string;
  /** For an edit's conditions: the version whose words the spans quote. */
  version?: number;
}

export type ReadResult =
  { ok: true; root: RuleNode; confidence: number } | { ok: false; problems: string[] };

/** A part of the answer that cannot be read; the whole answer is then invalid. */
export class Invalid extends Error {}

/** Where the model's `span` is in `text` (case aside, from `from` on), as the text's own words. */
export function findSpan(
  text: string,
  span: string,
  from = 0,
): { span: string; start: number; end: number } | null {
  const trimmed = span.trim();
  const start = trimmed ? text.toLowerCase().indexOf(trimmed.toLowerCase(), from) : -1;
  if (start < 0) return null;
  return { span: text.slice(start, start + trimmed.length), start, end: start + trimmed.length };
}

export function spanOf(text: string, span: string): { span: string; start: number; end: number } {
  const found = findSpan(text, span);
  if (!found) throw new Invalid(`span "${span}" is not words of the request`);
  return found;
}

export function facetOfKind(ctx: ReadContext, id: string | null, kind: Facet["kind"]): Facet {
  const facet = id ? facetById(ctx.catalog, id) : undefined;
  if (!facet || facet.kind !== kind) throw new Invalid(`"${id}" is not a ${kind} facet`);
  return facet;
}

/** Values of a retrieved facet that the retrieval offered and the catalog holds. */
export function pickedValues(ctx: ReadContext, facet: Facet, values: string[]): string[] {
  const offered = ctx.candidates.values.get(facet.id);
  if (!offered) throw new Invalid(`facet "${facet.id}" was not retrieved for this request`);
  if (values.length === 0) throw new Invalid(`facet "${facet.id}" needs values`);
  const known = facet.values ? new Set(facet.values.map((v) => v.value)) : undefined;
  for (const v of values) {
    if (!offered.has(v) || (known && !known.has(v))) {
      throw new Invalid(`"${v}" is not a retrieved value of "${facet.id}"`);
    }
  }
  return [...new Set(values)];
}

export function windowOf(ctx: ReadContext, index: number | null): DateWindow | undefined {
  if (index === null) return undefined;
  const tag = ctx.dates.tags[index];
  if (!tag) throw new Invalid(`date tag ${index} does not exist`);
  return { from: tag.from, to: tag.to, label: tag.text };
}

function measureFacet(ctx: ReadContext, id: string): Facet & { measure: MeasureSpec } {
  const facet = facetOfKind(ctx, id, "measure");
  if (!facet.measure) throw new Invalid(`"${id}" is not a measure`);
  return facet as Facet & { measure: MeasureSpec };
}

function behaviour(ctx: ReadContext, c: MapAnswerCondition, provenance: Provenance): RuleNode {
  const items: ItemFilter[] = c.items.map((i) => {
    const facet = facetOfKind(ctx, i.facet, "item");
    return { facet: facet.id, values: pickedValues(ctx, facet, i.values) };
  });
  const window = windowOf(ctx, c.dateTag);
  const base = {
    type: "behaviour" as const,
    ...(items[0] ? { item: items[0] } : {}),
    ...(items.length > 1 ? { andItems: items.slice(1) } : {}),
    ...(window ? { window } : {}),
    provenance,
  };
  if (c.measure === "exists" || c.measure === null) {
    return { ...base, event: c.event ?? "order", measure: "exists" };
  }
  const facet = measureFacet(ctx, c.measure);
  const stored = storedMeasure(facet);
  if (c.op === null || c.value === null)
    throw new Invalid(`measure "${c.measure}" needs op and value`);
  const parsed = Comparison.safeParse({
    op: c.op,
    value: c.value,
    ...(c.op === "between" && c.value2 !== null ? { value2: c.value2 } : {}),
  });
  if (!parsed.success) throw new Invalid(`comparison of "${c.measure}" is not valid`);
  // The data contract: a customer with no orders spent 0, so "under £100" includes them.
  const includesZero = ["lt", "lte"].includes(c.op) && c.value > 0;
  return {
    ...base,
    event: stored.event,
    measure: stored.measure,
    comparison: parsed.data,
    ...(facet.measure.zeroIfNone && includesZero && !items.length ? { zeroIfNone: true } : {}),
  };
}

/** One condition of an answer as a rule node; Invalid when any part of it is not allowed. */
export function readCondition(
  ctx: ReadContext,
  c: MapAnswerCondition,
  confidence: number,
): RuleNode {
  const where = spanOf(ctx.text, c.span);
  const source = c.kind === "behaviour" && !c.items.length ? "inferred" : "catalog";
  const provenance: Provenance = {
    ...where,
    source,
    confidence,
    producer: ctx.producer,
    ...(ctx.version ? { version: ctx.version } : {}),
  };
  let node: RuleNode;
  if (c.kind === "attribute") {
    const facet = facetOfKind(ctx, c.facet, "attribute");
    node = {
      type: "attribute",
      facet: facet.id,
      op: "in",
      values: pickedValues(ctx, facet, c.values),
      provenance,
    };
  } else if (c.kind === "recency") {
    const facet = facetOfKind(ctx, c.facet, "recency");
    const window = windowOf(ctx, c.dateTag);
    if (!window) throw new Invalid(`recency "${facet.id}" needs a date tag`);
    node = { type: "recency", which: facet.recency?.which ?? "last", window, provenance };
  } else {
    node = behaviour(ctx, c, provenance);
  }
  return c.negated ? { type: "not", child: node, provenance } : node;
}

/** The answer as a rule tree, or every reason it cannot be one. */
export function readMapAnswer(answer: MapAnswer, ctx: ReadContext): ReadResult {
  if (answer.unmapped.length) {
    return { ok: false, problems: answer.unmapped.map((w) => `unmapped: "${w}"`) };
  }
  if (!answer.conditions.length) return { ok: false, problems: ["no conditions"] };
  const problems: string[] = [];
  const nodes: RuleNode[] = [];
  for (const c of answer.conditions) {
    try {
      nodes.push(readCondition(ctx, c, answer.confidence));
    } catch (err) {
      if (!(err instanceof Invalid)) throw err;
      problems.push(err.message);
    }
  }
  if (problems.length) return { ok: false, problems };
  const tree: RuleNode = nodes.length === 1 ? nodes[0]! : { type: answer.combine, children: nodes };
  // The rule tree's own schema last: windows and comparisons it rejects are invalid too.
  const checked = RuleNode.safeParse(tree);
  if (!checked.success) return { ok: false, problems: checked.error.issues.map((i) => i.message) };
  return { ok: true, root: checked.data, confidence: answer.confidence };
}
