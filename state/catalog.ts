/**
 * The tenant facet catalog: every facet a segment may use, with its synonyms and values.
 * Grounding validation checks every condition against it; retrieval indexes it.
 */
import { z } from "zod";

export const FacetValue = z.object({
  /** The canonical value as stored in the warehouse (e.g. `EIRE`, `85099B`). */
  value: z.string(),
  /** Human label (e.g. `Ireland`, `JUMBO BAG RED RETROSPOT`). */
  label: z.string(),
  /** Other words users say for it (e.g. `Irish`, `Republic of Ireland`). */
  synonyms: z.array(z.string()).default([]),
  /** Position on the facet's scale, for "silver tier and above" (ordered values only). */
  rank: z.number().optional(),
  /** The numbers the value covers, for "over 55s" and "aged 18-24" (banded values only). */
  range: z.object({ min: z.number().optional(), max: z.number().optional() }).optional(),
});
export type FacetValue = z.infer<typeof FacetValue>;

export const FacetKind = z.enum([
  /** A property of the customer (compiled against the customer table). */
  "attribute",
  /** A property of what was bought (filters order lines). */
  "item",
  /** An aggregate over the customer's orders or cancellations. */
  "measure",
  /** First or last purchase date. */
  "recency",
  /** The order date itself (windows of behavioural conditions). */
  "date",
]);
export type FacetKind = z.infer<typeof FacetKind>;

const Id = z.string().regex(/^[a-z][a-z0-9_]*$/);

/**
 * How a measure facet is read and stored: the words after a number that name it, and what a
 * rule tree records for it. Its SQL expression is the tenant's warehouse binding's.
 */
export const MeasureSpec = z.object({
  /** The `measure` value rule trees store (default: the facet id). */
  as: Id.optional(),
  /** The event it aggregates (default `order`); cancellations count cancellation invoices. */
  event: z.enum(["order", "cancellation"]).optional(),
  /** Words that name it right after a number ("orders", "times", "distinct products"). */
  units: z.array(z.string()).optional(),
  /** An amount in the tenant's currency that names no measure compares this one. */
  currencyDefault: z.boolean().optional(),
  /** Named anywhere in a clause, it is what the clause's amounts compare ("AOV over £50"). */
  namedWins: z.boolean().optional(),
  /** A customer with no matching orders has the value 0 (spend, per the data contract). */
  zeroIfNone: z.boolean().optional(),
  /**
   * The explanation of a condition on it: `{cmp}` the comparison, `{when}` the window,
   * `{on}` / `{including}` / `{among}` the items (" on Bags", …; empty without items).
   */
  explain: z.string(),
});
export type MeasureSpec = z.infer<typeof MeasureSpec>;

export const Facet = z.object({
  /** Stable id used in segment definitions (`country`, `category`, `spend`, ...). */
  id: z.string().regex(/^[a-z][a-z0-9_]*$/),
  label: z.string(),
  description: z.string(),
  kind: FacetKind,
  /** enum: closed value list; text: free words matched in product names; number/money/date. */
  type: z.enum(["enum", "text", "number", "money", "date"]),
  /** Words users say for the facet itself ("spend", "revenue", "total spent"). */
  synonyms: z.array(z.string()).default([]),
  /** Closed value list for enum facets. */
  values: z.array(FacetValue).optional(),
  /** For number/money measures: the range of sensible thresholds. */
  range: z.object({ min: z.number(), max: z.number() }).optional(),
  /** For measures: how requests name them and rule trees store them. */
  measure: MeasureSpec.optional(),
  /**
   * For banded facets (values with a `range`): words after a number that mean the facet's
   * scale ("55s", "25 year olds").
   */
  bandUnits: z.array(z.string()).optional(),
  /** For recency facets: which end of the customer's purchase history. */
  recency: z.object({ which: z.enum(["first", "last"]) }).optional(),
});
export type Facet = z.infer<typeof Facet>;

export const TenantCatalog = z.object({
  tenant: z.string(),
  /** ISO 4217 code amounts are in. */
  currency: z.string().length(3),
  facets: z.array(Facet),
});
export type TenantCatalog = z.infer<typeof TenantCatalog>;

/** Tenant settings that steer interpretation. */
export const TenantConfig = z.object({
  tenant: z.string(),
  /** The day relative windows end at (exclusive), `YYYY-MM-DD`. */
  asOf: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  /** 1..12: the month the fiscal year starts. */
  fiscalYearStartMonth: z.number().int().min(1).max(12).default(1),
  /** Facet ids this tenant may not segment on. */
  restrictedFacets: z.array(z.string()).default([]),
  /**
   * Tenant vocabulary: a term and what it means, cited in explanations. A term with an
   * `expansion` stands for the conditions that phrase gives ("VIPs" -> "customers who spent
   * over £5,000"); those conditions keep the user's word as their span and cite the entry.
   */
  glossary: z
    .array(
      z.object({
        term: z.string(),
        meaning: z.string(),
        expansion: z.string().optional(),
        /** Other spellings of the term. */
        aliases: z.array(z.string()).default([]),
        /** The entry's version, cited with the conditions it gave (default 1). */
        version: z.number().int().positive().optional(),
      }),
    )
    .default([]),
  /**
   * The skills registry's version of this glossary (app.artefact_versions), cited by every
   * run; stamped by storage/registry.ts whenever the glossary changes.
   */
  glossaryVersion: z.number().int().positive().optional(),
});
export type TenantConfig = z.infer<typeof TenantConfig>;

export function facetById(catalog: TenantCatalog, id: string): Facet | undefined {
  return catalog.facets.find((f) => f.id === id);
}

/** The measure facets of a catalog, in catalog order. */
export function measureFacets(catalog: TenantCatalog): (Facet & { measure: MeasureSpec })[] {
  return catalog.facets.filter(
    (f): f is Facet & { measure: MeasureSpec } => f.kind === "measure" && f.measure !== undefined,
  );
}

/** What a rule tree stores for a measure facet: its measure value and event. */
export function storedMeasure(f: Facet & { measure: MeasureSpec }): {
  measure: string;
  event: "order" | "cancellation";
} {
  return { measure: f.measure.as ?? f.id, event: f.measure.event ?? "order" };
}

/** The measure facet a stored (measure, event) pair stands for. */
export function measureFacetOf(
  catalog: TenantCatalog,
  measure: string,
  event: "order" | "cancellation" | "line",
): (Facet & { measure: MeasureSpec }) | undefined {
  const all = measureFacets(catalog);
  const exact = all.find((f) => {
    const s = storedMeasure(f);
    return s.measure === measure && s.event === event;
  });
  // Any measure over cancellations is defined by the cancellation facet ("cancelled £500").
  return (
    exact ??
    (event === "cancellation" ? all.find((f) => f.measure.event === "cancellation") : undefined)
  );
}

/** The recency facet of the first or last purchase. */
export function recencyFacet(catalog: TenantCatalog, which: "first" | "last"): Facet | undefined {
  return catalog.facets.find((f) => f.kind === "recency" && f.recency?.which === which);
}
