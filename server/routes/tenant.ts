/**
 * The key's own tenant: its settings (as-of date, fiscal year, glossary, restricted facets)
 * and the facets it can segment on. An edit applies to the running graph at once.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { TenantConfig } from "../../state/catalog.ts";
import type { TenantRuntime } from "../../state/context.ts";
import { appendAudit } from "../../storage/audit.ts";
import type { AppDeps } from "../deps.ts";
import { ApiError, errorResponses } from "../errors.ts";
import { bearerAuth, createRouter, jsonBody, jsonResponse } from "../router.ts";
import { IsoDate } from "../schemas.ts";
import type { TenantConfigs } from "../tenant-config.ts";

const tags = ["Tenant"];

const GlossaryEntry = z
  .object({
    term: z.string().trim().min(1).max(100),
    meaning: z.string().trim().min(1).max(500),
    expansion: z.string().trim().min(1).max(1000).optional(),
    aliases: z.array(z.string().trim().min(1).max(100)).max(20).default([]),
  })
  .strict()
  .openapi("GlossaryEntry");

const TenantSchema = z
  .object({
    id: z.string(),
    asOf: z.string(),
    fiscalYearStartMonth: z.number().int(),
    glossary: z.array(GlossaryEntry),
    /** The skills registry's version of the glossary, cited by runs (`segment improve --versions`). */
    glossaryVersion: z.number().int().nullable(),
    restrictedFacets: z.array(z.string()),
    facets: z.array(
      z.object({ id: z.string(), label: z.string(), kind: z.string(), type: z.string() }),
    ),
    updatedAt: z.string().nullable(),
  })
  .openapi("Tenant");

const TenantPatch = z
  .object({
    asOf: IsoDate.optional(),
    fiscalYearStartMonth: z.number().int().min(1).max(12).optional(),
    glossary: z.array(GlossaryEntry).max(500).optional(),
    restrictedFacets: z.array(z.string().min(1).max(100)).max(200).optional(),
  })
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, "nothing to update")
  .openapi("TenantPatch");

const getRoute = createRoute({
  method: "get",
  path: "/tenant",
  tags,
  summary: "The key's tenant: settings and facets",
  security: bearerAuth,
  responses: { 200: jsonResponse(TenantSchema, "The tenant"), ...errorResponses(401, 429) },
});

const patchRoute = createRoute({
  method: "patch",
  path: "/tenant",
  tags,
  summary: "Change settings; applies to new runs at once",
  security: bearerAuth,
  request: { body: jsonBody(TenantPatch, "The settings to change; the others are kept") },
  responses: {
    200: jsonResponse(TenantSchema, "The tenant after the change"),
    ...errorResponses(400, 401, 413, 415, 429),
  },
});

function view(id: string, config: TenantConfig, runtime: TenantRuntime, updatedAt: Date | null) {
  return {
    id,
    asOf: config.asOf,
    fiscalYearStartMonth: config.fiscalYearStartMonth,
    glossary: config.glossary,
    glossaryVersion: config.glossaryVersion ?? null,
    restrictedFacets: config.restrictedFacets,
    facets: runtime.catalog.facets.map((f) => ({
      id: f.id,
      label: f.label,
      kind: f.kind,
      type: f.type,
    })),
    updatedAt: updatedAt?.toISOString() ?? null,
  };
}

export function tenantRouter(deps: AppDeps, tenantConfigs: TenantConfigs) {
  const router = createRouter();

  router.openapi(getRoute, async (c) => {
    const id = c.get("tenantId");
    const runtime = deps.services.tenants.get(id)!;
    return c.json(view(id, runtime.config, runtime, await tenantConfigs.updatedAt(id)), 200);
  });

  router.openapi(patchRoute, async (c) => {
    const patch = c.req.valid("json");
    const id = c.get("tenantId");
    const runtime = deps.services.tenants.get(id)!;
    if (patch.restrictedFacets) {
      const known = new Set(runtime.catalog.facets.map((f) => f.id));
      const unknown = patch.restrictedFacets.filter((f) => !known.has(f));
      if (unknown.length > 0) {
        throw new ApiError(
          400,
          "validation_error",
          `body.restrictedFacets: unknown facet(s) ${unknown.join(", ")}; see GET /v1/tenant`,
        );
      }
    }
    const { config, updatedAt } = await tenantConfigs.update(id, patch, `key:${c.get("keyId")}`);
    await appendAudit(deps.services.db.pool, {
      tenantId: id,
      event: "tenant.updated",
      detail: { fields: Object.keys(patch), requestId: c.get("requestId") },
    });
    return c.json(view(id, config, deps.services.tenants.get(id) ?? runtime, updatedAt), 200);
  });

  return router;
}
