/**
 * The online-retail tenant's facet catalog: every business term of its data contract, with
 * the dataset's own value spellings and the words marketers use for them.
 */
import type pg from "pg";
import { TenantConfig, type Facet, type FacetValue, type TenantCatalog } from "../state/catalog.ts";
import { readCountries, readProducts } from "../warehouse/load-online-retail.ts";

export const ONLINE_RETAIL = "online-retail";

export const onlineRetailConfig: TenantConfig = TenantConfig.parse({
  tenant: ONLINE_RETAIL,
  asOf: "2011-12-10",
  fiscalYearStartMonth: 1,
  restrictedFacets: [],
  glossary: [
    { term: "customer", meaning: "a distinct non-blank CustomerID" },
    { term: "order", meaning: "a distinct invoice that is not a cancellation" },
    { term: "cancellation", meaning: "an invoice whose number starts with C" },
    { term: "spend", meaning: "sum of quantity × unit price over order lines (GBP)" },
    { term: "country", meaning: "the country on the customer's most recent invoice line" },
    {
      term: "one-time buyers",
      meaning: "customers with exactly one order",
      expansion: "customers with exactly 1 order",
      aliases: [
        "one-time customers",
        "one-off buyers",
        "one-off customers",
        "single-order customers",
        "one-time shoppers",
      ],
    },
    {
      term: "repeat customers",
      meaning: "customers with at least two orders",
      expansion: "customers with at least 2 orders",
      aliases: ["repeat buyers", "returning customers", "repeat shoppers", "repeat purchasers"],
    },
    {
      term: "international customers",
      meaning: "customers whose country is not the United Kingdom",
      expansion: "customers outside the UK",
      aliases: [
        "overseas customers",
        "foreign customers",
        "international buyers",
        "overseas buyers",
        "international shoppers",
        // As a modifier of another term: "overseas repeat buyers", "foreign VIPs".
        "overseas",
        "foreign",
      ],
    },
    {
      term: "domestic customers",
      meaning: "customers in the United Kingdom",
      expansion: "UK customers",
      aliases: ["home customers", "domestic buyers"],
    },
    {
      term: "VIP customers",
      meaning: "customers whose total spend is over £5,000",
      expansion: "customers who spent over £5,000",
      aliases: ["VIPs", "VIP"],
    },
  ],
});

/** Natural names, demonyms and abbreviations for the dataset's country spellings. */
const COUNTRY_SYNONYMS: Record<string, string[]> = {
  "United Kingdom": [
    "UK",
    "U.K.",
    "Britain",
    "Great Britain",
    "British",
    "England",
    "English",
    "GB",
    "Scotland",
    "Wales",
  ],
  EIRE: ["IE", "Ireland", "Irish", "Republic of Ireland", "Eire"],
  RSA: ["ZA", "South Africa", "South African"],
  USA: [
    "United States",
    "United States of America",
    "US",
    "U.S.",
    "America",
    "American",
    "Americans",
  ],
  Germany: ["DE", "German", "Germans"],
  France: ["FR", "French"],
  Spain: ["ES", "Spanish", "Spaniards"],
  Belgium: ["BE", "Belgian", "Belgians"],
  Switzerland: ["CH", "Swiss"],
  Portugal: ["PT", "Portuguese"],
  Italy: ["IT", "Italian", "Italians"],
  Finland: ["FI", "Finnish", "Finns"],
  Norway: ["NO", "Norwegian", "Norwegians"],
  Australia: ["AU", "Australian", "Australians", "Aussie"],
  Denmark: ["DK", "Danish", "Danes"],
  Austria: ["AT", "Austrian", "Austrians"],
  Netherlands: ["NL", "Dutch", "Holland", "The Netherlands"],
  "Channel Islands": ["Jersey", "Guernsey"],
  Japan: ["JP", "Japanese"],
  Sweden: ["SE", "Swedish", "Swedes"],
  Poland: ["PL", "Polish", "Poles"],
  Cyprus: ["CY", "Cypriot", "Cypriots"],
  Greece: ["GR", "Greek", "Greeks"],
  Israel: ["IL", "Israeli", "Israelis"],
  Canada: ["CA", "Canadian", "Canadians"],
  "United Arab Emirates": ["AE", "UAE", "Emirati", "Emirates", "Dubai"],
  Malta: ["MT", "Maltese"],
  Bahrain: ["BH", "Bahraini"],
  Lebanon: ["LB", "Lebanese"],
  Singapore: ["SG", "Singaporean"],
  "Saudi Arabia": ["SA", "Saudi", "Saudis", "KSA"],
  Iceland: ["IS", "Icelandic"],
  "European Community": ["EC", "European Community"],
  Brazil: ["BR", "Brazilian", "Brazilians"],
  Lithuania: ["LT", "Lithuanian", "Lithuanians"],
  "Czech Republic": ["CZ", "Czech", "Czechia", "Czechs"],
  Unspecified: ["unknown country", "no country"],
};

