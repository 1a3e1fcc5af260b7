/**
 * The demo-retail tenant: a retail catalog and two years of orders generated from a fixed
 * seed, so a machine with nothing downloaded can still run the product. Same seed, same
 * rows, on any machine: every random draw comes from one seeded PRNG in a fixed order, money
 * is integer pence and dates are integer days, so no platform float or time-zone difference
 * can leak into the output. The loader is load-demo-retail.ts.
 */
import { createHash } from "node:crypto";
import seedrandom from "seedrandom";

export const DEMO_RETAIL = "demo-retail";
/** Bump when the generated rows change (a golden hash in the tests enforces it). */
export const GENERATOR_VERSION = 1;
export const DEMO_RETAIL_SEED = "demo-retail/2025-01-01";
export const DEMO_RETAIL_CUSTOMERS = 30_000;
export const DEMO_RETAIL_PRODUCTS = 1_500;

// ---------------------------------------------------------------------------------------------
// The closed vocabularies (the catalog's attribute values come from here).

export const AGE_BANDS = ["18-24", "25-34", "35-44", "45-54", "55-64", "65+"] as const;
export const GENDERS = ["female", "male", "non-binary", "undisclosed"] as const;
/** The twelve ITL1 regions (nations and English regions) of the UK; amounts are GBP. */
export const REGIONS = [
  "London",
  "South East",
  "South West",
  "East of England",
  "East Midlands",
  "West Midlands",
  "Yorkshire and the Humber",
  "North West",
  "North East",
  "Wales",
  "Scotland",
  "Northern Ireland",
] as const;
export const LOYALTY_TIERS = ["none", "bronze", "silver", "gold", "platinum"] as const;
export const ACQUISITION_CHANNELS = [
  "organic search",
  "paid search",
  "social",
  "email",
  "referral",
  "in-store",
  "affiliate",
] as const;
export const CHANNELS = ["store", "online"] as const;

export type AgeBand = (typeof AGE_BANDS)[number];
export type Gender = (typeof GENDERS)[number];
export type Region = (typeof REGIONS)[number];
export type LoyaltyTier = (typeof LOYALTY_TIERS)[number];
export type AcquisitionChannel = (typeof ACQUISITION_CHANNELS)[number];
export type Channel = (typeof CHANNELS)[number];

/** Design shares; the tests check the generated data against them. */
export const AGE_WEIGHTS: Record<AgeBand, number> = {
  "18-24": 0.12,
  "25-34": 0.22,
  "35-44": 0.21,
  "45-54": 0.18,
  "55-64": 0.15,
  "65+": 0.12,
};
export const GENDER_WEIGHTS: Record<Gender, number> = {
  female: 0.52,
  male: 0.44,
  "non-binary": 0.015,
  undisclosed: 0.025,
};
/** Mid-2022 population in millions (ONS), so customers spread as people do. */
export const REGION_WEIGHTS: Record<Region, number> = {
  London: 8.87,
  "South East": 9.38,
  "South West": 5.76,
  "East of England": 6.4,
  "East Midlands": 4.93,
  "West Midlands": 6.02,
  "Yorkshire and the Humber": 5.54,
  "North West": 7.51,
  "North East": 2.67,
  Wales: 3.13,
  Scotland: 5.45,
  "Northern Ireland": 1.91,
};
const ACQUISITION_WEIGHTS: Record<AcquisitionChannel, number> = {
  "organic search": 0.25,
  "paid search": 0.16,
  social: 0.15,
  email: 0.08,
  referral: 0.09,
  "in-store": 0.19,
  affiliate: 0.08,
};

interface CategorySpec {
  name: string;
  /** Share of the department's lines and of its products. */
  weight: number;
  /** Typical price in pounds; product prices spread log-normally around it. */
  price: number;
  nouns: string[];
  features: string[];
  brands: string[];
}

interface DepartmentSpec {
  name: string;
  /** Base share of lines before customer affinity and season. */
  weight: number;
  categories: CategorySpec[];
}

const cat = (
  name: string,
  weight: number,
  price: number,
  nouns: string[],
  features: string[],
  brands: string[],
): CategorySpec => ({ name, weight, price, nouns, features, brands });

/**
 * Departments, their categories and which brands sell in each. Product-name words avoid the
 * other facets' vocabulary (no "Gold", "London", "Online") so a product word never
 * shadows a loyalty tier, a region or a channel.
 */
