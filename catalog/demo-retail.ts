/**
 * The demo-retail tenant's facet catalog: customer attributes (age band, gender, region,
 * loyalty tier, acquisition channel), what was bought (channel, department, category, brand,
 * product, product-name words) and the measures every tenant shares, with the words marketers
 * use for each. Values come from the generator's closed lists, so the catalog and the
 * warehouse cannot drift apart.
 */
import type pg from "pg";
import { TenantConfig, type Facet, type FacetValue, type TenantCatalog } from "../state/catalog.ts";
import {
  ACQUISITION_CHANNELS,
  AGE_BANDS,
  BRANDS,
  CHANNELS,
  DEMO_RETAIL,
  DEPARTMENTS,
  GENDERS,
  LOYALTY_TIERS,
  REGIONS,
  type DemoProduct,
} from "../warehouse/generate-demo-retail.ts";
import { readDemoProducts } from "../warehouse/load-demo-retail.ts";
import { buildOnlineRetailCatalog } from "./online-retail.ts";

export { DEMO_RETAIL };

export const demoRetailConfig: TenantConfig = TenantConfig.parse({
  tenant: DEMO_RETAIL,
  asOf: "2025-01-01",
  fiscalYearStartMonth: 1,
  // Segmenting by gender is a sensitive trait this tenant's policy forbids; the facet stays
  // in the catalog so a request naming it is recognised and refused, not misread.
  restrictedFacets: ["gender"],
  glossary: [
    { term: "customer", meaning: "a generated demo customer with at least one order" },
    { term: "order", meaning: "a distinct invoice that is not a cancellation" },
    { term: "cancellation", meaning: "an invoice whose number starts with C" },
    { term: "spend", meaning: "sum of quantity × unit price over order lines (GBP)" },
    { term: "region", meaning: "the UK nation or English region (ITL1) the customer lives in" },
    {
      term: "loyalty tier",
      meaning: "the customer's loyalty programme tier at 2025-01-01; 'none' = not enrolled",
    },
    { term: "channel", meaning: "where an order was placed: in store or online" },
    { term: "online", meaning: "ordered on the website or app (the online sales channel)" },
    {
      term: "store customers",
      meaning: "customers who bought in one of our stores",
      expansion: "in-store customers",
      aliases: ["store shoppers", "store buyers"],
    },
    { term: "acquisition channel", meaning: "how the customer first came to us" },
    {
      term: "Gen Z",
      // Born 1997–2012: 13–28 at 2025-01-01; customers are 18+, so the 18-24 band.
      meaning: "approximated by the 18-24 age band (born 1997–2012; under-18s are not customers)",
      expansion: "aged 18-24",
      aliases: ["Generation Z", "Gen-Z", "zoomers"],
    },
    {
      term: "millennials",
      // Born 1981–1996: 28–43 at 2025-01-01, which the 25-34 and 35-44 bands cover.
      meaning: "approximated by the 25-34 and 35-44 age bands (born 1981–1996)",
      expansion: "aged 25-34 or aged 35-44",
      aliases: ["millennial", "Gen Y", "Generation Y"],
    },
    {
      term: "Gen X",
      // Born 1965–1980: 44–59 at 2025-01-01.
      meaning: "approximated by the 45-54 and 55-64 age bands (born 1965–1980)",
      expansion: "aged 45-54 or aged 55-64",
      aliases: ["Generation X", "Gen-X"],
    },
    {
      term: "baby boomers",
      // Born 1946–1964: 60–78 at 2025-01-01; most of them are in the 65+ band.
      meaning: "approximated by the 65+ age band (born 1946–1964; 60–64-year-olds are left out)",
      expansion: "aged 65+",
      aliases: ["boomers", "baby boomer", "boomer"],
    },
    {
      term: "loyalty members",
      meaning: "customers enrolled in the loyalty programme (any tier)",
      expansion: "bronze, silver, gold or platinum tier customers",
      aliases: [
        "loyalty programme members",
        "loyalty program members",
        "loyalty scheme members",
        "loyalty card holders",
        "enrolled in the loyalty programme",
        "enrolled in the loyalty program",
        "enrolled in the loyalty scheme",
        "in the loyalty programme",
        "in the loyalty program",
      ],
    },
    {
      // Only with the article: a bare "Midlands" would also rewrite "East Midlands".
      term: "the Midlands",
      meaning: "the East Midlands and West Midlands regions",
      expansion: "East Midlands or West Midlands",
    },
    {
      term: "one-time buyers",
      meaning: "customers with exactly one order",
      expansion: "customers with exactly 1 order",
      aliases: ["one-time customers", "one-off buyers", "one-off customers", "one-time shoppers"],
    },
    {
      term: "repeat customers",
      meaning: "customers with at least two orders",
      expansion: "customers with at least 2 orders",
      aliases: ["repeat buyers", "returning customers", "repeat shoppers", "repeat purchasers"],
    },
    {
      term: "VIP customers",
      meaning: "customers whose total spend is over £2,500 (about the top 5%)",
      expansion: "customers who spent over £2,500",
      aliases: ["VIPs", "VIP"],
    },
  ],
});

