/**
 * The segment definition: a typed rule tree that is the contract between every node, the
 * CLI, the API and the warehouse compiler. Every condition carries its provenance.
 */
import { z } from "zod";

/** ISO calendar date, `YYYY-MM-DD`. */
export const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected YYYY-MM-DD");
export type IsoDate = z.infer<typeof IsoDate>;

/** Where a condition's facet or value came from. */
export const ProvenanceSource = z.enum([
  /** Retrieved from the tenant catalog (facet name, synonym or value). */
  "catalog",
  /** Inferred by a grammar rule or model from the wording, not a direct catalog hit. */
  "inferred",
  /** A default applied because the request did not say (for example "any product"). */
  "default",
  /** Taken from the user's remembered answers or preferences. */
  "memory",
  /** Given by the user in answer to a clarifying question. */
  "user",
  /** The conditions a tenant glossary term stands for ("VIPs"); the entry is cited. */
  "glossary",
]);
export type ProvenanceSource = z.infer<typeof ProvenanceSource>;

export const Provenance = z.object({
  /** The verbatim span of the request this condition came from (never paraphrased). */
  span: z.string(),
  /** Character offsets of `span` in the normalised request, `[start, end)`. */
  start: z.number().int().nonnegative(),
  end: z.number().int().nonnegative(),
  source: ProvenanceSource,
  /** 0..1: how sure the producing step is of this condition. */
  confidence: z.number().min(0).max(1),
  /** The skill or model and its version that produced it, e.g. `rules/map@1`. */
  producer: z.string(),
  /** For source `glossary`: the tenant glossary entry (term and version) the span stands for. */
  glossary: z.object({ term: z.string(), version: z.number().int().positive() }).optional(),
  /**
   * The segment version whose words `span` quotes: an edit's conditions point at the edit's
   * text. Absent for the words of the segment's own request (version 1).
   */
  version: z.number().int().positive().optional(),
});
export type Provenance = z.infer<typeof Provenance>;

/** A half-open date window `[from, to)`; a missing end is unbounded on that side. */
export const DateWindow = z
  .object({
    from: IsoDate.optional(),
    to: IsoDate.optional(),
    /** The user's words for the window, e.g. "in Q4 2011". */
    label: z.string(),
  })
  .refine((w) => w.from !== undefined || w.to !== undefined, "a window needs from or to")
  .refine((w) => !w.from || !w.to || w.from < w.to, "window is empty: from must be before to");
export type DateWindow = z.infer<typeof DateWindow>;

export const ComparisonOp = z.enum(["gt", "gte", "lt", "lte", "eq", "between"]);
export type ComparisonOp = z.infer<typeof ComparisonOp>;

export const Comparison = z
  .object({
    op: ComparisonOp,
    value: z.number().finite(),
    /** Upper bound, only for `between` (inclusive on both ends). */
    value2: z.number().finite().optional(),
  })
  .refine((c) => (c.op === "between") === (c.value2 !== undefined), "value2 is for between only")
  .refine((c) => c.op !== "between" || (c.value2 ?? 0) >= c.value, "between needs low <= high");
export type Comparison = z.infer<typeof Comparison>;

/** A customer attribute: `country in [...]`. */
export const AttributeCondition = z.object({
  type: z.literal("attribute"),
  /** Catalog facet id, e.g. `country`. */
  facet: z.string(),
  op: z.enum(["in", "not_in"]),
  /** Canonical catalog values (the dataset's own spellings). */
  values: z.array(z.string()).min(1),
  provenance: Provenance,
});
export type AttributeCondition = z.infer<typeof AttributeCondition>;

/** What was bought: one item facet with any of its values (OR). */
export const ItemFilter = z.object({
  /** Catalog item facet id: `category`, `product` or `product_word`. */
  facet: z.string(),
  values: z.array(z.string()).min(1),
});
export type ItemFilter = z.infer<typeof ItemFilter>;

