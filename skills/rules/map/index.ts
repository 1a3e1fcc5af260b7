/**
 * The rules-tier mapper: reads each sub-segment into typed tokens (its date tags, catalog
 * mentions, quantities and cue words), runs the named clause rules over them in pass order
 * (`passes.ts`), then the request rules that assemble the clauses into one rule tree.
 */
import type { FacetKind } from "../../../state/catalog.ts";
import type { Provenance, RuleNode } from "../../../state/segment.ts";
import type { DateTagResult, MapResult, Mention, SkillContext, SubSegment } from "../../types.ts";
import { tagDates } from "../dates.ts";
import { decomposeRequest } from "../decompose.ts";
import type { GlossaryEntry } from "../glossary.ts";
import { shortlistRequest } from "../link.ts";
import { normaliseRequest, tokenize } from "../text.ts";
import { parentheticals, readClause } from "./clause.ts";
import { CLAUSE_PASSES, REQUEST_PASSES } from "./passes.ts";
import type {
  Clause,
  ClauseFrame,
  ClauseResult,
  Frame,
  MapScope,
  RequestFrame,
  Span,
} from "./types.ts";

export const MAP_PRODUCER = "rules/map@1";

/** Expansions already mapped, per catalog and as-of date. */
const expansions = new WeakMap<object, Map<string, RuleNode | null>>();

/** The rule tree of a glossary entry's expansion, mapped by this same tier (no glossary). */
export function expansionTree(entry: GlossaryEntry, ctx: SkillContext): RuleNode | null {
  const key = `${ctx.dates.asOf}|${ctx.dates.fiscalYearStartMonth}|${entry.expansion ?? ""}`;
  let cache = expansions.get(ctx.catalog);
  if (!cache) expansions.set(ctx.catalog, (cache = new Map()));
  if (cache.has(key)) return cache.get(key)!;
  let root: RuleNode | null = null;
  if (entry.expansion) {
    const text = normaliseRequest(entry.expansion);
    const { subSegments } = decomposeRequest(text, {
      isValue: (phrase) => ctx.retriever.exactLookup(phrase).some((h) => h.value !== undefined),
    });
    const tags = subSegments.flatMap((seg) =>
      tagDates(text.slice(seg.start, seg.end), ctx.dates).map((t) => ({
        ...t,
        start: t.start + seg.start,
        end: t.end + seg.start,
        subSegmentId: seg.id,
      })),
    );
    const { mentions } = shortlistRequest(text, subSegments, ctx.retriever);
    const mapped = mapRequest(
      { text, subSegments, dates: { tags, producer: "glossary" }, mentions },
      { ...ctx, tenant: { ...ctx.tenant, glossary: [] } },
    );
    root = mapped.ambiguities.length ? null : mapped.root;
  }
  cache.set(key, root);
  return root;
}

const facetIndexes = new WeakMap<
  object,
  { kinds: Map<string, FacetKind>; events: Map<string, "order" | "cancellation"> }
>();

function scopeFor(text: string, ctx: SkillContext): MapScope {
  let index = facetIndexes.get(ctx.catalog);
  if (!index) {
    index = {
      kinds: new Map(ctx.catalog.facets.map((f) => [f.id, f.kind])),
      events: new Map(
        ctx.catalog.facets.flatMap((f) =>
          f.kind === "measure" && f.measure ? [[f.id, f.measure.event ?? "order"] as const] : [],
        ),
      ),
    };
    facetIndexes.set(ctx.catalog, index);
  }
  const { kinds, events } = index;
  const scope: MapScope = {
    text,
    ctx,
    ambiguities: [],
    confidence: 1,
    spanOf(parts: Span[]) {
      const start = Math.min(...parts.map((p) => p.start));
      const end = Math.max(...parts.map((p) => p.end));
      return { span: text.slice(start, end), start, end };
    },
    provenance(parts: Span[], source: Provenance["source"], confidence: number): Provenance {
      scope.confidence = Math.min(scope.confidence, confidence);
      return { ...scope.spanOf(parts), source, confidence, producer: MAP_PRODUCER };
    },
    facetKind: (id) => kinds.get(id),
    measureEvent: (id) => events.get(id),
    expansion: (entry) => expansionTree(entry, ctx),
  };
  return scope;
}

