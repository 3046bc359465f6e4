/**
 * Lexical index: BM25 over syllables and syllable bigrams, in two fields per text: `exact`
 * (diacritics kept) and `folded` (no diacritics). A query typed without diacritics only searches
 * the folded fields; a query with them searches both, so an exact spelling scores twice (the
 * exact boost) while a folded match still counts. Document title/number and the section heading
 * path go into `*Meta` fields, boosted lower, so "KH 114" pulls that plan's chunks without
 * drowning passages that actually say the words. No prefix or fuzzy matching: on syllables they
 * mostly add noise ("an" → "anh").
 *
 * Own inverted index rather than MiniSearch: with ~40 query terms (syllables + bigrams) over four
 * fields, MiniSearch took ~40 ms per query and ~0.5 s to load on the seed corpus (its per-term
 * result maps are merged term by term); flat postings arrays give the same BM25+ ranking in well
 * under a millisecond and load in a few milliseconds. Scoring follows MiniSearch's defaults
 * (BM25+ with k1 = 1.2, b = 0.7, d = 0.5, ranking score times the number of matched query terms)
 * so its documented behaviour still describes this index.
 */
import type { Chunk } from '../domain/records.js';
import type { Abbreviations } from '../text/abbreviations.js';
import { queryTerms, termsOf } from './tokenize.js';

/** Bumped when the token scheme, fields or layout change; other versions are refused on load. */
export const LEXICAL_VERSION = 2;

const FIELDS = ['exact', 'folded', 'exactMeta', 'foldedMeta'] as const;
type Field = (typeof FIELDS)[number];
const EXACT_FIELDS = [0, 2] as const;
const FOLDED_FIELDS = [1, 3] as const;

/** Field weights; meta fields repeat on every chunk of a document, so they count less. */
export const LEXICAL_BOOST: Readonly<Record<Field, number>> = Object.freeze({
  exact: 1,
  folded: 1,
  exactMeta: 0.35,
  foldedMeta: 0.35,
});

/** BM25+ parameters (MiniSearch's defaults). */
export const BM25 = Object.freeze({ k1: 1.2, b: 0.7, d: 0.5 });

/** "114/KH-UBND" → "KH 114", "1118/QĐ-UBND" → "QĐ 1118": the way people say a number. */
export function numberAliases(number: string | undefined): string {
  if (!number) return '';
  const m = /^(\d+)\s*[/-]\s*([\p{L}]+)/u.exec(number.trim());
  return m ? `${m[2]} ${m[1]} ${m[2]}-${m[1]}` : '';
}

/** Text that describes where a chunk sits: its document and section. */
export function metaText(chunk: Chunk): string {
  const d = chunk.doc;
  return [d.type, d.number ?? '', numberAliases(d.number), d.title, chunk.sectionTitle].filter(Boolean).join('\n');
}

export interface LexicalHit {
  id: string;
  /** Ranking score: the BM25 sum times the number of query terms matched (MiniSearch's "quality"). */
  score: number;
  /** Plain BM25+ sum over fields and matched terms (no coordination factor). */
  bm25: number;
  /** Query terms (syllables and bigrams, per field group) the chunk matched. */
  matched: number;
}

/** Postings of one field in CSR layout: term t's postings are docs/tfs[offsets[t] .. offsets[t+1]). */
interface FieldPostings {
  offsets: Uint32Array;
  docs: Uint32Array;
  tfs: Uint16Array;
  /** Terms per document in this field. */
  lengths: Float32Array;
  avgLength: number;
}

interface Serialized {
  lexicalVersion: number;
  ids: string[];
  terms: string[];
  fields: Array<{ offsets: number[]; docs: number[]; tfs: number[]; lengths: number[] }>;
}

export class LexicalIndex {
  private readonly termIds: Map<string, number>;
  private readonly scores: Float64Array;
  private readonly matched: Uint16Array;
  private readonly seen: Uint32Array;
  private stamp = 0;

  private constructor(
    private readonly ids: string[],
    private readonly terms: string[],
    private readonly fields: FieldPostings[],
    private readonly abbreviations: Abbreviations,
  ) {
    this.termIds = new Map(terms.map((t, i) => [t, i]));
    this.scores = new Float64Array(ids.length);
    this.matched = new Uint16Array(ids.length);
    this.seen = new Uint32Array(ids.length);
  }

