/**
 * Improve: apply the validator's fixable findings to the draft — drop duplicates and
 * replace values that are not in the catalog by the closest catalog value — then validate
 * again. Bounded by `maxImproveAttempts`.
 */
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { MIN_LINK_SCORE } from "../catalog/retriever.ts";
import { timed } from "../state/audit-entry.ts";
import { requireContext, tenantOf, type TenantRuntime } from "../state/context.ts";
import type { NscStateType, NscUpdate } from "../state/graph-state.ts";
import { itemFiltersOf, type Condition, type ItemFilter, type RuleNode } from "../state/segment.ts";

function groundValue(tenant: TenantRuntime, facetId: string, value: string): string | undefined {
  if (tenant.retriever.contains(facetId, value)) return value;
  const best = tenant.retriever.search(value, {
    limit: 1,
    facetIds: [facetId],
    target: "value",
  })[0];
  return best && best.value !== undefined && best.score >= MIN_LINK_SCORE ? best.value : undefined;
}

function fixCondition(c: Condition, tenant: TenantRuntime, changes: string[]): Condition | null {
  if (c.type === "attribute") {
    const values = c.values
      .map((v) => groundValue(tenant, c.facet, v))
      .filter((v): v is string => !!v);
    if (values.join() !== c.values.join())
      changes.push(
        `grounded ${c.facet} values ${c.values.join(", ")} -> ${values.join(", ") || "(none)"}`,
      );
    return values.length
      ? { ...c, values: [...new Set(values)], provenance: { ...c.provenance, source: "inferred" } }
      : null;
  }
  if (c.type === "behaviour" && c.item) {
    const grounded: ItemFilter[] = [];
    for (const item of itemFiltersOf(c)) {
      if (tenant.catalog.facets.find((f) => f.id === item.facet)?.type !== "enum") {
        grounded.push(item);
        continue;
      }
      const values = item.values
        .map((v) => groundValue(tenant, item.facet, v))
        .filter((v): v is string => !!v);
      if (values.join() !== item.values.join())
        changes.push(
          `grounded ${item.facet} values ${item.values.join(", ")} -> ${values.join(", ") || "(none)"}`,
        );
      if (!values.length) return null;
      grounded.push({ ...item, values: [...new Set(values)] });
    }
    const [item, ...andItems] = grounded;
    return { ...c, item, ...(andItems.length ? { andItems } : {}) };
  }
  return c;
}

export function improveDraft(
  node: RuleNode,
  tenant: TenantRuntime,
  changes: string[],
): RuleNode | null {
  if (node.type === "not") {
    const child = improveDraft(node.child, tenant, changes);
    return child && { ...node, child };
  }
  if (node.type === "and" || node.type === "or") {
    const seen = new Set<string>();
    const children: RuleNode[] = [];
    for (const child of node.children) {
      const fixed = improveDraft(child, tenant, changes);
      if (!fixed) continue;
      const key = JSON.stringify(fixed, (k, v) => (k === "provenance" ? undefined : v));
      if (seen.has(key)) {
        changes.push("dropped a duplicate condition");
        continue;
      }
      seen.add(key);
      children.push(fixed);
    }
    if (children.length === 0) return null;
    return children.length === 1 ? children[0]! : { ...node, children };
  }
  return fixCondition(node, tenant, changes);
}

export async function improve(
  state: NscStateType,
  config: LangGraphRunnableConfig,
): Promise<NscUpdate> {
  const ctx = requireContext(config);
  const tenant = tenantOf(ctx, state.tenant);
  const changes: string[] = [];
  const { result, audit } = await timed(
    "improve",
    () => (state.draft ? improveDraft(state.draft, tenant, changes) : null),
    () => ({ changes, attempt: (state.improveAttempts ?? 0) + 1 }),
  );
  return { draft: result, improveAttempts: (state.improveAttempts ?? 0) + 1, audit };
}
