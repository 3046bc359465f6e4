/**
 * Document → retrievable passages (Chunk[]).
 *
 * Prose chunks follow the section tree: a chunk never crosses a top-level section, a new numbered
 * section starts a new chunk once the current one is big enough (~40 words), and chunks stay under
 * ~350 words (long paragraphs are split at sentence ends). A chunk that starts in the middle of a
 * section repeats that section's heading first, so a passage is understandable on its own.
 * Every table data row is its own 'table-row' chunk with the column names repeated
 * ("Nhiệm vụ: …; Cơ quan chủ trì: …") and its group rows in the section title.
 */
import type { DocNode, Document, DocumentMeta, LineSpan, SectionNode, TableNode } from '../domain/document.js';
import type { Chunk, DocRef } from '../domain/records.js';
import { shorten, squash } from '../text/normalize.js';

export interface ChunkOptions {
  /** Flush a chunk before a new section heading once it has this many words. Default: 40. */
  minWords?: number;
  /** Upper bound of a prose chunk in words. Default: 350. */
  maxWords?: number;
  /** Headings are shortened to this many characters in `sectionTitle`. Default: 80. */
  titleChars?: number;
}

export const DEFAULT_CHUNK_OPTIONS: Required<ChunkOptions> = { minWords: 40, maxWords: 350, titleChars: 80 };

export function docRef(meta: DocumentMeta): DocRef {
  return {
    docId: meta.id,
    type: meta.type,
    ...(meta.number ? { number: meta.number } : {}),
    ...(meta.date ? { date: meta.date } : {}),
    ...(meta.issuer ? { issuer: meta.issuer } : {}),
    ...(meta.province ? { province: meta.province } : {}),
    title: meta.title,
    file: meta.file,
  };
}

/** "II" → "II.", "7" → "7.", "a" → "a)", "Phụ lục 02" → "Phụ lục 02." */
export function displayLabel(label: string): string {
  if (/^[a-zđ]$/.test(label)) return `${label})`;
  return `${label}.`;
}

function headingLine(s: SectionNode): string {
  return s.heading ? `${displayLabel(s.label)} ${s.heading}` : s.label;
}

interface Unit {
  /** Sections from the top down to the one holding this unit. */
  trail: SectionNode[];
  text: string;
  lines: LineSpan;
  page?: number;
  confidence?: number;
  heading: boolean;
  bullet?: '-' | '+' | '*';
}