export const DEPARTMENTS: readonly DepartmentSpec[] = [
  {
    name: "Clothing",
    weight: 0.22,
    categories: [
      cat(
        "Tops & T-Shirts",
        1.3,
        24,
        ["T-Shirt", "Polo Shirt", "Oxford Shirt", "Vest Top", "Long Sleeve Top"],
        ["Organic Cotton", "Linen", "Jersey", "Striped", "Relaxed Fit"],
        ["Levi's", "Superdry", "Fred Perry", "Ralph Lauren", "Seasalt", "Nike", "Adidas"],
      ),
      cat(
        "Knitwear",
        0.9,
        55,
        ["Crew Neck Jumper", "Cardigan", "Roll Neck Sweater", "Knitted Vest", "Hoodie"],
        ["Merino", "Cashmere Blend", "Cable Knit", "Lambswool", "Fisherman"],
        ["Barbour", "Ralph Lauren", "Seasalt", "Superdry", "Fred Perry"],
      ),
      cat(
        "Jeans & Trousers",
        1.0,
        48,
        ["Slim Jeans", "Straight Leg Jeans", "Chinos", "Cargo Trousers", "Joggers"],
        ["Stretch", "Selvedge", "Washed", "Tapered", "Relaxed"],
        ["Levi's", "Superdry", "Ralph Lauren", "Nike", "Adidas"],
      ),
      cat(
        "Dresses & Skirts",
        0.7,
        45,
        ["Midi Dress", "Wrap Dress", "Shirt Dress", "Pleated Skirt", "Maxi Skirt"],
        ["Floral", "Linen", "Jersey", "Printed", "Tiered"],
        ["Seasalt", "Ralph Lauren", "Superdry"],
      ),
      cat(
        "Coats & Jackets",
        0.6,
        95,
        ["Parka", "Quilted Jacket", "Wax Jacket", "Trench Coat", "Puffer Jacket"],
        ["Waterproof", "Insulated", "Lightweight", "Hooded", "Packable"],
        ["Barbour", "Superdry", "The North Face", "Patagonia", "Ralph Lauren"],
      ),
    ],
  },
  {
    name: "Footwear",
    weight: 0.11,
    categories: [
      cat(
        "Trainers",
        1.4,
        75,
        ["Trainers", "Low Top Trainers", "High Top Trainers", "Court Trainers", "Slip-On Trainers"],
        ["Leather", "Canvas", "Suede", "Knit", "Chunky"],
        ["Nike", "Adidas", "New Balance", "Puma", "Vans"],
      ),
      cat(
        "Boots",
        0.8,
        85,
        ["Chelsea Boots", "Lace-Up Boots", "Ankle Boots", "Work Boots", "Walking Boots"],
        ["Leather", "Suede", "Waterproof", "Fleece Lined", "Rugged"],
        ["Dr Martens", "Clarks", "Barbour"],
      ),
      cat(
        "Sandals & Slides",
        0.5,
        35,
        ["Sandals", "Sliders", "Flip Flops", "Espadrilles", "Mules"],
        ["Cork", "Leather", "Woven", "Cushioned", "Strappy"],
        ["Birkenstock", "Adidas", "Nike", "Clarks"],
      ),
      cat(
        "Formal Shoes",
        0.5,
        85,
        ["Oxford Shoes", "Derby Shoes", "Loafers", "Brogues", "Court Shoes"],
        ["Leather", "Patent", "Suede", "Polished", "Wide Fit"],
        ["Clarks", "Dr Martens", "Ralph Lauren"],
      ),
    ],
  },
  {
    name: "Outdoor & Sports",
    weight: 0.1,
    categories: [
      cat(
        "Camping & Hiking",
        1.0,
        70,
        ["Tent", "Sleeping Bag", "Rucksack", "Camping Stove", "Trekking Poles", "Head Torch"],
        ["Ultralight", "Two-Person", "Expedition", "Trail", "Four-Season"],
        ["The North Face", "Patagonia", "Berghaus"],
      ),
      cat(
        "Running",
        1.0,
        55,
        ["Running Shoes", "Running Tights", "Running Jacket", "Hydration Vest", "Running Shorts"],
        ["Breathable", "Reflective", "Cushioned", "Lightweight", "Trail"],
        ["Nike", "Adidas", "New Balance", "Puma"],
      ),
      cat(
        "Cycling",
        0.6,
        45,
        ["Cycling Helmet", "Bike Lights", "Cycling Jersey", "Bike Lock", "Padded Shorts"],
        ["Aero", "Reflective", "Commuter", "Road", "Gravel"],
        ["Brompton", "Garmin", "Berghaus"],
      ),
      cat(
        "Fitness",
        0.8,
        30,
        ["Yoga Mat", "Kettlebell", "Dumbbell Set", "Resistance Bands", "Foam Roller"],
        ["Non-Slip", "Adjustable", "Compact", "Heavy Duty", "Eco"],
        ["Nike", "Adidas", "Puma"],
      ),
    ],
  },
  {
    name: "Home & Living",
    weight: 0.17,
    categories: [
      cat(
        "Bedding & Throws",
        1.0,
        45,
        ["Throw Blanket", "Duvet Cover", "Pillowcase Set", "Fitted Sheet", "Quilt"],
        ["Wool", "Linen", "Cotton", "Velvet", "Chunky Knit"],
        ["Hearth & Co", "Habitat"],
      ),
      cat(
        "Kitchen & Dining",
        1.1,
        40,
        ["Casserole Dish", "Frying Pan", "Chopping Board", "Dinner Set", "Knife Block"],
        ["Cast Iron", "Stoneware", "Non-Stick", "Enamel", "Bamboo"],
        ["Le Creuset", "Smeg", "Hearth & Co"],
      ),
      cat(
        "Home Decor",
        1.0,
        28,
        ["Vase", "Wall Mirror", "Photo Frame", "Scented Candle", "Cushion"],
        ["Ceramic", "Rattan", "Glass", "Marble", "Brass"],
        ["Hearth & Co", "Habitat"],
      ),
      cat(
        "Furniture",
        0.4,
        140,
        ["Side Table", "Armchair", "Bookcase", "Console Table", "Dining Chair"],
        ["Oak", "Walnut", "Rattan", "Upholstered", "Mango Wood"],
        ["Habitat", "Hearth & Co"],
      ),
      cat(
        "Lighting",
        0.6,
        50,
        ["Table Lamp", "Floor Lamp", "Pendant Shade", "String Lights", "Desk Lamp"],
        ["Brass", "Linen", "Rattan", "Opal Glass", "Ceramic"],
        ["Habitat", "Hearth & Co", "Philips"],
      ),
      cat(
        "Small Appliances",
        0.5,
        90,
        ["Kettle", "Toaster", "Espresso Machine", "Stand Mixer", "Blender"],
        ["Retro", "Compact", "Digital", "Stainless Steel", "Matt"],
        ["Smeg", "Dyson", "Philips"],
      ),
    ],
  },
  {
    name: "Beauty & Wellness",
    weight: 0.1,
    categories: [
      cat(
        "Skincare",
        1.2,
        24,
        ["Moisturiser", "Serum", "Cleanser", "Face Mask", "Eye Cream"],
        ["Hydrating", "Vitamin C", "Retinol", "Hyaluronic", "Gentle"],
        ["Clinique", "Estée Lauder", "L'Oréal"],
      ),
      cat(
        "Fragrance",
        0.8,
        55,
        ["Eau de Parfum", "Eau de Toilette", "Body Mist", "Cologne", "Reed Diffuser"],
        ["Amber", "Citrus", "Oud", "Fig", "Bluebell"],
        ["Jo Malone", "Estée Lauder", "Ralph Lauren"],
      ),
      cat(
        "Haircare",
        0.8,
        18,
        ["Shampoo", "Conditioner", "Hair Mask", "Hair Dryer", "Styling Cream"],
        ["Repair", "Volumising", "Curl", "Smoothing", "Bond"],
        ["L'Oréal", "Dyson", "Philips"],
      ),
      cat(
        "Makeup",
        0.9,
        20,
        ["Lipstick", "Mascara", "Foundation", "Eyeshadow Palette", "Concealer"],
        ["Matte", "Lengthening", "Radiant", "Nude", "Long-Wear"],
        ["Charlotte Tilbury", "L'Oréal", "Clinique", "Estée Lauder"],
      ),
    ],
  },
  {
    name: "Electronics",
    weight: 0.1,
    categories: [
      cat(
        "Audio",
        1.0,
        75,
        ["Wireless Headphones", "Earbuds", "Bluetooth Speaker", "Soundbar", "Turntable"],
        ["Noise Cancelling", "Portable", "Waterproof", "Studio", "Compact"],
        ["Sony", "Bose", "JBL", "Samsung"],
      ),
      cat(
        "Phones & Tablets",
        0.9,
        90,
        ["Smartphone", "Tablet", "Phone Case", "Charging Cable", "Power Bank"],
        ["Slim", "Rugged", "Fast-Charge", "Foldable", "Wireless"],
        ["Samsung", "Sony", "Anker"],
      ),
      cat(
        "Smart Home",
        0.6,
        60,
        ["Smart Speaker", "Video Doorbell", "Smart Plug", "Smart Bulb", "Security Camera"],
        ["Voice Control", "Weatherproof", "Indoor", "Colour", "Mini"],
        ["Philips", "Anker", "Samsung"],
      ),
      cat(
        "Computing",
        0.6,
        120,
        ["Laptop", "Monitor", "Keyboard", "Wireless Mouse", "Webcam"],
        ["Ultrabook", "Curved", "Mechanical", "Ergonomic", "HD"],
        ["Samsung", "Anker", "Sony"],
      ),
      cat(
        "Wearables",
        0.5,
        110,
        ["Smartwatch", "Fitness Tracker", "GPS Watch", "Sports Watch"],
        ["Solar", "AMOLED", "Slim", "Rugged", "Multisport"],
        ["Garmin", "Samsung"],
      ),
    ],
  },
  {
    name: "Toys & Games",
    weight: 0.09,
    categories: [
      cat(
        "Toys",
        1.2,
        25,
        ["Building Set", "Doll", "Remote Control Car", "Plush Toy", "Play Kitchen"],
        ["Deluxe", "Starter", "Wooden", "Interactive", "Collector"],
        ["LEGO", "Mattel", "Hasbro"],
      ),
      cat(
        "Board Games & Puzzles",
        0.8,
        22,
        ["Board Game", "Jigsaw Puzzle", "Card Game", "Strategy Game", "Quiz Game"],
        ["Family", "Party", "Travel", "Classic", "Thousand-Piece"],
        ["Hasbro", "Mattel"],
      ),
      cat(
        "Video Games",
        0.8,
        45,
        ["Games Console", "Controller", "Video Game", "Gaming Headset"],
        ["Handheld", "Wireless", "Limited Edition", "Pro", "Racing"],
        ["Nintendo", "Sony"],
      ),
    ],
  },
  {
    name: "Food & Drink",
    weight: 0.11,
    categories: [
      cat(
        "Coffee & Tea",
        1.0,
        9,
        ["Coffee Beans", "Ground Coffee", "Tea Bags", "Loose Leaf Tea", "Coffee Pods"],
        ["Espresso Roast", "Decaf", "Breakfast Blend", "Earl Grey", "Single Origin"],
        ["Lavazza", "Twinings"],
      ),
      cat(
        "Chocolate & Sweets",
        1.0,
        8,
        ["Chocolate Bar", "Truffle Box", "Fudge", "Biscuit Tin", "Advent Calendar"],
        ["Dark", "Milk", "Salted Caramel", "Hazelnut", "Orange"],
        ["Lindt", "Cadbury"],
      ),
      cat(
        "Wine & Spirits",
        0.8,
        18,
        ["Red Wine", "White Wine", "Prosecco", "Gin", "Whisky"],
        ["Reserve", "Organic", "Small Batch", "Barrel Matured", "Vintage"],
        ["Cellar Select"],
      ),
    ],
  },
];