/** The warehouse binding lives with the warehouse, whose load builds what it declares. */
export { demoRetailBinding } from "../warehouse/demo-retail-binding.ts";

// ---------------------------------------------------------------------------------------------
// Words for values. Bare numbers ("25-34") are deliberately not names of an age band, not
// even its label: the linker matches names exactly, and "between 25 and 34 orders" normalises
// to the same words.

const ageNames = (lo: number, hi: number): string[] => [
  `aged ${lo}-${hi}`,
  `aged ${lo} to ${hi}`,
  `aged between ${lo} and ${hi}`,
  `age ${lo}-${hi}`,
  `ages ${lo}-${hi}`,
  `${lo}-${hi} year olds`,
  `${lo} to ${hi} year olds`,
  `${lo}-${hi} year old`,
  `${lo}-${hi}s`,
  `${lo}-${hi} age band`,
  `${lo}-${hi} age group`,
];

const AGE_VALUES: Record<string, { label: string; synonyms: string[] }> = {
  "18-24": { label: "18-24 years", synonyms: [...ageNames(18, 24), "under 25s", "under-25s"] },
  "25-34": { label: "25-34 years", synonyms: ageNames(25, 34) },
  "35-44": { label: "35-44 years", synonyms: ageNames(35, 44) },
  "45-54": { label: "45-54 years", synonyms: ageNames(45, 54) },
  "55-64": { label: "55-64 years", synonyms: ageNames(55, 64) },
  "65+": {
    label: "65+ years",
    // Not "65 and over": it normalises like "£65 and over".
    synonyms: [
      "aged 65+",
      "age 65+",
      "ages 65+",
      "aged 65 and over",
      "aged 65 or over",
      "aged over 65",
      "aged 65 and older",
      "65+ year olds",
      "over-65s",
      "over 65s",
      "seniors",
      "pensioners",
      "retirees",
    ],
  },
};

const GENDER_VALUES: Record<string, { label: string; synonyms: string[] }> = {
  female: { label: "Female", synonyms: ["women", "woman", "females", "ladies", "womens"] },
  male: { label: "Male", synonyms: ["men", "man", "males", "gentlemen", "mens"] },
  "non-binary": { label: "Non-binary", synonyms: ["nonbinary", "non binary", "enby"] },
  undisclosed: {
    label: "Gender undisclosed",
    synonyms: ["undisclosed gender", "gender not stated", "prefer not to say"],
  },
};

const REGION_SYNONYMS: Record<string, string[]> = {
  London: ["Londoners", "Londoner", "Greater London", "London area"],
  "South East": ["South-East", "Southeast", "South East England", "the South East"],
  "South West": ["South-West", "Southwest", "South West England", "West Country"],
  "East of England": ["East England", "East Anglia", "Eastern England"],
  "East Midlands": ["East-Midlands"],
  "West Midlands": ["West-Midlands"],
  "Yorkshire and the Humber": ["Yorkshire", "Yorkshire & Humber", "Humber", "Yorkshire and Humber"],
  "North West": ["North-West", "Northwest", "North West England"],
  "North East": ["North-East", "Northeast", "North East England"],
  Wales: ["Welsh"],
  Scotland: ["Scottish", "Scots"],
  "Northern Ireland": ["Northern Irish", "NI"],
};

