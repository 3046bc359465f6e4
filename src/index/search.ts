/**
 * KnowledgeIndex: the read-only, query-time view of one published index version.
 * Hybrid retrieval = reciprocal rank fusion of BM25 (always) and dense cosine (when the index was
 * built with an embedding model that is present now), then a light diversity pass so one long
 * section does not fill the whole top of the list.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { DocumentMeta } from '../domain/document.js';
import type { Chunk, ChunkKind, Procedure, Target, Task } from '../domain/records.js';
import { AppError } from '../errors.js';
import { defaultAbbreviations, type Abbreviations } from '../text/abbreviations.js';
import { Embedder } from './dense/embedder.js';
import { modelPresence } from './dense/model.js';
import { VECTOR_FILES, VectorIndex } from './dense/vectors.js';
import { LexicalIndex } from './lexical.js';
import { currentVersionDir, readLexicalJson, readManifest, readRecords, type IndexRecords, type Manifest } from './store.js';

export interface SearchHit {
  chunk: Chunk;
  /** Fused score (reciprocal rank fusion, diversity-adjusted); only comparable within one result list. */
  score: number;
  /** 1-based rank in the lexical list, when BM25 found the chunk. */
  lexicalRank?: number;
  /** 1-based rank in the dense list, when the vector search found the chunk. */
  denseRank?: number;
  /** Raw BM25 score (sum over matched terms and fields, no coordination factor), for deciding when lexical evidence is weak. */
  lexicalScore?: number;
  /** How many query terms (syllables + bigrams) the chunk matched lexically. */
  lexicalMatched?: number;
  /** Cosine similarity of query and chunk embeddings. */
  denseScore?: number;
}

export interface SearchOptions {
  /** Hits returned. Default: 10. */
  k?: number;
  /** Only these chunk kinds. Default: all. */
  kinds?: ChunkKind[];
  /** Only chunks of these documents. Default: all. */
  docIds?: string[];
}

export interface LoadOptions {
  modelDir: string;
  embeddingModel: string;
  logger: Logger;
  /** Default: false. */
  allowRemoteModels?: boolean;
  /** Default: the bundled table. Must be the table the index was built with. */
  abbreviations?: Abbreviations;
}

export const SEARCH_DEFAULTS = {
  k: 10,
  /** Candidates taken from each list before fusion. */
  pool: 60,
  /** RRF constant (Cormack et al. 2009): damps the head of each list. */
  rrfK: 60,
  /** Score multiplier per earlier hit of the same section / same document in the top. */
  sameSectionPenalty: 0.85,
  sameDocumentPenalty: 0.97,
} as const;

export class KnowledgeIndex {
  readonly documents: DocumentMeta[];
  readonly chunks: Chunk[];
  readonly tasks: Task[];
  readonly targets: Target[];
  readonly procedures: Procedure[];
  private readonly byId = new Map<string, Chunk>();
  private embedder: Promise<Embedder | undefined> | undefined;
  private denseFailed = false;

  constructor(
    readonly manifest: Manifest,
    records: IndexRecords,
    private readonly lexical: LexicalIndex,
    private readonly vectors: VectorIndex | undefined,
    embedder: Promise<Embedder | undefined> | undefined,
    private readonly logger?: Logger,
  ) {
    this.documents = records.documents;
    this.chunks = records.chunks;
    this.tasks = records.tasks;
    this.targets = records.targets;
    this.procedures = records.procedures;
    for (const c of this.chunks) this.byId.set(c.id, c);
    if (vectors && embedder) {
      // Never leave a rejected promise unobserved: a model that fails to load means lexical-only.
      this.embedder = embedder.then(
        (e) => {
          if (!e) this.denseFailed = true;
          return e;
        },
        (err: unknown) => {
          this.denseFailed = true;
          logger?.error({ err, code: 'MODEL_MISSING' }, 'embedding model failed to load: running lexical-only');
          return undefined;
        },
      );
    }
  }

  /**
   * Load the live version under DATA_DIR/index. Throws AppError INDEX_MISSING / INDEX_VERSION /
   * INDEX_CORRUPT. The embedding model (when any) loads in the background; the first dense
   * search waits for it.
   */
  static async load(dataDir: string, options: LoadOptions): Promise<KnowledgeIndex> {
    const dir = currentVersionDir(dataDir);
    const manifest = readManifest(dir);
    const records = readRecords(dir);
    const abbreviations = options.abbreviations ?? defaultAbbreviations();
    let lexical: LexicalIndex;
    try {
      lexical = LexicalIndex.fromJSON(readLexicalJson(dir), abbreviations);
    } catch (err) {
      if (err instanceof AppError) throw err;
      throw new AppError('INDEX_VERSION', `lexical index in ${dir}: ${(err as Error).message}`, { cause: err });
    }
    let vectors: VectorIndex | undefined;
    let embedder: Promise<Embedder | undefined> | undefined;
    const model = manifest.model;
    if (model && existsSync(path.join(dir, VECTOR_FILES.graph))) {
      if (model.id !== options.embeddingModel) {
        options.logger.warn(
          { indexModel: model.id, configured: options.embeddingModel },
          'index vectors come from another embedding model than EMBEDDING_MODEL: running lexical-only until reindex',
        );
      } else {
        // The model loads in the background so the index answers (lexically) at once; a missing
        // model logs its one warning synchronously inside Embedder.load.
        const pending = Embedder.load({ modelDir: options.modelDir, modelId: model.id, logger: options.logger, allowRemoteModels: options.allowRemoteModels ?? false });
        if (modelPresence(options.modelDir, model.id).present || options.allowRemoteModels) {
          vectors = VectorIndex.read(dir, model.dim);
          embedder = pending.then((e) => {
            if (e && e.dim !== model.dim) throw new Error(`model ${model.id} gives ${e.dim}-d vectors, the index holds ${model.dim}-d: reindex`);
            return e;
          });
        } else {
          await pending;
        }
      }
    } else if (!model) {
      options.logger.info({ version: manifest.version }, 'index has no vectors: lexical-only search');
    }
    return new KnowledgeIndex(manifest, records, lexical, vectors, embedder, options.logger);
  }