/** Words marketers use for each merchandise category. */
const CATEGORY_SYNONYMS: Record<string, string[]> = {
  Christmas: [
    "christmas",
    "xmas",
    "christmas decorations",
    "christmas decoration",
    "festive",
    "christmas items",
    "christmas products",
    "christmas gifts",
  ],
  Easter: ["easter", "easter decorations", "easter items", "easter products"],
  "Jewellery & Accessories": [
    "jewellery",
    "jewelry",
    "accessories",
    "jewellery and accessories",
    "necklaces",
    "bracelets",
    "earrings",
  ],
  "Candles & Lighting": [
    "candles",
    "candle",
    "lighting",
    "lights",
    "candles and lighting",
    "lanterns",
    "tea lights",
    "t-lights",
  ],
  "Party & Celebrations": [
    "party",
    "party supplies",
    "party goods",
    "celebrations",
    "party and celebrations",
    "birthday",
    "party items",
  ],
  "Kitchen & Dining": [
    "kitchen",
    "kitchenware",
    "dining",
    "kitchen and dining",
    "tableware",
    "cookware",
    "kitchen items",
    "kitchen products",
  ],
  "Garden & Outdoor": ["garden", "gardening", "outdoor", "garden and outdoor", "outdoors"],
  "Stationery & Gift Wrap": [
    "stationery",
    "stationary",
    "gift wrap",
    "giftwrap",
    "wrapping paper",
    "stationery and gift wrap",
    "wrapping",
  ],
  "Toys & Kids": [
    "toys",
    "toy",
    "kids",
    "children",
    "childrens",
    "toys and kids",
    "kids products",
    "games",
  ],
  Bags: ["bags", "bag", "handbags", "shopping bags"],
  Storage: ["storage", "storage products", "boxes", "tins", "storage boxes"],
  Textiles: ["textiles", "textile", "fabric", "fabrics", "soft furnishings", "cushions"],
  "Home Decor": [
    "home decor",
    "home décor",
    "decor",
    "homeware",
    "home decoration",
    "home furnishings",
    "homewares",
    "decorations",
    "decoration",
  ],
  "Fees & Adjustments": [
    "fees",
    "postage",
    "carriage",
    "fees and adjustments",
    "adjustments",
    "shipping fees",
  ],
  Other: ["other", "other products", "miscellaneous", "misc"],
};

/**
 * Measures, recency and the order date, in the order exact hits of equal length prefer them.
 * Each measure says which words after a number name it and how it is explained; its SQL is
 * the warehouse binding's.
 */