/**
 * What a behavioural condition compares: `exists` (at least one matching event, no
 * comparison) or the id of one of the tenant's measures, whose words live in its catalog and
 * whose SQL in its warehouse binding. Every tenant has `orders` (distinct orders, or distinct
 * cancellation invoices for `cancellation`), `spend` (sum of quantity * unit price), `units`
 * (sum of quantity), `distinct_products`, `distinct_categories`, `aov` (spend / orders) and
 * `order_value` (the value of a single order); a tenant may add its own.
 */
export const Measure = z.string().regex(/^[a-z][a-z0-9_]*$/, "a measure id");
export type Measure = z.infer<typeof Measure>;

/**
 * Bought (or cancelled) something, optionally within a window, optionally with an
 * aggregate compared to a value. Customers without any matching event never satisfy an
 * aggregate comparison; absence is expressed with a NOT group.
 */
export const BehaviourCondition = z
  .object({
    type: z.literal("behaviour"),
    /**
     * `order`: non-cancelled order lines; `cancellation`: cancellation lines; `line`: any
     * line at all, which is what "never bought X" excludes per the data contract.
     */
    event: z.enum(["order", "cancellation", "line"]),
    item: ItemFilter.optional(),
    /**
     * Further filters on the same line, all of which must hold with `item` ("bought Nike
     * trainers": brand Nike and category Trainers on one line, not two purchases).
     */
    andItems: z.array(ItemFilter).optional(),
    window: DateWindow.optional(),
    measure: Measure,
    comparison: Comparison.optional(),
    /**
     * Spend only: customers with no matching orders count as spending 0 (the data contract's
     * "a customer with no orders has spend 0"), so "UK customers who spent under £100"
     * includes UK customers who bought nothing.
     */
    zeroIfNone: z.boolean().optional(),
    provenance: Provenance,
  })
  .refine(
    (c) => (c.measure === "exists") === (c.comparison === undefined),
    "exists takes no comparison; every other measure needs one",
  );
export type BehaviourCondition = z.infer<typeof BehaviourCondition>;

/** The customer's first or last order date falls in a window ("last purchase before March"). */
export const RecencyCondition = z.object({
  type: z.literal("recency"),
  which: z.enum(["first", "last"]),
  window: DateWindow,
  provenance: Provenance,
});
export type RecencyCondition = z.infer<typeof RecencyCondition>;

export const Condition = z.union([AttributeCondition, BehaviourCondition, RecencyCondition]);
export type Condition = z.infer<typeof Condition>;

export type RuleNode =
  | Condition
  | { type: "and"; children: RuleNode[] }
  | { type: "or"; children: RuleNode[] }
  | { type: "not"; child: RuleNode; provenance?: Provenance };

export const RuleNode: z.ZodType<RuleNode> = z.lazy(() =>
  z.union([
    AttributeCondition,
    BehaviourCondition,
    RecencyCondition,
    z.object({ type: z.literal("and"), children: z.array(RuleNode).min(1) }),
    z.object({ type: z.literal("or"), children: z.array(RuleNode).min(1) }),
    z.object({ type: z.literal("not"), child: RuleNode, provenance: Provenance.optional() }),
  ]),
);

export const SegmentDefinition = z.object({
  /** Schema version of this definition format. */
  version: z.literal(1),
  tenant: z.string(),
  /** The as-of date every relative window was resolved against. */
  asOf: IsoDate,
  /** The request as the user wrote it. */
  request: z.string(),
  root: RuleNode,
});
export type SegmentDefinition = z.infer<typeof SegmentDefinition>;

/** Every item filter of a behavioural condition, all of which a matching line meets. */
export function itemFiltersOf(c: BehaviourCondition): ItemFilter[] {
  return c.item ? [c.item, ...(c.andItems ?? [])] : [];
}

/** Depth-first list of the leaf conditions of a rule tree. */
export function conditionsOf(node: RuleNode): Condition[] {
  if (node.type === "and" || node.type === "or") return node.children.flatMap(conditionsOf);
  if (node.type === "not") return conditionsOf(node.child);
  return [node];
}
