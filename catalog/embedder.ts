/**
 * Text embedders for catalog retrieval.
 *
 * The default `HashedNgramEmbedder` is fully offline: it hashes character n-grams and whole
 * words into a fixed number of buckets (the "hashing trick", as in fastText's subword buckets
 * and Vowpal Wabbit's feature hashing). Catalog vocabulary is small and domain-specific
 * (product names, country demonyms), so surface-form similarity is what matters most: typos,
 * plurals and split/joined words ("retro spot" / "retrospot") share most of their n-grams.
 */

/**
 * Turns texts into fixed-length, L2-normalised vectors.
 *
 * Synchronous on purpose: the rules-based parser probes the catalog for many n-grams of every
 * request inside a tight loop. A remote embedder would be wrapped in an adapter that embeds the
 * catalog ahead of time and caches query vectors, rather than making every probe async.
 */
export interface Embedder {
  /** Identifies the model and its configuration, so vectors from different embedders are never mixed. */
  readonly id: string;
  readonly dimension: number;
  embed(texts: readonly string[]): Float32Array[];
  /**
   * Returns an embedder adapted to a corpus (e.g. with IDF weights) without mutating this one,
   * so one configured embedder can be shared by retrievers of different tenants.
   */
  fitted?(corpus: readonly string[]): Embedder;
}

export interface HashedNgramOptions {
  /** Number of hash buckets. Default 512. */
  dimension?: number;
  /** Shortest character n-gram. Default 3. */
  minN?: number;
  /** Longest character n-gram. Default 5. */
  maxN?: number;
  /**
   * Weight of whole-word features relative to n-grams. Below 1 because a typo loses the whole
   * word feature outright while keeping most n-grams. Default 0.5.
   */
  wordWeight?: number;
  /**
   * Weight of n-grams taken over the text with spaces removed. They bring "retro spot" and
   * "retrospot" closer than per-word n-grams can, since those never span the gap. Default 0.5.
   */
  compactWeight?: number;
}

/** Lower-cases, strips diacritics and reduces everything that is not a letter or digit to single spaces. */
export function normalizeForEmbedding(text: string): string {
  // Most catalog text is ASCII; skipping Unicode normalisation for it halves embedding time.
  if (/^[\x20-\x7e]*$/.test(text)) {
    return text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, " ")
      .trim();
  }
  return text
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** 32-bit FNV-1a over UTF-16 code units; stable across runs and platforms, unlike engine string hashes. */
export function fnv1a32(text: string, seed: number = FNV_OFFSET): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) h = fnvStep(h, text.charCodeAt(i));
  return h;
}

function fnvStep(h: number, code: number): number {
  return Math.imul(h ^ code, FNV_PRIME) >>> 0;
}

/**
 * MurmurHash3's finaliser. FNV-1a's low bits are poorly mixed for short keys, and the bucket is
 * taken from the low bits, so every feature hash goes through this before it is used.
 */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

// Distinct offset bases keep the three feature families apart: the 4-gram "<ab>" and the
// whole word "ab" would otherwise hash to the same feature.
const SEED_NGRAM = FNV_OFFSET;
const SEED_WORD = fnv1a32("\u0001word");
const SEED_COMPACT = fnv1a32("\u0002compact");

const BOW = "<".charCodeAt(0);
const EOW = ">".charCodeAt(0);

/** Feature keys of many texts in one pool; text `i` owns `keys[bounds[4i] .. bounds[4i+3])`. */
interface FeaturePool {
  keys: Int32Array;
  /** Per text: start, end of n-grams, end of words, end of compact n-grams. */
  bounds: Int32Array;
  count: number;
}

export interface KeyTableState {
  keys: Int32Array;
  values: Float32Array;
  used: Uint8Array;
  size: number;
}

/** What fitting learnt from a corpus: enough to rebuild the fitted embedder without the corpus. */
export interface EmbedderFit {
  idf: KeyTableState;
  unseenIdf: number;
  corpusSignature: string;
}

/**
 * Open-addressing map from int32 feature key to a float: fitting and embedding a 4,000-name
 * catalog makes over a million lookups, and this runs them ~1.4x faster than a `Map`.
 */
class KeyTable {
  private keys: Int32Array;
  private values: Float32Array;
  private used: Uint8Array;
  size = 0;

