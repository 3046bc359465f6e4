/**
 * Test double for the ingest/chunk/task stages (written by other modules): a tiny reader for the
 * plan excerpts in test/fixtures/index/knowledge, with call counters so incremental reindex can be
 * checked without timing. Procedure guides go through the real reader (src/extract/procedures).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { DocNode, Document, DocumentMeta, IngestResult, ParagraphNode, SectionNode } from '../../src/domain/document.js';
import type { Chunk, DocRef, Task } from '../../src/domain/records.js';
import type { AgencyRegistry } from '../../src/extract/agencies.js';
import { extractProcedures, readProcedureGuide } from '../../src/extract/procedures.js';
import type { ReindexStages } from '../../src/reindex/stages.js';

export interface FakeStages extends ReindexStages {
  calls: { ingest: string[]; guide: string[] };
}

function docRef(meta: DocumentMeta): DocRef {
  return {
    docId: meta.id,
    type: meta.type,
    ...(meta.number ? { number: meta.number } : {}),
    title: meta.title,
    file: meta.file,
  };
}

export function readPlan(file: string, bytes: Buffer, root: string): Document {
  const lines = bytes.toString('utf8').replace(/\r/g, '').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const typeWord = (lines[0] ?? '').trim().toLowerCase();
  const number = /Số:\s*(\S+)/.exec(lines.slice(0, 5).join('\n'))?.[1];
  const meta: DocumentMeta = {
    id: path.relative(root, file).split(path.sep).join('/'),
    type: typeWord.startsWith('báo cáo') ? 'Báo cáo' : 'Kế hoạch',
    ...(number ? { number } : {}),
    title: (lines[1] ?? '').trim(),
    file,
    hash: createHash('sha256').update(bytes).digest('hex'),
    format: 'txt',
    extra: {},
  };
  const children: DocNode[] = [];
  let part: SectionNode | undefined;
  let item: SectionNode | undefined;
  lines.forEach((raw, i) => {
    const n = i + 1;
    const text = raw.trim();
    if (n <= 3 || text === '') return;
    const roman = /^([IVX]+)\.\s+(.*)$/.exec(text);
    const arabic = /^(\d+)\.\s+(.*)$/.exec(text);
    if (roman) {
      part = { kind: 'section', label: roman[1]!, heading: roman[2]!, level: 1, path: [roman[1]!], lines: [n, n], children: [] };
      item = undefined;
      children.push(part);
    } else if (arabic && part) {
      item = { kind: 'section', label: arabic[1]!, heading: arabic[2]!, level: 2, path: [...part.path, arabic[1]!], lines: [n, n], children: [] };
      part.children.push(item);
    } else {
      const bullet = text.startsWith('- ');
      const para: ParagraphNode = { kind: 'paragraph', text: bullet ? text.slice(2) : text, lines: [n, n], ...(bullet ? { bullet: '-' as const } : {}) };
      (item ?? part)?.children.push(para);
      if (!part) children.push(para);
    }
  });
  return { meta, children, lines, warnings: [] };
}

function sectionsOf(nodes: DocNode[], trail: SectionNode[] = []): Array<{ trail: SectionNode[]; para: ParagraphNode }> {
  const out: Array<{ trail: SectionNode[]; para: ParagraphNode }> = [];
  for (const node of nodes) {
    if (node.kind === 'paragraph') out.push({ trail, para: node });
    else if (node.kind === 'section') out.push(...sectionsOf(node.children, [...trail, node]));
  }
  return out;
}

const title = (trail: SectionNode[]) => trail.map((s) => `${s.label}. ${s.heading}`).join(' › ');

export function chunkPlan(doc: Document): Chunk[] {
  return sectionsOf(doc.children).map(({ trail, para }) => ({
    id: `${doc.meta.id}#${para.lines[0]}`,
    doc: docRef(doc.meta),
    sectionPath: trail.at(-1)?.path ?? [],
    sectionTitle: title(trail),
    text: para.text,
    lines: para.lines,
    kind: para.bullet ? 'list' : 'prose',
    confidence: 1,
  }));
}

export function tasksOfPlan(doc: Document): Task[] {
  const tasks: Task[] = [];
  for (const { trail, para } of sectionsOf(doc.children)) {
    const m = /^([^:]+):\s*(.*?)(?:\s*Thời gian hoàn thành:\s*(.*?)\.?)?$/.exec(para.text);
    if (!para.bullet || !m) continue;
    const agency = { surface: m[1]!.trim() };
    const leads = /chủ trì/.test(m[2]!);
    tasks.push({
      id: `${doc.meta.id}#task-${para.lines[0]}`,
      doc: docRef(doc.meta),
      sectionPath: trail.at(-1)?.path ?? [],
      sectionTitle: title(trail),
      title: trail.at(-1)?.heading ?? '',
      action: m[2]!,
      lead: leads ? [agency] : [],
      cooperating: leads ? [] : [agency],
      directing: [],
      deadline: m[3] ? { raw: m[3], kind: 'unspecified' } : { raw: '', kind: 'unspecified' },
      source: 'agency-assignment',
      lines: para.lines,
      confidence: 0.9,
      unresolved: [],
    });
  }
  return tasks;
}

export function fakeStages(): FakeStages {
  const calls = { ingest: [] as string[], guide: [] as string[] };
  return {
    calls,
    async ingestFile(file, options): Promise<IngestResult> {
      calls.ingest.push(path.basename(file));
      const bytes = readFileSync(file);
      if (bytes.toString('utf8').startsWith('%BROKEN')) return { ok: false, file, code: 'INGEST_UNREADABLE', detail: 'broken fixture' };
      return { ok: true, document: readPlan(file, bytes, options.root ?? path.dirname(file)) };
    },
    chunkDocument: chunkPlan,
    extractTasks: (doc: Document, _registry: AgencyRegistry) => ({ tasks: tasksOfPlan(doc), targets: [] }),
    extractProcedures,
    readProcedureGuide(file, bytes, root) {
      calls.guide.push(path.basename(file));
      return readProcedureGuide(file, bytes, root);
    },
    loadRegistry: () => ({}) as AgencyRegistry,
  };
}
