/**
 * Hybrid (lexical + vector) retrieval over a tenant's facet catalog, plus the O(1) exact
 * lookups and grounding helpers the rules-based parser calls for every n-gram of a request.
 */
import type { CatalogHit, CatalogLookup, SearchOptions } from "./lookup.ts";
import type MiniSearch from "minisearch";
import type { FacetKind, TenantCatalog } from "../state/catalog.ts";
import { InProcessVectorStore, type LocalVectors } from "../vectors/in-process.ts";
import type { VectorMeta } from "../vectors/store.ts";
import { HashedNgramEmbedder, type Embedder } from "./embedder.ts";
import { buildIndexes, isCodeLike, type IndexedName } from "./index-build.ts";
import { catalogFingerprint, memoisedSearch } from "./search-memo.ts";
import {
  keyOf,
  maxEdits,
  normalizePhrase,
  stem,
  STOP_WORDS,
  termQuality,
  words,
  foldToken,
} from "./normalize.ts";

export { foldToken, normalizePhrase } from "./normalize.ts";

/**
 * Fused score at or above which a non-exact hit may be linked without asking the user.
 * Calibrated on the online-retail catalog (3,684 products): one-edit typos of a name score
 * 0.57..0.70 ("kitchn", "germny", "jewelery"), a query word that a name contains 0.6..0.85,
 * split compounds ("retro spot") 0.5..0.8; words matching no name stay below 0.15 (hashed
 * vector noise), and a query sharing one of two words with a name ("shoe size" vs SHOE SHINE
 * BOX) about 0.45.
 */
export const MIN_LINK_SCORE = 0.5;
/** Below `MIN_LINK_SCORE` but at or above this, a hit is worth offering as "did you mean". */
export const MIN_SUGGEST_SCORE = 0.35;
/** Weight of the lexical score in the fused score; the vector score gets the rest. */
export const LEXICAL_WEIGHT = 0.5;
export const VECTOR_WEIGHT = 1 - LEXICAL_WEIGHT;
/** Non-exact hits are capped here so that only exact matches ever score 1. */
const MAX_INEXACT_SCORE = 0.99;

export type { CatalogHit, SearchOptions } from "./lookup.ts";

export interface CatalogRetrieverOptions {
  /** Default: a `HashedNgramEmbedder` with default options. */
  embedder?: Embedder;
  /**
   * Fit the embedder to the catalog's names (IDF) when it supports `fitted`. The embedder
   * passed in is never mutated. Default true.
   */
  fitEmbedder?: boolean;
  /** Source texts of `type: "text"` facets, by facet id (e.g. `{ product_word: productNames }`). */
  texts?: Readonly<Record<string, readonly string[]>>;
  /**
   * Keep the built index here and reuse it when the catalog is the same (index-cache.ts).
   * Default: none, build every time.
   */
  indexDir?: string;
  /**
   * Where the name vectors are kept and scored: kind "catalog_value", partition the catalog's
   * tenant. Default: a store of this retriever's own. The parser's probes are synchronous, so
   * only the in-process store serves `search`; a remote store is searched through
   * catalog/vector-search.ts.
   */
  vectorStore?: InProcessVectorStore;
}

/** An embedded name as the vector store holds it: what `CatalogRetriever.vectorRows` lists. */
export interface CatalogVectorRow {
  /** Stable across restarts for the same catalog: facet, value and name. */
  id: string;
  text: string;
  meta: VectorMeta;
}

// ---------------------------------------------------------------------------------------------
// Retriever

interface Doc {
  facetId: string;
  value: string | undefined;
  label: string;
  facetKind: FacetKind;
  /** Names of a document are contiguous: `[firstName, firstName + nameCount)`. */
  firstName: number;
  nameCount: number;
}

interface TextCorpus {
  /** Normalised texts joined by "\n", which normalised phrases cannot contain. */
  joined: string;
  /** Offset of each text in `joined`, ascending. */
  starts: Int32Array;
  cache: Map<string, number>;
}

const TEXT_CACHE_LIMIT = 10_000;
const EMPTY_HITS: readonly CatalogHit[] = Object.freeze([]);