  /** `expected`: roughly how many keys will be added, to avoid rehashing while filling. */
  constructor(expected = 8192) {
    let capacity = 1 << 14;
    while (capacity < expected * 2) capacity *= 2;
    this.keys = new Int32Array(capacity);
    this.values = new Float32Array(capacity);
    this.used = new Uint8Array(capacity);
  }

  private slot(key: number): number {
    const mask = this.keys.length - 1;
    // Keys are already well mixed; fold the high bits in anyway so any subset of bits works.
    let i = (key ^ (key >>> 16)) & mask;
    while (this.used[i] === 1 && this.keys[i] !== key) i = (i + 1) & mask;
    return i;
  }

  get(key: number): number | undefined {
    const i = this.slot(key);
    return this.used[i] === 1 ? this.values[i] : undefined;
  }

  add(key: number, delta: number): void {
    let i = this.slot(key);
    if (this.used[i] === 0) {
      if ((this.size + 1) * 2 > this.keys.length) {
        this.grow();
        i = this.slot(key);
      }
      this.used[i] = 1;
      this.keys[i] = key;
      this.size++;
    }
    this.values[i]! += delta;
  }

  /** The table's arrays as they are, to store and restore it without rehashing. */
  toState(): KeyTableState {
    return { keys: this.keys, values: this.values, used: this.used, size: this.size };
  }

  static fromState(state: KeyTableState): KeyTable {
    const table = new KeyTable(0);
    table.keys = state.keys;
    table.values = state.values;
    table.used = state.used;
    table.size = state.size;
    return table;
  }

  mapValues(fn: (value: number) => number): void {
    for (let i = 0; i < this.used.length; i++) {
      if (this.used[i] === 1) this.values[i] = fn(this.values[i]!);
    }
  }

  private grow(): void {
    const { keys, values, used } = this;
    const capacity = keys.length * 2;
    this.keys = new Int32Array(capacity);
    this.values = new Float32Array(capacity);
    this.used = new Uint8Array(capacity);
    for (let i = 0; i < used.length; i++) {
      if (used[i] === 0) continue;
      const j = this.slot(keys[i]!);
      this.used[j] = 1;
      this.keys[j] = keys[i]!;
      this.values[j] = values[i]!;
    }
  }
}

export class HashedNgramEmbedder implements Embedder {
  readonly dimension: number;
  private readonly minN: number;
  private readonly maxN: number;
  private readonly wordWeight: number;
  private readonly compactWeight: number;
  private readonly mask: number;
  /** Feature key → IDF; undefined until `fit`, which means every feature weighs 1. */
  private idf: KeyTable | undefined;
  /** IDF of a feature never seen in the corpus: the rarest possible. */
  private unseenIdf = 1;
  private corpusSignature = "";
  // Feature keys of the text being embedded, reused across calls so that embedding thousands
  // of catalog names does not allocate per n-gram. Layout: n-grams in [0, ngramEnd), words in
  // [ngramEnd, wordEnd), compact n-grams in [wordEnd, fill); each segment sorted.
  private buf = new Int32Array(1024);
  private fill = 0;
  private ngramEnd = 0;
  private wordEnd = 0;

  constructor(private readonly options: HashedNgramOptions = {}) {
    this.dimension = options.dimension ?? 512;
    this.minN = options.minN ?? 3;
    this.maxN = options.maxN ?? 5;
    this.wordWeight = options.wordWeight ?? 0.5;
    this.compactWeight = options.compactWeight ?? 0.5;
    if (!Number.isInteger(this.dimension) || this.dimension < 2) {
      throw new RangeError(`dimension must be an integer >= 2, got ${this.dimension}`);
    }
    if (this.minN < 1 || this.maxN < this.minN) {
      throw new RangeError(`invalid n-gram range ${this.minN}..${this.maxN}`);
    }
    // A power-of-two dimension lets the bucket be a mask instead of a modulo.
    this.mask = (this.dimension & (this.dimension - 1)) === 0 ? this.dimension - 1 : -1;
  }

  get id(): string {
    const base = `hashed-ngram-v1:d${this.dimension}:n${this.minN}-${this.maxN}:w${this.wordWeight}:c${this.compactWeight}`;
    return this.corpusSignature === "" ? base : `${base}:idf-${this.corpusSignature}`;
  }

  get isFitted(): boolean {
    return this.idf !== undefined;
  }