/** Leading words of product names ("Nordic Wool Throw Blanket"). */
const STYLES = [
  "Nordic",
  "Classic",
  "Heritage",
  "Coastal",
  "Urban",
  "Alpine",
  "Essential",
  "Everyday",
  "Signature",
  "Harbour",
  "Meadow",
  "Summit",
  "Metro",
  "Modern",
  "Cosy",
  "Luxe",
  "Hampton",
  "Willow",
  "Granite",
  "Atlas",
];

export const BRANDS: readonly string[] = [
  ...new Set(DEPARTMENTS.flatMap((d) => d.categories.flatMap((c) => c.brands))),
].sort();

// ---------------------------------------------------------------------------------------------
// Rows

export interface DemoProduct {
  stock_code: string;
  description: string;
  department: string;
  category: string;
  brand: string;
  /** List price in pence. */
  price: number;
}

export interface DemoCustomer {
  customer_id: number;
  age_band: AgeBand;
  gender: Gender;
  region: Region;
  loyalty_tier: LoyaltyTier;
  acquisition_channel: AcquisitionChannel;
}

export interface DemoLine {
  invoice_no: string;
  stock_code: string;
  /** Negative on cancellation lines, as in the online-retail data. */
  quantity: number;
  /** `YYYY-MM-DD HH:MM:SS`. */
  invoice_date: string;
  /** Pence. */
  unit_price: number;
  customer_id: number;
  channel: Channel;
}