const MEASURE_FACETS: Facet[] = [
  {
    id: "aov",
    label: "Average order value",
    description: "Spend divided by the number of orders.",
    kind: "measure",
    type: "money",
    synonyms: [
      "average order value",
      "aov",
      "average basket",
      "average basket size",
      "average order",
      "average spend per order",
      "basket value",
    ],
    range: { min: 0, max: 1_000_000 },
    measure: { namedWins: true, explain: "Average order value {cmp}{on} {when}" },
  },
  {
    id: "distinct_products",
    label: "Distinct products",
    description: "Distinct stock codes bought.",
    kind: "measure",
    type: "number",
    synonyms: [
      "distinct products",
      "different products",
      "unique products",
      "distinct items",
      "different items",
      "unique items",
      "skus",
      "distinct skus",
    ],
    range: { min: 0, max: 100_000 },
    measure: {
      units: [
        "distinct products",
        "different products",
        "unique products",
        "distinct items",
        "different items",
        "unique items",
        "products",
        "skus",
        "lines",
        "styles",
      ],
      explain: "Bought {cmp} distinct products{among} {when}",
    },
  },
  {
    id: "cancellations",
    label: "Cancelled orders",
    description: "Distinct cancellation invoices (invoice number starting with C).",
    kind: "measure",
    type: "number",
    synonyms: [
      "cancelled",
      "canceled",
      "cancellations",
      "cancellation",
      "cancelled orders",
      "returns",
      "refunds",
    ],
    range: { min: 0, max: 100_000 },
    measure: {
      as: "orders",
      event: "cancellation",
      units: ["cancellations", "cancelled", "canceled", "returns", "refunds"],
      explain: "Cancelled {cmp} orders{including} {when}",
    },
  },
  {
    id: "first_purchase",
    label: "First purchase date",
    description: "Date of the customer's first order.",
    kind: "recency",
    type: "date",
    synonyms: [
      "first order",
      "first purchase",
      "first bought",
      "first ordered",
      "first purchased",
      "first shopped",
      "first transaction",
      "earliest order",
      "earliest purchase",
      "started buying",
      "started shopping",
      "joined",
      "became a customer",
      "acquired",
      "new customers",
    ],
    recency: { which: "first" },
  },
  {
    id: "last_purchase",
    label: "Last purchase date",
    description: "Date of the customer's most recent order.",
    kind: "recency",
    type: "date",
    synonyms: [
      "last order",
      "last purchase",
      "most recent order",
      "most recent purchase",
      "latest order",
      "latest purchase",
      "last bought",
      "last ordered",
      "last purchased",
      "last shopped",
      "last transaction",
      "last active",
      "last seen",
    ],
    recency: { which: "last" },
  },
  {
    id: "spend",
    label: "Spend",
    description: "Sum of quantity × unit price over order lines in the window (GBP).",
    kind: "measure",
    type: "money",
    synonyms: [
      "spend",
      "spent",
      "spending",
      "revenue",
      "total spend",
      "total spent",
      "sales",
      "value",
      "paid",
      "purchases worth",
    ],
    range: { min: 0, max: 10_000_000 },
    measure: { currencyDefault: true, zeroIfNone: true, explain: "Spent {cmp}{on} {when}" },
  },
  {
    id: "orders",
    label: "Order count",
    description: "Distinct non-cancelled invoices.",
    kind: "measure",
    type: "number",
    synonyms: [
      "orders",
      "order",
      "ordered",
      "purchases",
      "transactions",
      "times",
      "invoices",
      "visits",
    ],
    range: { min: 0, max: 100_000 },
    measure: {
      units: ["times", "orders", "purchases", "transactions", "invoices", "visits", "occasions"],
      explain: "Placed {cmp} orders{including} {when}",
    },
  },
  {
    id: "units",
    label: "Units",
    description: "Sum of quantity over order lines.",
    kind: "measure",
    type: "number",
    synonyms: ["units", "items", "pieces", "quantity", "articles"],
    range: { min: 0, max: 10_000_000 },
    measure: {
      units: ["units", "items", "pieces", "articles"],
      explain: "Bought {cmp} units{on} {when}",
    },
  },
  {
    id: "distinct_categories",
    label: "Distinct categories",
    description: "Distinct merchandise categories bought from.",
    kind: "measure",
    type: "number",
    synonyms: ["distinct categories", "different categories", "separate categories", "categories"],
    range: { min: 0, max: 1_000 },
    measure: {
      units: ["categories"],
      explain: "Bought from {cmp} distinct categories{on} {when}",
    },
  },
  {
    id: "order_date",
    label: "Order date",
    description: "The invoice date of an order, for windows of behaviour.",
    kind: "date",
    type: "date",
    synonyms: [
      "order date",
      "purchase date",
      "invoice date",
      "active",
      "bought",
      "purchased",
      "shopped",
    ],
  },
];

export interface ProductRow {
  stock_code: string;
  description: string;
  category: string;
}

export function buildOnlineRetailCatalog(
  countries: string[],
  products: ProductRow[],
): TenantCatalog {
  const countryValues: FacetValue[] = countries.map((c) => ({
    value: c,
    label: c === "EIRE" ? "Ireland" : c === "RSA" ? "South Africa" : c,
    synonyms: COUNTRY_SYNONYMS[c] ?? [],
  }));
  const categories = [...new Set(products.map((p) => p.category))].sort();
  const facets: Facet[] = [
    {
      id: "country",
      label: "Country",
      description: "The country on the customer's most recent invoice line.",
      kind: "attribute",
      type: "enum",
      synonyms: ["country", "countries", "nationality"],
      values: countryValues,
    },
    {
      id: "category",
      label: "Merchandise category",
      description: "One of the tenant's merchandise categories, from products.csv.",
      kind: "item",
      type: "enum",
      synonyms: ["category", "categories", "department", "product category"],
      values: categories.map((c) => ({ value: c, label: c, synonyms: CATEGORY_SYNONYMS[c] ?? [] })),
    },
    {
      id: "product",
      label: "Product",
      description: "A specific product, by stock code and canonical description.",
      kind: "item",
      type: "enum",
      synonyms: ["product", "stock code", "sku", "item"],
      values: products.map((p) => ({
        value: p.stock_code,
        label: p.description.replace(/\s+/g, " ").trim(),
        synonyms: [p.stock_code],
      })),
    },
    {
      id: "product_word",
      label: "Word in product name",
      description: "A word or phrase contained in the product's canonical description.",
      kind: "item",
      type: "text",
      synonyms: ["in the name", "in the description", "named", "called", "containing"],
    },
    ...MEASURE_FACETS,
  ];
  return { tenant: ONLINE_RETAIL, currency: "GBP", facets };
}

export async function loadOnlineRetailCatalog(pool: pg.Pool): Promise<{
  catalog: TenantCatalog;
  productNames: string[];
}> {
  const [countries, products] = await Promise.all([readCountries(pool), readProducts(pool)]);
  return {
    catalog: buildOnlineRetailCatalog(countries, products),
    productNames: products.map((p) => p.description),
  };
}