  /**
   * Fits smoothed IDF (`ln((1+N)/(1+df)) + 1`, as scikit-learn) on a corpus, so n-grams shared
   * by most catalog names ("bag", "set of") count less than distinctive ones. Mutates this
   * embedder; use `fitted` or `fitTransform` to get an adapted copy instead.
   */
  fit(corpus: readonly string[]): this {
    this.fitPool(this.extract(corpus), corpus);
    return this;
  }

  fitted(corpus: readonly string[]): HashedNgramEmbedder {
    return new HashedNgramEmbedder(this.options).fit(corpus);
  }

  /**
   * `fitted(corpus)` plus the corpus's embeddings as one row-major `corpus.length × dimension`
   * matrix, extracting each text's features once instead of once per step.
   */
  fitTransform(corpus: readonly string[]): { embedder: HashedNgramEmbedder; matrix: Float32Array } {
    const embedder = new HashedNgramEmbedder(this.options);
    const pool = this.extract(corpus);
    embedder.fitPool(pool, corpus);
    const matrix = new Float32Array(corpus.length * this.dimension);
    for (let t = 0; t < pool.count; t++) {
      const b = pool.bounds;
      embedder.project(
        pool.keys,
        b[4 * t]!,
        b[4 * t + 1]!,
        b[4 * t + 2]!,
        b[4 * t + 3]!,
        matrix,
        t * this.dimension,
      );
    }
    return { embedder, matrix };
  }

  /** The fit (IDF) of a fitted embedder, to store a built index (catalog/index-cache.ts). */
  fitState(): EmbedderFit | undefined {
    if (this.idf === undefined) return undefined;
    const { unseenIdf, corpusSignature } = this;
    return { idf: this.idf.toState(), unseenIdf, corpusSignature };
  }

  /** This embedder's configuration with a stored fit: equal to the embedder that was fitted. */
  withFit(fit: EmbedderFit): HashedNgramEmbedder {
    const embedder = new HashedNgramEmbedder(this.options);
    embedder.idf = KeyTable.fromState(fit.idf);
    embedder.unseenIdf = fit.unseenIdf;
    embedder.corpusSignature = fit.corpusSignature;
    return embedder;
  }

  embed(texts: readonly string[]): Float32Array[] {
    return texts.map((t) => {
      const out = new Float32Array(this.dimension);
      this.embedInto(t, out, 0);
      return out;
    });
  }

  /** Writes the embedding of `text` into `out[offset .. offset + dimension)`, which must be zeroed. */
  embedInto(text: string, out: Float32Array, offset: number): void {
    this.collect(text);
    this.project(this.buf, 0, this.ngramEnd, this.wordEnd, this.fill, out, offset);
  }

  private extract(corpus: readonly string[]): FeaturePool {
    let keys = new Int32Array(Math.max(1024, corpus.length * 128));
    const bounds = new Int32Array(corpus.length * 4);
    let fill = 0;
    corpus.forEach((text, t) => {
      this.collect(text);
      if (fill + this.fill > keys.length) {
        const grown = new Int32Array(Math.max(keys.length * 2, fill + this.fill));
        grown.set(keys);
        keys = grown;
      }
      keys.set(this.buf.subarray(0, this.fill), fill);
      bounds[4 * t] = fill;
      bounds[4 * t + 1] = fill + this.ngramEnd;
      bounds[4 * t + 2] = fill + this.wordEnd;
      bounds[4 * t + 3] = fill + this.fill;
      fill += this.fill;
    });
    return { keys, bounds, count: corpus.length };
  }

  private fitPool(pool: FeaturePool, corpus: readonly string[]): void {
    const { keys, bounds } = pool;
    // Catalog names share most n-grams; distinct keys run at about a quarter of all keys.
    const df = new KeyTable(bounds[4 * pool.count - 1]! / 4);
    for (let t = 0; t < pool.count; t++) {
      for (let seg = 0; seg < 3; seg++) {
        const start = bounds[4 * t + seg]!;
        const end = bounds[4 * t + seg + 1]!;
        for (let i = start; i < end; i++) {
          // Segments are sorted: count each distinct key once per document.
          if (i > start && keys[i] === keys[i - 1]) continue;
          df.add(keys[i]!, 1);
        }
      }
    }
    const n = pool.count;
    df.mapValues((d) => Math.log((1 + n) / (1 + d)) + 1);
    this.idf = df;
    this.unseenIdf = Math.log(1 + n) + 1;
    this.corpusSignature = `${n}:${fnv1a32(corpus.join("\u0000")).toString(16)}`;
  }