export class CatalogRetriever implements CatalogLookup {
  readonly embedder: Embedder;
  /** The catalog's tenant: the partition its name vectors are kept under. */
  readonly tenant: string;
  /** What the answers depend on (catalog, texts, embedder): keys the search memo. */
  readonly fingerprint: string;
  private readonly docs: Doc[] = [];
  /** Per document, its names' index range `[docFirstName, docEndName)`. */
  private readonly docFirstName: Int32Array;
  private readonly docEndName: Int32Array;
  /** Per name: owning document, original text, and row in `vectors` (-1 if not embedded). */
  private readonly nameDoc: Int32Array;
  private readonly nameText: string[] = [];
  private readonly nameKey: string[] = [];
  private readonly nameRow: Int32Array;
  /** The name vectors, by row, in the vector store (scored there). */
  private readonly vectors: LocalVectors;
  /** The same rows as the store keeps them, row-major `rows × dimension`, L2-normalised. */
  private readonly matrix: Float32Array;
  private readonly rows: CatalogVectorRow[];
  /** Normalised key → frozen exact hits, and the name index behind each hit. */
  private readonly exactIndex = new Map<string, { hits: readonly CatalogHit[]; names: number[] }>();
  private readonly lexicalIndex: MiniSearch<IndexedName>;
  private readonly values = new Map<string, Map<string, string>>();
  private readonly facetRanks = new Map<string, number>();
  private readonly sourceTexts = new Map<string, readonly string[]>();
  private readonly textCorpora = new Map<string, TextCorpus>();

  constructor(catalog: TenantCatalog, options: CatalogRetrieverOptions = {}) {
    this.tenant = catalog.tenant;
    const names: string[] = [];
    const nameDoc: number[] = [];
    // Words of each name, computed once for the exact key and the lexical index.
    const nameWords: string[] = [];
    for (const facet of catalog.facets) {
      // The id's words ("distinct_products") are how engineers and some users name a facet.
      this.addDoc(
        { facetId: facet.id, value: undefined, label: facet.label, facetKind: facet.kind },
        [facet.label, facet.id.replace(/_/g, " "), ...facet.synonyms],
        { names, nameDoc, nameWords },
      );
      const labels = new Map<string, string>();
      for (const v of facet.values ?? []) {
        labels.set(v.value, v.label);
        this.addDoc(
          { facetId: facet.id, value: v.value, label: v.label, facetKind: facet.kind },
          [v.label, ...v.synonyms],
          { names, nameDoc, nameWords },
        );
      }
      this.values.set(facet.id, labels);
      this.facetRanks.set(facet.id, this.facetRanks.size);
    }
    this.nameText = names;
    this.nameDoc = Int32Array.from(nameDoc);
    this.docFirstName = Int32Array.from(this.docs, (d) => d.firstName);
    this.docEndName = Int32Array.from(this.docs, (d) => d.firstName + d.nameCount);

    const base = options.embedder ?? new HashedNgramEmbedder();
    const fit = options.fitEmbedder !== false;
    this.fingerprint = catalogFingerprint(catalog, options.texts ?? {}, { id: base.id, fit });
    const embedded: string[] = [];
    this.nameRow = new Int32Array(names.length).fill(-1);
    names.forEach((name, i) => {
      if (isCodeLike(name)) return;
      this.nameRow[i] = embedded.length;
      embedded.push(name);
    });
    ({
      embedder: this.embedder,
      vectors: this.matrix,
      lexical: this.lexicalIndex,
    } = buildIndexes(catalog.tenant, this.fingerprint, base, fit, options.indexDir, {
      embedded,
      names,
      nameWords,
    }));
    this.rows = this.vectorRowsOf(embedded.length);
    const store = options.vectorStore ?? new InProcessVectorStore(this.embedder.dimension);
    this.vectors = store.replaceNow(
      "catalog_value",
      catalog.tenant,
      {
        ids: this.rows.map((r) => r.id),
        texts: this.rows.map((r) => r.text),
        metas: this.rows.map((r) => r.meta),
      },
      this.matrix,
    );

    this.buildExactIndex();
    this.buildTextCorpora(catalog, options.texts ?? {});
  }

  /** Number of indexed documents (facets plus values). */
  get size(): number {
    return this.docs.length;
  }

  /** Index dimensions, for diagnostics and benchmarks. */
  get stats(): { documents: number; names: number; vectors: number; vectorBytes: number } {
    return {
      documents: this.docs.length,
      names: this.nameText.length,
      vectors: this.vectors.size,
      vectorBytes: this.vectors.byteLength,
    };
  }

  /**
   * Ranks facets and values against a free-text query.
   *
   * Fusion is a weighted sum, `LEXICAL_WEIGHT·lexical + VECTOR_WEIGHT·vector`, per name; a
   * document scores as its best name. Reciprocal rank fusion was rejected because it keeps only
   * ranks: every query would produce a top hit of the same score, so there would be nothing to
   * hold against `MIN_LINK_SCORE`. Both inputs are instead made absolute: lexical is BM25
   * normalised by the query's best score and multiplied by how well the query's terms were
   * matched, vector is a cosine. Exact matches bypass fusion with score 1.
   */
  search(query: string, opts: SearchOptions = {}): CatalogHit[] {
    return memoisedSearch(this.fingerprint, query, opts, () => this.searchUncached(query, opts));
  }

