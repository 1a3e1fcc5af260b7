/**
 * Validate (the Verify of Plan–Act–Verify–Improve): schema, grounding (no facet or value
 * outside the catalog), operator fits the facet type, values in range, contradictions and
 * impossible combinations, tenant restrictions, and the mapper's open ambiguities.
 */
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { describeCondition } from "../segment/explain.ts";
import { timed } from "../state/audit-entry.ts";
import { nscConfigFrom } from "../state/config.ts";
import { facetById, measureFacetOf, recencyFacet, type TenantCatalog } from "../state/catalog.ts";
import { requireContext, tenantOf, type TenantRuntime } from "../state/context.ts";
import type { Finding, NscStateType, NscUpdate } from "../state/graph-state.ts";
import {
  itemFiltersOf,
  RuleNode,
  type BehaviourCondition,
  type Comparison,
  type Condition,
  type RuleNode as RuleNodeType,
} from "../state/segment.ts";
import type { Ambiguity } from "../skills/types.ts";

/**
 * The catalog facet a behavioural condition's measure is defined by: the measure facet storing
 * that (measure, event), or for plain existence the catalog's date facet. Without a catalog,
 * the reference tenants' ids.
 */
export function measureFacetId(c: BehaviourCondition, catalog?: TenantCatalog): string {
  if (catalog) {
    if (c.measure === "exists" && c.event !== "cancellation")
      return catalog.facets.find((f) => f.kind === "date")?.id ?? "order_date";
    const event = c.event === "line" ? "order" : c.event;
    return (
      measureFacetOf(catalog, c.measure === "exists" ? "orders" : c.measure, event)?.id ?? c.measure
    );
  }
  if (c.event === "cancellation") return "cancellations";
  return c.measure === "exists" ? "order_date" : c.measure;
}

function interval(c: Comparison): { lo: number; loIncl: boolean; hi: number; hiIncl: boolean } {
  switch (c.op) {
    case "gt":
      return { lo: c.value, loIncl: false, hi: Infinity, hiIncl: false };
    case "gte":
      return { lo: c.value, loIncl: true, hi: Infinity, hiIncl: false };
    case "lt":
      return { lo: -Infinity, loIncl: false, hi: c.value, hiIncl: false };
    case "lte":
      return { lo: -Infinity, loIncl: false, hi: c.value, hiIncl: true };
    case "eq":
      return { lo: c.value, loIncl: true, hi: c.value, hiIncl: true };
    case "between":
      return { lo: c.value, loIncl: true, hi: c.value2 ?? c.value, hiIncl: true };
  }
}

function emptyIntersection(a: Comparison, b: Comparison): boolean {
  const x = interval(a);
  const y = interval(b);
  const lo = Math.max(x.lo, y.lo);
  const hi = Math.min(x.hi, y.hi);
  if (lo > hi) return true;
  if (lo < hi) return false;
  const loIncl = x.lo === lo ? x.loIncl && (y.lo !== lo || y.loIncl) : y.loIncl;
  const hiIncl = x.hi === hi ? x.hiIncl && (y.hi !== hi || y.hiIncl) : y.hiIncl;
  return !(loIncl && hiIncl);
}

const stripProvenance = (c: Condition) => JSON.stringify({ ...c, provenance: undefined });

function behaviourKey(c: BehaviourCondition): string {
  return JSON.stringify([c.event, itemFiltersOf(c), c.window?.from, c.window?.to, c.measure]);
}