  /** Hashes the feature families `keys[s0, s1)`, `[s1, s2)`, `[s2, s3)` into `out` and L2-normalises. */
  private project(
    keys: Int32Array,
    s0: number,
    s1: number,
    s2: number,
    s3: number,
    out: Float32Array,
    offset: number,
  ): void {
    this.accumulate(keys, s0, s1, 1, out, offset);
    this.accumulate(keys, s1, s2, this.wordWeight, out, offset);
    this.accumulate(keys, s2, s3, this.compactWeight, out, offset);
    let norm = 0;
    for (let i = offset; i < offset + this.dimension; i++) norm += out[i]! * out[i]!;
    if (norm === 0) return;
    const inv = 1 / Math.sqrt(norm);
    for (let i = offset; i < offset + this.dimension; i++) out[i]! *= inv;
  }

  /** Adds the sorted keys `keys[start, end)`; a run of equal keys is one feature with tf = run length. */
  private accumulate(
    keys: Int32Array,
    start: number,
    end: number,
    weight: number,
    out: Float32Array,
    offset: number,
  ): void {
    if (weight === 0) return;
    const idf = this.idf;
    let i = start;
    while (i < end) {
      const key = keys[i]!;
      let j = i + 1;
      while (j < end && keys[j] === key) j++;
      const tf = j - i;
      i = j;
      const w =
        weight *
        // Sublinear tf: a repeated n-gram ("lly" in "jelly belly") is evidence, not proportional evidence.
        (tf === 1 ? 1 : 1 + Math.log(tf)) *
        (idf === undefined ? 1 : (idf.get(key) ?? this.unseenIdf));
      const bucket = this.mask >= 0 ? key & this.mask : (key >>> 0) % this.dimension;
      // The sign comes from the top bit, independent of the bucket bits: colliding features
      // then cancel as often as they add, so collisions do not bias dot products upward.
      out[offset + bucket]! += key < 0 ? -w : w;
    }
  }

  /** Fills `buf` with the text's feature keys, each family's segment sorted. */
  private collect(text: string): void {
    this.fill = 0;
    const normalized = normalizeForEmbedding(text);
    const words = normalized === "" ? [] : normalized.split(" ");
    for (const word of words) this.charNgrams(word, SEED_NGRAM);
    this.ngramEnd = this.fill;
    for (const word of words) this.push(fnv1a32(word, SEED_WORD));
    this.wordEnd = this.fill;
    if (words.length > 0) this.charNgrams(words.join(""), SEED_COMPACT);
    sortRange(this.buf, 0, this.ngramEnd);
    sortRange(this.buf, this.ngramEnd, this.wordEnd);
    sortRange(this.buf, this.wordEnd, this.fill);
  }

  private push(hash: number): void {
    if (this.fill === this.buf.length) {
      const grown = new Int32Array(this.buf.length * 2);
      grown.set(this.buf);
      this.buf = grown;
    }
    // Signed int32 keys: the bucket is taken from the low bits, the sign from the top bit.
    this.buf[this.fill++] = fmix32(hash) | 0;
  }

  /** Hashes every n-gram of `<token>` incrementally: one FNV pass per start position covers all lengths. */
  private charNgrams(token: string, seed: number): void {
    const len = token.length + 2;
    for (let start = 0; start + this.minN <= len; start++) {
      let h = seed;
      const end = Math.min(len, start + this.maxN);
      for (let j = start; j < end; j++) {
        const code = j === 0 ? BOW : j === len - 1 ? EOW : token.charCodeAt(j - 1);
        h = fnvStep(h, code);
        if (j - start + 1 >= this.minN) this.push(h);
      }
    }
  }
}

/**
 * Sorts `a[start, end)` in place. Names yield a few dozen keys per family, where insertion sort
 * beats the built-in sort and its per-call `subarray` view (garbage for thousands of names).
 */
function sortRange(a: Int32Array, start: number, end: number): void {
  if (end - start > 64) {
    a.subarray(start, end).sort();
    return;
  }
  for (let i = start + 1; i < end; i++) {
    const x = a[i]!;
    let j = i - 1;
    while (j >= start && a[j]! > x) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = x;
  }
}

/** Cosine similarity; 0 when either vector is all zeros. */
export function cosine(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) {
    throw new RangeError(`cosine of vectors of different lengths (${a.length} vs ${b.length})`);
  }
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}