function newFrame(scope: MapScope, clause: Clause, prev: Frame | undefined): ClauseFrame {
  return {
    scope,
    prev,
    tagWindows: [],
    windows: [],
    windowParts: [],
    windowConfidence: 1,
    perWindow: [],
    perWindowJoin: "and",
    agoQuantities: [],
    countQuantities: [...clause.quantities],
    event: clause.cancel ? "cancellation" : "order",
    nodes: [],
    valueExpansions: new Map(),
    itemGroups: [],
    orBetweenGroups: false,
    behaviour: [],
    recencyUsed: false,
    claimed: [],
    done: false,
    fired: [],
  };
}

/** Runs the clause passes over one clause. */
export function runClausePasses(
  clause: Clause,
  scope: MapScope,
  prev: Frame | undefined,
): ClauseResult {
  const f = newFrame(scope, clause, prev);
  for (const { rules } of CLAUSE_PASSES) {
    for (const rule of rules) {
      if (f.done) break;
      if (!rule.applies(clause, f)) continue;
      rule.apply(clause, f);
      f.fired.push(rule.name);
    }
  }
  const starts =
    clause.buyVerb || clause.cancel || f.itemGroups.length > 0 || f.countQuantities.length > 0;
  const frame: Frame | undefined = f.dateOnly
    ? prev
    : starts
      ? {
          event: f.event,
          window: f.effectiveWindow,
          items: f.itemGroups.length ? f.itemGroups : undefined,
        }
      : prev;
  return {
    clause,
    nodes: [...f.nodes, ...f.behaviour],
    frame,
    dateOnly: f.dateOnly,
    fired: f.fired,
  };
}

const NEW_WORDS = new Set(["new", "first-time", "newly"]);

export function mapRequest(
  input: { text: string; subSegments: SubSegment[]; dates: DateTagResult; mentions: Mention[] },
  ctx: SkillContext,
): MapResult & { rules: string[] } {
  const scope = scopeFor(input.text, ctx);
  const allTokens = tokenize(input.text);
  const parens = parentheticals(allTokens);
  const clauses = input.subSegments.map((seg, index) =>
    readClause(
      scope,
      seg,
      { index, isLast: index === input.subSegments.length - 1 },
      input.mentions.filter((m) => m.subSegmentId === seg.id),
      input.dates.tags.filter((t) => t.subSegmentId === seg.id),
      { parens, tokens: allTokens },
    ),
  );
  const results: ClauseResult[] = [];
  let frame: Frame | undefined;
  for (const clause of clauses) {
    const result = runClausePasses(clause, scope, frame);
    frame = result.frame ?? frame;
    results.push(result);
  }
  // "New customers" / "first-time buyers": the period they came in is a first purchase.
  const newCustomers = clauses.find(
    (c) =>
      c.seg.zone === "pre" &&
      (c.tokens.some(
        (t, i) =>
          NEW_WORDS.has(t.lower) || (t.lower === "first" && c.tokens[i + 1]?.lower === "time"),
      ) ||
        c.recency.some(
          (m) => ctx.catalog.facets.find((x) => x.id === m.facetId)?.recency?.which === "first",
        )),
  )?.seg;
  const request: RequestFrame = {
    scope,
    subSegments: input.subSegments,
    clauses,
    results,
    newCustomers,
    newConsumed: false,
    parts: [],
    root: null,
    fired: [],
  };
  for (const rule of REQUEST_PASSES) {
    if (!rule.applies(request)) continue;
    rule.apply(request);
    request.fired.push(rule.name);
  }
  const root = request.root;
  return {
    root,
    ambiguities: scope.ambiguities,
    confidence: root ? scope.confidence : 0,
    producer: MAP_PRODUCER,
    rules: [...results.flatMap((r) => r.fired), ...request.fired],
  };
}