/** "none" is labelled without a negation word: the mapper would read "no tier" as NOT. */
const LOYALTY_VALUES: Record<string, { label: string; synonyms: string[] }> = {
  none: { label: "Unenrolled", synonyms: ["unenrolled", "guest", "guests"] },
  bronze: { label: "Bronze", synonyms: tierNames("bronze") },
  silver: { label: "Silver", synonyms: tierNames("silver") },
  gold: { label: "Gold", synonyms: tierNames("gold") },
  platinum: { label: "Platinum", synonyms: tierNames("platinum") },
};

function tierNames(tier: string): string[] {
  return [
    `${tier} tier`,
    `${tier} members`,
    `${tier} member`,
    `${tier} loyalty`,
    `${tier} status`,
    `${tier} card holders`,
    `${tier} cardholders`,
    `${tier} level`,
  ];
}

/**
 * Acquisition words. "Acquired" and "joined" are also first-purchase words, so every source is
 * also named with those verbs in front: the longer name wins and "acquired via Instagram" is
 * a source, while "acquired in Q4 2024" stays a first-purchase date.
 */
const ACQUISITION_CORE: Record<string, { label: string; names: string[] }> = {
  "organic search": {
    label: "Organic search",
    // Not bare "organic": product names say "Organic Cotton".
    names: ["organic search", "SEO", "search engines", "Google search", "organically"],
  },
  "paid search": {
    label: "Paid search",
    names: ["paid search", "PPC", "search ads", "Google Ads", "pay per click", "paid ads"],
  },
  social: {
    label: "Social media",
    names: ["social", "social media", "Instagram", "Facebook", "TikTok", "social ads"],
  },
  email: {
    label: "Email",
    names: ["email", "e-mail", "emails", "email marketing", "newsletter", "newsletters"],
  },
  referral: {
    label: "Referral",
    names: [
      "referral",
      "referrals",
      "referred",
      "refer a friend",
      "referred by a friend",
      "referred by friends",
      "friend referrals",
      "word of mouth",
    ],
  },
  "in-store": {
    label: "In-store sign-up",
    names: ["in-store sign-up", "in-store sign-ups", "store sign-up", "in-store acquisition"],
  },
  affiliate: {
    label: "Affiliate",
    names: ["affiliate", "affiliates", "affiliate marketing", "voucher sites", "cashback sites"],
  },
};
const ACQUISITION_VERBS = [
  "acquired via",
  "acquired through",
  "acquired from",
  "acquired by",
  "joined via",
  "joined through",
  "joined from",
  "signed up via",
  "signed up through",
  "came from",
  "came via",
  "came through",
  "came in via",
  "came in through",
  "came in from",
  "found us via",
  "found us through",
  "referred by",
];
/** A store is a place, so the in-store source also reads "acquired in store". */
const IN_STORE_PHRASES = [
  "acquired in store",
  "acquired in-store",
  "joined in store",
  "joined in-store",
  "signed up in store",
  "signed up in-store",
  "recruited in store",
];

function acquisitionSynonyms(value: string): string[] {
  const core = ACQUISITION_CORE[value]!;
  const out = [...core.names];
  for (const verb of ACQUISITION_VERBS) for (const name of core.names) out.push(`${verb} ${name}`);
  if (value === "in-store") out.push(...IN_STORE_PHRASES);
  return [...new Set(out)].filter((s) => s.toLowerCase() !== core.label.toLowerCase());
}

/**
 * Channel words. The parser treats bare "online", "store" and "shop" as filler (they are for
 * online-retail, a web shop), so the values are also named by multi-word phrases it does link.
 */