export interface DemoRetailData {
  seed: string;
  products: DemoProduct[];
  customers: DemoCustomer[];
  lines: DemoLine[];
}

// ---------------------------------------------------------------------------------------------
// Random helpers: all draws go through one PRNG so the order of calls fixes the output.

type Rng = () => number;

function pickWeighted<T extends string>(rng: Rng, weights: Record<T, number>): T {
  const keys = Object.keys(weights) as T[];
  let total = 0;
  for (const k of keys) total += weights[k];
  let x = rng() * total;
  for (const k of keys) {
    x -= weights[k];
    if (x < 0) return k;
  }
  return keys[keys.length - 1]!;
}

/** Index into cumulative weights (ascending, last = total) by binary search. */
function pickCumulative(
  rng: Rng,
  cumulative: Float64Array,
  lo = 0,
  hi = cumulative.length,
): number {
  const base = lo > 0 ? cumulative[lo - 1]! : 0;
  const x = base + rng() * (cumulative[hi - 1]! - base);
  while (lo < hi - 1) {
    const mid = (lo + hi) >>> 1;
    if (cumulative[mid - 1]! > x) hi = mid;
    else lo = mid;
  }
  return lo;
}

function cumulativeOf(weights: readonly number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let sum = 0;
  weights.forEach((w, i) => {
    sum += w;
    out[i] = sum;
  });
  return out;
}

