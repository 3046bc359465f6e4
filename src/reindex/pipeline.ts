/**
 * Reindex: files → documents → chunks, tasks, targets, procedures (+ record chunks) → lexical and
 * dense indexes → a new version directory, published with an atomic pointer swap.
 *
 * Incremental by content hash: a file whose bytes, and everything the extraction depends on
 * (extractor version, abbreviation table, agency registry, embedding model), are unchanged reuses
 * the previous version's records and vectors without being read again. Per-file failures are
 * values in the report; the run only fails as a whole on a lock or when nothing could be indexed.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import type { DocNode, Document, DocumentMeta } from '../domain/document.js';
import type { Chunk, Procedure, Target, Task } from '../domain/records.js';
import type { AgencyRegistry } from '../extract/agencies.js';
import { documentFacts } from '../extract/facts.js';
import { Embedder } from '../index/dense/embedder.js';
import { VectorIndex } from '../index/dense/vectors.js';
import { LexicalIndex } from '../index/lexical.js';
import {
  SCHEMA_VERSION,
  createVersionDir,
  currentVersion,
  indexRoot,
  publishVersion,
  readLexicalJson,
  readManifest,
  readRecords,
  removeStaleVersions,
  writeManifest,
  writeRecords,
  type IndexRecords,
  type Manifest,
  type ManifestFile,
} from '../index/store.js';
import { BUNDLED_ABBREVIATIONS, defaultAbbreviations, type Abbreviations } from '../text/abbreviations.js';
import type { OcrOptions } from '../ingest/reader.js';
import type { IngestLimits } from '../ingest/limits.js';
import { removeOrphanTempDirs } from '../ingest/process-owner.js';
import { ReadSandbox, type SandboxOptions } from './sandbox.js';
import { hideServerPaths } from './public-path.js';
import { loadSources, nextSources, saveSources } from './registry.js';
import type { ReindexChanges } from './summary.js';
import { ocrAvailable } from '../ingest/ocr/engine.js';
import { acquireReindexLock } from './lock.js';
import { publishIndexVersion, withReindexLock } from '../storage/postgres-index.js';
import { procedureChunk, taskChunk } from './records.js';
import { defaultStages, type ReindexStages } from './stages.js';

/** Bump whenever chunking or extraction output changes: it forces a full rebuild. */
export const EXTRACTOR_VERSION = '2026-12-04.1';

/** Source folders whose code decides what a file turns into (relative to src/). */
// The cue table of letters, partners and document facts is read by extraction too: editing it rebuilds (issue 14).
const EXTRACTION_SOURCES = ['ingest', 'extract', 'text', 'index/tokenize.ts', 'reindex/records.ts', '../knowledge/letter-cues.json'];

let fingerprint: string | undefined;
/**
 * EXTRACTOR_VERSION plus a hash of the extraction source files, so an upgraded reader or extractor
 * rebuilds every document even when nobody remembered to bump the constant. When the sources are
 * not on disk (a bundled build), the constant alone decides.
 */
export function extractorFingerprint(): string {
  if (fingerprint) return fingerprint;
  const src = fileURLToPath(new URL('../', import.meta.url));
  const hash = createHash('sha256');
  let files = 0;
  const add = (p: string): void => {
    if (!existsSync(p)) return;
    if (statSync(p).isDirectory()) {
      for (const name of readdirSync(p).sort()) add(path.join(p, name));
    } else if (/\.(ts|js|json)$/.test(p)) {
      hash.update(path.relative(src, p)).update(readFileSync(p));
      files++;
    }
  };
  for (const rel of EXTRACTION_SOURCES) add(path.join(src, rel));
  fingerprint = files > 0 ? `${EXTRACTOR_VERSION}+${hash.digest('hex').slice(0, 16)}` : EXTRACTOR_VERSION;
  return fingerprint;
}

