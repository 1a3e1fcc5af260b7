/**
 * What is remembered beyond one conversation, for the key's tenant: remembered answers,
 * preferences and recent segments — seen, set and erased here. The user is the `user` query
 * (or body) field, else the key's own user; without either only the tenant's shared entries
 * are in reach. Every statement names the key's tenant, so another tenant's key never sees
 * or erases an entry (404, as for an id that does not exist).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { Preferences } from "../../state/memory.ts";
import { appendAudit } from "../../storage/audit.ts";
import { actingUser } from "../auth.ts";
import type { AppDeps } from "../deps.ts";
import { ApiError, errorResponses, notFound } from "../errors.ts";
import { bearerAuth, createRouter, jsonBody, jsonResponse } from "../router.ts";
import { RecalledSchema, UserField } from "../schemas.ts";

const tags = ["Memory"];

// A state/ schema (plain zod, no .openapi()): documented by its shape.
const PreferencesSchema = Preferences;

const MemorySchema = z
  .object({
    user: z.string().nullable(),
    answers: z.array(
      RecalledSchema.pick({
        id: true,
        scope: true,
        key: true,
        question: true,
        answer: true,
      }).extend({
        term: z.string(),
        threadId: z.string().nullable(),
        updatedAt: z.string(),
      }),
    ),
    preferences: z.object({
      user: PreferencesSchema,
      tenant: PreferencesSchema,
      effective: PreferencesSchema.describe("The tenant's with the user's over them"),
    }),
    recent: z.array(
      z.object({
        id: z.uuid(),
        threadId: z.string(),
        version: z.number().int(),
        request: z.string(),
        size: z.number().int().nullable(),
        explanation: z.array(z.string()),
        createdAt: z.string(),
      }),
    ),
  })
  .openapi("Memory");

const UserQuery = z.object({ user: UserField.optional() });
const Scope = z.enum(["user", "tenant"]).default("user").openapi({
  description: "`user`: the user's own entries; `tenant`: the entries shared by the whole tenant",
});

const getRoute = createRoute({
  method: "get",
  path: "/memory",
  tags,
  summary: "What is remembered for the user: answers, preferences, recent segments",
  security: bearerAuth,
  request: { query: UserQuery },
  responses: { 200: jsonResponse(MemorySchema, "The memory"), ...errorResponses(400, 401, 429) },
});

const eraseRoute = createRoute({
  method: "delete",
  path: "/memory",
  tags,
  summary:
    "Erase everything remembered for the user (or, scope=tenant, the tenant's shared memory)",
  security: bearerAuth,
  request: { query: UserQuery.extend({ scope: Scope }) },
  responses: {
    200: jsonResponse(z.object({ erased: z.number().int() }), "How many entries were erased"),
    ...errorResponses(400, 401, 429),
  },
});

const eraseOneRoute = createRoute({
  method: "delete",
  path: "/memory/{id}",
  tags,
  summary: "Erase one remembered answer or recent segment",
  security: bearerAuth,
  request: { params: z.object({ id: z.uuid() }), query: UserQuery },
  responses: { 204: { description: "Erased" }, ...errorResponses(400, 401, 404, 429) },
});

const PreferencesBody = z
  .object({ user: UserField.optional(), scope: Scope, preferences: PreferencesSchema })
  .strict();

const putPreferencesRoute = createRoute({
  method: "put",
  path: "/memory/preferences",
  tags,
  summary: "Set the user's (or the tenant's) preferences; they replace the stored ones",
  security: bearerAuth,
  request: { body: jsonBody(PreferencesBody, "The preferences") },
  responses: {
    200: jsonResponse(MemorySchema, "The memory after the change"),
    ...errorResponses(400, 401, 413, 415, 429),
  },
});

/** The request's user: the one it names, else the key's; null for neither. */

function noUser(): ApiError {
  return new ApiError(
    400,
    "validation_error",
    "query.user: name the user (or use a key that belongs to one), or scope=tenant",
  );
}

export function memoryRouter(deps: AppDeps) {
  const router = createRouter();
  const memory = deps.services.memory;

  router.openapi(getRoute, async (c) => {
    const { user } = c.req.valid("query");
    return c.json(await memory.view(c.get("tenantId"), actingUser(c, user)), 200);
  });

  router.openapi(eraseRoute, async (c) => {
    const { user: named, scope } = c.req.valid("query");
    const user = actingUser(c, named);
    if (scope === "user" && !user) throw noUser();
    const tenantId = c.get("tenantId");
    const erased = await memory.erase(tenantId, user, scope);
    await appendAudit(deps.services.db.pool, {
      tenantId,
      event: "memory.erased",
      detail: { scope, erased, requestId: c.get("requestId") },
    });
    return c.json({ erased }, 200);
  });

  router.openapi(eraseOneRoute, async (c) => {
    const { id } = c.req.valid("param");
    const { user } = c.req.valid("query");
    if (!(await memory.eraseEntry(c.get("tenantId"), actingUser(c, user), id)))
      throw notFound("Memory entry");
    return c.body(null, 204);
  });

  router.openapi(putPreferencesRoute, async (c) => {
    const { user: named, scope, preferences } = c.req.valid("json");
    const user = actingUser(c, named);
    if (scope === "user" && !user) throw noUser();
    const tenantId = c.get("tenantId");
    await memory.setPreferences(tenantId, scope === "tenant" ? null : user, preferences);
    return c.json(await memory.view(tenantId, user), 200);
  });

  return router;
}
