/**
 * The mapper's rules in the order they run. Clause rules read one clause's typed tokens and
 * fill its frame: first its windows, then its attributes and items, then its conditions,
 * then negation and what is left unmapped. Request rules then assemble the clauses.
 */
import { agoComparison } from "./rules/ago-comparison.ts";
import { agoQuantities } from "./rules/ago-quantities.ts";
import { aggregates } from "./rules/aggregates.ts";
import { attributes } from "./rules/attributes.ts";
import { byEndOf } from "./rules/by-end-of.ts";
import { dateOnly } from "./rules/date-only.ts";
import { dateWindows } from "./rules/date-windows.ts";
import { earlierLaterThan } from "./rules/earlier-later-than.ts";
import { exists } from "./rules/exists.ts";
import { foreignCurrency } from "./rules/foreign-currency.ts";
import { glossaryTerms } from "./rules/glossary-terms.ts";
import { inheritedEvent } from "./rules/inherited-event.ts";
import { inheritedWindow } from "./rules/inherited-window.ts";
import { itemAnaphor } from "./rules/item-anaphor.ts";
import { itemDates } from "./rules/item-dates.ts";
import { itemEllipsis } from "./rules/item-ellipsis.ts";
import { itemGroups } from "./rules/item-groups.ts";
import { joinedDates } from "./rules/joined-dates.ts";
import { label } from "./rules/label.ts";
import { lapseDuration } from "./rules/lapse-duration.ts";
import { negation } from "./rules/negation.ts";
import { numericBands } from "./rules/numeric-bands.ts";
import { perWindow } from "./rules/per-window.ts";
import { quantityDates } from "./rules/quantity-dates.ts";
import { rankedValues } from "./rules/ranked-values.ts";
import { recency } from "./rules/recency.ts";
import { rollingWindow } from "./rules/rolling-window.ts";
import { sincePrevious } from "./rules/since-previous.ts";
import { singleOrder } from "./rules/single-order.ts";
import { timeSinceMeasure } from "./rules/time-since.ts";
import { unmapped } from "./rules/unmapped.ts";
import { windowAnaphor } from "./rules/window-anaphor.ts";
import { windowIntersection } from "./rules/window-intersection.ts";
import { yearQuantity } from "./rules/year-quantity.ts";
import { combine } from "./request/combine.ts";
import { datedClauses } from "./request/dated-clauses.ts";
import { glossaryNarrowing } from "./request/glossary-narrowing.ts";
import { newCustomers } from "./request/new-customers.ts";
import { simplify } from "./request/simplify.ts";
import { vagueWords } from "./request/vague-words.ts";
import { zeroSpend } from "./request/zero-spend.ts";
import type { MapRule, RequestRule } from "./types.ts";

/** Clause passes, in order. */
export const CLAUSE_PASSES: { pass: string; rules: MapRule[] }[] = [
  { pass: "header", rules: [label, foreignCurrency] },
  {
    pass: "windows",
    rules: [
      dateWindows,
      agoComparison,
      earlierLaterThan,
      byEndOf,
      joinedDates,
      yearQuantity,
      agoQuantities,
      rollingWindow,
      sincePrevious,
      itemDates,
      quantityDates,
      windowIntersection,
      windowAnaphor,
    ],
  },
  { pass: "attributes", rules: [numericBands, rankedValues, attributes] },
  { pass: "glossary", rules: [glossaryTerms] },
  { pass: "frame", rules: [inheritedEvent, inheritedWindow] },
  { pass: "items", rules: [itemGroups, itemEllipsis, itemAnaphor] },
  {
    pass: "conditions",
    rules: [
      timeSinceMeasure,
      lapseDuration,
      singleOrder,
      aggregates,
      recency,
      dateOnly,
      exists,
      perWindow,
    ],
  },
  { pass: "negation", rules: [negation] },
  { pass: "unmapped", rules: [unmapped] },
];

/** Request passes, in order. */
export const REQUEST_PASSES: RequestRule[] = [
  datedClauses,
  newCustomers,
  combine,
  glossaryNarrowing,
  zeroSpend,
  simplify,
  vagueWords,
];

export const CLAUSE_RULES: MapRule[] = CLAUSE_PASSES.flatMap((p) => p.rules);