/** Checks every AND group for conditions that cannot hold together. */
function contradictions(node: RuleNodeType, out: Finding[]): void {
  if (node.type === "not") return contradictions(node.child, out);
  if (node.type !== "and" && node.type !== "or") return;
  node.children.forEach((c) => contradictions(c, out));
  if (node.type !== "and") return;
  const leaves = node.children.filter(
    (c): c is Condition => c.type === "attribute" || c.type === "behaviour" || c.type === "recency",
  );
  for (let i = 0; i < leaves.length; i++) {
    for (let j = i + 1; j < leaves.length; j++) {
      const a = leaves[i]!;
      const b = leaves[j]!;
      const span = {
        text: `${a.provenance.span} / ${b.provenance.span}`,
        start: a.provenance.start,
        end: b.provenance.end,
      };
      const parts = [a, b].map((x) => ({
        text: x.provenance.span,
        start: x.provenance.start,
        end: x.provenance.end,
      }));
      if (stripProvenance(a) === stripProvenance(b)) {
        out.push({
          code: "duplicate",
          severity: "warning",
          fixable: true,
          message: `"${a.provenance.span}" is stated twice.`,
          span,
        });
        continue;
      }
      if (
        a.type === "behaviour" &&
        b.type === "behaviour" &&
        a.comparison &&
        b.comparison &&
        behaviourKey(a) === behaviourKey(b) &&
        emptyIntersection(a.comparison, b.comparison)
      ) {
        out.push({
          code: "contradiction",
          severity: "error",
          fixable: false,
          message: `"${a.provenance.span}" and "${b.provenance.span}" cannot both hold.`,
          span,
          parts,
        });
      }
      if (a.type === "attribute" && b.type === "attribute" && a.facet === b.facet) {
        const inter = a.op === "in" && b.op === "in" && !a.values.some((v) => b.values.includes(v));
        const neg =
          a.op !== b.op &&
          (a.op === "in" ? a : b).values.every((v) => (a.op === "in" ? b : a).values.includes(v));
        if (inter || neg) {
          out.push({
            code: "contradiction",
            severity: "error",
            fixable: false,
            message: `"${a.provenance.span}" and "${b.provenance.span}" exclude each other: a customer has one ${a.facet}.`,
            span,
            parts,
          });
        }
      }
      if (a.type === "recency" && b.type === "recency" && a.which !== b.which) {
        const first = a.which === "first" ? a : b;
        const last = a.which === "first" ? b : a;
        if (first.window.from && last.window.to && first.window.from >= last.window.to) {
          out.push({
            code: "contradiction",
            severity: "error",
            fixable: false,
            message: `The first purchase ("${first.provenance.span}") cannot be after the last one ("${last.provenance.span}").`,
            span,
            parts,
          });
        }
      }
      // Bought in a window that starts after the customer's last purchase: impossible.
      const pairs: [Condition, Condition][] = [
        [a, b],
        [b, a],
      ];
      for (const [r, e] of pairs) {
        if (
          r.type === "recency" &&
          r.which === "last" &&
          r.window.to &&
          e.type === "behaviour" &&
          e.event === "order" &&
          e.window?.from &&
          e.window.from >= r.window.to
        ) {
          out.push({
            code: "contradiction",
            severity: "error",
            fixable: false,
            message: `"${e.provenance.span}" needs an order on or after ${e.window.from}, but "${r.provenance.span}" says the last order was before ${r.window.to}.`,
            span,
            parts,
          });
        }
      }
    }
  }
}

function checkCondition(c: Condition, tenant: TenantRuntime, asOf: string, out: Finding[]): void {
  const span = { text: c.provenance.span, start: c.provenance.start, end: c.provenance.end };
  const restricted = new Set(tenant.config.restrictedFacets);
  const facetIds: string[] = [];
  if (c.type === "attribute") facetIds.push(c.facet);
  if (c.type === "behaviour") {
    facetIds.push(measureFacetId(c, tenant.catalog));
    for (const f of itemFiltersOf(c)) facetIds.push(f.facet);
  }
  if (c.type === "recency")
    facetIds.push(recencyFacet(tenant.catalog, c.which)?.id ?? `${c.which}_purchase`);
  for (const id of facetIds) {
    const facet = facetById(tenant.catalog, id);
    if (!facet) {
      out.push({
        code: "unknown_facet",
        severity: "error",
        fixable: false,
        message: `"${id}" is not a facet of tenant ${tenant.config.tenant}.`,
        span,
      });
    } else if (restricted.has(id)) {
      out.push({
        code: "restricted_facet",
        severity: "error",
        fixable: false,
        message: `Tenant ${tenant.config.tenant} does not allow segmenting on ${facet.label}.`,
        span,
      });
    }
  }
  if (c.type === "attribute") {
    const facet = facetById(tenant.catalog, c.facet);
    if (facet && facet.kind !== "attribute") {
      out.push({
        code: "operator_type",
        severity: "error",
        fixable: false,
        message: `${facet.label} is not a customer attribute.`,
        span,
      });
    }
    for (const v of c.values) {
      if (facet && !tenant.retriever.contains(c.facet, v)) {
        out.push({
          code: "unknown_value",
          severity: "error",
          fixable: true,
          message: `"${v}" is not a ${facet.label} value.`,
          span,
        });
      }
    }
  }
  if (c.type === "behaviour") {
    for (const item of itemFiltersOf(c)) {
      const facet = facetById(tenant.catalog, item.facet);
      for (const v of item.values) {
        const known =
          facet?.type === "text"
            ? tenant.retriever.textMatches(item.facet, v) > 0
            : tenant.retriever.contains(item.facet, v);
        if (facet && !known) {
          out.push({
            code: "unknown_value",
            severity: "error",
            fixable: facet.type !== "text",
            message:
              facet.type === "text"
                ? `No product name contains "${v}".`
                : `"${v}" is not a ${facet.label} value.`,
            span,
          });
        }
      }
    }
    if (c.comparison) {
      const facet = facetById(tenant.catalog, measureFacetId(c, tenant.catalog));
      const { value, value2 } = c.comparison;
      const range = facet?.range;
      const values = value2 === undefined ? [value] : [value, value2];
      if (range && values.some((v) => v < range.min || v > range.max)) {
        out.push({
          code: "value_range",
          severity: "error",
          fixable: false,
          message: `${facet?.label ?? c.measure} must be between ${range.min} and ${range.max}; got ${values.join(" and ")}.`,
          span,
        });
      }
      // A count below one is absence, which an aggregate cannot express.
      const counts = facet?.type === "number";
      if (
        counts &&
        (c.comparison.op === "lt"
          ? value <= 1
          : c.comparison.op === "lte"
            ? value < 1
            : c.comparison.op === "eq" && value < 1)
      ) {
        out.push({
          code: "value_range",
          severity: "error",
          fixable: false,
          message: `"${c.provenance.span}" asks for a ${(facet?.label ?? c.measure).toLowerCase()} below one, but an aggregate condition needs at least one; say "never" or "did not" for customers with none.`,
          span,
        });
      }
    }
  }
  const window = c.type === "attribute" ? undefined : c.window;
  if (window?.from && window.from >= asOf) {
    out.push({
      code: "future_window",
      severity: "warning",
      fixable: false,
      message: `"${window.label}" starts on or after the as-of date ${asOf}: nothing can match it yet.`,
      span,
    });
  }
}

