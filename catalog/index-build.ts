/**
 * Building a catalog index's dear parts — the embedder fitted to the catalog, the name vectors,
 * the MiniSearch lexical index — or reading them back from disk (index-cache.ts).
 */
import MiniSearch, { type Options } from "minisearch";
import { HashedNgramEmbedder, type Embedder } from "./embedder.ts";
import { loadBuiltIndex, saveBuiltIndex } from "./index-cache.ts";
import { lexicalTerm, words } from "./normalize.ts";

export interface IndexedName {
  id: number;
  text: string;
}

export const LEXICAL_OPTIONS: Options<IndexedName> = {
  fields: ["text"],
  // Documents are indexed pre-split by `words`; queries are split by `words` at search time.
  tokenize: (text) => text.split(" "),
  processTerm: lexicalTerm,
  searchOptions: { tokenize: words },
};

/**
 * The embedder fitted to the catalog, the name vectors and the lexical index: the dear parts,
 * from disk when an earlier start stored this catalog's (index-cache.ts), else built (and then
 * stored). Only the default embedder's fit can be stored.
 */
export function buildIndexes(
  tenant: string,
  fingerprint: string,
  base: Embedder,
  fit: boolean,
  indexDir: string | undefined,
  input: { embedded: string[]; names: string[]; nameWords: string[] },
): { embedder: Embedder; vectors: Float32Array; lexical: MiniSearch<IndexedName> } {
  const hashed = fit && base instanceof HashedNgramEmbedder ? base : undefined;
  const cacheDir = hashed === undefined ? undefined : indexDir;
  const stored = cacheDir === undefined ? undefined : loadBuiltIndex(cacheDir, tenant, fingerprint);
  if (
    hashed !== undefined &&
    stored !== undefined &&
    stored.vectors.length === input.embedded.length * hashed.dimension
  ) {
    return {
      embedder: hashed.withFit(stored.fit),
      vectors: stored.vectors,
      lexical: MiniSearch.loadJS<IndexedName>(stored.lexical, LEXICAL_OPTIONS),
    };
  }
  const { embedded, names, nameWords } = input;
  let embedder: Embedder;
  let vectors: Float32Array;
  if (hashed !== undefined) {
    ({ embedder, matrix: vectors } = hashed.fitTransform(embedded));
  } else {
    embedder = fit && base.fitted !== undefined ? base.fitted(embedded) : base;
    vectors = embedAll(embedder, embedded);
  }
  const lexical = new MiniSearch<IndexedName>(LEXICAL_OPTIONS);
  lexical.addAll(
    nameWords
      .map((text, id) => ({ id, text }))
      .filter((n) => n.text !== "" && !isCodeLike(names[n.id]!)),
  );
  const fitted = embedder instanceof HashedNgramEmbedder ? embedder.fitState() : undefined;
  if (cacheDir !== undefined && fitted !== undefined) {
    saveBuiltIndex(cacheDir, tenant, fingerprint, {
      fit: fitted,
      vectors,
      lexical: lexical.toJSON(),
    });
  }
  return { embedder, vectors, lexical };
}

function embedAll(embedder: Embedder, texts: string[]): Float32Array {
  const dim = embedder.dimension;
  const matrix = new Float32Array(texts.length * dim);
  if (embedder instanceof HashedNgramEmbedder) {
    // Straight into the matrix: no per-name array for thousands of product names.
    texts.forEach((t, i) => embedder.embedInto(t, matrix, i * dim));
    return matrix;
  }
  embedder.embed(texts).forEach((row, i) => {
    if (row.length !== dim) {
      throw new RangeError(`embedder ${embedder.id} returned ${row.length} dims, not ${dim}`);
    }
    matrix.set(row, i * dim);
  });
  return matrix;
}

/** Stock codes and other identifiers: exact-lookup material, noise for n-gram vectors and BM25. */
export function isCodeLike(name: string): boolean {
  return /^[\p{L}\p{N}-]*\p{N}[\p{L}\p{N}-]*$/u.test(name.trim());
}
