/**
 * The skills registry's tenant half (migration 0007): versioned per-tenant artefacts — the
 * glossary, and the manifests of the skills that served the tenant — each version written
 * once and kept, with the active one per tenant in `app.active_artefacts`. The tenant's
 * stored config carries the active glossary version (`glossaryVersion`), so every process
 * that reloads the config cites the same version in its runs.
 */
import type pg from "pg";
import { contentHash, skillVersions, type SkillManifest } from "../skills/registry.ts";
import { TenantConfig } from "../state/catalog.ts";
import type { RunVersions } from "../state/context.ts";
import type { Queryable } from "./audit.ts";
import { inTransaction } from "./transaction.ts";

export type Artefact = "glossary" | "skills";
export type Glossary = TenantConfig["glossary"];

export interface ArtefactVersion {
  version: number;
  content: unknown;
  hash: string;
  reason: string;
  createdBy: string | null;
  createdAt: Date;
  active: boolean;
}

/** The glossary without its version stamps: what a version's content (and hash) is. */
function glossaryContent(glossary: Glossary): Glossary {
  return glossary.map(({ version: _v, ...entry }) => ({ ...entry, aliases: entry.aliases ?? [] }));
}

export async function recordManifests(db: Queryable, manifests: SkillManifest[]): Promise<void> {
  for (const m of manifests)
    await db.query(
      `insert into app.skill_manifests (id, version, hash, manifest) values ($1, $2, $3, $4)
       on conflict do nothing`,
      [m.id, m.version, m.hash, JSON.stringify(m)],
    );
}

async function active(db: Queryable, tenant: string, artefact: Artefact) {
  const { rows } = await db.query<{ version: number; hash: string }>(
    `select a.version, v.hash from app.active_artefacts a
       join app.artefact_versions v using (tenant_id, artefact, version)
      where a.tenant_id = $1 and a.artefact = $2`,
    [tenant, artefact],
  );
  return rows[0];
}

async function activate(db: Queryable, tenant: string, artefact: Artefact, version: number) {
  await db.query(
    `insert into app.active_artefacts (tenant_id, artefact, version) values ($1, $2, $3)
     on conflict (tenant_id, artefact) do update set version = excluded.version, updated_at = now()`,
    [tenant, artefact, version],
  );
}

/** Writes the next version of an artefact and makes it active; the version number. */
export async function recordVersion(
  db: Queryable,
  tenant: string,
  artefact: Artefact,
  content: unknown,
  why: { reason: string; by?: string },
): Promise<number> {
  const { rows } = await db.query<{ version: number }>(
    `insert into app.artefact_versions (tenant_id, artefact, version, content, hash, reason, created_by)
     select $1, $2, coalesce(max(version), 0) + 1, $3, $4, $5, $6
       from app.artefact_versions where tenant_id = $1 and artefact = $2
     returning version`,
    [tenant, artefact, JSON.stringify(content), contentHash(content), why.reason, why.by ?? null],
  );
  const version = rows[0]!.version;
  await activate(db, tenant, artefact, version);
  return version;
}

/**
 * The active version of the content, recording a new one (with `why`, or `initial` for the
 * first, when given) when the content moved.
 */
async function ensureVersion(
  db: Queryable,
  tenant: string,
  artefact: Artefact,
  content: unknown,
  why: { reason: string; by?: string; initial?: string },
): Promise<number> {
  const current = await active(db, tenant, artefact);
  if (current?.hash === contentHash(content)) return current.version;
  const reason = !current && why.initial ? why.initial : why.reason;
  return recordVersion(db, tenant, artefact, content, { reason, by: why.by });
}

/**
 * At start: the tenant's glossary and skills as versions of the registry (a glossary or a
 * skill that changed since the last start becomes a new version), and the stored config
 * stamped with the glossary version. Under the tenant row's lock: processes starting at once
 * take turns.
 */
export async function syncTenantArtefacts(
  pool: pg.Pool,
  tenant: string,
  manifests: SkillManifest[],
): Promise<{ config: TenantConfig; versions: Required<RunVersions> }> {
  return inTransaction(pool, async (client) => {
    const { rows } = await client.query<{ config: unknown }>(
      "select config from app.tenants where id = $1 for update",
      [tenant],
    );
    if (!rows[0]) throw new Error(`tenant ${tenant} has no row in app.tenants`);
    const config = TenantConfig.parse(rows[0].config);
    const glossary = await ensureVersion(
      client,
      tenant,
      "glossary",
      glossaryContent(config.glossary),
      { reason: "config changed outside the registry", initial: "initial" },
    );
    const skills = await ensureVersion(client, tenant, "skills", skillVersions(manifests), {
      reason: "skills changed",
      initial: "initial",
    });
    if (config.glossaryVersion !== glossary) {
      // updated_at is left alone: a config that follows the shipped defaults still does.
      await client.query(
        `update app.tenants set config = jsonb_set(config, '{glossaryVersion}', to_jsonb($2::int))
          where id = $1`,
        [tenant, glossary],
      );
    }
    return { config: { ...config, glossaryVersion: glossary }, versions: { skills, glossary } };
  });
}