  private searchUncached(query: string, opts: SearchOptions): CatalogHit[] {
    return this.rank(
      query,
      opts,
      this.vectors.scores(this.embedder.embed([query])[0]!),
      LEXICAL_WEIGHT,
    );
  }

  /**
   * The embedded names as a vector store keeps them (row order), with their vectors from this
   * retriever's embedder: what catalog/vector-search.ts copies into a remote store.
   */
  vectorRows(): readonly CatalogVectorRow[] {
    return this.rows;
  }

  /** The vector of row `row` of `vectorRows()` (a view: not to be changed). */
  rowVector(row: number): Float32Array {
    const dim = this.embedder.dimension;
    return this.matrix.subarray(row * dim, (row + 1) * dim);
  }

  /**
   * `search` with the vector half given: cosines by `vectorRows()` row from another store
   * (rows it did not return count 0), or none at all, when the vector store is unavailable:
   * then the lexical score stands alone (weight 1), so exact and close lexical matches still
   * reach `MIN_LINK_SCORE`. Not memoised: the answer depends on the store.
   */
  searchWith(
    query: string,
    opts: SearchOptions,
    rowScores: Float32Array | undefined,
  ): CatalogHit[] {
    return rowScores === undefined
      ? this.rank(query, opts, new Float32Array(this.rows.length), 1)
      : this.rank(query, opts, rowScores, LEXICAL_WEIGHT);
  }

  private rank(
    query: string,
    opts: SearchOptions,
    vector: Float32Array,
    lexicalWeight: number,
  ): CatalogHit[] {
    const vectorWeight = 1 - lexicalWeight;
    const limit = opts.limit ?? 10;
    const minScore = opts.minScore ?? 0;
    const key = normalizePhrase(query);
    if (limit <= 0 || key === "") return [];
    const allowed = this.docFilter(opts);

    const exactDocs = new Map<number, number>();
    for (const name of this.exactIndex.get(key)?.names ?? []) {
      if (allowed(this.nameDoc[name]!)) exactDocs.set(this.nameDoc[name]!, name);
    }

    const lexical = this.lexicalScores(query, allowed);
    const { nameRow } = this;

    // Typed arrays rather than `docs[d].firstName`: the loop over every document is ~8x faster.
    const { docFirstName, docEndName } = this;
    const top: CatalogHit[] = [];
    for (let d = 0; d < docFirstName.length; d++) {
      if (!allowed(d)) continue;
      let best = -1;
      let bestScore = -1;
      let bestLex = 0;
      let bestVec = 0;
      const end = docEndName[d]!;
      for (let n = docFirstName[d]!; n < end; n++) {
        const row = nameRow[n]!;
        const vec = row >= 0 ? Math.max(0, Math.min(1, vector[row]!)) : 0;
        const lex = lexical[n]!;
        const fused = lexicalWeight * lex + vectorWeight * vec;
        if (fused > bestScore) {
          best = n;
          bestScore = fused;
          bestLex = lex;
          bestVec = vec;
        }
      }
      if (best < 0) continue;
      const exactName = exactDocs.get(d);
      const exact = exactName !== undefined;
      const score = exact ? 1 : Math.min(MAX_INEXACT_SCORE, bestScore);
      if (score < minScore || (!exact && score <= 0)) continue;
      if (top.length === limit && !ranksBefore(exact, score, top[top.length - 1]!)) continue;
      const doc = this.docs[d]!;
      const hit: CatalogHit = {
        facetId: doc.facetId,
        label: doc.label,
        matched: this.nameText[exact ? exactName : best]!,
        score,
        // An exact hit is perfect on both sides by definition, as in `exactLookup`.
        lexical: exact ? 1 : bestLex,
        vector: exact ? 1 : bestVec,
        exact,
      };
      if (doc.value !== undefined) hit.value = doc.value;
      insertRanked(top, hit, limit);
    }
    return top;
  }

  /**
   * Every facet and value with a label or synonym equal to `phrase` under `normalizePhrase`.
   * Returns shared frozen hits (score 1, exact): the parser probes every n-gram of a request.
   */
  exactLookup(phrase: string): readonly CatalogHit[] {
    return this.exactIndex.get(normalizePhrase(phrase))?.hits ?? EMPTY_HITS;
  }