function normal(rng: Rng): number {
  // Box–Muller; 1 - u keeps the log argument in (0, 1].
  const u = 1 - rng();
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

function poisson(rng: Rng, mean: number): number {
  if (mean <= 0) return 0;
  if (mean > 40) return Math.max(0, Math.round(mean + Math.sqrt(mean) * normal(rng)));
  const limit = Math.exp(-mean);
  let k = 0;
  let p = rng();
  while (p > limit) {
    k++;
    p *= rng();
  }
  return k;
}

function shuffle<T>(rng: Rng, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

// ---------------------------------------------------------------------------------------------
// Calendar: day 0 is 2023-01-01; the data ends before the tenant's as-of date, 2025-01-01.

const DAY_MS = 86_400_000;
const START_MS = Date.UTC(2023, 0, 1);
export const DEMO_DAYS = 731;

/** Seasonality of order volume: the Black Friday to Christmas peak and a summer bump. */
const MONTH_WEIGHT = [0.85, 0.75, 0.85, 0.9, 0.95, 0.95, 1.0, 0.95, 0.9, 1.0, 1.5, 1.7];
/** Black Friday 2023 and 2024: the days around it trade at twice the month's rate. */
const BLACK_FRIDAYS = [Date.UTC(2023, 10, 24), Date.UTC(2024, 10, 29)].map((ms) =>
  Math.round((ms - START_MS) / DAY_MS),
);

interface Day {
  month: number;
  /** 0 = Sunday. */
  weekday: number;
  dateText: string;
  weight: number;
  storeOpen: boolean;
  /** Sale pricing: Black Friday week and the January sales. */
  sale: boolean;
}

const DAYS: Day[] = Array.from({ length: DEMO_DAYS }, (_, i) => {
  const d = new Date(START_MS + i * DAY_MS);
  const month = d.getUTCMonth();
  const dayOfMonth = d.getUTCDate();
  const weekday = d.getUTCDay();
  const blackFriday = BLACK_FRIDAYS.some((bf) => i >= bf - 3 && i <= bf + 3);
  const christmas = month === 11 && dayOfMonth === 25;
  const januarySale = (month === 11 && dayOfMonth >= 26) || (month === 0 && dayOfMonth <= 7);
  // Volume rises before Christmas and dips on the day itself.
  let weight = MONTH_WEIGHT[month]! * (weekday === 0 || weekday === 6 ? 1.15 : 1);
  if (blackFriday) weight *= 2;
  if (month === 11 && dayOfMonth >= 26) weight *= 0.8;
  if (christmas) weight *= 0.2;
  return {
    month,
    weekday,
    dateText: d.toISOString().slice(0, 10),
    weight,
    storeOpen: !christmas,
    sale: blackFriday || januarySale,
  };
});
const DAY_CUMULATIVE = cumulativeOf(DAYS.map((d) => d.weight));
const MEAN_DAY_WEIGHT = DAY_CUMULATIVE[DEMO_DAYS - 1]! / DEMO_DAYS;

function timeText(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return [h, m, s].map((n) => String(n).padStart(2, "0")).join(":");
}

// ---------------------------------------------------------------------------------------------
// Generation

function generateProducts(rng: Rng): DemoProduct[] {
  const categories = DEPARTMENTS.flatMap((d) =>
    d.categories.map((c) => ({ department: d, category: c })),
  );
  const share = categories.map(
    (c) =>
      (c.department.weight * c.category.weight) /
      c.department.categories.reduce((s, x) => s + x.weight, 0),
  );
  const totalShare = share.reduce((a, b) => a + b, 0);
  // At least 20 per category; the rest by the category's share of lines.
  const counts = share.map((s) =>
    Math.max(20, Math.round((s / totalShare) * DEMO_RETAIL_PRODUCTS)),
  );
  let excess = counts.reduce((a, b) => a + b, 0) - DEMO_RETAIL_PRODUCTS;
  for (let i = 0; excess !== 0; i = (i + 1) % counts.length) {
    if (excess > 0 && counts[i]! > 20) {
      counts[i]!--;
      excess--;
    } else if (excess < 0) {
      counts[i]!++;
      excess++;
    }
  }
  const products: DemoProduct[] = [];
  const seen = new Set<string>();
  categories.forEach(({ department, category }, ci) => {
    const combos: string[] = [];
    for (const style of STYLES)
      for (const feature of category.features)
        for (const noun of category.nouns) combos.push(`${style} ${feature} ${noun}`);
    shuffle(rng, combos);
    let made = 0;
    for (const description of combos) {
      if (made === counts[ci]) break;
      if (seen.has(description)) continue;
      seen.add(description);
      const brand = category.brands[Math.floor(rng() * category.brands.length)]!;
      const pounds = Math.max(2, Math.round(category.price * Math.exp(0.45 * normal(rng))));
      products.push({
        stock_code: "",
        description,
        department: department.name,
        category: category.name,
        brand,
        price: pounds * 100 - 1,
      });
      made++;
    }
  });
  products.forEach((p, i) => (p.stock_code = `P${10001 + i}`));
  return products;
}

/** How much each department appeals, by age band and gender, on top of its base weight. */
function departmentAffinity(age: AgeBand, gender: Gender, department: string): number {
  const young = age === "18-24" || age === "25-34";
  const parents = age === "25-34" || age === "35-44";
  const older = age === "55-64" || age === "65+";
  switch (department) {
    case "Clothing":
      return young ? 1.3 : 1;
    case "Beauty & Wellness":
      return gender === "female" ? 1.8 : gender === "male" ? 0.5 : 1.1;
    case "Electronics":
      return (gender === "male" ? 1.4 : 0.9) * (young ? 1.3 : older ? 0.8 : 1);
    case "Toys & Games":
      return parents ? 1.6 : age === "65+" ? 1.2 : 0.8;
    case "Outdoor & Sports":
      return parents || age === "45-54" ? 1.2 : 0.9;
    case "Home & Living":
      return age === "18-24" ? 0.6 : parents ? 1 : 1.3;
    case "Food & Drink":
      return older ? 1.3 : 1;
    default:
      return 1;
  }
}

/** Seasonal demand by department and month (0 = January). */
function seasonal(department: string, month: number): number {
  if (department === "Toys & Games") return month === 10 ? 2 : month === 11 ? 2.6 : 1;
  if (department === "Food & Drink") return month === 11 ? 2.2 : month === 10 ? 1.3 : 1;
  if (department === "Outdoor & Sports") return month >= 3 && month <= 7 ? 1.5 : 0.8;
  if (department === "Beauty & Wellness") return month === 11 ? 1.6 : 1;
  return 1;
}

const ACQUISITION_ONLINE: Record<AcquisitionChannel, number> = {
  "organic search": 0.72,
  "paid search": 0.8,
  social: 0.82,
  email: 0.66,
  referral: 0.6,
  "in-store": 0.22,
  affiliate: 0.86,
};

interface PendingOrder {
  day: number;
  seconds: number;
  customer: number;
  channel: Channel;
  /** Product index, quantity, unit price in pence. */
  lines: [number, number, number][];
  cancel?: { day: number; seconds: number; lines: [number, number, number][] };
}

export function generateDemoRetail(
  opts: { seed?: string; customers?: number } = {},
): DemoRetailData {
  const seed = opts.seed ?? DEMO_RETAIL_SEED;
  const customerCount = opts.customers ?? DEMO_RETAIL_CUSTOMERS;
  const rng: Rng = seedrandom.alea(seed);
  const products = generateProducts(rng);

  // Products by category, with Zipf-like popularity so a few lines sell most.
  const byCategory = new Map<string, { index: number[]; cumulative: Float64Array }>();
  for (const d of DEPARTMENTS) {
    for (const c of d.categories) {
      const index = products.flatMap((p, i) => (p.category === c.name ? [i] : []));
      byCategory.set(c.name, {
        index,
        cumulative: cumulativeOf(index.map((_, r) => 1 / Math.pow(r + 3, 0.9))),
      });
    }
  }
  const departmentNames = DEPARTMENTS.map((d) => d.name);
  const categoryCumulative = DEPARTMENTS.map((d) =>
    cumulativeOf(d.categories.map((c) => c.weight)),
  );

  const customers: DemoCustomer[] = [];
  const orders: PendingOrder[] = [];
  const spend = new Float64Array(customerCount);
  const orderCount = new Int32Array(customerCount);
  for (let ci = 0; ci < customerCount; ci++) {
    const age = pickWeighted(rng, AGE_WEIGHTS);
    const gender = pickWeighted(rng, GENDER_WEIGHTS);
    const region = pickWeighted(rng, REGION_WEIGHTS);
    const young = age === "18-24" || age === "25-34";
    const older = age === "55-64" || age === "65+";
    const acquisition = pickWeighted(rng, {
      ...ACQUISITION_WEIGHTS,
      social: ACQUISITION_WEIGHTS.social * (age === "18-24" ? 2.2 : young ? 1.5 : older ? 0.4 : 1),
      "in-store": ACQUISITION_WEIGHTS["in-store"] * (older ? 1.5 : young ? 0.8 : 1),
      email: ACQUISITION_WEIGHTS.email * (older ? 1.4 : 1),
    });
    const pOnline = Math.min(
      0.95,
      Math.max(0.05, ACQUISITION_ONLINE[acquisition] + (young ? 0.06 : age === "65+" ? -0.15 : 0)),
    );
    // Lognormal affinity per department: every customer has favourite departments.
    const affinity = departmentNames.map(
      (name, di) =>
        DEPARTMENTS[di]!.weight *
        departmentAffinity(age, gender, name) *
        Math.exp(0.9 * normal(rng)),
    );
    // Pareto order rate (orders a year): most buy a few times, a long tail buys every week.
    const rate = Math.min(60, 2.2 * Math.pow(1 - rng(), -1 / 1.7));
    // A base of existing customers is active from the first day; the rest are acquired over
    // the two years, more of them in the peak season. Churn ends the active spell.
    const existing = rng() < 0.45;
    const start = existing ? 0 : pickCumulative(rng, DAY_CUMULATIVE);
    const end = Math.min(DEMO_DAYS - 1, start + Math.round(-700 * Math.log(1 - rng())));
    const window = (DAY_CUMULATIVE[end]! - DAY_CUMULATIVE[start]!) / MEAN_DAY_WEIGHT / 365;
    // A new customer's spell opens with their first order; an existing one's may hold none,
    // and a customer is in the data only because they ordered, so one order is drawn then.
    const days = existing ? [] : [start];
    const extra = poisson(rng, rate * window);
    for (let k = 0; k < extra; k++)
      days.push(pickCumulative(rng, DAY_CUMULATIVE, start + (existing ? 0 : 1), end + 1));
    if (days.length === 0) days.push(pickCumulative(rng, DAY_CUMULATIVE, start));
    days.sort((a, b) => a - b);

    for (const day of days) {
      const info = DAYS[day]!;
      const online = !info.storeOpen || rng() < pOnline;
      // Stores trade 9:00–20:00; online orders peak in the evening.
      const seconds = online
        ? Math.floor((rng() < 0.6 ? 17 + rng() * 7 : rng() * 24) * 3600) % 86_400
        : Math.floor((9 + rng() * 11) * 3600);
      const weights = affinity.map((a, di) => a * seasonal(departmentNames[di]!, info.month));
      const deptCumulative = cumulativeOf(weights);
      const size = 1 + poisson(rng, online ? 1.2 : 0.9);
      const lines: [number, number, number][] = [];
      const picked = new Set<number>();
      for (let l = 0; l < size; l++) {
        const di = pickCumulative(rng, deptCumulative);
        const dept = DEPARTMENTS[di]!;
        const category = dept.categories[pickCumulative(rng, categoryCumulative[di]!)]!;
        const pool = byCategory.get(category.name)!;
        const product = pool.index[pickCumulative(rng, pool.cumulative)]!;
        if (picked.has(product)) continue;
        picked.add(product);
        const u = rng();
        const multi = dept.name === "Food & Drink" ? 2 : 1;
        const quantity =
          u < 0.78 ? 1 : u < 0.93 ? 2 * multi : u < 0.97 ? 3 : 4 + Math.floor(rng() * 3);
        const list = products[product]!.price;
        const price = info.sale && rng() < 0.5 ? Math.round(list * 0.8) : list;
        lines.push([product, quantity, price]);
        spend[ci]! += quantity * price;
      }
      const order: PendingOrder = {
        day,
        seconds,
        customer: ci,
        channel: online ? "online" : "store",
        lines,
      };
      // About 2% of orders are cancelled in full or in part within three weeks.
      if (rng() < 0.021) {
        const cancelDay = day + 1 + Math.floor(rng() * 21);
        const all = rng() < 0.5;
        const one = Math.floor(rng() * lines.length);
        const cancelSeconds = Math.floor((8 + rng() * 12) * 3600);
        if (cancelDay < DEMO_DAYS) {
          order.cancel = {
            day: cancelDay,
            seconds: cancelSeconds,
            lines: (all ? lines : [lines[one]!]).map(([p, q, pr]) => [p, -q, pr]),
          };
        }
      }
      orders.push(order);
      orderCount[ci]!++;
    }
    customers.push({
      customer_id: 10001 + ci,
      age_band: age,
      gender,
      region,
      loyalty_tier: "none",
      acquisition_channel: acquisition,
    });
  }

  // Loyalty: frequent buyers enrol; the tier follows (noisy) spend, so tiers differ in value.
  for (let ci = 0; ci < customerCount; ci++) {
    const c = customers[ci]!;
    const boost = c.acquisition_channel === "in-store" || c.acquisition_channel === "email";
    const pEnrol = Math.min(0.95, 0.35 + 0.07 * orderCount[ci]! + (boost ? 0.1 : 0));
    const enrolled = rng() < pEnrol;
    const score = (spend[ci]! / 100) * Math.exp(0.35 * normal(rng));
    c.loyalty_tier = !enrolled
      ? "none"
      : score < 250
        ? "bronze"
        : score < 800
          ? "silver"
          : score < 2_500
            ? "gold"
            : "platinum";
  }

  // Invoice numbers follow time, as a till would issue them; cancellations share the sequence.
  const events: { day: number; seconds: number; order: PendingOrder; cancel: boolean }[] = [];
  for (const o of orders) {
    events.push({ day: o.day, seconds: o.seconds, order: o, cancel: false });
    if (o.cancel)
      events.push({ day: o.cancel.day, seconds: o.cancel.seconds, order: o, cancel: true });
  }
  events.sort(
    (a, b) =>
      a.day - b.day ||
      a.seconds - b.seconds ||
      a.order.customer - b.order.customer ||
      Number(a.cancel) - Number(b.cancel),
  );
  const lines: DemoLine[] = [];
  events.forEach((e, n) => {
    const invoice = `${e.cancel ? "C" : ""}${500001 + n}`;
    const when = `${DAYS[e.day]!.dateText} ${timeText(e.seconds)}`;
    const customerId = 10001 + e.order.customer;
    for (const [product, quantity, price] of e.cancel ? e.order.cancel!.lines : e.order.lines) {
      lines.push({
        invoice_no: invoice,
        stock_code: products[product]!.stock_code,
        quantity,
        invoice_date: when,
        unit_price: price,
        customer_id: customerId,
        channel: e.order.channel,
      });
    }
  });
  return { seed, products, customers, lines };
}

// ---------------------------------------------------------------------------------------------
// CSV for COPY, and the content hash the tests pin

function pence(p: number): string {
  const sign = p < 0 ? "-" : "";
  const a = Math.abs(p);
  return `${sign}${Math.floor(a / 100)}.${String(a % 100).padStart(2, "0")}`;
}

function csvField(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const CHUNK_ROWS = 5_000;

function* chunks<T>(rows: readonly T[], render: (row: T) => string): Generator<string> {
  for (let i = 0; i < rows.length; i += CHUNK_ROWS) {
    let out = "";
    const end = Math.min(rows.length, i + CHUNK_ROWS);
    for (let k = i; k < end; k++) out += render(rows[k]!);
    yield out;
  }
}

export const renderProduct = (p: DemoProduct) =>
  [p.stock_code, p.description, p.department, p.category, p.brand, pence(p.price)]
    .map(csvField)
    .join(",") + "\n";
export const renderCustomer = (c: DemoCustomer) =>
  [c.customer_id, c.age_band, c.gender, c.region, c.loyalty_tier, c.acquisition_channel]
    .map((v) => csvField(String(v)))
    .join(",") + "\n";
export const renderLine = (l: DemoLine) =>
  `${l.invoice_no},${l.stock_code},${l.quantity},${l.invoice_date},${pence(l.unit_price)},${l.customer_id},${l.channel}\n`;

export interface RenderedTables {
  products: string[];
  customers: string[];
  lines: string[];
}

export function renderTables(data: DemoRetailData): RenderedTables {
  return {
    products: [...chunks(data.products, renderProduct)],
    customers: [...chunks(data.customers, renderCustomer)],
    lines: [...chunks(data.lines, renderLine)],
  };
}

/** SHA-256 of the rendered rows: equal hashes mean equal tables. */
export function hashTables(tables: RenderedTables): string {
  const hash = createHash("sha256");
  for (const [name, parts] of Object.entries(tables)) {
    hash.update(`\u0000${name}\u0000`);
    for (const part of parts) hash.update(part);
  }
  return hash.digest("hex");
}
