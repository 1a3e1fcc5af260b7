/**
 * Test support for the rules tier: both reference tenants' catalogs, retrievers and spellers
 * built without a database (online-retail from its products.csv, demo-retail from the
 * generator's seeded product list), and the whole rules pipeline over one request, so an
 * example states a phrase and the rule tree it must give.
 */
import { readFileSync } from "node:fs";
import { parseCsvLine } from "../../warehouse/csv.ts";
import { join, resolve } from "node:path";
import { buildDemoRetailCatalog, demoRetailConfig } from "../../catalog/demo-retail.ts";
import { buildOnlineRetailCatalog, onlineRetailConfig } from "../../catalog/online-retail.ts";
import { CatalogRetriever } from "../../catalog/retriever.ts";
import { screenRequest } from "./screen.ts";
import type { TenantCatalog, TenantConfig } from "../../state/catalog.ts";
import type { RuleNode } from "../../state/segment.ts";
import { generateDemoRetail } from "../../warehouse/generate-demo-retail.ts";
import type { Ambiguity, DateTagResult, Mention, SkillContext, SubSegment } from "../types.ts";
import { dateSpans, tagDatesShared } from "./date-spans.ts";
import { decomposeRequest } from "./decompose.ts";
import { shortlistRequest } from "./link.ts";
import { mapRequest } from "./map/index.ts";
import { SpellingCorrector } from "./spelling.ts";

export type TestTenantId = "online-retail" | "demo-retail";

export interface TestTenant {
  config: TenantConfig;
  catalog: TenantCatalog;
  retriever: CatalogRetriever;
  speller: SpellingCorrector;
}

/** The customers' countries in the online-retail data (its own spellings). */
export const ONLINE_RETAIL_COUNTRIES =
  "Australia|Austria|Bahrain|Belgium|Brazil|Canada|Channel Islands|Cyprus|Czech Republic|Denmark|EIRE|European Community|Finland|France|Germany|Greece|Iceland|Israel|Italy|Japan|Lebanon|Lithuania|Malta|Netherlands|Norway|Poland|Portugal|RSA|Saudi Arabia|Singapore|Spain|Sweden|Switzerland|USA|United Arab Emirates|United Kingdom|Unspecified".split(
    "|",
  );

function onlineRetailProducts() {
  const dir = resolve(
    process.env.ONLINE_RETAIL_DIR ??
      join(import.meta.dirname, "../../../shared/data/online-retail"),
  );
  return readFileSync(join(dir, "products.csv"), "utf8")
    .split("\n")
    .slice(1)
    .filter((l) => l.trim())
    .map((l) => {
      const [stock_code, description, category] = parseCsvLine(l);
      return { stock_code: stock_code!, description: description!.trim(), category: category! };
    });
}

const cache = new Map<TestTenantId, TestTenant>();

export function testTenant(id: TestTenantId): TestTenant {
  const hit = cache.get(id);
  if (hit) return hit;
  let catalog: TenantCatalog;
  let texts: string[];
  let config: TenantConfig;
  if (id === "online-retail") {
    const products = onlineRetailProducts();
    catalog = buildOnlineRetailCatalog(ONLINE_RETAIL_COUNTRIES, products);
    texts = products.map((p) => p.description);
    config = onlineRetailConfig;
  } else {
    const products = generateDemoRetail({ customers: 1 }).products;
    catalog = buildDemoRetailCatalog(products);
    texts = products.map((p) => p.description);
    config = demoRetailConfig;
  }
  const tenant: TestTenant = {
    config,
    catalog,
    retriever: new CatalogRetriever(catalog, { texts: { product_word: texts } }),
    speller: new SpellingCorrector(catalog, texts),
  };
  cache.set(id, tenant);
  return tenant;
}

export function skillContext(tenant: TestTenant, asOf?: string): SkillContext {
  return {
    catalog: tenant.catalog,
    tenant: tenant.config,
    retriever: tenant.retriever,
    dates: {
      asOf: asOf ?? tenant.config.asOf,
      fiscalYearStartMonth: tenant.config.fiscalYearStartMonth,
    },
  };
}

export interface Parsed {
  /** The normalised request (after spelling), or the rejection. */
  text: string;
  rejection: string | null;
  subSegments: SubSegment[];
  dates: DateTagResult;
  mentions: Mention[];
  root: RuleNode | null;
  ambiguities: Ambiguity[];
  /** Names of the mapper's rules that applied. */
  rules: string[];
}

/** The rules tier end to end over one request, as the graph runs it (perceive to map). */
export function parseRequest(
  raw: string,
  opts: { tenant?: TestTenantId; asOf?: string } = {},
): Parsed {
  const tenant = testTenant(opts.tenant ?? "online-retail");
  const ctx = skillContext(tenant, opts.asOf);
  const screened = screenRequest(
    raw,
    1000,
    tenant.retriever,
    tenant.speller,
    tenant.config.glossary,
  );
  const empty = { tags: [], producer: "none" };
  if (screened.rejection) {
    return {
      text: screened.text,
      rejection: screened.rejection.code,
      subSegments: [],
      dates: empty,
      mentions: [],
      root: null,
      ambiguities: [],
      rules: [],
    };
  }
  const text = screened.text;
  const { subSegments } = decomposeRequest(text, {
    isValue: (phrase) => ctx.retriever.exactLookup(phrase).some((h) => h.value !== undefined),
    glossary: tenant.config.glossary,
  });
  const dates: DateTagResult = {
    tags: subSegments.flatMap((seg) =>
      tagDatesShared(text.slice(seg.start, seg.end), ctx.dates).map((t) => ({
        ...t,
        start: t.start + seg.start,
        end: t.end + seg.start,
        subSegmentId: seg.id,
      })),
    ),
    producer: "test",
  };
  const { mentions } = shortlistRequest(
    text,
    subSegments,
    ctx.retriever,
    tenant.config.glossary,
    dateSpans(text, subSegments, ctx.dates),
  );
  const mapped = mapRequest({ text, subSegments, dates, mentions }, ctx);
  return {
    text,
    rejection: null,
    subSegments,
    dates,
    mentions,
    root: mapped.root,
    ambiguities: mapped.ambiguities,
    rules: mapped.rules,
  };
}

/** `actual` matches `pattern` when every key of the pattern matches (arrays element-wise). */
export function matchesPattern(actual: unknown, pattern: unknown): boolean {
  if (Array.isArray(pattern)) {
    return (
      Array.isArray(actual) &&
      actual.length === pattern.length &&
      pattern.every((p, i) => matchesPattern(actual[i], p))
    );
  }
  if (pattern && typeof pattern === "object") {
    if (!actual || typeof actual !== "object") return false;
    return Object.entries(pattern).every(([k, v]) =>
      matchesPattern((actual as Record<string, unknown>)[k], v),
    );
  }
  return actual === pattern;
}

/** Every node of a tree, depth first. */
export function nodesOf(node: RuleNode | null): RuleNode[] {
  if (!node) return [];
  if (node.type === "and" || node.type === "or") return [node, ...node.children.flatMap(nodesOf)];
  if (node.type === "not") return [node, ...nodesOf(node.child)];
  return [node];
}

/** Whether some node of the tree matches the fragment. */
export function containsFragment(root: RuleNode | null, fragment: unknown): boolean {
  return nodesOf(root).some((n) => matchesPattern(n, fragment));
}
