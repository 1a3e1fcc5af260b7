/**
 * API keys in `app.api_keys`: one tenant per key, stored as the sha256 of the key. The key is
 * returned once, by `createApiKey`; afterwards only its prefix identifies it.
 */
import { createHash, randomBytes } from "node:crypto";
import type { Queryable } from "./audit.ts";

/** Lets secret scanners and people recognise a key; not part of its secrecy. */
export const KEY_PREFIX = "seg_";
/** `seg_` and 8 characters of the key: 48 random bits, unique in practice and by constraint. */
const DISPLAY_PREFIX_LENGTH = KEY_PREFIX.length + 8;
const KEY_PATTERN = /^seg_[A-Za-z0-9_-]{43}$/;

export interface ApiKeyInfo {
  id: string;
  tenantId: string;
  prefix: string;
  name: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface CreatedApiKey extends ApiKeyInfo {
  /** The key itself; never stored, so it cannot be shown again. */
  key: string;
}

export interface AuthenticatedKey {
  keyId: string;
  tenantId: string;
  /** When the tenant's stored configuration last changed (to refresh an in-memory copy). */
  tenantUpdatedAt: Date;
  /** The person the key belongs to, whose memory it reads and writes; null for a service key. */
  userId: string | null;
}

interface KeyRow {
  id: string;
  tenant_id: string;
  prefix: string;
  name: string | null;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const COLUMNS = "id, tenant_id, prefix, name, created_at, last_used_at, revoked_at";

function toInfo(row: KeyRow): ApiKeyInfo {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    prefix: row.prefix,
    name: row.name,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

export function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

/** Whether a string has the shape of one of our keys (checked before any lookup). */
export function looksLikeApiKey(key: string): boolean {
  return KEY_PATTERN.test(key);
}

export function generateApiKey(): string {
  return `${KEY_PREFIX}${randomBytes(32).toString("base64url")}`;
}

export class UnknownTenantError extends Error {}

export async function createApiKey(
  db: Queryable,
  tenantId: string,
  opts: { name?: string; user?: string } = {},
): Promise<CreatedApiKey> {
  const { rows: tenant } = await db.query("select 1 from app.tenants where id = $1", [tenantId]);
  if (tenant.length === 0) throw new UnknownTenantError(`Unknown tenant "${tenantId}".`);
  // A clash of 48-bit prefixes is astronomically unlikely; retry rather than fail if it happens.
  for (let attempt = 0; ; attempt++) {
    const key = generateApiKey();
    try {
      const { rows } = await db.query<KeyRow>(
        `insert into app.api_keys (tenant_id, prefix, hash, name, user_id) values ($1, $2, $3, $4, $5)
         returning ${COLUMNS}`,
        [
          tenantId,
          key.slice(0, DISPLAY_PREFIX_LENGTH),
          hashApiKey(key),
          opts.name ?? null,
          opts.user ?? null,
        ],
      );
      return { ...toInfo(rows[0]!), key };
    } catch (err) {
      if ((err as { code?: string }).code !== "23505" || attempt >= 2) throw err;
    }
  }
}

/** The tenant a key belongs to, or null when the key is unknown or revoked. */
export async function authenticateApiKey(
  db: Queryable,
  key: string,
): Promise<AuthenticatedKey | null> {
  if (!looksLikeApiKey(key)) return null;
  const { rows } = await db.query<{
    id: string;
    tenant_id: string;
    updated_at: Date;
    user_id: string | null;
  }>(
    `select k.id, k.tenant_id, t.updated_at, k.user_id from app.api_keys k
     join app.tenants t on t.id = k.tenant_id
     where k.hash = $1 and k.revoked_at is null`,
    [hashApiKey(key)],
  );
  const row = rows[0];
  return row
    ? {
        keyId: row.id,
        tenantId: row.tenant_id,
        tenantUpdatedAt: row.updated_at,
        userId: row.user_id,
      }
    : null;
}

export async function touchApiKey(db: Queryable, keyId: string): Promise<void> {
  await db.query("update app.api_keys set last_used_at = now() where id = $1", [keyId]);
}

export async function listApiKeys(db: Queryable, tenantId: string): Promise<ApiKeyInfo[]> {
  const { rows } = await db.query<KeyRow>(
    `select ${COLUMNS} from app.api_keys where tenant_id = $1 order by created_at, id`,
    [tenantId],
  );
  return rows.map(toInfo);
}

/** Revokes the key with this prefix; null when there is none or it was already revoked. */
export async function revokeApiKey(db: Queryable, prefix: string): Promise<ApiKeyInfo | null> {
  const { rows } = await db.query<KeyRow>(
    `update app.api_keys set revoked_at = now() where prefix = $1 and revoked_at is null
     returning ${COLUMNS}`,
    [prefix],
  );
  return rows[0] ? toInfo(rows[0]) : null;
}
