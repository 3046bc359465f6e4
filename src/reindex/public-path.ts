/**
 * No server paths in any output: a document's `file` is shown in citations, /api/ask answers
 * and the /reindex report. Paths below the working directory are already relative; a file read
 * from elsewhere (KNOWLEDGE_DIR=/srv/…, an extra path) is shown relative to the folder it was
 * indexed from, named by that folder's last segment ("knowledge/ke-hoach/kh-12.txt").
 */
import path from 'node:path';
import type { IndexRecords } from '../index/store.js';

/** The path as shown to users: never absolute, forward slashes. */
export function publicPath(file: string, root?: string): string {
  if (!path.isAbsolute(file)) return file.split(path.sep).join('/');
  if (root) {
    const rel = path.relative(root, file);
    if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) return [path.basename(root), ...rel.split(path.sep)].join('/');
  }
  return [path.basename(path.dirname(file)), path.basename(file)].filter(Boolean).join('/');
}

/** Rewrites every absolute `file` of one document's records (document meta and each record's doc). */
export function hideServerPaths(records: IndexRecords, root: string): IndexRecords {
  const fix = <T extends { file: string }>(ref: T): T => (path.isAbsolute(ref.file) ? { ...ref, file: publicPath(ref.file, root) } : ref);
  if (!records.documents.some((d) => path.isAbsolute(d.file)) && !records.chunks.some((c) => path.isAbsolute(c.doc.file))) return records;
  return {
    documents: records.documents.map(fix),
    chunks: records.chunks.map((c) => ({ ...c, doc: fix(c.doc) })),
    tasks: records.tasks.map((t) => ({ ...t, doc: fix(t.doc) })),
    targets: records.targets.map((t) => ({ ...t, doc: fix(t.doc) })),
    procedures: records.procedures.map((p) => ({ ...p, doc: fix(p.doc) })),
  };
}