export interface ReindexOptions {
  dataDir: string;
  knowledgeDir: string;
  /** Extra files or folders to index besides KNOWLEDGE_DIR. Default: none. */
  paths?: string[];
  modelDir: string;
  embeddingModel: string;
  logger: Logger;
  /** Default: false. */
  allowRemoteModels?: boolean;
  /** Re-read every file even when unchanged. Default: false. */
  full?: boolean;
  onProgress?: (event: ReindexProgress) => void;
  ocr?: OcrOptions;
  /** Replace extraction stages (tests). Default: the real modules. */
  stages?: Partial<ReindexStages>;
  /** Bounds on unpacked size, text, pages and OCR per file. Default: DEFAULT_INGEST_LIMITS. */
  limits?: Partial<IngestLimits>;
  /**
   * Read each file in a heap-limited thread (src/reindex/sandbox.ts), or false to read in this
   * one. Default: on, unless `stages` are injected (functions cannot cross threads).
   */
  sandbox?: false | Omit<SandboxOptions, 'logger'>;
  /**
   * Remove from the index the documents whose files are gone (from KNOWLEDGE_DIR or a registered
   * path). Default: false — they are kept from the previous index and named in the report.
   */
  prune?: boolean;
  /**
   * DATABASE_URL: replicas share the index through PostgreSQL. The run holds the cluster-wide
   * reindex lock and uploads the published version there (src/storage/postgres-index.ts).
   */
  databaseUrl?: string;
}

export type ReindexProgress =
  | { phase: 'scan'; total: number; full: boolean }
  | { phase: 'file'; file: string; index: number; total: number; status: 'indexed' | 'reused' | 'error'; detail?: string }
  | { phase: 'embed'; done: number; total: number }
  | { phase: 'publish'; version: string };

export interface ReindexError {
  file: string;
  code: string;
  detail: string;
}

export interface ReindexReport {
  /** Version directory written (undefined when nothing was published). */
  version?: string;
  published: boolean;
  full: boolean;
  files: number;
  /** Files read and extracted in this run / taken over unchanged from the previous version. */
  parsed: number;
  reused: number;
  documents: number;
  chunks: number;
  tables: number;
  tasks: number;
  targets: number;
  procedures: number;
  /** Chunks embedded in this run / vectors reused; 0 and 0 when lexical-only. */
  embedded: number;
  vectorsReused: number;
  dense: boolean;
  errors: ReindexError[];
  /** Files added, changed, removed (--prune) and kept although gone, each named once. */
  changes: ReindexChanges;
  /** Per document, the metadata fields no signal gave (number, date, province, issuer), so an admin sees them at once. */
  missingFields: Array<{ file: string; fields: string[] }>;
  durationMs: number;
}

export interface FileInput {
  /** Absolute path. */
  abs: string;
  /** As recorded in the manifest: relative to cwd when inside it. */
  display: string;
  /** Folder the document id is relative to. */
  root: string;
}

export interface FileOutput {
  entry: ManifestFile;
  records?: IndexRecords;
  tables: number;
  reused: boolean;
}

const SKIP_NAME = /^(\.|readme)|\.json$/i;

function displayPath(abs: string): string {
  const rel = path.relative(process.cwd(), abs);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : abs;
}

/** Every indexable file under KNOWLEDGE_DIR plus the extra paths, in a stable order. */
export function collectFiles(knowledgeDir: string, extra: readonly string[] = []): FileInput[] {
  const out = new Map<string, FileInput>();
  const walk = (dir: string, root: string, underProcedures: boolean): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (SKIP_NAME.test(entry.name)) continue;
      const abs = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(abs, root, underProcedures || entry.name === 'procedures');
      else if (entry.isFile()) {
        // Under procedures/ only guides (.md) belong; stray attachments there are not documents.
        if (underProcedures && !/\.md$/i.test(entry.name)) continue;
        if (!out.has(abs)) out.set(abs, { abs, display: displayPath(abs), root });
      }
    }
  };
  const knowledge = path.resolve(knowledgeDir);
  if (existsSync(knowledge)) walk(knowledge, knowledge, false);
  for (const p of extra) {
    const abs = path.resolve(p);
    if (!existsSync(abs)) continue;
    if (statSync(abs).isDirectory()) walk(abs, abs, path.basename(abs) === 'procedures');
    else if (!out.has(abs)) out.set(abs, { abs, display: displayPath(abs), root: path.dirname(abs) });
  }
  return [...out.values()];
}

