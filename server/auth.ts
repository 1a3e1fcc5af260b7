/**
 * Every /v1 request resolves to one tenant from `Authorization: Bearer <key>`; everything the
 * handlers read or write is then scoped to `c.get("tenantId")`.
 */
import { z } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import { authenticateApiKey, touchApiKey } from "../storage/api-keys.ts";
import type { AppDeps } from "./deps.ts";
import { ApiError } from "./errors.ts";
import type { TenantConfigs } from "./tenant-config.ts";
import type { ApiBindings } from "./types.ts";

const AuthorizationHeader = z.string().regex(/^Bearer +\S+$/i);

/** last_used_at is for people ("is this key still used?"): once a minute is precise enough. */
const TOUCH_INTERVAL_MS = 60_000;

function unauthorized(message: string): ApiError {
  return new ApiError(401, "unauthorized", message, {
    "WWW-Authenticate": 'Bearer realm="segment-api"',
  });
}

export function auth(deps: AppDeps, tenantConfigs: TenantConfigs): MiddlewareHandler<ApiBindings> {
  const touched = new Map<string, number>();
  return async (c, next) => {
    const header = AuthorizationHeader.safeParse(c.req.header("authorization"));
    if (!header.success) {
      throw unauthorized("Send the API key as `Authorization: Bearer <key>`.");
    }
    const key = header.data.replace(/^Bearer +/i, "");
    const found = await authenticateApiKey(deps.services.db.pool, key);
    if (!found) throw unauthorized("The API key is unknown or revoked.");
    if (!deps.services.tenants.has(found.tenantId)) {
      throw new ApiError(
        503,
        "tenant_unavailable",
        "This deployment does not serve the key's tenant.",
      );
    }
    await tenantConfigs.refresh(found.tenantId, found.tenantUpdatedAt);
    c.set("tenantId", found.tenantId);
    c.set("keyId", found.keyId);
    c.set("keyUser", found.userId);
    const now = deps.clock.now();
    if (now - (touched.get(found.keyId) ?? -Infinity) >= TOUCH_INTERVAL_MS) {
      touched.set(found.keyId, now);
      touchApiKey(deps.services.db.pool, found.keyId).catch((err: unknown) =>
        c.get("logger").warn({ err }, "could not record API key use"),
      );
    }
    await next();
  };
}

/**
 * The user a request acts for: the `user` it names, else its key's. A key that belongs to a
 * user acts for that user only: naming another is refused (403), so one user's key can
 * neither read nor erase another user's memory. A key of no user (a service's) may name any
 * user of its tenant.
 */
export function actingUser(c: Context<ApiBindings>, named: string | undefined): string | null {
  const own = c.get("keyUser");
  if (own && named !== undefined && named !== own)
    throw new ApiError(
      403,
      "user_mismatch",
      "This API key belongs to a user and cannot act for another; leave out `user`.",
    );
  return named ?? own ?? null;
}
