/**
 * Versioned index on disk.
 *
 *   DATA_DIR/index/CURRENT            name of the live version (one line)
 *   DATA_DIR/index/<version>/         manifest.json, documents.json, chunks.json, tasks.json,
 *                                     targets.json, procedures.json, lexical.json,
 *                                     vectors.hnsw + vectors.ids.json (when dense)
 *
 * A reindex writes a complete new version directory, fsyncs it, then replaces CURRENT with an
 * atomic rename of a temp file. Readers only ever follow CURRENT, so a crash at any point leaves
 * the previous version live. Old versions are removed after the swap.
 *
 * Only the manifest is validated on load (zod); the bulk files are trusted under its
 * schemaVersion, which keeps loading well under a second.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import type { DocumentMeta } from '../domain/document.js';
import type { Chunk, Procedure, Target, Task } from '../domain/records.js';
import { AppError } from '../errors.js';

/** Version of the on-disk layout. Bump on any incompatible change and keep a fixture of the old one. */
export const SCHEMA_VERSION = 1;

export const ManifestFile = z.object({
  /** Path as given to reindex (relative to cwd when possible). */
  path: z.string(),
  /** sha256 of the bytes. */
  hash: z.string(),
  /** Document id when the file was indexed; null when it failed. */
  docId: z.string().nullable(),
  chunks: z.number().int().nonnegative(),
  tasks: z.number().int().nonnegative(),
  tables: z.number().int().nonnegative().default(0),
  errors: z.array(z.object({ code: z.string(), detail: z.string() })),
});
export type ManifestFile = z.infer<typeof ManifestFile>;

export const Manifest = z.object({
  schemaVersion: z.number().int(),
  /** Directory name of this version. */
  version: z.string(),
  createdAt: z.string(),
  /** Extraction code version (reindex pipeline's EXTRACTOR_VERSION). */
  extractorVersion: z.string(),
  /** Embedding model the vectors came from; null for a lexical-only index. */
  model: z.object({ id: z.string(), dim: z.number().int().positive() }).nullable(),
  /** sha256 of the abbreviation table and the agency registry the index was built with. */
  abbreviationsHash: z.string(),
  registryHash: z.string(),
  files: z.array(ManifestFile),
  counts: z.object({
    documents: z.number().int(),
    chunks: z.number().int(),
    tasks: z.number().int(),
    targets: z.number().int(),
    procedures: z.number().int(),
    vectors: z.number().int(),
  }),
});
export type Manifest = z.infer<typeof Manifest>;

export const INDEX_FILES = {
  manifest: 'manifest.json',
  documents: 'documents.json',
  chunks: 'chunks.json',
  tasks: 'tasks.json',
  targets: 'targets.json',
  procedures: 'procedures.json',
  lexical: 'lexical.json',
} as const;

const POINTER = 'CURRENT';

/** Everything a version holds apart from the vector graph (written by VectorIndex itself). */
export interface IndexRecords {
  documents: DocumentMeta[];
  chunks: Chunk[];
  tasks: Task[];
  targets: Target[];
  procedures: Procedure[];
}

export function indexRoot(dataDir: string): string {
  return path.join(dataDir, 'index');
}

/** Name of the live version, or undefined when there is none. */
export function currentVersion(dataDir: string): string | undefined {
  const pointer = path.join(indexRoot(dataDir), POINTER);
  if (!existsSync(pointer)) return undefined;
  const name = readFileSync(pointer, 'utf8').trim();
  return name.length > 0 ? name : undefined;
}

/** Directory of the live version. Throws AppError INDEX_MISSING when there is none. */
export function currentVersionDir(dataDir: string): string {
  const name = currentVersion(dataDir);
  const dir = name ? path.join(indexRoot(dataDir), name) : undefined;
  if (!dir || !existsSync(path.join(dir, INDEX_FILES.manifest))) {
    throw new AppError('INDEX_MISSING', `no index in ${indexRoot(dataDir)} (run npm run reindex)`);
  }
  return dir;
}