  /**
   * Index `chunks`. With `reuse`, chunks that `reuse` already holds and `reusable(id)` accepts take
   * their term counts from it instead of being tokenized again (the abbreviation rewrite and tone
   * normalisation dominate build time), which keeps a no-change reindex fast.
   */
  static build(chunks: readonly Chunk[], abbreviations: Abbreviations, options: { reuse?: LexicalIndex; reusable?: (id: string) => boolean } = {}): LexicalIndex {
    const previous = options.reuse && options.reusable ? options.reuse.termCounts() : undefined;
    const termIds = new Map<string, number>();
    const terms: string[] = [];
    // Per field: per term, [doc, tf] pairs in doc order.
    const lists: Array<Array<number[]>> = FIELDS.map(() => []);
    const lengths = FIELDS.map(() => new Float32Array(chunks.length));
    // Chunks of one section share their meta text; the abbreviation rewrite is the costly step.
    const metaCache = new Map<string, [string, string]>();
    const termId = (token: string): number => {
      let id = termIds.get(token);
      if (id === undefined) {
        id = terms.length;
        termIds.set(token, id);
        terms.push(token);
      }
      return id;
    };
    chunks.forEach((chunk, doc) => {
      const old = previous && options.reusable!(chunk.id) ? previous.get(chunk.id) : undefined;
      if (old) {
        old.forEach((counts, f) => {
          for (let i = 0; i < counts.length; i += 2) ((lists[f]![termId(counts[i] as string)] ??= [])).push(doc, counts[i + 1] as number);
          lengths[f]![doc] = old.lengths[f]!;
        });
        return;
      }
      const meta = metaText(chunk);
      let metaForms = metaCache.get(meta);
      if (!metaForms) {
        metaForms = [abbreviations.canonical(meta), abbreviations.canonicalFolded(meta)];
        metaCache.set(meta, metaForms);
      }
      const texts = [abbreviations.canonical(chunk.text), abbreviations.canonicalFolded(chunk.text), ...metaForms];
      texts.forEach((text, f) => {
        const counts = new Map<number, number>();
        const tokens = termsOf(text);
        lengths[f]![doc] = tokens.length;
        for (const token of tokens) {
          const id = termId(token);
          counts.set(id, (counts.get(id) ?? 0) + 1);
        }
        for (const [id, tf] of counts) ((lists[f]![id] ??= [])).push(doc, Math.min(tf, 0xffff));
      });
    });
    const fields = lists.map((perTerm, f): FieldPostings => {
      const offsets = new Uint32Array(terms.length + 1);
      let total = 0;
      for (let t = 0; t < terms.length; t++) {
        offsets[t] = total;
        total += (perTerm[t]?.length ?? 0) / 2;
      }
      offsets[terms.length] = total;
      const docs = new Uint32Array(total);
      const tfs = new Uint16Array(total);
      for (let t = 0; t < terms.length; t++) {
        const pairs = perTerm[t];
        if (!pairs) continue;
        for (let i = 0, at = offsets[t]!; i < pairs.length; i += 2, at++) {
          docs[at] = pairs[i]!;
          tfs[at] = pairs[i + 1]!;
        }
      }
      return withAverage({ offsets, docs, tfs, lengths: lengths[f]!, avgLength: 0 });
    });
    return new LexicalIndex(chunks.map((c) => c.id), terms, fields, abbreviations);
  }

