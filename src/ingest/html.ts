/**
 * HTML and DOCX readers. DOCX goes through mammoth to HTML and then the same DOM walk, so both
 * yield one text line per paragraph and real table blocks (rowspan repeated, colspan cells empty).
 * mammoth drops Word list numbering, so the labels are first written into the text (docx-numbering.ts).
 */
import mammoth from 'mammoth';
import { parse, type HTMLElement, NodeType, type Node } from 'node-html-parser';
import type { LineSpan, ReadResult, SourceBlock } from '../domain/document.js';
import { squash } from '../text/normalize.js';
import { cleanLine, scanJunk } from './clean.js';
import { materializeDocxNumbering } from './docx-numbering.js';
import { IngestError, type Reader } from './reader.js';
import { decodeText } from './text.js';

const BLOCK_TAGS = new Set([
  'p', 'div', 'li', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'section', 'article',
  'header', 'footer', 'main', 'ul', 'ol', 'dl', 'dt', 'dd', 'body', 'html', 'center', 'address', 'figure',
  'figcaption', 'aside', 'nav', 'form', 'fieldset', 'hr', 'br', 'tr', 'td', 'th', 'tbody', 'thead', 'tfoot',
  'caption',
]);
const SKIP_TAGS = new Set(['script', 'style', 'noscript', 'template', 'head', 'svg', 'iframe', 'button', 'select']);

type Item = { kind: 'line'; text: string } | { kind: 'table'; rows: string[][] };

function inlineText(node: Node): string {
  if (node.nodeType === NodeType.TEXT_NODE) return node.text;
  if (node.nodeType !== NodeType.ELEMENT_NODE) return '';
  const el = node as HTMLElement;
  const tag = el.tagName?.toLowerCase() ?? '';
  if (SKIP_TAGS.has(tag)) return '';
  if (tag === 'br') return '\n';
  const inner = el.childNodes.map(inlineText).join('');
  return BLOCK_TAGS.has(tag) ? `\n${inner}\n` : inner;
}

/**
 * A cell's text with its paragraph and line breaks kept as "\n": Word cells list agencies one per
 * paragraph or per line break ("Sở Công Thương⏎Cục Hải quan tỉnh"), and the break is the only
 * separator between them. Table readers that wrap lines visually (PDF, OCR) join with spaces.
 */
function cellText(el: HTMLElement): string {
  return inlineText(el)
    .split(/\n+/)
    .map((part) => squash(cleanLine(part)))
    .filter(Boolean)
    .join('\n');
}

/** Expand a <table> into a grid: rowspan repeats the cell below, colspan leaves the extra cells empty. */
function tableRows(table: HTMLElement): string[][] {
  const rows = table.querySelectorAll('tr').filter((tr) => tr.closest('table') === table);
  const grid: string[][] = [];
  const pending: Array<{ col: number; text: string; left: number }> = [];
  rows.forEach((tr, r) => {
    const row: string[] = [];
    grid[r] = row;
    const cells = tr.childNodes.filter(
      (n): n is HTMLElement => n.nodeType === NodeType.ELEMENT_NODE && /^(td|th)$/i.test((n as HTMLElement).tagName),
    );
    let col = 0;
    const fillSpans = () => {
      for (;;) {
        const span = pending.find((p) => p.col === col && p.left > 0);
        if (!span) break;
        row[col] = span.text;
        span.left--;
        col++;
      }
    };
    for (const cell of cells) {
      fillSpans();
      const text = cellText(cell);
      const colspan = Math.max(1, Math.min(50, Number(cell.getAttribute('colspan') ?? 1) || 1));
      const rowspan = Math.max(1, Math.min(500, Number(cell.getAttribute('rowspan') ?? 1) || 1));
      row[col] = text;
      if (rowspan > 1) pending.push({ col, text, left: rowspan - 1 });
      for (let k = 1; k < colspan; k++) row[col + k] = '';
      col += colspan;
    }
    fillSpans();
    for (let k = 0; k < row.length; k++) row[k] = row[k] ?? '';
  });
  return grid.filter((r) => r.some((c) => c !== ''));
}