  get hasDense(): boolean {
    return this.vectors !== undefined && !this.denseFailed;
  }

  chunk(id: string): Chunk | undefined {
    return this.byId.get(id);
  }

  /** BM25 only; synchronous, needs no model. */
  searchLexical(query: string, options: SearchOptions = {}): SearchHit[] {
    const k = options.k ?? SEARCH_DEFAULTS.k;
    const lexical = this.lexical.search(query, { k: Math.max(k * 3, SEARCH_DEFAULTS.pool), accept: this.acceptor(options) });
    const hits = lexical.map((h, i): SearchHit => ({
      chunk: this.byId.get(h.id)!,
      score: 1 / (SEARCH_DEFAULTS.rrfK + i + 1),
      lexicalRank: i + 1,
      lexicalScore: h.bm25,
      lexicalMatched: h.matched,
    }));
    return diversify(hits, k);
  }

  /** Hybrid search: RRF of lexical and dense lists (dense only when present), diversified. */
  async search(query: string, options: SearchOptions = {}): Promise<SearchHit[]> {
    const embedder = this.hasDense ? await this.embedder : undefined;
    if (!embedder || !this.vectors) return this.searchLexical(query, options);
    const k = options.k ?? SEARCH_DEFAULTS.k;
    const pool = Math.max(k * 3, SEARCH_DEFAULTS.pool);
    const accept = this.acceptor(options);
    const lexical = this.lexical.search(query, { k: pool, accept });
    let dense: Array<{ id: string; similarity: number }> = [];
    try {
      dense = this.vectors.search(await embedder.embedQuery(query), pool, accept);
    } catch (err) {
      this.logger?.error({ err }, 'dense search failed: lexical only for this query');
    }
    const fused = new Map<string, SearchHit>();
    const at = (id: string): SearchHit | undefined => {
      let hit = fused.get(id);
      if (!hit) {
        const chunk = this.byId.get(id);
        if (!chunk) return undefined;
        hit = { chunk, score: 0 };
        fused.set(id, hit);
      }
      return hit;
    };
    lexical.forEach((h, i) => {
      const hit = at(h.id);
      if (!hit) return;
      hit.score += 1 / (SEARCH_DEFAULTS.rrfK + i + 1);
      hit.lexicalRank = i + 1;
      hit.lexicalScore = h.bm25;
      hit.lexicalMatched = h.matched;
    });
    dense.forEach((h, i) => {
      const hit = at(h.id);
      if (!hit) return;
      hit.score += 1 / (SEARCH_DEFAULTS.rrfK + i + 1);
      hit.denseRank = i + 1;
      hit.denseScore = h.similarity;
    });
    const ranked = [...fused.values()].sort((a, b) => b.score - a.score);
    return diversify(ranked, k);
  }

  private acceptor(options: SearchOptions): ((id: string) => boolean) | undefined {
    const kinds = options.kinds ? new Set(options.kinds) : undefined;
    const docIds = options.docIds ? new Set(options.docIds) : undefined;
    if (!kinds && !docIds) return undefined;
    return (id) => {
      const c = this.byId.get(id);
      return !!c && (!kinds || kinds.has(c.kind)) && (!docIds || docIds.has(c.doc.docId));
    };
  }
}

/**
 * Greedy re-rank of a score-sorted list: each pick lowers the scores of the remaining hits from the
 * same section (and, less, the same document), so the top shows several places that answer.
 */
export function diversify(sorted: SearchHit[], k: number): SearchHit[] {
  const out: SearchHit[] = [];
  const sectionCount = new Map<string, number>();
  const docCount = new Map<string, number>();
  const rest = sorted.slice();
  const sectionKey = (h: SearchHit) => `${h.chunk.doc.docId}|${h.chunk.sectionPath.join('.')}`;
  const adjusted = (h: SearchHit) =>
    h.score *
    SEARCH_DEFAULTS.sameSectionPenalty ** (sectionCount.get(sectionKey(h)) ?? 0) *
    SEARCH_DEFAULTS.sameDocumentPenalty ** (docCount.get(h.chunk.doc.docId) ?? 0);
  while (out.length < k && rest.length > 0) {
    let best = 0;
    let bestScore = -Infinity;
    // Penalties only ever lower scores, so once a raw score is below the best adjusted one, stop.
    for (let i = 0; i < rest.length && rest[i]!.score > bestScore; i++) {
      const s = adjusted(rest[i]!);
      if (s > bestScore) {
        bestScore = s;
        best = i;
      }
    }
    const [pick] = rest.splice(best, 1);
    out.push({ ...pick!, score: bestScore });
    sectionCount.set(sectionKey(pick!), (sectionCount.get(sectionKey(pick!)) ?? 0) + 1);
    docCount.set(pick!.chunk.doc.docId, (docCount.get(pick!.chunk.doc.docId) ?? 0) + 1);
  }
  return out;
}
