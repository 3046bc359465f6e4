/**
 * Page layout: positioned words (PDF text layer or OCR word boxes) → reading-order `SourceBlock`s.
 * Prose becomes one line block per visual line (buildTree joins wrapped lines into paragraphs);
 * tables become table blocks with the header first and multi-line cells joined. Running headers,
 * footers and page numbers are dropped; OCR confidence is kept per line and per row.
 */
import type { SourceBlock } from '../../domain/document.js';
import { groupLines, lineMetrics, type LineMetrics } from './lines.js';
import { fixOcrQuarters, fixOcrSpacing } from './spacing.js';
import { findTables, joinCellLines } from './tables.js';
import { meanConf, type PageWords, type VisualLine, type WordBox } from './words.js';

export type { PageWords, WordBox } from './words.js';

export interface LayoutResult {
  blocks: SourceBlock[];
  lines: string[];
  warnings: string[];
}

export interface LayoutOptions {
  /** Lines with a mean OCR confidence below this are reported in warnings. Default: 0.6. */
  lowConfidence?: number;
}

/** Separator between the segments of a non-table line (e.g. the two-column header block). */
const SEGMENT_SEPARATOR = '    ';

type PageItem =
  | { kind: 'line'; line: VisualLine; text: string }
  | { kind: 'table'; header?: string[]; headerConfidence?: number; rows: Array<{ cells: string[]; confidence?: number; page?: number }> };

export function layoutPages(pages: readonly PageWords[], options: LayoutOptions = {}): LayoutResult {
  const low = options.lowConfidence ?? 0.6;
  const perPage = pages.map((p) => ({ page: p, ...pageItems(p) }));
  const running = runningLines(perPage.map((p) => ({ page: p.page, lines: p.items.flatMap((it) => (it.kind === 'line' ? [it] : [])) })));

  joinContinuedTables(perPage, running);

  const blocks: SourceBlock[] = [];
  const lines: string[] = [];
  const warnings: string[] = [];
  for (const { page, items } of perPage) {
    let lowLines = 0;
    let pending: { text: string; words: WordBox[] } | undefined;
    const flush = (): void => {
      if (!pending) return;
      lines.push(pending.text);
      const confidence = meanConf(pending.words);
      if (confidence !== undefined && confidence < low) lowLines++;
      blocks.push({ kind: 'line', text: pending.text, line: lines.length, page: page.page, ...(confidence !== undefined ? { confidence } : {}) });
      pending = undefined;
    };
    for (const it of items) {
      if (it.kind === 'line') {
        if (running.has(it.line)) continue;
        // A word broken at a hyphen across lines: Vietnamese syllables are never split, so the
        // hyphen is real ("e-" / "office", "COVID-" / "19"): keep it and glue the halves.
        if (pending && /\p{L}-$/u.test(pending.text) && /^[\p{Ll}\p{N}]/u.test(it.text)) {
          pending = { text: pending.text + it.text, words: [...pending.words, ...it.line.words] };
          continue;
        }
        flush();
        pending = { text: it.text, words: it.line.words };
        continue;
      }
      flush();
      const rows = it.header ? [it.header, ...it.rows.map((r) => r.cells)] : it.rows.map((r) => r.cells);
      const conf = it.header ? [it.headerConfidence, ...it.rows.map((r) => r.confidence)] : it.rows.map((r) => r.confidence);
      const rowLines: Array<[number, number]> = [];
      for (const r of rows) {
        lines.push(r.join(' | '));
        rowLines.push([lines.length, lines.length]);
      }
      const hasConf = conf.every((c) => c !== undefined);
      const pagesOf = [...(it.header ? [page.page] : []), ...it.rows.map((r) => r.page ?? page.page)];
      const spansPages = pagesOf.some((n) => n !== page.page);
      blocks.push({ kind: 'table', rows, rowLines, page: page.page, ...(spansPages ? { rowPages: pagesOf } : {}), ...(hasConf ? { rowConfidence: conf as number[] } : {}) });
    }
    flush();
    if (lowLines > 0) warnings.push(`trang ${page.page}: ${lowLines} dòng OCR có độ tin cậy thấp (< ${low})`);
  }
  return { blocks, lines, warnings };
}

type TableItem = Extract<PageItem, { kind: 'table' }>;

const cellsKey = (cells: readonly string[]): string => cells.map((c) => c.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '')).join('|');

/**
 * A table that ends one page and opens the next with as many columns is one table: the header
 * printed again on the new page is dropped, and a first row with no STT (the rest of a row the page
 * break cut) is joined cell by cell onto the last row of the page before.
 */