  /**
   * The facet's position in the catalog: exact hits of equal length go to the facet the
   * catalog lists first (the tenant orders its facets by what its users most often mean).
   */
  facetRank(facetId: string): number {
    return this.facetRanks.get(facetId) ?? Number.MAX_SAFE_INTEGER;
  }

  /** Whether `value` is a canonical value of enum facet `facetId` (exact, case-sensitive). */
  contains(facetId: string, value: string): boolean {
    return this.values.get(facetId)?.has(value) ?? false;
  }

  /** The label of a canonical value, or undefined if the facet has no such value. */
  valueLabel(facetId: string, value: string): string | undefined {
    return this.values.get(facetId)?.get(value);
  }

  /**
   * How many source texts of text facet `facetId` contain `phrase` as a substring, ignoring
   * case, diacritics and runs of whitespace. 0 for unknown facets and blank phrases.
   */
  textMatches(facetId: string, phrase: string): number {
    return this.countTexts(facetId, phrase, false);
  }

  /**
   * Like `textMatches`, but the phrase must start a word ("bit" is in "RABBIT" but starts no
   * word there), so a stray short word does not pass for a product word.
   */
  wordMatches(facetId: string, phrase: string): number {
    return this.countTexts(facetId, phrase, true);
  }

  private countTexts(facetId: string, phrase: string, wordStart: boolean): number {
    const corpus = this.textCorpora.get(facetId);
    if (corpus === undefined) return 0;
    const needle = normalizeText(phrase);
    if (needle === "") return 0;
    const key = wordStart ? `\u0000w:${needle}` : needle;
    const cached = corpus.cache.get(key);
    if (cached !== undefined) return cached;
    const { joined, starts } = corpus;
    let count = 0;
    let from = 0;
    for (;;) {
      const at = joined.indexOf(needle, from);
      if (at < 0) break;
      if (wordStart && at > 0 && /[\p{L}\p{N}]/u.test(joined[at - 1]!)) {
        from = at + 1;
        continue;
      }
      count++;
      // Count texts, not occurrences: resume at the start of the next text.
      const text = upperBound(starts, at) - 1;
      if (text + 1 >= starts.length) break;
      from = starts[text + 1]!;
    }
    if (corpus.cache.size >= TEXT_CACHE_LIMIT) corpus.cache.clear();
    corpus.cache.set(key, count);
    return count;
  }

  // -------------------------------------------------------------------------------------------

  private addDoc(
    doc: Omit<Doc, "firstName" | "nameCount">,
    candidates: readonly string[],
    out: { names: string[]; nameDoc: number[]; nameWords: string[] },
  ): void {
    const { names, nameDoc, nameWords } = out;
    const index = this.docs.length;
    const firstName = names.length;
    const seen = new Set<string>();
    for (const name of candidates) {
      const tokens = words(name);
      const key = keyOf(tokens);
      if (key === "" || seen.has(key)) continue;
      seen.add(key);
      names.push(name);
      nameDoc.push(index);
      nameWords.push(tokens.join(" "));
      this.nameKey.push(key);
    }
    this.docs.push({ ...doc, firstName, nameCount: names.length - firstName });
  }

  /** Row `r` is the `r`-th embedded name (nameRow order). */
  private vectorRowsOf(count: number): CatalogVectorRow[] {
    const rows = new Array<CatalogVectorRow>(count);
    for (let n = 0; n < this.nameText.length; n++) {
      const row = this.nameRow[n]!;
      if (row < 0) continue;
      const doc = this.docs[this.nameDoc[n]!]!;
      const meta: Record<string, string> = {
        facetId: doc.facetId,
        label: doc.label,
        kind: doc.facetKind,
      };
      if (doc.value !== undefined) meta.value = doc.value;
      const text = this.nameText[n]!;
      rows[row] = { id: JSON.stringify([doc.facetId, doc.value ?? null, text]), text, meta };
    }
    return rows;
  }

  private buildExactIndex(): void {
    const byKey = new Map<string, { hits: CatalogHit[]; names: number[] }>();
    for (let n = 0; n < this.nameText.length; n++) {
      const doc = this.docs[this.nameDoc[n]!]!;
      const key = this.nameKey[n]!;
      const hit: CatalogHit = {
        facetId: doc.facetId,
        label: doc.label,
        matched: this.nameText[n]!,
        score: 1,
        lexical: 1,
        vector: 1,
        exact: true,
      };
      if (doc.value !== undefined) hit.value = doc.value;
      let entry = byKey.get(key);
      if (entry === undefined) byKey.set(key, (entry = { hits: [], names: [] }));
      entry.hits.push(Object.freeze(hit));
      entry.names.push(n);
    }
    for (const [key, { hits, names }] of byKey) {
      this.exactIndex.set(key, { hits: Object.freeze(hits), names });
    }
  }