const CHANNEL_VALUES: Record<string, { label: string; synonyms: string[] }> = {
  store: {
    label: "In store",
    synonyms: [
      "in-store",
      "instore",
      "in stores",
      "in a store",
      "in our stores",
      "in the store",
      "in shop",
      "in-shop",
      "in person",
      "at the till",
      "bought in store",
      "bought in-store",
      "shopped in store",
      "shopped in-store",
      "purchased in store",
      "store purchases",
      "store orders",
      "store order",
      "store sales",
      "brick and mortar",
      "physical stores",
      "offline",
    ],
  },
  online: {
    label: "Online",
    synonyms: [
      "bought online",
      "ordered online",
      "shopped online",
      "purchased online",
      "online orders",
      "online order",
      "online purchases",
      "online sales",
      "website",
      "on the website",
      "via the website",
      "web orders",
      "e-commerce",
      "ecommerce",
      "the app",
      "mobile app",
      "via the app",
      "internet",
    ],
  },
};

const DEPARTMENT_SYNONYMS: Record<string, string[]> = {
  Clothing: ["clothing", "clothes", "apparel", "fashion", "garments"],
  Footwear: ["footwear", "shoes", "shoe"],
  "Outdoor & Sports": [
    "outdoor",
    "outdoors",
    "outdoor gear",
    "outdoor equipment",
    "sports",
    "sport",
    "sports gear",
    "sporting goods",
    "sports equipment",
    "outdoor and sports gear",
  ],
  "Home & Living": [
    "home",
    "homeware",
    "homewares",
    "home and living",
    "home goods",
    "household",
    "housewares",
  ],
  "Beauty & Wellness": [
    "beauty",
    "beauty products",
    "wellness",
    "health and beauty",
    "personal care",
    "toiletries",
  ],
  Electronics: ["electronics", "tech", "gadgets", "consumer electronics", "electricals"],
  "Toys & Games": ["toys and games", "games", "kids", "children's"],
  "Food & Drink": ["food", "drink", "drinks", "food and drink", "groceries", "food hall"],
};

const CATEGORY_SYNONYMS: Record<string, string[]> = {
  "Tops & T-Shirts": ["tops", "t-shirts", "tshirts", "tees", "shirts", "polo shirts"],
  Knitwear: ["knitwear", "jumpers", "sweaters", "cardigans", "knits", "hoodies"],
  "Jeans & Trousers": ["jeans", "trousers", "denim", "chinos", "pants", "joggers"],
  "Dresses & Skirts": ["dresses", "skirts", "dress"],
  "Coats & Jackets": ["coats", "jackets", "outerwear", "coat", "jacket"],
  Trainers: ["trainers", "sneakers", "kicks"],
  Boots: ["boots"],
  "Sandals & Slides": ["sandals", "sliders", "slides", "flip flops", "summer shoes"],
  "Formal Shoes": ["formal shoes", "dress shoes", "work shoes", "loafers", "brogues"],
  "Camping & Hiking": [
    "camping",
    "hiking",
    "camping gear",
    "hiking gear",
    "tents",
    "walking gear",
    "camping and hiking gear",
  ],
  Running: ["running", "running gear", "running shoes", "running kit"],
  Cycling: ["cycling", "bike gear", "bike accessories", "cycling gear", "cycling kit"],
  Fitness: ["fitness", "gym", "gym equipment", "fitness equipment", "home gym", "yoga"],
  "Bedding & Throws": ["bedding", "throws", "blankets", "bed linen", "duvets"],
  "Kitchen & Dining": ["kitchen", "kitchenware", "cookware", "dining", "tableware"],
  "Home Decor": ["home decor", "home décor", "decor", "home accessories", "ornaments", "vases"],
  Furniture: ["furniture", "tables", "chairs", "armchairs"],
  Lighting: ["lighting", "lamps", "lights"],
  "Small Appliances": [
    "appliances",
    "small appliances",
    "kitchen appliances",
    "kettles",
    "toasters",
  ],
  Skincare: ["skincare", "skin care", "moisturisers", "serums"],
  Fragrance: ["fragrance", "fragrances", "perfume", "perfumes", "aftershave", "scent"],
  Haircare: ["haircare", "hair care", "shampoo", "hair products"],
  Makeup: ["makeup", "make-up", "cosmetics", "lipstick"],
  Audio: ["audio", "headphones", "speakers", "earbuds"],
  "Phones & Tablets": [
    "phones",
    "tablets",
    "smartphones",
    "mobile phones",
    "mobiles",
    "phone accessories",
  ],
  "Smart Home": ["smart home", "smart home devices", "smart devices"],
  Computing: ["computing", "computers", "laptops", "pc accessories", "monitors"],
  Wearables: ["wearables", "smartwatches", "smart watches", "fitness trackers", "gps watches"],
  Toys: ["toys", "toy", "kids toys", "children's toys"],
  "Board Games & Puzzles": ["board games", "puzzles", "jigsaws", "jigsaw puzzles", "card games"],
  "Video Games": ["video games", "gaming", "consoles", "games consoles"],
  "Coffee & Tea": ["coffee", "tea", "coffee and tea", "tea and coffee"],
  "Chocolate & Sweets": ["chocolate", "chocolates", "sweets", "confectionery", "candy"],
  "Wine & Spirits": ["wine", "spirits", "alcohol", "booze", "gin", "whisky", "prosecco"],
};