function joinContinuedTables(perPage: Array<{ page: PageWords; items: PageItem[] }>, running: ReadonlySet<VisualLine>): void {
  const kept = (it: PageItem): boolean => it.kind === 'table' || !running.has(it.line);
  for (let p = 1; p < perPage.length; p++) {
    const before = perPage[p - 1]!.items.filter(kept);
    const last = before[before.length - 1];
    const firstIdx = perPage[p]!.items.findIndex(kept);
    const next = firstIdx >= 0 ? perPage[p]!.items[firstIdx] : undefined;
    if (last?.kind !== 'table' || next?.kind !== 'table') continue;
    const width = (t: TableItem): number => Math.max(t.header?.length ?? 0, ...t.rows.map((r) => r.cells.length));
    if (width(last) !== width(next)) continue;
    let rows = next.rows;
    // The continuation's "header" is a header only when it repeats the one above.
    if (next.header && !(last.header && cellsKey(last.header) === cellsKey(next.header))) {
      rows = [{ cells: next.header, ...(next.headerConfidence !== undefined ? { confidence: next.headerConfidence } : {}) }, ...rows];
    }
    const tail = last.rows[last.rows.length - 1];
    const head = rows[0];
    if (tail && head && (head.cells[0] ?? '').trim() === '' && head.cells.some((c) => c.trim() !== '')) {
      tail.cells = tail.cells.map((c, k) => joinCellLines([c, head.cells[k] ?? '']));
      rows = rows.slice(1);
    }
    last.rows.push(...rows.map((r) => ({ ...r, page: r.page ?? perPage[p]!.page.page })));
    perPage[p]!.items.splice(firstIdx, 1);
  }
}

function pageItems(page: PageWords): { items: PageItem[]; metrics: LineMetrics } {
  const words = page.words.filter((w) => !isRuleArtifact(w)).map((w) => (w.conf === undefined ? w : { ...w, text: fixOcrSpacing(w.text) }));
  const metrics = lineMetrics(words);
  const vlines = groupLines(words, metrics);
  const tables = findTables(vlines, metrics, { hRules: (page.hRules ?? []).map((r) => r.y) });
  const items: PageItem[] = [];
  // Text-level OCR repairs need a word's neighbours in reading order, i.e. within a line or cell.
  const ocr = words.some((w) => w.conf !== undefined);
  const fix = (text: string): string => (ocr ? fixOcrQuarters(text) : text);
  let t = 0;
  for (let k = 0; k < vlines.length; k++) {
    const table = tables[t];
    if (table && k === table.from) {
      items.push({
        kind: 'table',
        ...(table.header ? { header: table.header } : {}),
        ...(table.headerConfidence !== undefined ? { headerConfidence: table.headerConfidence } : {}),
        rows: table.rows.map((r) => ({ ...r, cells: r.cells.map(fix) })),
      });
      k = table.to;
      t++;
      continue;
    }
    const line = vlines[k]!;
    items.push({ kind: 'line', line, text: fix(line.segments.map((s) => s.text).join(SEGMENT_SEPARATOR)) });
  }
  return { items, metrics };
}

/** Tesseract reads ruling lines as "|", "I" or "l"; a glyph far taller than wide is a rule. */
function isRuleArtifact(w: WordBox): boolean {
  // Specks and rule remnants read as lone punctuation with middling confidence.
  if (w.conf !== undefined && /^[\p{P}\p{S}]{1,3}$/u.test(w.text) && w.conf < 0.75) return true;
  const h = w.y1 - w.y0;
  const width = w.x1 - w.x0;
  if (/^[|¦!lI1[\]_—–-]{1,3}$/.test(w.text) && w.conf !== undefined && (h > width * 4 || w.text.includes('|'))) return true;
  return /^[|¦_—–]+$/.test(w.text) && w.conf !== undefined;
}

const PAGE_NUMBER_RE = /^[-–—\s]*(?:trang\s*)?\d{1,4}(?:\s*\/\s*\d{1,4})?[-–—\s]*$/iu;

/**
 * Lines to drop: page numbers in the top/bottom margin, and running headers/footers (the same
 * text, digits aside, in the margin of at least two pages and most of them).
 */
function runningLines(pages: ReadonlyArray<{ page: PageWords; lines: Array<{ line: VisualLine; text: string }> }>): Set<VisualLine> {
  const drop = new Set<VisualLine>();
  const counts = new Map<string, number>();
  const margin = (p: PageWords, l: VisualLine): boolean => l.y1 < p.height * 0.08 || l.y0 > p.height * 0.9;
  for (const { page, lines } of pages) {
    const seen = new Set<string>();
    for (const { line, text } of lines) {
      if (!margin(page, line)) continue;
      if (PAGE_NUMBER_RE.test(text)) drop.add(line);
      const key = text.replace(/\d+/g, '#').toLowerCase();
      if (!seen.has(key)) counts.set(key, (counts.get(key) ?? 0) + 1);
      seen.add(key);
    }
  }
  if (pages.length >= 2) {
    for (const { page, lines } of pages) {
      for (const { line, text } of lines) {
        const n = counts.get(text.replace(/\d+/g, '#').toLowerCase()) ?? 0;
        if (margin(page, line) && n >= 2 && n >= pages.length * 0.5) drop.add(line);
      }
    }
  }
  return drop;
}