function wordCount(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

/** Split a long paragraph into pieces of at most `max` words, at sentence ends when possible. */
function splitLong(text: string, max: number): string[] {
  const sentences = text.match(/[^.;!?]+[.;!?]+["”)]?\s*|[^.;!?]+$/g) ?? [text];
  const out: string[] = [];
  let cur = '';
  for (const s of sentences) {
    if (cur && wordCount(cur) + wordCount(s) > max) {
      out.push(cur.trim());
      cur = '';
    }
    if (wordCount(s) > max) {
      const words = s.split(/\s+/).filter(Boolean);
      for (let i = 0; i < words.length; i += max) out.push(words.slice(i, i + max).join(' '));
      continue;
    }
    cur += s;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

export function chunkDocument(doc: Document, options: ChunkOptions = {}): Chunk[] {
  const opts = { ...DEFAULT_CHUNK_OPTIONS, ...options };
  const ref = docRef(doc.meta);
  const chunks: Chunk[] = [];
  const titleOf = (trail: SectionNode[], extra: string[] = []) =>
    [...trail.map((s) => shorten(headingLine(s), opts.titleChars)), ...extra.map((e) => shorten(e, opts.titleChars))].join(' › ');
  const push = (c: Omit<Chunk, 'id' | 'doc'>) => {
    chunks.push({ id: `${doc.meta.id}#${chunks.length}`, doc: ref, ...c });
  };

  // Walk the tree, emitting prose units and handling tables as they come.
  let pending: Unit[] = [];
  let pendingTop: SectionNode | undefined | null = null;

  const flush = () => {
    if (pending.length === 0) return;
    const units = pending;
    pending = [];
    // The deepest section common to every unit names the chunk.
    let common = units[0]!.trail;
    for (const u of units) {
      let k = 0;
      while (k < common.length && k < u.trail.length && common[k] === u.trail[k]) k++;
      common = common.slice(0, k);
    }
    const body = units.filter((u) => !u.heading);
    const bullets = body.filter((u) => u.bullet !== undefined).length;
    const first = units[0]!;
    const owner = first.trail[first.trail.length - 1];
    // A chunk starting inside a section repeats that section's heading for context.
    const context = !first.heading && owner ? `${shorten(headingLine(owner), 200)}\n` : '';
    const text = context + units.map((u) => (u.bullet ? `${u.bullet} ${u.text}` : u.text)).join('\n');
    const confidences = units.map((u) => u.confidence).filter((c): c is number => c !== undefined);
    const page = units.find((u) => u.page !== undefined)?.page;
    push({
      sectionPath: common.map((s) => s.label),
      sectionTitle: titleOf(common),
      text,
      lines: [Math.min(...units.map((u) => u.lines[0])), Math.max(...units.map((u) => u.lines[1]))],
      ...(page !== undefined ? { page } : {}),
      kind: body.length > 0 && bullets / body.length >= 0.5 ? 'list' : 'prose',
      confidence: confidences.length ? Math.min(...confidences) : 1,
    });
  };
  const pendingWords = () => pending.reduce((n, u) => n + wordCount(u.text), 0);

  const addUnit = (u: Unit) => {
    const top = u.trail[0];
    if (pendingTop !== null && top !== pendingTop) flush();
    pendingTop = top;
    const words = wordCount(u.text);
    if (u.heading && pendingWords() >= opts.minWords) flush();
    if (words > opts.maxWords) {
      // Headings waiting for content stay with the first piece.
      if (!pending.every((p) => p.heading) || pendingWords() >= opts.minWords) flush();
      pendingTop = top;
      for (const piece of splitLong(u.text, opts.maxWords)) {
        pending.push({ ...u, text: piece });
        flush();
        pendingTop = top;
      }
      return;
    }
    if (pending.length > 0 && pendingWords() + words > opts.maxWords) flush();
    pendingTop = top;
    pending.push(u);
  };

  const tableChunks = (table: TableNode, trail: SectionNode[]) => {
    flush();
    const header = table.header;
    for (const row of table.rows) {
      if (row.kind !== 'data') continue;
      const parts = row.cells
        .map((cell, k) => {
          const value = squash(cell);
          if (!value) return undefined;
          const name = header[k];
          return name ? `${name}: ${value}` : value;
        })
        .filter((p): p is string => p !== undefined);
      if (parts.length === 0) continue;
      const groups = row.groupPath;
      const text = [...groups.map((g) => shorten(g, 200)), parts.join('; ')].join('\n');
      push({
        // Group ordinals keep rows of different groups apart ("Phụ lục 02 / II / 1").
        sectionPath: [
          ...trail.map((s) => s.label),
          ...groups.map((g) => /^(\S+)\. /.exec(g)?.[1] ?? g),
          ...(row.ordinal ? [row.ordinal] : []),
        ],
        sectionTitle: titleOf(trail, groups),
        text,
        lines: row.lines,
        ...(row.page !== undefined ? { page: row.page } : table.page !== undefined ? { page: table.page } : {}),
        kind: 'table-row',
        confidence: row.confidence ?? 1,
      });
    }
  };

  const walk = (nodes: DocNode[], trail: SectionNode[]) => {
    for (const node of nodes) {
      if (node.kind === 'section') {
        const t = [...trail, node];
        addUnit({
          trail: t,
          text: headingLine(node),
          // A wrapped heading runs up to its first child.
          lines: [node.lines[0], Math.max(node.lines[0], node.children[0] ? node.children[0].lines[0] - 1 : node.lines[1])],
          ...(node.page !== undefined ? { page: node.page } : {}),
          heading: true,
        });
        walk(node.children, t);
      } else if (node.kind === 'paragraph') {
        addUnit({
          trail,
          text: node.text,
          lines: node.lines,
          ...(node.page !== undefined ? { page: node.page } : {}),
          ...(node.confidence !== undefined ? { confidence: node.confidence } : {}),
          heading: false,
          ...(node.bullet ? { bullet: node.bullet } : {}),
        });
      } else {
        tableChunks(node, trail);
        pendingTop = null;
      }
    }
  };
  walk(doc.children, []);
  flush();
  return chunks;
}
