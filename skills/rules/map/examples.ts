/** Every mapper rule's examples, by rule name (each rule file has its `.examples.ts`). */
import type { RuleExample } from "./example.ts";
import { examples as aggregates } from "./rules/aggregates.examples.ts";
import { examples as agoComparison } from "./rules/ago-comparison.examples.ts";
import { examples as agoQuantities } from "./rules/ago-quantities.examples.ts";
import { examples as attributes } from "./rules/attributes.examples.ts";
import { examples as byEndOf } from "./rules/by-end-of.examples.ts";
import { examples as dateOnly } from "./rules/date-only.examples.ts";
import { examples as dateWindows } from "./rules/date-windows.examples.ts";
import { examples as earlierLaterThan } from "./rules/earlier-later-than.examples.ts";
import { examples as foreignCurrency } from "./rules/foreign-currency.examples.ts";
import { examples as exists } from "./rules/exists.examples.ts";
import { examples as glossaryTerms } from "./rules/glossary-terms.examples.ts";
import { examples as inheritedEvent } from "./rules/inherited-event.examples.ts";
import { examples as inheritedWindow } from "./rules/inherited-window.examples.ts";
import { examples as itemAnaphor } from "./rules/item-anaphor.examples.ts";
import { examples as itemDates } from "./rules/item-dates.examples.ts";
import { examples as itemEllipsis } from "./rules/item-ellipsis.examples.ts";
import { examples as itemGroups } from "./rules/item-groups.examples.ts";
import { examples as joinedDates } from "./rules/joined-dates.examples.ts";
import { examples as label } from "./rules/label.examples.ts";
import { examples as lapseDuration } from "./rules/lapse-duration.examples.ts";
import { examples as negation } from "./rules/negation.examples.ts";
import { examples as numericBands } from "./rules/numeric-bands.examples.ts";
import { examples as perWindow } from "./rules/per-window.examples.ts";
import { examples as quantityDates } from "./rules/quantity-dates.examples.ts";
import { examples as rankedValues } from "./rules/ranked-values.examples.ts";
import { examples as recency } from "./rules/recency.examples.ts";
import { examples as rollingWindow } from "./rules/rolling-window.examples.ts";
import { examples as sincePrevious } from "./rules/since-previous.examples.ts";
import { examples as singleOrder } from "./rules/single-order.examples.ts";
import { examples as timeSince } from "./rules/time-since.examples.ts";
import { examples as unmapped } from "./rules/unmapped.examples.ts";
import { examples as windowAnaphor } from "./rules/window-anaphor.examples.ts";
import { examples as windowIntersection } from "./rules/window-intersection.examples.ts";
import { examples as yearQuantity } from "./rules/year-quantity.examples.ts";
import { examples as combine } from "./request/combine.examples.ts";
import { examples as datedClauses } from "./request/dated-clauses.examples.ts";
import { examples as glossaryNarrowing } from "./request/glossary-narrowing.examples.ts";
import { examples as newCustomers } from "./request/new-customers.examples.ts";
import { examples as simplify } from "./request/simplify.examples.ts";
import { examples as vagueWords } from "./request/vague-words.examples.ts";
import { examples as zeroSpend } from "./request/zero-spend.examples.ts";

export const RULE_EXAMPLES: Record<string, RuleExample[]> = {
  aggregates: aggregates,
  "ago-comparison": agoComparison,
  "ago-quantities": agoQuantities,
  attributes: attributes,
  "by-end-of": byEndOf,
  "date-only": dateOnly,
  "date-windows": dateWindows,
  "earlier-later-than": earlierLaterThan,
  exists: exists,
  "foreign-currency": foreignCurrency,
  "glossary-terms": glossaryTerms,
  "inherited-event": inheritedEvent,
  "inherited-window": inheritedWindow,
  "item-anaphor": itemAnaphor,
  "item-dates": itemDates,
  "item-ellipsis": itemEllipsis,
  "item-groups": itemGroups,
  "joined-dates": joinedDates,
  label: label,
  "lapse-duration": lapseDuration,
  negation: negation,
  "numeric-bands": numericBands,
  "per-window": perWindow,
  "quantity-dates": quantityDates,
  "ranked-values": rankedValues,
  recency: recency,
  "rolling-window": rollingWindow,
  "since-previous": sincePrevious,
  "single-order": singleOrder,
  "time-since": timeSince,
  unmapped: unmapped,
  "window-anaphor": windowAnaphor,
  "window-intersection": windowIntersection,
  "year-quantity": yearQuantity,
  combine: combine,
  "dated-clauses": datedClauses,
  "glossary-narrowing": glossaryNarrowing,
  "new-customers": newCustomers,
  simplify: simplify,
  "vague-words": vagueWords,
  "zero-spend": zeroSpend,
};
