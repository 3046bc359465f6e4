/**
 * Lexical index: BM25 (MiniSearch) over syllables and syllable bigrams, in two fields per text:
 * `exact` (diacritics kept) and `folded` (no diacritics). A query typed without diacritics only
 * searches the folded fields; a query with them searches both, so an exact spelling scores twice
 * (exact boost) while a folded match still counts. Document title/number and the section heading
 * path go into `*Meta` fields, boosted lower, so "KH 114" pulls that plan's chunks without
 * drowning passages that actually say the words.
 *
 * Prefix and fuzzy matching are off: on syllables they mostly produce noise ("an" → "anh").
 */
import MiniSearch, { type Options, type Query } from 'minisearch';
import type { Chunk } from '../domain/records.js';
import type { Abbreviations } from '../text/abbreviations.js';
import { queryTerms, termsOf } from './tokenize.js';

/** Bumped when the token scheme or fields change; older lexical.json files are refused. */
export const LEXICAL_VERSION = 1;

const FIELDS = ['exact', 'folded', 'exactMeta', 'foldedMeta'] as const;
type Field = (typeof FIELDS)[number];
type LexicalDoc = { id: string } & Record<Field, string>;

/** Field weights. Defaults calibrated on the dev set; meta fields repeat on every chunk of a document. */
export const LEXICAL_BOOST: Readonly<Record<Field, number>> = Object.freeze({
  exact: 1,
  folded: 1,
  exactMeta: 0.35,
  foldedMeta: 0.35,
});

const MINISEARCH_OPTIONS: Options<LexicalDoc> = {
  idField: 'id',
  fields: [...FIELDS],
  storeFields: [],
  // Documents arrive as pre-computed, space-joined terms; queries are built the same way.
  tokenize: (text) => (text.length === 0 ? [] : text.split(' ')),
  processTerm: (term) => term,
  searchOptions: { prefix: false, fuzzy: false, combineWith: 'OR', boost: { ...LEXICAL_BOOST } },
};

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
  /** MiniSearch's ranking score: the BM25 sum times the number of query terms matched. */
  score: number;
  /** Plain BM25 sum over fields and matched terms (no coordination factor): comparable across queries of one length. */
  bm25: number;
  /** Query terms (syllables and bigrams, either field) the chunk matched. */
  matched: number;
}

export class LexicalIndex {
  private constructor(
    private readonly search_: MiniSearch<LexicalDoc>,
    private readonly abbreviations: Abbreviations,
  ) {}

  static build(chunks: readonly Chunk[], abbreviations: Abbreviations): LexicalIndex {
    const ms = new MiniSearch<LexicalDoc>(MINISEARCH_OPTIONS);
    ms.addAll(chunks.map((c) => toLexicalDoc(c, abbreviations)));
    return new LexicalIndex(ms, abbreviations);
  }

  /** Load what `toJSON` wrote. Throws on another LEXICAL_VERSION (the caller maps it to INDEX_VERSION). */
  static fromJSON(json: string, abbreviations: Abbreviations): LexicalIndex {
    // Split the envelope from MiniSearch's own payload without parsing the big part twice.
    const head = /^\{"lexicalVersion":(\d+),"index":/.exec(json.slice(0, 64));
    if (!head || Number(head[1]) !== LEXICAL_VERSION) {
      throw new Error(`lexical index: unsupported lexicalVersion ${head?.[1] ?? '(none)'} (expected ${LEXICAL_VERSION})`);
    }
    const inner = json.slice(head[0].length, json.length - 1);
    return new LexicalIndex(MiniSearch.loadJSON<LexicalDoc>(inner, MINISEARCH_OPTIONS), abbreviations);
  }

  toJSON(): string {
    return `{"lexicalVersion":${LEXICAL_VERSION},"index":${JSON.stringify(this.search_)}}`;
  }

  get size(): number {
    return this.search_.documentCount;
  }

  /** BM25 hits, best first. `accept` filters by chunk id before the cut to `k`. */
  search(query: string, options: { k?: number; accept?: (id: string) => boolean } = {}): LexicalHit[] {
    const { exact, folded } = queryTerms(query, this.abbreviations);
    if (folded.length === 0) return [];
    const queries: Query[] = [{ queries: [folded.join(' ')], fields: ['folded', 'foldedMeta'] }];
    if (exact.length > 0) queries.push({ queries: [exact.join(' ')], fields: ['exact', 'exactMeta'] });
    const accept = options.accept;
    const results = this.search_.search(
      { combineWith: 'OR', queries },
      accept ? { filter: (r) => accept(r.id as string) } : {},
    );
    const k = options.k ?? results.length;
    const out: LexicalHit[] = [];
    for (let i = 0; i < results.length && i < k; i++) {
      const r = results[i]!;
      const matched = r.queryTerms.length || 1;
      out.push({ id: r.id as string, score: r.score, bm25: r.score / matched, matched });
    }
    return out;
  }
}

function toLexicalDoc(chunk: Chunk, abbreviations: Abbreviations): LexicalDoc {
  const meta = metaText(chunk);
  return {
    id: chunk.id,
    exact: termsOf(abbreviations.canonical(chunk.text)).join(' '),
    folded: termsOf(abbreviations.canonicalFolded(chunk.text)).join(' '),
    exactMeta: termsOf(abbreviations.canonical(meta)).join(' '),
    foldedMeta: termsOf(abbreviations.canonicalFolded(meta)).join(' '),
  };
}
