/**
 * Tenant configuration as the running graph sees it. `app.tenants` is the truth; each process
 * keeps the parsed config in its `TenantRuntime` and reloads it when the row's updated_at moves
 * (an edit made through another server process), which every authenticated request reports.
 */
import type pg from "pg";
import type { Logger } from "pino";
import type { Services } from "../runtime/services.ts";
import { TenantConfig } from "../state/catalog.ts";
import { stampGlossary } from "../storage/registry.ts";

export type TenantConfigPatch = Partial<
  Pick<TenantConfig, "asOf" | "fiscalYearStartMonth" | "glossary" | "restrictedFacets">
>;

export class TenantConfigs {
  /** updated_at (ms) of the config each tenant's runtime holds. */
  private readonly versions = new Map<string, number>();

  constructor(
    private readonly services: Services,
    private readonly logger: Logger,
  ) {}

  private apply(tenantId: string, config: TenantConfig, updatedAt: Date): void {
    const runtime = this.services.tenants.get(tenantId);
    if (!runtime) return;
    // Replaced, not mutated: a run in flight keeps the config it started with.
    this.services.tenants.set(tenantId, { ...runtime, config });
    this.versions.set(tenantId, updatedAt.getTime());
  }

  /** Reloads the tenant's config when the stored one is newer than the one in memory. */
  async refresh(tenantId: string, storedUpdatedAt: Date): Promise<void> {
    if (this.versions.get(tenantId) === storedUpdatedAt.getTime()) return;
    const { rows } = await this.services.db.pool.query<{ config: unknown; updated_at: Date }>(
      "select config, updated_at from app.tenants where id = $1",
      [tenantId],
    );
    const row = rows[0];
    if (!row) return;
    const parsed = TenantConfig.safeParse(row.config);
    if (!parsed.success) {
      // Keep serving with the config we have rather than failing every request.
      this.logger.error({ tenantId, issues: parsed.error.issues }, "stored tenant config invalid");
      this.versions.set(tenantId, row.updated_at.getTime());
      return;
    }
    this.apply(tenantId, parsed.data, row.updated_at);
  }

  /**
   * Merges the patch into the stored config under a row lock (two edits at once both land),
   * marks the row edited so start-up keeps it, and applies it to the running tenant.
   */
  async update(
    tenantId: string,
    patch: TenantConfigPatch,
    /** Who edits (recorded with a new glossary version). */
    editor?: string,
  ): Promise<{ config: TenantConfig; updatedAt: Date }> {
    const client: pg.PoolClient = await this.services.db.pool.connect();
    try {
      await client.query("begin");
      const { rows } = await client.query<{ config: unknown }>(
        "select config from app.tenants where id = $1 for update",
        [tenantId],
      );
      if (!rows[0]) throw new Error(`tenant ${tenantId} has no row in app.tenants`);
      const merged = TenantConfig.parse({ ...(rows[0].config as object), ...patch });
      // A glossary change is a new version of the registry's glossary artefact.
      const config = patch.glossary
        ? await stampGlossary(client, tenantId, merged, { reason: "tenant edit", by: editor })
        : merged;
      const updated = await client.query<{ updated_at: Date }>(
        "update app.tenants set config = $2::jsonb, updated_at = now() where id = $1 returning updated_at",
        [tenantId, JSON.stringify(config)],
      );
      await client.query("commit");
      const updatedAt = updated.rows[0]!.updated_at;
      this.apply(tenantId, config, updatedAt);
      return { config, updatedAt };
    } catch (err) {
      await client.query("rollback").catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async updatedAt(tenantId: string): Promise<Date | null> {
    const { rows } = await this.services.db.pool.query<{ updated_at: Date }>(
      "select updated_at from app.tenants where id = $1",
      [tenantId],
    );
    return rows[0]?.updated_at ?? null;
  }
}