/** Read and validate a version's manifest: INDEX_VERSION for another schema, INDEX_CORRUPT otherwise. */
export function readManifest(dir: string): Manifest {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path.join(dir, INDEX_FILES.manifest), 'utf8'));
  } catch (err) {
    throw new AppError('INDEX_CORRUPT', `unreadable manifest in ${dir}`, { cause: err });
  }
  const version = (raw as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (version !== SCHEMA_VERSION) {
    throw new AppError('INDEX_VERSION', `index schemaVersion ${String(version)} in ${dir}, this build reads ${SCHEMA_VERSION}: run npm run reindex -- --full`);
  }
  const parsed = Manifest.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AppError('INDEX_CORRUPT', `manifest in ${dir}: ${issue.path.join('.')} ${issue.message}`);
  }
  return parsed.data;
}

export function readRecords(dir: string): IndexRecords {
  const read = <T>(file: string): T[] => JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as T[];
  try {
    return {
      documents: read<DocumentMeta>(INDEX_FILES.documents),
      chunks: read<Chunk>(INDEX_FILES.chunks),
      tasks: read<Task>(INDEX_FILES.tasks),
      targets: read<Target>(INDEX_FILES.targets),
      procedures: read<Procedure>(INDEX_FILES.procedures),
    };
  } catch (err) {
    throw new AppError('INDEX_CORRUPT', `unreadable index files in ${dir}`, { cause: err });
  }
}

export function readLexicalJson(dir: string): string {
  try {
    return readFileSync(path.join(dir, INDEX_FILES.lexical), 'utf8');
  } catch (err) {
    throw new AppError('INDEX_CORRUPT', `unreadable lexical index in ${dir}`, { cause: err });
  }
}

/** A fresh, empty version directory beside the live one. */
export function createVersionDir(dataDir: string, now: Date = new Date()): { name: string; dir: string } {
  const stamp = now.toISOString().replace(/[-:.]/g, '').replace('T', 't').replace('Z', 'z');
  const name = `v${stamp}-${randomBytes(3).toString('hex')}`;
  const dir = path.join(indexRoot(dataDir), name);
  mkdirSync(dir, { recursive: true });
  return { name, dir };
}

export function writeRecords(dir: string, records: IndexRecords, lexicalJson: string): void {
  writeDurable(path.join(dir, INDEX_FILES.documents), JSON.stringify(records.documents));
  writeDurable(path.join(dir, INDEX_FILES.chunks), JSON.stringify(records.chunks));
  writeDurable(path.join(dir, INDEX_FILES.tasks), JSON.stringify(records.tasks));
  writeDurable(path.join(dir, INDEX_FILES.targets), JSON.stringify(records.targets));
  writeDurable(path.join(dir, INDEX_FILES.procedures), JSON.stringify(records.procedures));
  writeDurable(path.join(dir, INDEX_FILES.lexical), lexicalJson);
}

/** The manifest goes last: a version directory without one is an unfinished build. */
export function writeManifest(dir: string, manifest: Manifest): void {
  for (const name of readdirSync(dir)) fsyncPath(path.join(dir, name));
  writeDurable(path.join(dir, INDEX_FILES.manifest), JSON.stringify(manifest, null, 1));
  fsyncPath(dir);
}

/**
 * Make `name` the live version: write CURRENT.tmp, fsync, rename over CURRENT, fsync the directory.
 * Then remove every other version directory (old ones and leftovers of killed runs).
 */
export function publishVersion(dataDir: string, name: string): void {
  const root = indexRoot(dataDir);
  const tmp = path.join(root, `${POINTER}.${process.pid}.tmp`);
  writeDurable(tmp, `${name}\n`);
  renameSync(tmp, path.join(root, POINTER));
  fsyncPath(root);
  removeStaleVersions(dataDir);
}

/** Remove version directories and temp pointers other than the live version. */
export function removeStaleVersions(dataDir: string): void {
  const root = indexRoot(dataDir);
  if (!existsSync(root)) return;
  const live = currentVersion(dataDir);
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (entry.name === POINTER || entry.name === live) continue;
    if (entry.isDirectory() && /^v\d/.test(entry.name)) rmSync(path.join(root, entry.name), { recursive: true, force: true });
    else if (entry.isFile() && entry.name.startsWith(`${POINTER}.`) && entry.name.endsWith('.tmp')) rmSync(path.join(root, entry.name), { force: true });
  }
}

function writeDurable(file: string, content: string): void {
  const fd = openSync(file, 'w');
  try {
    writeFileSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function fsyncPath(p: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(p, 'r');
    fsyncSync(fd);
  } catch {
    // Some filesystems refuse fsync on directories; the rename is still atomic there.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