function leaves(node: RuleNodeType): Condition[] {
  if (node.type === "and" || node.type === "or") return node.children.flatMap(leaves);
  if (node.type === "not") return leaves(node.child);
  return [node];
}

export function validateDraft(
  draft: RuleNodeType | null,
  ambiguities: Ambiguity[],
  answers: Record<string, string>,
  tenant: TenantRuntime,
  asOf: string,
): Finding[] {
  const findings: Finding[] = [];
  for (const a of ambiguities) {
    if (answers[a.key] !== undefined) continue;
    findings.push({
      code: "ambiguity",
      severity: "error",
      fixable: false,
      message: a.question,
      span: a.span,
    });
  }
  if (!draft) {
    findings.push({
      code: "no_conditions",
      severity: "error",
      fixable: false,
      message: "No condition could be found in the request.",
    });
    return findings;
  }
  const parsed = RuleNode.safeParse(draft);
  if (!parsed.success) {
    findings.push({
      code: "schema",
      severity: "error",
      fixable: false,
      message: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
    });
    return findings;
  }
  for (const c of leaves(draft)) checkCondition(c, tenant, asOf, findings);
  contradictions(draft, findings);
  return findings;
}

/**
 * Conditions the mapper was less sure of than `threshold`: a question each ("I read 'X' as
 * …: is that right?") rather than a guess. Answered once, never asked again.
 */
export function unsureReadings(
  draft: RuleNodeType | null,
  threshold: number,
  catalog: TenantCatalog,
): Ambiguity[] {
  if (!draft) return [];
  return leaves(draft)
    .filter((c) => c.provenance.confidence < threshold)
    .map((c) => {
      const { span, start, end } = c.provenance;
      const reading = describeCondition(c, catalog);
      return {
        key: `unsure:${span.toLowerCase()}`,
        kind: "ambiguous_value" as const,
        span: { text: span, start, end },
        question: `I read "${span}" as "${reading}", but I am not sure. Is that what you meant?`,
        options: [
          { label: `Yes: ${reading}`, replacement: span },
          { label: `Drop "${span}"`, replacement: "" },
        ],
      };
    });
}

export async function validate(
  state: NscStateType,
  config: LangGraphRunnableConfig,
): Promise<NscUpdate> {
  const ctx = requireContext(config);
  const tenant = tenantOf(ctx, state.tenant);
  const { clarifyBelowConfidence } = nscConfigFrom(config.configurable);
  const known = state.ambiguities ?? [];
  const unsure = unsureReadings(state.draft, clarifyBelowConfidence, tenant.catalog).filter(
    (a) => !known.some((k) => k.key === a.key),
  );
  const ambiguities = [...known, ...unsure];
  const { result, audit } = await timed(
    "validate",
    () => validateDraft(state.draft, ambiguities, state.answers ?? {}, tenant, state.asOf),
    (r) => ({ findings: r.map((f) => `${f.severity}:${f.code}`) }),
  );
  const restricted = result.find((f) => f.code === "restricted_facet");
  return {
    findings: result,
    ...(unsure.length ? { ambiguities } : {}),
    ...(restricted
      ? {
          status: "rejected" as const,
          rejection: { code: "restricted_facet", message: restricted.message },
        }
      : {}),
    audit,
  };
}