const BRAND_SYNONYMS: Record<string, string[]> = {
  "Levi's": ["Levis", "Levi"],
  "L'Oréal": ["Loreal", "L'Oreal", "L Oreal"],
  "Estée Lauder": ["Estee Lauder"],
  "Dr Martens": ["Dr. Martens", "Doc Martens", "Docs", "DMs"],
  "The North Face": ["North Face", "TNF"],
  LEGO: ["Lego"],
  "Le Creuset": ["LeCreuset"],
  "Hearth & Co": ["Hearth and Co", "Hearth", "own brand", "own-brand", "our own brand"],
  "Cellar Select": ["Cellar Select wines"],
};

const values = (
  list: readonly string[],
  named: Record<string, { label: string; synonyms: string[] }>,
  extra: (v: string) => Partial<FacetValue> = () => ({}),
): FacetValue[] =>
  list.map((v) => ({
    value: v,
    label: named[v]!.label,
    synonyms: named[v]!.synonyms,
    ...extra(v),
  }));

/** "18-24" covers 18..24; "65+" is 65 and over. */
function ageRange(band: string): FacetValue["range"] {
  const [lo, hi] = band.replace("+", "").split("-").map(Number);
  return hi === undefined ? { min: lo } : { min: lo, max: hi };
}

/** Tiers in order; "none" (not enrolled) is not on the scale. */
const TIER_RANK: Record<string, number | undefined> = {
  bronze: 1,
  silver: 2,
  gold: 3,
  platinum: 4,
};

/** Measures, recency and the order date: the same ids and words as online-retail (GBP). */
function sharedFacets(): Facet[] {
  return buildOnlineRetailCatalog([], []).facets.filter(
    (f) => f.kind === "measure" || f.kind === "recency" || f.kind === "date",
  );
}

/**
 * Measures only this tenant has: online-retail's products have no brand. Data only — the
 * facet here and its SQL in the binding; no parser change.
 */
const OWN_MEASURES: Facet[] = [
  {
    id: "distinct_brands",
    label: "Distinct brands",
    description: "Distinct brands bought.",
    kind: "measure",
    type: "number",
    synonyms: ["distinct brands", "different brands", "unique brands"],
    range: { min: 0, max: 1_000 },
    measure: {
      units: ["brands", "distinct brands", "different brands", "unique brands"],
      explain: "Bought from {cmp} distinct brands{on} {when}",
    },
  },
];