/** A `.md` under a procedures/ folder whose YAML front matter has `ten:`. */
export function isProcedureGuide(file: string, bytes: Buffer): boolean {
  if (!/\.md$/i.test(file) || !file.split(/[\\/]/).includes('procedures')) return false;
  const text = bytes.toString('utf8', 0, Math.min(bytes.length, 64 * 1024)).replace(/^\uFEFF/, '');
  const m = /^---\r?\n([\s\S]*?)\r?\n(?:---|\.\.\.)\s*(?:\r?\n|$)/.exec(text);
  return !!m && /^ten\s*:/m.test(m[1]!);
}

function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

function fileHashOrEmpty(file: string): string {
  return existsSync(file) ? sha256(readFileSync(file)) : '';
}

function countTables(nodes: readonly DocNode[]): number {
  let n = 0;
  for (const node of nodes) {
    if (node.kind === 'table') n++;
    else if (node.kind === 'section') n += countTables(node.children);
  }
  return n;
}

function errorDetail(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Previous version's records grouped by document, for reuse. */
class PreviousVersion {
  private readonly byDoc = new Map<string, IndexRecords>();
  readonly files = new Map<string, ManifestFile>();

  constructor(
    readonly manifest: Manifest,
    records: IndexRecords,
    readonly vectors: VectorIndex | undefined,
    readonly lexical: LexicalIndex | undefined,
  ) {
    const group = (docId: string): IndexRecords => {
      let g = this.byDoc.get(docId);
      if (!g) {
        g = { documents: [], chunks: [], tasks: [], targets: [], procedures: [] };
        this.byDoc.set(docId, g);
      }
      return g;
    };
    for (const d of records.documents) group(d.id).documents.push(d);
    for (const c of records.chunks) group(c.doc.docId).chunks.push(c);
    for (const t of records.tasks) group(t.doc.docId).tasks.push(t);
    for (const t of records.targets) group(t.doc.docId).targets.push(t);
    for (const p of records.procedures) group(p.doc.docId).procedures.push(p);
    for (const f of manifest.files) this.files.set(f.path, f);
  }

  records(docId: string): IndexRecords | undefined {
    return this.byDoc.get(docId);
  }
}

let ocrLogged = false;
/** Once per process: whether scanned files can be read here (a warning when not). */
export async function logOcrAvailability(logger: Logger | undefined, ocr: OcrOptions): Promise<void> {
  if (ocrLogged || !logger || ocr.enabled === false) return;
  ocrLogged = true;
  const status = await ocrAvailable(ocr.lang ? { lang: ocr.lang } : {});
  if (status.available) logger.info({ ocr: status }, 'OCR available: scanned PDFs and page images are read with Tesseract');
  else logger.warn({ ocr: status }, 'OCR not available: scanned files will be reported as INGEST_NEEDS_OCR (install tesseract-ocr tesseract-ocr-vie poppler-utils)');
}

export async function runReindex(options: ReindexOptions): Promise<ReindexReport> {
  const url = options.databaseUrl;
  if (!url) return runReindexHere(options);
  // One reindex at a time across replicas; the version travels to the others through PostgreSQL.
  return withReindexLock(url, async () => {
    const report = await runReindexHere(options);
    if (report.published && report.version) await publishIndexVersion(url, options.dataDir, report.version, options.logger);
    return report;
  });
}

async function runReindexHere(options: ReindexOptions): Promise<ReindexReport> {
  const started = performance.now();
  const { dataDir } = options;
  const release = acquireReindexLock(dataDir);
  try {
    // OCR temp folders of a killed run (their owner process is gone) go first.
    const orphans = removeOrphanTempDirs();
    if (orphans.length > 0) options.logger.info({ removed: orphans.length }, 'reindex: removed temp folders of a killed run');
    return await reindexLocked(options, started);
  } finally {
    release();
  }
}

async function reindexLocked(given: ReindexOptions, started: number): Promise<ReindexReport> {
  // OCR output is cached beside the index versions, so a no-change reindex never OCRs again.
  const options: ReindexOptions = { ...given, ocr: { cacheDir: path.join(given.dataDir, 'ocr-cache'), ...given.ocr } };
  const { dataDir, knowledgeDir, logger } = options;
  const progress = options.onProgress ?? (() => {});
  // Leftovers of a killed run (unpublished version dirs, temp pointers) go first.
  removeStaleVersions(dataDir);

  const stages = loadStages(options.stages);
  await logOcrAvailability(logger, options.ocr ?? {});
  const registryFile = existsSync(path.join(knowledgeDir, 'agencies.json')) ? path.join(knowledgeDir, 'agencies.json') : undefined;
  const registry: AgencyRegistry = stages.loadRegistry(registryFile);
  const abbreviations = defaultAbbreviations();
  const abbreviationsHash = fileHashOrEmpty(BUNDLED_ABBREVIATIONS);
  const registryHash = sha256(
    [registryFile ?? 'bundled', registryFile ? fileHashOrEmpty(registryFile) : fileHashOrEmpty(path.resolve(BUNDLED_ABBREVIATIONS, '../agencies.json')), fileHashOrEmpty(path.resolve(BUNDLED_ABBREVIATIONS, '../provinces.json'))].join('|'),
  );

  const embedder = await Embedder.load({
    modelDir: options.modelDir,
    modelId: options.embeddingModel,
    logger,
    allowRemoteModels: options.allowRemoteModels ?? false,
  });
  const model = embedder ? { id: embedder.modelId, dim: embedder.dim } : null;

  const previous = options.full ? undefined : loadPrevious(dataDir, { abbreviationsHash, registryHash, model }, logger, abbreviations);
  const full = previous === undefined;

  // KNOWLEDGE_DIR, every path registered by an earlier run, and the paths given now.
  const registered = loadSources(dataDir);
  const inputs = collectFiles(knowledgeDir, [...registered.map((s) => s.path), ...(options.paths ?? [])]);
  progress({ phase: 'scan', total: inputs.length, full });

  const outputs: FileOutput[] = [];
  const sandbox = options.sandbox !== false && !options.stages ? new ReadSandbox({ logger, ...(options.sandbox ?? {}) }) : undefined;
  const readFresh = sandbox
    ? (input: FileInput, hash: string) => sandbox.read({ input, hash, ...(registryFile ? { registryFile } : {}), ...(options.ocr ? { ocr: options.ocr } : {}), ...(options.limits ? { limits: options.limits } : {}) })
    : undefined;
  try {
  for (const [i, input] of inputs.entries()) {
    const out = await indexFile(input, stages, registry, previous, options, readFresh);
    outputs.push(out);
    const error = out.entry.errors[0];
    progress({
      phase: 'file',
      file: input.display,
      index: i + 1,
      total: inputs.length,
      status: error ? 'error' : out.reused ? 'reused' : 'indexed',
      ...(error ? { detail: `${error.code}: ${error.detail}` } : {}),
    });
  }
  } finally {
    await sandbox?.close();
  }

  // Files of the live index that are gone: kept from it unless pruning, so a reindex never drops
  // documents silently (a path added once, a file moved away from KNOWLEDGE_DIR).
  const live = previous ?? loadLive(dataDir, logger);
  const seen = new Set(inputs.map((i) => i.display));
  const readDocs = new Set(outputs.map((o) => o.entry.docId).filter(Boolean));
  const carried: FileOutput[] = [];
  const changes: ReindexChanges = { added: [], changed: [], removed: [], kept: [] };
  for (const o of outputs) {
    if (!o.entry.docId || o.entry.errors.length > 0) continue;
    const before = live?.files.get(o.entry.path);
    if (!before) changes.added.push(o.entry.path);
    else if (before.hash !== o.entry.hash) changes.changed.push(o.entry.path);
  }
  for (const before of live?.files.values() ?? []) {
    if (seen.has(before.path) || !before.docId || before.errors.length > 0) continue;
    // The same document read from another file now (moved or renamed): nothing to keep.
    if (readDocs.has(before.docId)) continue;
    const records = live!.records(before.docId);
    if (options.prune || !records) {
      changes.removed.push(before.path);
      continue;
    }
    changes.kept.push(before.path);
    carried.push({ entry: { ...before, errors: [] }, records, tables: before.tables, reused: false });
  }
  if (changes.kept.length > 0) logger.info({ kept: changes.kept }, 'reindex: files gone, documents kept (--prune removes them)');

  // Assemble, refusing duplicate document ids (two files that map to one id would shadow each other).
  const records: IndexRecords = { documents: [], chunks: [], tasks: [], targets: [], procedures: [] };
  const docOwner = new Map<string, string>();
  const chunkIds = new Set<string>();
  let tables = 0;
  for (const out of [...outputs, ...carried]) {
    if (!out.records || !out.entry.docId) continue;
    const owner = docOwner.get(out.entry.docId);
    if (owner) {
      out.entry.errors.push({ code: 'INDEX_DUPLICATE_DOCUMENT', detail: `same document id "${out.entry.docId}" as ${owner}` });
      out.entry.docId = null;
      continue;
    }
    docOwner.set(out.entry.docId, out.entry.path);
    tables += out.tables;
    records.documents.push(...out.records.documents);
    records.tasks.push(...out.records.tasks);
    records.targets.push(...out.records.targets);
    records.procedures.push(...out.records.procedures);
    for (const c of out.records.chunks) {
      if (chunkIds.has(c.id)) {
        logger.warn({ chunk: c.id, file: out.entry.path }, 'duplicate chunk id dropped');
        continue;
      }
      chunkIds.add(c.id);
      records.chunks.push(c);
    }
  }

  const errors: ReindexError[] = outputs.flatMap((o) => o.entry.errors.map((e) => ({ file: o.entry.path, ...e })));
  // A path typed on the command line that does not exist is an error the admin must see.
  for (const p of options.paths ?? []) {
    if (!existsSync(p)) errors.push({ file: p, code: 'INGEST_UNREADABLE', detail: 'no such file or folder' });
  }
  const report: ReindexReport = {
    published: false,
    full,
    files: inputs.length,
    parsed: outputs.filter((o) => !o.reused).length,
    reused: outputs.filter((o) => o.reused).length,
    documents: records.documents.length,
    chunks: records.chunks.length,
    tables,
    tasks: records.tasks.length,
    targets: records.targets.length,
    procedures: records.procedures.length,
    embedded: 0,
    vectorsReused: 0,
    dense: model !== null,
    errors,
    missingFields: records.documents
      .filter((d) => d.type !== 'Thủ tục hành chính' && (d.fieldsNotFound?.length ?? 0) > 0)
      .map((d) => ({ file: d.file, fields: d.fieldsNotFound! })),
    changes,
    durationMs: 0,
  };

  if (outputs.every((o) => !o.records || !o.entry.docId) && inputs.length > 0) {
    logger.error({ files: inputs.length, errors: errors.length }, 'reindex: no file could be indexed; the previous index stays live');
    report.durationMs = Math.round(performance.now() - started);
    return report;
  }

  const { name, dir } = createVersionDir(dataDir);
  const chunkDoc = new Map(records.chunks.map((c) => [c.id, c.doc.docId]));
  const reusedDocs = new Set(outputs.filter((o) => o.reused && o.entry.docId).map((o) => o.entry.docId!));
  const lexical = LexicalIndex.build(records.chunks, abbreviations, {
    ...(previous?.lexical ? { reuse: previous.lexical } : {}),
    reusable: (id) => reusedDocs.has(chunkDoc.get(id) ?? ''),
  });
  writeRecords(dir, records, lexical.toJSON());

  if (embedder && model) {
    const entries: Array<{ id: string; vector: ArrayLike<number> }> = [];
    const toEmbed: Chunk[] = [];
    for (const c of records.chunks) {
      const old = reusedDocs.has(c.doc.docId) ? previous?.vectors?.vector(c.id) : undefined;
      if (old) entries.push({ id: c.id, vector: old });
      else toEmbed.push(c);
    }
    report.vectorsReused = entries.length;
    progress({ phase: 'embed', done: 0, total: toEmbed.length });
    const vectors = await embedder.embedPassages(
      toEmbed.map((c) => passageText(c)),
      (done) => progress({ phase: 'embed', done, total: toEmbed.length }),
    );
    toEmbed.forEach((c, i) => entries.push({ id: c.id, vector: vectors[i]! }));
    report.embedded = toEmbed.length;
    VectorIndex.build(model.dim, entries).write(dir);
  }

  const manifest: Manifest = {
    schemaVersion: SCHEMA_VERSION,
    version: name,
    createdAt: new Date().toISOString(),
    extractorVersion: extractorFingerprint(),
    model,
    abbreviationsHash,
    registryHash,
    files: [...outputs, ...carried].map((o) => o.entry),
    counts: {
      documents: records.documents.length,
      chunks: records.chunks.length,
      tasks: records.tasks.length,
      targets: records.targets.length,
      procedures: records.procedures.length,
      vectors: model ? records.chunks.length : 0,
    },
  };
  writeManifest(dir, manifest);
  publishVersion(dataDir, name);
  progress({ phase: 'publish', version: name });
  report.version = name;
  report.published = true;
  // Register the paths given now, so the next plain reindex (CLI or /reindex) keeps them.
  saveSources(dataDir, nextSources(registered, options.paths ?? [], { knowledgeDir, prune: options.prune === true }));
  report.durationMs = Math.round(performance.now() - started);
  logger.info({ version: name, files: report.files, parsed: report.parsed, reused: report.reused, chunks: report.chunks, errors: errors.length, ms: report.durationMs }, 'reindex published');
  return report;
}

/** What the embedder sees: the chunk's place (section heading) plus its text. */
function passageText(chunk: Chunk): string {
  return chunk.sectionTitle && chunk.kind !== 'procedure' ? `${chunk.sectionTitle}\n${chunk.text}` : chunk.text;
}

function loadStages(injected: Partial<ReindexStages> | undefined): ReindexStages {
  return { ...defaultStages(), ...injected };
}

/** The live version's files and records (for keeping documents whose files are gone), when readable. */
function loadLive(dataDir: string, logger: Logger): PreviousVersion | undefined {
  const name = currentVersion(dataDir);
  if (!name) return undefined;
  const dir = path.join(indexRoot(dataDir), name);
  try {
    return new PreviousVersion(readManifest(dir), readRecords(dir), undefined, undefined);
  } catch (err) {
    logger.warn({ err, version: name }, 'reindex: live index unreadable; documents of files that are gone cannot be kept');
    return undefined;
  }
}

function loadPrevious(
  dataDir: string,
  current: { abbreviationsHash: string; registryHash: string; model: { id: string; dim: number } | null },
  logger: Logger,
  abbreviations: Abbreviations,
): PreviousVersion | undefined {
  const name = currentVersion(dataDir);
  if (!name) return undefined;
  const dir = path.join(indexRoot(dataDir), name);
  try {
    const manifest = readManifest(dir);
    const reasons: string[] = [];
    if (manifest.extractorVersion !== extractorFingerprint()) reasons.push('extractor version');
    if (manifest.abbreviationsHash !== current.abbreviationsHash) reasons.push('abbreviation table');
    if (manifest.registryHash !== current.registryHash) reasons.push('agency registry');
    if ((manifest.model?.id ?? null) !== (current.model?.id ?? null) || (manifest.model?.dim ?? 0) !== (current.model?.dim ?? 0)) reasons.push('embedding model');
    if (reasons.length > 0) {
      logger.info({ changed: reasons }, 'reindex: full rebuild');
      return undefined;
    }
    const vectors = manifest.model ? VectorIndex.read(dir, manifest.model.dim) : undefined;
    let lexical: LexicalIndex | undefined;
    try {
      lexical = LexicalIndex.fromJSON(readLexicalJson(dir), abbreviations);
    } catch (err) {
      logger.info({ err }, 'reindex: previous lexical index not reusable, tokenizing every chunk');
    }
    return new PreviousVersion(manifest, readRecords(dir), vectors, lexical);
  } catch (err) {
    logger.warn({ err, version: name }, 'reindex: previous index unreadable, full rebuild');
    return undefined;
  }
}

async function indexFile(
  input: FileInput,
  stages: ReindexStages,
  registry: AgencyRegistry,
  previous: PreviousVersion | undefined,
  options: ReindexOptions,
  /** Reads a changed file elsewhere (the sandbox thread) instead of here. */
  readFresh?: (input: FileInput, hash: string) => Promise<FileOutput>,
): Promise<FileOutput> {
  const entry: ManifestFile = { path: input.display, hash: '', docId: null, chunks: 0, tasks: 0, tables: 0, errors: [] };
  let bytes: Buffer;
  try {
    bytes = readFileSync(input.abs);
  } catch (err) {
    entry.errors.push({ code: 'INGEST_UNREADABLE', detail: errorDetail(err) });
    return { entry, tables: 0, reused: false };
  }
  entry.hash = sha256(bytes);

  const before = previous?.files.get(input.display);
  if (before && before.hash === entry.hash && before.docId && before.errors.length === 0) {
    const records = previous!.records(before.docId);
    if (records) {
      return { entry: { ...before, errors: [] }, records, tables: before.tables, reused: true };
    }
  }
  if (readFresh) return readFresh(input, entry.hash);
  return extractFile(input, bytes, entry.hash, stages, registry, options);
}

/** Reads and extracts one changed file (here, or in the sandbox thread). Never throws. */
export async function extractFile(
  input: FileInput,
  bytes: Buffer,
  hash: string,
  stages: ReindexStages,
  registry: AgencyRegistry,
  options: Pick<ReindexOptions, 'logger' | 'ocr' | 'limits'>,
): Promise<FileOutput> {
  const entry: ManifestFile = { path: input.display, hash, docId: null, chunks: 0, tasks: 0, tables: 0, errors: [] };
  try {
    let doc: Document;
    let chunks: Chunk[];
    let tasks: Task[] = [];
    let targets: Target[] = [];
    let procedures: Procedure[] = [];
    if (isProcedureGuide(input.abs, bytes)) {
      const guide = stages.readProcedureGuide(input.display, bytes, input.root);
      if (!guide.ok) {
        entry.errors.push({ code: guide.code, detail: guide.detail });
        return { entry, tables: 0, reused: false };
      }
      doc = guide.document;
      procedures = [guide.procedure];
      chunks = stages.chunkDocument(doc);
    } else {
      const result = await stages.ingestFile(input.display, { logger: options.logger, root: input.root, ...(options.ocr ? { ocr: options.ocr } : {}), ...(options.limits ? { limits: options.limits } : {}) });
      if (!result.ok) {
        entry.errors.push({ code: result.code, detail: result.detail });
        return { entry, tables: 0, reused: false };
      }
      doc = result.document;
      chunks = stages.chunkDocument(doc);
      ({ tasks, targets } = stages.extractTasks(doc, registry));
      procedures = stages.extractProcedures(doc);
    }
    // Signer, addressees, proposer: read once here, so answers read the record (issue 14).
    const facts = documentFacts(doc);
    const meta: DocumentMeta = facts ? { ...doc.meta, facts } : doc.meta;
    const allChunks = [...chunks, ...tasks.map(taskChunk), ...procedures.map(procedureChunk)];
    const tables = countTables(doc.children);
    entry.docId = meta.id;
    entry.chunks = allChunks.length;
    entry.tasks = tasks.length;
    entry.tables = tables;
    for (const w of doc.warnings) options.logger.debug({ file: input.display, warning: w }, 'ingest warning');
    const records = hideServerPaths({ documents: [meta], chunks: allChunks, tasks, targets, procedures }, input.root);
    return { entry, records, tables, reused: false };
  } catch (err) {
    // An extractor bug on one file is that file's error, not the end of the run.
    options.logger.error({ err, file: input.display }, 'reindex: extraction failed');
    entry.errors.push({ code: 'INGEST_UNREADABLE', detail: `extraction failed: ${errorDetail(err)}` });
    return { entry, tables: 0, reused: false };
  }
}