  /** Load what `toJSON` wrote. Throws on another LEXICAL_VERSION (the caller maps it to INDEX_VERSION). */
  static fromJSON(json: string, abbreviations: Abbreviations): LexicalIndex {
    const head = /^\{"lexicalVersion":(\d+)/.exec(json.slice(0, 32));
    if (!head || Number(head[1]) !== LEXICAL_VERSION) {
      throw new Error(`lexical index: unsupported lexicalVersion ${head?.[1] ?? '(none)'} (expected ${LEXICAL_VERSION})`);
    }
    const data = JSON.parse(json) as Serialized;
    const fields = data.fields.map((f) =>
      withAverage({ offsets: Uint32Array.from(f.offsets), docs: Uint32Array.from(f.docs), tfs: Uint16Array.from(f.tfs), lengths: Float32Array.from(f.lengths), avgLength: 0 }),
    );
    return new LexicalIndex(data.ids, data.terms, fields, abbreviations);
  }

  toJSON(): string {
    const data: Serialized = {
      lexicalVersion: LEXICAL_VERSION,
      ids: this.ids,
      terms: this.terms,
      fields: this.fields.map((f) => ({ offsets: Array.from(f.offsets), docs: Array.from(f.docs), tfs: Array.from(f.tfs), lengths: Array.from(f.lengths) })),
    };
    return JSON.stringify(data);
  }

  /** Per chunk id: per field, [term, tf, term, tf, …], plus the field lengths (inverts the postings). */
  private termCounts(): Map<string, Array<Array<string | number>> & { lengths: number[] }> {
    const out = new Map<string, Array<Array<string | number>> & { lengths: number[] }>();
    const perDoc = this.ids.map((id, doc) => {
      const entry = Object.assign(FIELDS.map(() => [] as Array<string | number>), { lengths: this.fields.map((f) => f.lengths[doc]!) });
      out.set(id, entry);
      return entry;
    });
    this.fields.forEach((field, f) => {
      for (let t = 0; t < this.terms.length; t++) {
        for (let i = field.offsets[t]!; i < field.offsets[t + 1]!; i++) perDoc[field.docs[i]!]![f]!.push(this.terms[t]!, field.tfs[i]!);
      }
    });
    return out;
  }

  get size(): number {
    return this.ids.length;
  }

  /** BM25 hits, best first. `accept` filters by chunk id before the cut to `k`. */
  search(query: string, options: { k?: number; accept?: (id: string) => boolean } = {}): LexicalHit[] {
    const { exact, folded } = queryTerms(query, this.abbreviations);
    if (folded.length === 0 || this.ids.length === 0) return [];
    const touched: number[] = [];
    this.accumulate(folded, FOLDED_FIELDS, touched);
    if (exact.length > 0) this.accumulate(exact, EXACT_FIELDS, touched);

    const accept = options.accept;
    const k = options.k ?? touched.length;
    if (k <= 0) {
      for (const doc of touched) {
        this.scores[doc] = 0;
        this.matched[doc] = 0;
      }
      return [];
    }
    // Keep only the best k (a min-heap of doc numbers, worst on top) instead of sorting every
    // touched chunk: at 100× the corpus a common syllable touches tens of thousands of chunks.
    const heap = new TopK(k, (a, b) => this.better(a, b));
    for (const doc of touched) {
      const full = heap.full();
      const keep = !full || this.better(doc, heap.worst());
      if (keep && (!accept || accept(this.ids[doc]!))) heap.push(doc);
    }
    const hits = heap.sorted().map((doc): LexicalHit => {
      const bm25 = this.scores[doc]!;
      const matched = this.matched[doc]!;
      return { id: this.ids[doc]!, score: bm25 * matched, bm25, matched };
    });
    for (const doc of touched) {
      this.scores[doc] = 0;
      this.matched[doc] = 0;
    }
    return hits;
  }

  /** Ranking order: higher score first, then the smaller chunk id (stable across runs). */
  private better(a: number, b: number): boolean {
    const sa = this.scores[a]! * this.matched[a]!;
    const sb = this.scores[b]! * this.matched[b]!;
    if (sa !== sb) return sa > sb;
    return this.ids[a]! < this.ids[b]!;
  }

  private accumulate(queryTerms: string[], fieldIdx: readonly number[], touched: number[]): void {
    const n = this.ids.length;
    const { k1, b, d } = BM25;
    for (const term of queryTerms) {
      const t = this.termIds.get(term);
      if (t === undefined) continue;
      // Each (term, field group) counts once per chunk towards `matched`, as in MiniSearch.
      const stamp = ++this.stamp;
      for (const f of fieldIdx) {
        const field = this.fields[f]!;
        const from = field.offsets[t]!;
        const to = field.offsets[t + 1]!;
        if (from === to) continue;
        const df = to - from;
        const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
        const boost = LEXICAL_BOOST[FIELDS[f]!];
        for (let i = from; i < to; i++) {
          const doc = field.docs[i]!;
          const tf = field.tfs[i]!;
          const norm = 1 - b + (b * field.lengths[doc]!) / field.avgLength;
          if (this.scores[doc] === 0 && this.matched[doc] === 0) touched.push(doc);
          this.scores[doc]! += boost * idf * (d + (tf * (k1 + 1)) / (tf + k1 * norm));
          if (this.seen[doc] !== stamp) {
            this.seen[doc] = stamp;
            this.matched[doc]! += 1;
          }
        }
      }
    }
  }
}

/** The best `k` items under `better`, as a binary heap with the worst kept item at the root. */
class TopK {
  private readonly items: number[] = [];
  constructor(
    private readonly k: number,
    private readonly better: (a: number, b: number) => boolean,
  ) {}

  full(): boolean {
    return this.items.length >= this.k;
  }

  worst(): number {
    return this.items[0]!;
  }

  push(item: number): void {
    if (this.k <= 0) return;
    const h = this.items;
    if (h.length < this.k) {
      h.push(item);
      let i = h.length - 1;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!this.better(h[parent]!, h[i]!)) break;
        [h[parent], h[i]] = [h[i]!, h[parent]!];
        i = parent;
      }
      return;
    }
    h[0] = item;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let worst = i;
      if (l < h.length && this.better(h[worst]!, h[l]!)) worst = l;
      if (r < h.length && this.better(h[worst]!, h[r]!)) worst = r;
      if (worst === i) break;
      [h[worst], h[i]] = [h[i]!, h[worst]!];
      i = worst;
    }
  }

  /** Best first. */
  sorted(): number[] {
    return [...this.items].sort((a, b) => (this.better(a, b) ? -1 : this.better(b, a) ? 1 : 0));
  }
}

function withAverage(field: FieldPostings): FieldPostings {
  let sum = 0;
  for (const l of field.lengths) sum += l;
  field.avgLength = field.lengths.length > 0 ? Math.max(sum / field.lengths.length, 1) : 1;
  return field;
}
