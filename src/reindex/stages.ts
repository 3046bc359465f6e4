/**
 * The extraction stages the reindex pipeline runs, behind one interface so tests can count calls
 * and inject failures. The default set loads the real modules (ingest, chunking, tasks, procedures).
 */
import type { Document, IngestResult } from '../domain/document.js';
import type { Chunk, Procedure, Target, Task } from '../domain/records.js';
import { AgencyRegistry } from '../extract/agencies.js';
import { chunkDocument } from '../extract/chunks.js';
import { extractProcedures, readProcedureGuide, type ProcedureReadResult } from '../extract/procedures.js';
import { extractTasks } from '../extract/tasks/index.js';
import { ingestFile } from '../ingest/index.js';
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

export function defaultStages(): ReindexStages {
  return {
    ingestFile,
    chunkDocument: (doc) => chunkDocument(doc),
    extractTasks: (doc, registry) => {
      const { tasks, targets } = extractTasks(doc, registry);
      return { tasks, targets };
    },
    extractProcedures,
    readProcedureGuide,
    loadRegistry: (file) => (file ? AgencyRegistry.load(file) : AgencyRegistry.load()),
  };
}