/**
 * Inside the caller's transaction, with the tenant row locked: the config with `glossary` as
 * its glossary, recorded as a new glossary version when it differs from the active one.
 */
export async function stampGlossary(
  db: Queryable,
  tenant: string,
  config: TenantConfig,
  why: { reason: string; by?: string },
): Promise<TenantConfig> {
  const content = glossaryContent(config.glossary);
  const version = await ensureVersion(db, tenant, "glossary", content, why);
  return { ...config, glossaryVersion: version };
}

/**
 * Sets the tenant's glossary to a version that exists (a rollback) or to new content (a
 * promotion), writes the config and marks it edited; another process sees the change through
 * the row's updated_at (server/tenant-config.ts).
 */
export async function setGlossary(
  pool: pg.Pool,
  tenant: string,
  /**
   * A version that exists (a rollback), or a change of the stored glossary (a promotion),
   * refused with StaleGlossaryError when the stored version is no longer `from`.
   */
  to: { version: number } | { change: (glossary: Glossary) => Glossary; from: number | null },
  why: { reason: string; by?: string },
): Promise<{ config: TenantConfig; version: number; previous: number | null }> {
  return inTransaction(pool, async (client) => {
    const { rows } = await client.query<{ config: unknown }>(
      "select config from app.tenants where id = $1 for update",
      [tenant],
    );
    if (!rows[0]) throw new Error(`tenant ${tenant} has no row in app.tenants`);
    const before = TenantConfig.parse(rows[0].config);
    const previous = (await active(client, tenant, "glossary"))?.version ?? null;
    let config: TenantConfig;
    if ("version" in to) {
      const found = await client.query<{ content: unknown }>(
        `select content from app.artefact_versions
          where tenant_id = $1 and artefact = 'glossary' and version = $2`,
        [tenant, to.version],
      );
      if (!found.rows[0]) throw new UnknownVersionError(tenant, to.version);
      await activate(client, tenant, "glossary", to.version);
      const glossary = TenantConfig.shape.glossary.parse(found.rows[0].content);
      config = { ...before, glossary, glossaryVersion: to.version };
    } else {
      if ((before.glossaryVersion ?? null) !== to.from)
        throw new StaleGlossaryError(tenant, to.from, before.glossaryVersion ?? null);
      const glossary = to.change(before.glossary);
      config = await stampGlossary(client, tenant, { ...before, glossary }, why);
    }
    await client.query(
      "update app.tenants set config = $2::jsonb, updated_at = now() where id = $1",
      [tenant, JSON.stringify(config)],
    );
    return { config, version: config.glossaryVersion!, previous };
  });
}

/** The glossary moved on since the change was judged (another promotion, a tenant edit). */
export class StaleGlossaryError extends Error {
  constructor(
    readonly tenant: string,
    readonly expected: number | null,
    readonly found: number | null,
  ) {
    super(
      `tenant ${tenant}'s glossary is at version ${found ?? "-"}, not ${expected ?? "-"}: evaluate again`,
    );
  }
}

export class UnknownVersionError extends Error {
  constructor(
    readonly tenant: string,
    readonly version: number,
  ) {
    super(`tenant ${tenant} has no glossary version ${version}`);
  }
}

/** Every version of an artefact of the tenant, newest first. */
export async function listVersions(
  db: Queryable,
  tenant: string,
  artefact: Artefact,
): Promise<ArtefactVersion[]> {
  const { rows } = await db.query<{
    version: number;
    content: unknown;
    hash: string;
    reason: string;
    created_by: string | null;
    created_at: Date;
    active: boolean;
  }>(
    `select v.version, v.content, v.hash, v.reason, v.created_by, v.created_at,
            coalesce(a.version = v.version, false) as active
       from app.artefact_versions v
       left join app.active_artefacts a using (tenant_id, artefact)
      where v.tenant_id = $1 and v.artefact = $2 order by v.version desc`,
    [tenant, artefact],
  );
  return rows.map((r) => ({
    version: r.version,
    content: r.content,
    hash: r.hash,
    reason: r.reason,
    createdBy: r.created_by,
    createdAt: r.created_at,
    active: r.active,
  }));
}
