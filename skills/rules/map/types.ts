/**
 * The mapper's working types: a clause's typed tokens (what the earlier steps found), the
 * frame a clause's rules fill in, and what one clause leaves to the next.
 */
import type { FacetKind } from "../../../state/catalog.ts";
import type { DateWindow, Provenance, RuleNode } from "../../../state/segment.ts";
import type { Ambiguity, Mention, SkillContext, SubSegment } from "../../types.ts";
import type { Cue, CueKind } from "../cues.ts";
import type { DateTag } from "../dates.ts";
import type { QuantityTag } from "../quantities.ts";
import type { GlossaryEntry } from "../glossary.ts";
import type { Token } from "../text.ts";

export type Tagged = DateTag & { subSegmentId: string };

export interface Span {
  start: number;
  end: number;
}

/** What a clause leaves to the next: its event, window and items ("but not in 2011"). */
export interface Frame {
  event: "order" | "cancellation";
  window?: DateWindow;
  /** What the clause bought, inherited by "but not in 2011" and "spent £50 on them". */
  items?: Mention[][];
}

/** Request-wide services of the rules: the text for spans, the catalog, the open questions. */
export interface MapScope {
  text: string;
  ctx: SkillContext;
  ambiguities: Ambiguity[];
  /** The lowest confidence of any provenance built so far. */
  confidence: number;
  provenance(parts: Span[], source: Provenance["source"], confidence: number): Provenance;
  spanOf(parts: Span[]): Pick<Provenance, "span" | "start" | "end">;
  facetKind(facetId: string): FacetKind | undefined;
  /** The event a measure facet aggregates (undefined for other facets). */
  measureEvent(facetId: string): "order" | "cancellation" | undefined;
  /** The rule tree a glossary entry's expansion gives (null when it maps to nothing). */
  expansion(entry: GlossaryEntry): RuleNode | null;
}

/** The typed tokens of one clause: rules read these and never re-read the sentence. */
export interface Clause {
  seg: SubSegment;
  /** Position among the request's clauses. */
  index: number;
  isLast: boolean;
  tokens: Token[];
  /** Date tags that won over the mentions they overlap (unless a mention is longer). */
  dates: Tagged[];
  /** Mentions not covered by a date. */
  mentions: Mention[];
  /** Value mentions of attribute facets ("UK", "gold tier"). */
  attrs: Mention[];
  /** Value mentions of item facets (categories, products, brands, product words). */
  items: Mention[];
  /** Mentions of measure facets ("spent", "orders", "average order value"). */
  measures: Mention[];
  /** Mentions of recency facets ("first order", "last purchase"). */
  recency: Mention[];
  /** Tenant glossary terms ("VIPs", "repeat buyers"): their conditions are the entry's. */
  terms: Mention[];
  quantities: QuantityTag[];
  cues: Cue[];
  /** Negators of the predicate: not inside a quantity ("no more than") nor a value. */
  negators: Cue[];
  /** Negated by one of its own negators or by the connective before it ("excluding"). */
  negated: boolean;
  /** Verbs of buying or cancelling outside quantities. */
  verbs: Cue[];
  buyVerb: boolean;
  cancel: boolean;
  /** Parenthetical spans of the whole request: they explain, they need not map. */
  parens: Span[];
  /** Every token of the request, for rules that look past the clause (parentheses). */
  allTokens: Token[];
}

/** What the rules of one clause build up, in pass order. */
export interface ClauseFrame {
  scope: MapScope;
  /** The frame the clause before left. */
  prev?: Frame;
  /** Candidate window of each date tag, after the modifiers that reshape it. */
  tagWindows: { tag: Tagged; window: DateWindow }[];
  /** Windows every condition of the clause must fall in (intersected). */
  windows: DateWindow[];
  /** Spans that stated those windows, for provenance. */
  windowParts: Span[];
  windowConfidence: number;
  /** Further periods each of which must hold on its own ("in both 2010 and 2011"). */
  perWindow: DateWindow[];
  /** How the further periods join: each must hold ("both", "each of"), or any ("or"). */
  perWindowJoin: "and" | "or";
  /** "more than 3 months ago": quantities that are boundaries, not aggregates. */
  agoQuantities: QuantityTag[];
  /** Quantities that compare an aggregate. */
  countQuantities: QuantityTag[];
  /** Items paired with the date that follows each ("candles in Q3 and textiles in Q4"). */
  itemWindows?: Map<Mention, DateWindow>;
  /**
   * Quantities paired with their own time ("3 orders in the last 180 days and £200 in the
   * last 60 days"; "lifetime AOV over £300 and an order in Q4"): null is all time.
   */
  quantityWindows?: Map<QuantityTag, { window: DateWindow | null; part: Span }>;
  /** The clause's own window. */
  window?: DateWindow;
  /** The window its conditions get: its own, else the previous clause's when it has no verb. */
  effectiveWindow?: DateWindow;
  event: Frame["event"];
  /** Attribute conditions. */
  nodes: RuleNode[];
  /** Values an attribute mention stands for beyond its own ("silver tier and above"). */
  valueExpansions: Map<Mention, string[]>;
  /** Item groups: mentions in one group are alternatives or filters of one line. */
  itemGroups: Mention[][];
  orBetweenGroups: boolean;
  /** Behavioural and recency conditions, combined and negated by the negation pass. */
  behaviour: RuleNode[];
  recencyUsed: boolean;
  /** A clause that is only a date ("YTD", "in 2011"): it dates the clause before it. */
  dateOnly?: { window: DateWindow; parts: Span[]; confidence: number };
  /** What the clause leaves to the next one. */
  out?: Frame;
  /** Words a rule read as part of a condition ("lapsed" in "lapsed 90+ days"): not unknown. */
  claimed: Span[];
  /** Set by a rule that settles the clause: later rules are skipped. */
  done: boolean;
  /** Names of the rules that applied, in order. */
  fired: string[];
}

export interface ClauseResult {
  clause: Clause;
  nodes: RuleNode[];
  frame?: Frame;
  dateOnly?: ClauseFrame["dateOnly"];
  fired: string[];
}

/** A named rule over a clause's typed tokens. */
export interface MapRule {
  name: string;
  /** What the rule does, in a sentence (for the docs and the audit trail). */
  doc: string;
  applies(clause: Clause, frame: ClauseFrame): boolean;
  apply(clause: Clause, frame: ClauseFrame): void;
}

/** What the request-level passes build up from the clause results. */
export interface RequestFrame {
  scope: MapScope;
  subSegments: SubSegment[];
  clauses: Clause[];
  results: ClauseResult[];
  /** "New customers" / "first-time buyers": the pre-modifier clause that says so. */
  newCustomers?: SubSegment;
  newConsumed: boolean;
  parts: { connective: "and" | "or"; node: RuleNode }[];
  root: RuleNode | null;
  fired: string[];
}

/** A named rule over the whole request (assembling, simplifying, asking). */
export interface RequestRule {
  name: string;
  doc: string;
  applies(request: RequestFrame): boolean;
  apply(request: RequestFrame): void;
}

export type { Cue, CueKind };
