/**
 * The seam between the graph and the language skills. Each step of the pipeline is an
 * interface; the rules tier implements all of them with no network, and an LLM tier can
 * implement any of them later and be routed in per step without touching the graph.
 */
import type { CatalogLookup } from "../catalog/lookup.ts";
import type { TenantCatalog, TenantConfig } from "../state/catalog.ts";
import type { EditPlan, SegmentDiff } from "../state/edit.ts";
import type { Recipe } from "../state/recipes.ts";
import type { RuleNode, SegmentDefinition } from "../state/segment.ts";

export interface DateContext {
  /** Relative windows end at this day (exclusive), YYYY-MM-DD. E.g. "2011-12-10". */
  asOf: string;
  /** 1..12, the month the fiscal year starts (1 = calendar year). */
  fiscalYearStartMonth: number;
  /** Holiday conventions; "GB" (default) or "US" (Mother's Day differs, Thanksgiving etc.). */
  region?: "GB" | "US";
}

export interface DateTag {
  /** Character offsets [start, end) in the input text, including a leading temporal cue. */
  start: number;
  end: number;
  /** The verbatim text of the span. */
  text: string;
  /** Inclusive start date; undefined = unbounded past. */
  from?: string;
  /** Exclusive end date; undefined = no upper bound (open to as-of and beyond). */
  to?: string;
  /** What kind of expression it was. */
  kind:
    | "calendar"
    | "relative"
    | "since"
    | "before"
    | "after"
    | "range"
    | "holiday"
    | "season"
    | "fiscal";
  /** Short human-readable label of the resolved window. */
  label: string;
  /** 0..1 confidence (1 for unambiguous explicit dates; lower for year-less or ambiguous ones). */
  confidence: number;
}

/** A piece of the request that becomes one or more conditions. */
export interface SubSegment {
  id: string;
  /** Verbatim text of the span in the normalised request. */
  text: string;
  start: number;
  end: number;
  /** How it joins the sub-segments before it. */
  connective: "and" | "or";
  /** True when a cue outside the span negates it ("except", "excluding"). */
  negatedByConnective: boolean;
  /** "pre" for words before the head noun ("UK" in "UK customers"), "post" otherwise. */
  zone: "pre" | "post";
}

export interface DecomposeResult {
  subSegments: SubSegment[];
  confidence: number;
  producer: string;
}

/** A catalog hit anchored to a span of the request. */
export interface Mention {
  subSegmentId: string;
  start: number;
  end: number;
  text: string;
  facetId: string;
  /** Present for value hits (a country, a category, a product, a word). */
  value?: string;
  label: string;
  score: number;
  exact: boolean;
}

export interface ShortlistResult {
  mentions: Mention[];
  producer: string;
}

export interface DateTagResult {
  /** Date tags with the sub-segment they fall in. */
  tags: (DateTag & { subSegmentId: string })[];
  producer: string;
}

/** Something the mapper could not settle on its own. */
export interface Ambiguity {
  /** Stable key: the same question is never asked twice in a conversation. */
  key: string;
  kind: "unmapped" | "ambiguous_value" | "missing_value";
  span: { text: string; start: number; end: number };
  question: string;
  /** `replacement` replaces the span; `append` adds a clause at the end of the request. */
  options: { label: string; replacement: string; append?: string }[];
}

export interface MapResult {
  root: RuleNode | null;
  ambiguities: Ambiguity[];
  confidence: number;
  producer: string;
}

export interface SkillContext {
  catalog: TenantCatalog;
  tenant: TenantConfig;
  retriever: CatalogLookup;
  dates: DateContext;
  /**
   * The tenant's saved segments most like this request, best first: the LLM tier shows them
   * as examples in front of its shipped ones (skills/llm/examples.ts). Absent: none found.
   */
  recipes?: readonly Recipe[];
}

/** Why a message cannot be read as a request (empty, SQL, another language, out of scope…). */
export interface ScreenRejection {
  code: string;
  message: string;
}

/** A word the speller changed, with its place in the normalised text. */
export interface SpellingFix {
  from: string;
  to: string;
  start: number;
  end: number;
}

export interface ScreenResult {
  /** The normalised, spelling-corrected request: every later step's offsets refer to it. */
  text: string;
  rejection: ScreenRejection | null;
  corrections: SpellingFix[];
  /** Glossary terms the request uses (each read by the mapper as its entry's conditions). */
  glossary: string[];
}

/** Perceive's language work: normalise, screen, correct spelling, find glossary terms. */
export interface PerceiveSkill {
  screen(raw: string, ctx: SkillContext & { maxChars: number }): Promise<ScreenResult>;
}

export interface DecomposeSkill {
  decompose(text: string, ctx: SkillContext): Promise<DecomposeResult>;
}
export interface DateTagSkill {
  tag(text: string, subSegments: SubSegment[], ctx: SkillContext): Promise<DateTagResult>;
}
export interface ShortlistSkill {
  shortlist(text: string, subSegments: SubSegment[], ctx: SkillContext): Promise<ShortlistResult>;
}
export interface MapSkill {
  map(
    input: {
      text: string;
      subSegments: SubSegment[];
      dates: DateTagResult;
      shortlist: ShortlistResult;
    },
    ctx: SkillContext,
  ): Promise<MapResult>;
}

/** What a message in a conversation asks for, given whether the thread holds a segment. */
export interface IntentResult {
  /** `off_topic`: an aside about something else ("btw who won the football?"). */
  intent: "create" | "edit" | "explain" | "unclear" | "off_topic";
  /** For "create": the request itself, without a leading "new segment:" or "start over". */
  request: string;
  confidence: number;
  /**
   * The message only makes sense as a change of an existing segment ("undo", "drop the
   * country filter", "make it Germany instead"), whether or not the thread holds one.
   */
  editOnly: boolean;
  /** Names of the rules that decided, for the audit trail. */
  cues: string[];
  producer: string;
}

export interface IntentSkill {
  classify(text: string, ctx: SkillContext & { hasSegment: boolean }): Promise<IntentResult>;
}

export interface EditInput {
  /** The edit message, normalised (offsets of its provenance refer to it). */
  text: string;
  /** The current version's definition: what the edit changes. */
  base: SegmentDefinition;
  /** The current version's number; the edit's result becomes `version + 1`. */
  version: number;
  /** Versions that exist, and what undo and redo would go back to (most recent last). */
  history: {
    versions: number[];
    undo: number[];
    redo: number[];
    /** Earlier versions' rule trees, for edits that bring a condition back. */
    trees?: { version: number; root: RuleNode }[];
  };
  /** What made the current version (its diff), for edits that continue it ("and France too"). */
  previous?: SegmentDiff | null;
}

export interface EditSkill {
  understand(input: EditInput, ctx: SkillContext): Promise<EditPlan>;
}

export interface SkillSet {
  perceive: PerceiveSkill;
  decompose: DecomposeSkill;
  tagDates: DateTagSkill;
  shortlist: ShortlistSkill;
  map: MapSkill;
  intent: IntentSkill;
  edit: EditSkill;
}