  private docFilter(opts: SearchOptions): (doc: number) => boolean {
    const facetIds = opts.facetIds === undefined ? undefined : new Set(opts.facetIds);
    const kinds = opts.kinds === undefined ? undefined : new Set(opts.kinds);
    const target = opts.target;
    if (facetIds === undefined && kinds === undefined && target === undefined) return () => true;
    return (d) => {
      const doc = this.docs[d]!;
      if (facetIds !== undefined && !facetIds.has(doc.facetId)) return false;
      if (kinds !== undefined && !kinds.has(doc.facetKind)) return false;
      if (target === "facet" && doc.value !== undefined) return false;
      if (target === "value" && doc.value === undefined) return false;
      return true;
    };
  }

  /** Lexical score 0..1 of every name, by name index; 0 where no query term matched. */
  private lexicalScores(query: string, allowed: (doc: number) => boolean): Float32Array {
    const scores = new Float32Array(this.nameText.length);
    const kept = words(query).filter((w) => !STOP_WORDS.has(w));
    const terms = kept.map((w) => stem(foldToken(w)));
    if (terms.length === 0) return scores;
    // Adjacent words joined, so "retro spot" and "cake stand" find RETROSPOT and CAKESTAND.
    const joined = kept.slice(1).map((w, i) => stem(foldToken(kept[i]! + w)));
    const results = this.lexicalIndex.search([...terms, ...joined].join(" "), {
      // Terms are already processed: MiniSearch must not split or fold them again.
      tokenize: (text) => text.split(" "),
      processTerm: (term) => term,
      // Joined pairs (after the words) must match exactly: they are guesses, and fuzzy
      // matching long terms is the most expensive part of the query.
      prefix: (term, i) => i < terms.length && term.length >= 4,
      fuzzy: (term, i) => (i < terms.length ? maxEdits(term) : 0),
      combineWith: "OR",
      filter: (r) => allowed(this.nameDoc[r.id as number]!),
    });
    if (results.length === 0) return scores;
    const maxRaw = results[0]!.score;
    for (const r of results) {
      let covered = 0;
      terms.forEach((q, i) => {
        let best = 0;
        for (const t of r.terms) {
          best = Math.max(best, termQuality(q, t));
          // A joined pair covers both of its words.
          if (i > 0) best = Math.max(best, termQuality(joined[i - 1]!, t));
          if (i < joined.length) best = Math.max(best, termQuality(joined[i]!, t));
        }
        covered += best;
      });
      scores[r.id as number] = (r.score / maxRaw) * (covered / terms.length);
    }
    return scores;
  }

  private buildTextCorpora(
    catalog: TenantCatalog,
    texts: Readonly<Record<string, readonly string[]>>,
  ): void {
    for (const [facetId, sources] of Object.entries(texts)) {
      const facet = catalog.facets.find((f) => f.id === facetId);
      if (facet === undefined || facet.type !== "text") {
        throw new RangeError(
          `texts given for ${facetId}, which is not a text facet of the catalog`,
        );
      }
      const normalized = sources.map(normalizeText);
      const starts = new Int32Array(normalized.length);
      let offset = 0;
      normalized.forEach((t, i) => {
        starts[i] = offset;
        offset += t.length + 1;
      });
      this.textCorpora.set(facetId, { joined: normalized.join("\n"), starts, cache: new Map() });
      this.sourceTexts.set(facetId, sources);
    }
  }

  /** The source texts of a text facet (product names) as given, for the speller. */
  texts(facetId: string): readonly string[] {
    return this.sourceTexts.get(facetId) ?? [];
  }
}

function normalizeText(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/\s+/g, " ")
    .trim();
}

/** First index whose value is greater than `x`. */
function upperBound(sorted: Int32Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function ranksBefore(exact: boolean, score: number, other: CatalogHit): boolean {
  if (exact !== other.exact) return exact;
  return score > other.score;
}

/** Inserts into a list kept sorted by rank and at most `limit` long; earlier documents win ties. */
function insertRanked(top: CatalogHit[], hit: CatalogHit, limit: number): void {
  let i = top.length;
  while (i > 0 && ranksBefore(hit.exact, hit.score, top[i - 1]!)) i--;
  top.splice(i, 0, hit);
  if (top.length > limit) top.pop();
}