function walk(node: Node, out: Item[]): void {
  if (node.nodeType === NodeType.TEXT_NODE) {
    const text = node.text;
    if (text.trim()) out.push({ kind: 'line', text });
    return;
  }
  if (node.nodeType !== NodeType.ELEMENT_NODE) return;
  const el = node as HTMLElement;
  const tag = el.tagName?.toLowerCase() ?? '';
  if (SKIP_TAGS.has(tag)) return;
  if (tag === 'table') {
    out.push({ kind: 'table', rows: tableRows(el) });
    return;
  }
  const hasBlockChild = el.childNodes.some(
    (c) => c.nodeType === NodeType.ELEMENT_NODE && BLOCK_TAGS.has((c as HTMLElement).tagName?.toLowerCase() ?? '') || (c.nodeType === NodeType.ELEMENT_NODE && (c as HTMLElement).tagName?.toLowerCase() === 'table'),
  );
  if (!tag || !BLOCK_TAGS.has(tag) || hasBlockChild) {
    if (!BLOCK_TAGS.has(tag) && tag && !hasBlockChild) {
      out.push({ kind: 'line', text: inlineText(el) });
      return;
    }
    for (const c of el.childNodes) walk(c, out);
    return;
  }
  let text = inlineText(el);
  if (tag === 'li' && el.parentNode && (el.parentNode as HTMLElement).tagName?.toLowerCase() === 'ul') text = `- ${text.trim()}`;
  out.push({ kind: 'line', text });
}

/** Turn HTML into a ReadResult: one rendering line per paragraph and per table row. */
export function readHtmlString(html: string, format: 'html' | 'docx'): ReadResult {
  const root = parse(html, { comment: false, blockTextElements: { script: false, style: false, pre: true } });
  const title = squash(root.querySelector('title')?.text ?? '');
  const body = root.querySelector('body') ?? root;
  const items: Item[] = [];
  walk(body, items);

  const lines: string[] = [];
  const blocks: SourceBlock[] = [];
  const pendingLines: Array<{ text: string; line: number }> = [];
  for (const item of items) {
    if (item.kind === 'line') {
      for (const part of item.text.split('\n')) {
        // Word tab stops set the header block's two columns in one paragraph ("Số: 77/KH-UBND⇥⇥Khánh
        // Hòa, ngày …"): keep them apart as " | " (metadata reads pipes as column gaps). In HTML a
        // tab is only source indentation.
        const columns = format === 'docx' ? part.trim().replace(/[^\S\n]*\t[\t ]*/g, ' | ') : part;
        const text = squash(cleanLine(columns));
        if (!text) continue;
        lines.push(text);
        pendingLines.push({ text, line: lines.length });
        blocks.push({ kind: 'line', text, line: lines.length });
      }
    } else if (item.rows.length > 0) {
      const rowLines: LineSpan[] = [];
      for (const row of item.rows) {
        lines.push(row.map((c) => c.replace(/\n/g, ' ')).join(' | '));
        rowLines.push([lines.length, lines.length]);
      }
      blocks.push({ kind: 'table', rows: item.rows, rowLines });
    }
  }
  // Web-export junk applies to saved web pages too.
  const { junk, webMeta } = scanJunk(lines);
  const kept = blocks.filter((b) => b.kind !== 'line' || !junk.has(b.line - 1));
  const result: ReadResult = {
    format,
    blocks: kept,
    lines,
    ...(title ? { metaHints: { title } } : {}),
  };
  if (Object.keys(webMeta).length) result.webMeta = webMeta;
  return result;
}

export const readHtml: Reader = async (_file, bytes) => readHtmlString(decodeText(bytes), 'html');

const OLE_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

export const readDocx: Reader = async (_file, bytes, options) => {
  if (bytes.subarray(0, 8).equals(OLE_MAGIC)) {
    // Password-protected OOXML is wrapped in an OLE container, as are legacy .doc files.
    throw new IngestError('INGEST_UNREADABLE', 'not a .docx package: encrypted (password-protected) or a legacy .doc file');
  }
  if (bytes.subarray(0, 2).toString('latin1') !== 'PK') {
    throw new IngestError('INGEST_UNREADABLE', 'not a .docx package (no zip signature); the file is corrupt or mislabelled');
  }
  let html: string;
  try {
    const numbered = await materializeDocxNumbering(bytes, { logger: options.logger });
    const out = await mammoth.convertToHtml({ buffer: numbered });
    html = out.value;
    for (const m of out.messages) if (m.type === 'error') options.logger?.warn({ message: m.message }, 'docx conversion');
  } catch (err) {
    throw new IngestError('INGEST_UNREADABLE', `corrupt .docx: ${(err as Error).message}`, { cause: err });
  }
  return readHtmlString(`<html><body>${html}</body></html>`, 'docx');
};
