/**
 * Closed-class words of the request grammar: the cues that carry structure rather than
 * catalog meaning. Catalog words (countries, categories, measures) live in the catalog.
 */

/** Head nouns for "the customers": they separate pre-modifiers from relative clauses. */
export const HEAD_NOUNS = new Set([
  "customers", "customer", "shoppers", "shopper", "buyers", "buyer", "clients", "client",
  "people", "users", "accounts", "purchasers", "members", "consumers", "those", "anyone",
  "everyone", "ones", "folks", "households", "spenders", "spender",
]);

/** Words that open a relative or prepositional clause after the head noun. */
export const CLAUSE_OPENERS = new Set(["who", "whose", "that", "which", "with", "having", "where"]);

/** Words that attach a new constraint to the previous one with contrast. */
export const CONTRAST = new Set(["but", "yet", "though", "although", "however", "while", "whereas"]);

/** Connectives that both split and negate what follows. */
export const EXCLUDERS = ["except", "excluding", "other than", "apart from", "aside from", "minus", "without"];

/** Tokens that negate the predicate of their clause. */
export const NEGATORS = new Set([
  "not", "never", "no", "nothing", "none", "haven't", "hasn't", "didn't", "don't", "doesn't",
  "hadn't", "havent", "hasnt", "didnt", "dont", "doesnt", "neither", "nor", "without", "n't",
  "cannot", "can't", "wasn't", "weren't", "isn't", "aren't",
]);

/** Verbs of buying: a clause with one of these is about orders. */
export const BUY_VERBS = new Set([
  "bought", "buy", "buys", "buying", "purchased", "purchase", "purchases", "purchasing",
  "ordered", "order", "orders", "ordering", "shopped", "shop", "shops", "shopping", "placed",
  "place", "made", "spent", "spend", "spends", "spending", "active", "transacted", "got",
  "paid", "acquired", "picked",
]);

export const CANCEL_WORDS = new Set([
  "cancelled", "canceled", "cancel", "cancels", "cancelling", "canceling", "cancellation",
  "cancellations", "returned", "returns", "refunded", "refunds",
]);

/** Words that start a new clause when they follow "and"/"or". */
export const CLAUSE_STARTERS = new Set([
  ...BUY_VERBS, ...CANCEL_WORDS, "who", "whose", "with", "have", "has", "had", "did", "do",
  "does", "is", "are", "was", "were", "not", "never", "haven't", "hasn't", "didn't", "don't",
  "doesn't", "from", "outside", "based", "located", "living", "in", "whose", "also",
]);

/**
 * Words that carry no condition by themselves ("products", "items", "the"). Content words
 * outside this list that map to nothing make the request ambiguous.
 */
export const FILLERS = new Set([
  "a", "an", "the", "any", "some", "all", "of", "our", "their", "his", "her", "its", "my",
  "to", "for", "on", "at", "by", "in", "into", "from", "as", "than", "and", "or", "both",
  "either", "also", "only", "just", "still", "already", "ever", "yet", "again", "then",
  "products", "product", "items", "item", "goods", "things", "thing", "stuff", "merchandise",
  "lines", "range", "ranges", "collection", "category", "categories", "stock", "anything",
  "something", "everything", "one", "ones", "stuff", "type", "types", "kind", "kinds",
  "who", "whose", "that", "which", "with", "having", "where", "have", "has", "had", "did",
  "do", "does", "is", "are", "was", "were", "be", "been", "being", "there", "they", "them",
  "it", "this", "these", "those", "total", "overall", "altogether", "combined", "lifetime",
  "time", "period", "value", "amount", "number", "count", "level", "sum", "worth",
  "customers", "customer", "shoppers", "shopper", "buyers", "buyer", "clients", "client",
  "people", "users", "accounts", "purchasers", "members", "consumers", "anyone", "everyone",
  "show", "me", "find", "list", "get", "give", "want", "need", "segment", "segments",
  "please", "i", "we", "us", "you", "can", "could", "would", "like", "let's", "lets",
  "create", "build", "make", "identify", "target", "audience", "based", "located", "living",
  "country", "countries", "from", "within", "during", "over", "since", "before", "after",
  "named", "called", "containing", "contain", "contains", "name", "names", "description",
  "word", "words", "title", "ago", "so", "far", "currently", "recently", "per", "each",
  "at", "least", "most", "more", "less", "fewer", "than", "between", "exactly", "around",
  "about", "roughly", "approximately", "some", "single", "same", "different", "distinct",
  "unique", "new", "date", "dates", "day", "days", "week", "weeks", "month", "months", "year",
  "years", "made", "placed", "place", "got", "did", "done", "spent", "bought", "purchased",
  "ordered", "shopped", "store", "shop", "online", "e.g", "etc", "whole", "entire", "up",
  "been", "out", "across", "through", "via", "other", "else", "what", "when", "whom",
]);

/** Small number words, for "at least three orders" and "twice". */
export const NUMBER_WORDS: Record<string, number> = {
  zero: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9,
  ten: 10, eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16,
  seventeen: 17, eighteen: 18, nineteen: 19, twenty: 20, thirty: 30, forty: 40, fifty: 50,
  sixty: 60, seventy: 70, eighty: 80, ninety: 90, hundred: 100, thousand: 1000, dozen: 12,
  once: 1, twice: 2, thrice: 3,
};

/** Words of comparison and clause structure: never a product or catalog word on their own. */
export const STRUCTURAL = new Set([
  "but", "yet", "though", "although", "however", "while", "whereas", "nor", "except",
  "excluding", "without", "since", "until", "till", "outside", "inside", "ago", "times",
  "over", "under", "above", "below", "beyond", "exceeding", "more", "less", "fewer", "than",
  "least", "most", "exactly", "precisely", "between", "greater", "higher", "lower", "smaller",
  "larger", "bigger", "minimum", "maximum", "min", "max", "plus", "upwards", "north", "excess",
  "not", "never", "no", "nothing", "none", "neither", "either", "both", "and", "or", "if",
  "whether", "whose", "who", "with", "without", "also", "then", "else", "instead", "first",
  "last", "latest", "earliest", "recent", "most", "ever",
]);

/**
 * Evaluative words ("high spenders", "loyal customers") that describe a measure without a
 * threshold: redundant when the request states one, a question when it does not.
 */
export const EVALUATIVE = new Set([
  "high", "higher", "big", "bigger", "top", "heavy", "frequent", "loyal", "valuable", "best",
  "good", "great", "premium", "key", "engaged", "regular", "spenders", "spender", "value",
  "low", "light", "occasional", "small", "vip", "vips", "whales", "champions", "important",
]);

/** Words for customers who stopped buying: redundant next to a stated lapse, else a question. */
export const LAPSE_WORDS = new Set([
  "lapsed", "inactive", "dormant", "churned", "lost", "sleeping", "idle", "defected", "former",
]);
