/**
 * The extraction stages the reindex pipeline runs, behind one interface so tests can count calls
 * and inject failures. The default set loads the real modules (ingest, chunking, tasks, procedures).
 */
import type { Document, IngestResult } from '../domain/document.js';
import type { Chunk, Procedure, Target, Task } from '../domain/records.js';
import type { AgencyRegistry } from '../extract/agencies.js';
import type { ProcedureReadResult } from '../extract/procedures.js';
import type { ReaderOptions } from '../ingest/reader.js';

export interface IngestOptions extends ReaderOptions {
  /** Root the document id is derived from (the knowledge dir, or the folder given on the command line). */
  root?: string;
}

export interface ReindexStages {
  ingestFile(file: string, options: IngestOptions): Promise<IngestResult>;
  chunkDocument(doc: Document): Chunk[];
  extractTasks(doc: Document, registry: AgencyRegistry): { tasks: Task[]; targets: Target[] };
  extractProcedures(doc: Document): Procedure[];
  readProcedureGuide(file: string, bytes: Buffer, root?: string): ProcedureReadResult;
  loadRegistry(file?: string): AgencyRegistry;
}

// Module paths kept in variables: the ingest/chunk/task modules are written in parallel with this
// one, and a missing module must surface as one clear error at reindex time, not break type-checking.
const MODULES = {
  ingest: '../ingest/index.js',
  chunks: '../extract/chunks.js',
  tasks: '../extract/tasks/index.js',
} as const;

async function importStage<T>(specifier: string, name: string): Promise<T> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(specifier)) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`reindex: cannot load ${specifier} (${(err as Error).message})`, { cause: err });
  }
  const fn = mod[name];
  if (typeof fn !== 'function') throw new Error(`reindex: ${specifier} does not export ${name}()`);
  return fn as T;
}

export async function defaultStages(): Promise<ReindexStages> {
  const [{ AgencyRegistry }, procedures, ingestFile, chunkDocument, extractTasks] = await Promise.all([
    import('../extract/agencies.js'),
    import('../extract/procedures.js'),
    importStage<ReindexStages['ingestFile']>(MODULES.ingest, 'ingestFile'),
    importStage<ReindexStages['chunkDocument']>(MODULES.chunks, 'chunkDocument'),
    importStage<ReindexStages['extractTasks']>(MODULES.tasks, 'extractTasks'),
  ]);
  return {
    ingestFile,
    chunkDocument,
    extractTasks,
    extractProcedures: procedures.extractProcedures,
    readProcedureGuide: procedures.readProcedureGuide,
    loadRegistry: (file) => (file ? AgencyRegistry.load(file) : AgencyRegistry.load()),
  };
}
