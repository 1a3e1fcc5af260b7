/**
 * The built parts of a catalog index on disk, so a restart reuses them: the embedder's fit
 * (IDF over every name), the name vectors and the MiniSearch index — the dear parts of
 * building a CatalogRetriever. One file per tenant under `DATA_DIR/catalog-index/`, named by
 * the catalog's fingerprint (catalog, texts, embedder: search-memo.ts): a changed catalog
 * finds no file of its fingerprint, builds again and replaces the tenant's old file.
 *
 * Stored with `v8.serialize` (typed arrays go as bytes); the file records the format and
 * V8's version, and anything unreadable, truncated or from another version is ignored and
 * rebuilt. The cache is an optimisation only: failing to write it is not an error.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { deserialize, serialize } from "node:v8";
import type { AsPlainObject } from "minisearch";
import type { EmbedderFit } from "./embedder.ts";

const FORMAT = 1;

export interface BuiltIndex {
  fit: EmbedderFit;
  /** Row-major name vectors, as CatalogRetriever keeps them. */
  vectors: Float32Array;
  /** `MiniSearch#toJSON()`, restored with `MiniSearch.loadJS`. */
  lexical: AsPlainObject;
}

interface Stored extends BuiltIndex {
  format: number;
  v8: string;
  fingerprint: string;
}

/** Where `serve` and the CLI keep the indexes: beside the embedded Postgres's data. */
export function catalogIndexDir(env: { DATA_DIR: string }): string {
  return resolve(env.DATA_DIR, "catalog-index");
}

function fileOf(dir: string, tenant: string, fingerprint: string): string {
  return join(dir, `${encodeURIComponent(tenant)}@${fingerprint}.v8`);
}

/** The stored index of this catalog, or undefined (none, unreadable, another version). */
export function loadBuiltIndex(
  dir: string,
  tenant: string,
  fingerprint: string,
): BuiltIndex | undefined {
  try {
    const stored = deserialize(readFileSync(fileOf(dir, tenant, fingerprint))) as Stored;
    const valid =
      stored.format === FORMAT &&
      stored.v8 === process.versions.v8 &&
      stored.fingerprint === fingerprint &&
      stored.vectors instanceof Float32Array;
    return valid ? stored : undefined;
  } catch {
    return undefined;
  }
}

/** Stores the index (atomically: a reader sees the old file or the new), dropping the tenant's older ones. */
export function saveBuiltIndex(
  dir: string,
  tenant: string,
  fingerprint: string,
  index: BuiltIndex,
): void {
  try {
    mkdirSync(dir, { recursive: true });
    const file = fileOf(dir, tenant, fingerprint);
    const stored: Stored = { ...index, format: FORMAT, v8: process.versions.v8, fingerprint };
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, serialize(stored));
    renameSync(tmp, file);
    // "@" is escaped in a tenant id, so one tenant's prefix never matches another's files.
    const prefix = `${encodeURIComponent(tenant)}@`;
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (name.startsWith(prefix) && name.endsWith(".v8") && path !== file) rmSync(path);
    }
  } catch {
    // A read-only or full disk costs the next start a rebuild, nothing else.
  }
}
