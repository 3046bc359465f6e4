/**
 * The registry of documents added by path: `npm run reindex -- ../ke-hoach/ kh-12.pdf` records the
 * given files and folders in DATA_DIR/sources.json, and every later reindex (CLI or the admin's
 * /reindex) indexes KNOWLEDGE_DIR plus these paths, so a plain reindex never drops them.
 *
 * Why a registry and not a copy into KNOWLEDGE_DIR: the admin's file stays the one source of truth
 * (an edited plan is picked up by its hash on the next run, a folder's new files too), nothing is
 * stored twice, and KNOWLEDGE_DIR can stay read-only (a mounted volume or the image's bundle).
 * It lives beside the index it describes: a DATA_DIR copied to another machine keeps its list.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { AppError } from '../errors.js';

export const SOURCES_FILE = 'sources.json';
export const SOURCES_SCHEMA_VERSION = 1;

const SourcesFile = z.object({
  schemaVersion: z.number().int(),
  sources: z.array(z.object({ path: z.string().min(1), addedAt: z.string() })),
});
export type RegisteredSource = z.infer<typeof SourcesFile>['sources'][number];

export function sourcesFile(dataDir: string): string {
  return path.join(dataDir, SOURCES_FILE);
}

/** The registered sources (absolute paths), oldest first; none when the file does not exist yet. */
export function loadSources(dataDir: string): RegisteredSource[] {
  const file = sourcesFile(dataDir);
  if (!existsSync(file)) return [];
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    // Never guess: a reindex without the list would drop the documents it names.
    throw new AppError('INDEX_CORRUPT', `${file} is not valid JSON; fix or delete it (it lists the documents added by path)`, { cause: err });
  }
  const parsed = SourcesFile.safeParse(raw);
  if (!parsed.success) throw new AppError('INDEX_CORRUPT', `${file}: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`);
  if (parsed.data.schemaVersion !== SOURCES_SCHEMA_VERSION) {
    throw new AppError('INDEX_VERSION', `${file} has schemaVersion ${parsed.data.schemaVersion}; this version reads ${SOURCES_SCHEMA_VERSION}`);
  }
  return parsed.data.sources;
}

/** Writes the list atomically (temp file + rename): a crash leaves the old list or the new one. */
export function saveSources(dataDir: string, sources: readonly RegisteredSource[]): void {
  const file = sourcesFile(dataDir);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ schemaVersion: SOURCES_SCHEMA_VERSION, sources }, null, 2)}\n`);
  renameSync(tmp, file);
}

function inside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * The registry after a run: the previous entries (minus those gone from disk when pruning) plus the
 * given paths that exist and are not already covered by KNOWLEDGE_DIR or a registered folder.
 */
export function nextSources(
  previous: readonly RegisteredSource[],
  given: readonly string[],
  options: { knowledgeDir: string; prune: boolean; now?: Date },
): RegisteredSource[] {
  const knowledge = path.resolve(options.knowledgeDir);
  const out = previous.filter((s) => !options.prune || existsSync(s.path));
  const addedAt = (options.now ?? new Date()).toISOString();
  for (const p of given) {
    const abs = path.resolve(p);
    if (!existsSync(abs) || inside(abs, knowledge)) continue;
    if (out.some((s) => inside(abs, s.path))) continue;
    // A folder given now replaces the files and subfolders of it registered before.
    for (let i = out.length - 1; i >= 0; i--) if (inside(out[i]!.path, abs)) out.splice(i, 1);
    out.push({ path: abs, addedAt });
  }
  return out;
}