export function buildDemoRetailCatalog(products: DemoProduct[]): TenantCatalog {
  const facets: Facet[] = [
    {
      id: "age_band",
      label: "Age band",
      description: "The customer's age band at the as-of date.",
      kind: "attribute",
      type: "enum",
      // Generation names are here only so the speller knows them: the glossary rewrites them
      // to age bands before linking.
      synonyms: [
        "age band",
        "age",
        "age group",
        "age range",
        "aged",
        "generation",
        "millennials",
        "zoomers",
        "boomers",
      ],
      values: values(AGE_BANDS, AGE_VALUES, (v) => ({ range: ageRange(v) })),
      bandUnits: ["s", "year olds", "year-olds", "years old", "yo", "yrs", "years"],
    },
    {
      id: "gender",
      label: "Gender",
      description: "The customer's self-declared gender (restricted for this tenant).",
      kind: "attribute",
      type: "enum",
      synonyms: ["gender", "sex"],
      values: values(GENDERS, GENDER_VALUES),
    },
    {
      id: "region",
      label: "Region",
      description: "The UK nation or English region (ITL1) of the customer's address.",
      kind: "attribute",
      type: "enum",
      synonyms: ["region", "regions", "area", "home region", "part of the country"],
      values: REGIONS.map((r) => ({ value: r, label: r, synonyms: REGION_SYNONYMS[r] ?? [] })),
    },
    {
      id: "loyalty_tier",
      label: "Loyalty tier",
      description: "The customer's loyalty programme tier; 'none' when not enrolled.",
      kind: "attribute",
      type: "enum",
      synonyms: ["loyalty tier", "loyalty", "tier", "loyalty status", "membership tier"],
      values: values(LOYALTY_TIERS, LOYALTY_VALUES, (v) =>
        TIER_RANK[v] === undefined ? {} : { rank: TIER_RANK[v] },
      ),
    },
    {
      id: "acquisition_channel",
      label: "Acquisition channel",
      description: "How the customer first came to us (marketing source of their sign-up).",
      kind: "attribute",
      type: "enum",
      synonyms: ["acquisition channel", "acquisition source", "marketing source", "source"],
      values: ACQUISITION_CHANNELS.map((v) => ({
        value: v,
        label: ACQUISITION_CORE[v]!.label,
        synonyms: acquisitionSynonyms(v),
      })),
    },
    {
      id: "channel",
      label: "Sales channel",
      description: "Where the order was placed: in a store or online.",
      kind: "item",
      type: "enum",
      synonyms: ["sales channel", "purchase channel", "channel"],
      values: values(CHANNELS, CHANNEL_VALUES),
    },
    {
      id: "department",
      label: "Department",
      description: "One of the store's eight departments.",
      kind: "item",
      type: "enum",
      synonyms: ["department", "departments", "dept"],
      values: DEPARTMENTS.map((d) => ({
        value: d.name,
        label: d.name,
        synonyms: DEPARTMENT_SYNONYMS[d.name] ?? [],
      })),
    },
    {
      id: "category",
      label: "Category",
      description: "A merchandise category; each belongs to one department.",
      kind: "item",
      type: "enum",
      synonyms: ["category", "categories", "product category"],
      values: DEPARTMENTS.flatMap((d) =>
        d.categories.map((c) => ({
          value: c.name,
          label: c.name,
          synonyms: CATEGORY_SYNONYMS[c.name] ?? [],
        })),
      ),
    },
    {
      id: "brand",
      label: "Brand",
      description: "The brand of the product bought.",
      kind: "item",
      type: "enum",
      synonyms: ["brand", "brands"],
      values: BRANDS.map((b) => ({ value: b, label: b, synonyms: BRAND_SYNONYMS[b] ?? [] })),
    },
    {
      id: "product",
      label: "Product",
      description: "A specific product, by stock code and name.",
      kind: "item",
      type: "enum",
      synonyms: ["product", "stock code", "sku", "item"],
      values: products.map((p) => ({
        value: p.stock_code,
        label: p.description,
        synonyms: [p.stock_code],
      })),
    },
    {
      id: "product_word",
      label: "Word in product name",
      description: "A word or phrase contained in the product's name.",
      kind: "item",
      type: "text",
      synonyms: ["in the name", "in the description", "named", "called", "containing"],
    },
    ...sharedFacets(),
    ...OWN_MEASURES,
  ];
  return { tenant: DEMO_RETAIL, currency: "GBP", facets };
}

export async function loadDemoRetailCatalog(pool: pg.Pool): Promise<{
  catalog: TenantCatalog;
  productNames: string[];
}> {
  const products = await readDemoProducts(pool);
  return {
    catalog: buildDemoRetailCatalog(products),
    productNames: products.map((p) => p.description),
  };
}
