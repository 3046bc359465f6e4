/**
 * Tables: recognising them in plain text (pipe / markdown, tab-per-cell, TSV, OCR-interleaved) and
 * turning any table block (from text, HTML/DOCX or a PDF/OCR reader) into a `TableNode` with a
 * header, group rows and data rows.
 */
import type { LineSpan, SourceBlock, TableNode, TableRow } from '../domain/document.js';
import { fold, squash } from '../text/normalize.js';
import { parseOcrTable } from './ocr-table.js';

export type TableBlock = Extract<SourceBlock, { kind: 'table' }>;

/** Folded words that name table columns in Vietnamese plans and reports. */
const HEADER_WORDS =
  /^(stt|tt|so tt|nhiem vu|noi dung|ten nhiem vu|co quan chu tri|don vi chu tri|chu tri|co quan phoi hop|don vi phoi hop|phoi hop|thoi gian|thoi han|tien do|ghi chu|ket qua|chi tieu|san pham|don vi|co quan|trich yeu|so ky hieu|ngay|ten|kinh phi|nguon von|du kien|thoi gian hoan thanh|don vi chi dao|lo trinh|muc tieu|giai doan|dia ban|so luong|nam)/;

export function isHeaderCell(cell: string): boolean {
  const f = fold(squash(cell));
  return f.length > 0 && f.length < 60 && HEADER_WORDS.test(f);
}

/** A row is a header when most of its non-empty cells are column names, starting with STT or similar. */
export function isHeaderRow(cells: readonly string[]): boolean {
  const filled = cells.map((c) => c.trim()).filter((c) => c.length > 0);
  if (filled.length < 2) return false;
  const named = filled.filter(isHeaderCell).length;
  return named >= 2 && named / filled.length >= 0.6;
}

const ROMAN_RE = /^(?=[IVXLC])(C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$/;
export function isRoman(s: string): boolean {
  return s.length > 0 && ROMAN_RE.test(s);
}

/** "1", "1.", "12", "1.2" → data ordinal; "I", "II." → group; "a", "A" → letters. */
function ordinalOf(cell: string): { ordinal: string; kind: 'arabic' | 'roman' | 'letter' } | undefined {
  const t = cell.trim().replace(/[.)]$/, '');
  if (/^\d{1,3}(\.\d{1,3})*$/.test(t)) return { ordinal: t, kind: 'arabic' };
  if (isRoman(t)) return { ordinal: t, kind: 'roman' };
  if (/^[A-ZĐa-zđ]$/.test(t)) return { ordinal: t, kind: 'letter' };
  return undefined;
}

/** "III Quyết định" in one cell: a roman ordinal glued to the group title. */
function splitGluedRoman(cell: string): { ordinal: string; title: string } | undefined {
  const m = /^([IVXLC]{1,6})[.\s]\s*(\p{Lu}.*)$/u.exec(cell.trim());
  if (m && isRoman(m[1]!)) return { ordinal: m[1]!, title: m[2]! };
  return undefined;
}

/** Markup out, spaces squashed; line breaks inside a cell (Word paragraphs, <br>) stay as "\n". */
function stripTags(cell: string): string {
  return cell
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .split('\n')
    .map(squash)
    .filter(Boolean)
    .join('\n');
}

function isSeparatorRow(cells: readonly string[]): boolean {
  const filled = cells.filter((c) => c.trim() !== '');
  return filled.length > 0 && filled.every((c) => /^:?-{2,}:?$/.test(c.trim()));
}

/**
 * The second row of a two-row header: "Cơ quan thực hiện" spanning "Chủ trì | Phối hợp", the other
 * columns merged down (repeated or empty here). Only column names, at least one new.
 */
function isSubHeader(top: readonly string[], row: readonly string[] | undefined): boolean {
  if (!row) return false;
  const sub = row.map((c) => c.trim());
  const fresh = sub.filter((c, k) => c !== '' && c !== (top[k] ?? ''));
  return fresh.length > 0 && fresh.every(isHeaderCell) && !ordinalOf(sub[0] ?? '');
}

/** One header from two rows: "Cơ quan thực hiện - Chủ trì", "Cơ quan thực hiện - Phối hợp". */
function mergeHeaders(top: readonly string[], sub: readonly string[]): string[] {
  const out: string[] = [];
  let spanning = '';
  for (let k = 0; k < Math.max(top.length, sub.length); k++) {
    const t = top[k] ?? '';
    const s = sub[k] ?? '';
    // A colspan leaves the cells right of the spanning one empty in the top row.
    if (t) spanning = t;
    const above = t || (s ? spanning : '');
    out.push(!s || s === above ? above : above ? `${above} - ${s}` : s);
  }
  return out;
}

/**
 * "(1) | (2) | (3) | …" or "1 | 2 | 3 | …" under the header: Word tables number their columns so
 * that other documents can cite them. Consecutive numbers from 1 in every cell, nothing else.
 */
function isColumnNumberRow(cells: readonly string[]): boolean {
  const filled = cells.filter((c) => c.trim() !== '');
  if (filled.length < 3 || filled.length !== cells.length) return false;
  return filled.every((c, k) => {
    const m = /^\(?(\d{1,2})\)?$/.exec(c.trim());
    return m !== null && Number(m[1]) === k + 1;
  });
}

/**
 * Build a TableNode from rows of cells: header detection, drop of empty/separator/repeated-header
 * rows, group rows (roman ordinals, or an ordinal with a single filled cell) heading the rows below,
 * continuation rows merged into the row above, and rowspan gaps in a "chỉ đạo" column refilled.
 */
export function toTableNode(block: TableBlock): TableNode {
  const rows = block.rows.map((r) => r.map(stripTags));
  let headerIndex = rows.findIndex((r, i) => i < 4 && isHeaderRow(r));
  let header = headerIndex >= 0 ? rows[headerIndex]!.map((c) => c.trim()) : [];
  const subIndex = headerIndex >= 0 && isSubHeader(header, rows[headerIndex + 1]) ? headerIndex + 1 : -1;
  if (subIndex >= 0) header = mergeHeaders(header, rows[subIndex]!.map((c) => c.trim()));
  while (header.length > 0 && header[header.length - 1] === '') header.pop();
  const directingCol = header.findIndex((h) => /chi dao/.test(fold(h)));
  const out: TableRow[] = [];
  // Arabic ordinals are data rows; roman/uppercase letters then head groups.
  const dataRowsHaveArabic = rows.some((r, i) => i !== headerIndex && ordinalOf(r[0] ?? '')?.kind === 'arabic');
  let groupPath: string[] = [];
  let letterGroup: string | undefined;
  let inheritedDirecting: string | undefined;
  const headerKey = header.map((h) => fold(h)).join('|');

  rows.forEach((cellsIn, i) => {
    if (i === headerIndex || i === subIndex) return;
    const lines: LineSpan = block.rowLines[i] ?? block.rowLines[block.rowLines.length - 1] ?? [0, 0];
    const cells = cellsIn.map((c) => c.trim());
    while (cells.length > 0 && cells[cells.length - 1] === '') cells.pop();
    if (cells.length === 0 || cells.every((c) => c === '')) return;
    if (isSeparatorRow(cells) || isColumnNumberRow(cells)) return;
    if (headerKey && cells.map((c) => fold(c)).join('|') === headerKey) return;
    const confidence = block.rowConfidence?.[i];
    const rowPage = block.rowPages?.[i] ?? block.page;
    const first = cells[0] ?? '';
    const ord = ordinalOf(first);
    // Column names again (either row of a two-row header repeated on the next page): never a task.
    if (header.length > 0 && ord?.kind !== 'arabic' && isHeaderRow(cells)) return;
    const glued = ord ? undefined : splitGluedRoman(first);
    const filled = cells.filter((c) => c !== '').length;

    const isGroup =
      (ord && (ord.kind === 'roman' || (ord.kind === 'letter' && /[A-ZĐ]/.test(ord.ordinal))) && dataRowsHaveArabic) ||
      (glued !== undefined && dataRowsHaveArabic && filled <= 2) ||
      (ord && ord.kind !== 'arabic' && filled === 2 && !dataRowsHaveArabic);
    if (isGroup) {
      const ordinal = ord?.ordinal ?? glued!.ordinal;
      const title = glued ? glued.title : (cells.slice(1).find((c) => c !== '') ?? '');
      const level = ord?.kind === 'letter' ? 0 : 1;
      // An uppercase letter group (A, B) sits above roman groups.
      const label = `${ordinal}. ${title}`;
      if (level === 0) letterGroup = label;
      groupPath = level === 0 ? [label] : [...(letterGroup ? [letterGroup] : []), label];
      inheritedDirecting = directingCol >= 0 ? cells[directingCol] || undefined : undefined;
      out.push({
        cells: glued ? [glued.ordinal, glued.title, ...cells.slice(1)] : cells,
        lines,
        kind: 'group',
        groupPath: groupPath.slice(0, -1),
        ordinal,
        ...(rowPage !== undefined ? { page: rowPage } : {}),
        ...(confidence !== undefined ? { confidence } : {}),
      });
      return;
    }

    const prev = out[out.length - 1];
    const spill = first === '' || filled >= 2 || /^\p{Ll}/u.test(first);
    if (!ord && prev && prev.kind === 'data' && dataRowsHaveArabic && spill) {
      // Continuation of the row above: either a wrapped row (first cell empty) or text that
      // spilled onto the next line of a pipe export.
      if (first === '') {
        cells.forEach((c, k) => {
          if (c === '' || k === 0) return;
          prev.cells[k] = prev.cells[k] ? `${prev.cells[k]} ${c}` : c;
        });
      } else {
        const lastIdx = prev.cells.length - 1;
        prev.cells[lastIdx] = `${prev.cells[lastIdx] ?? ''} ${first}`.trim();
        prev.cells.push(...cells.slice(1));
      }
      prev.lines = [prev.lines[0], Math.max(prev.lines[1], lines[1])];
      return;
    }

    let rowCells = cells;
    if (directingCol >= 0 && header.length > 0 && rowCells.length < header.length - 1 && directingCol < header.length) {
      // The directing unit is usually one merged cell for a whole group; flattened exports drop it
      // from every row but the first.
      if (rowCells.length <= directingCol + 1 || rowCells.length < header.length - 1) {
        rowCells = [...rowCells.slice(0, directingCol), inheritedDirecting ?? '', ...rowCells.slice(directingCol)];
      }
    } else if (directingCol >= 0 && rowCells[directingCol]) {
      inheritedDirecting = rowCells[directingCol];
    }
    if (header.length > 0 && rowCells.length > header.length) {
      // Extra fragments belong to the last column.
      rowCells = [...rowCells.slice(0, header.length - 1), rowCells.slice(header.length - 1).filter(Boolean).join(' ')];
    }
    while (header.length > 0 && rowCells.length < header.length) rowCells.push('');
    out.push({
      cells: rowCells,
      lines,
      kind: 'data',
      groupPath: [...groupPath],
      ...(ord && (ord.kind === 'arabic' || !dataRowsHaveArabic) ? { ordinal: ord.ordinal } : {}),
      ...(rowPage !== undefined ? { page: rowPage } : {}),
      ...(confidence !== undefined ? { confidence } : {}),
    });
  });

  const allLines = block.rowLines.filter((l) => l[0] > 0);
  const span: LineSpan = allLines.length
    ? [Math.min(...allLines.map((l) => l[0])), Math.max(...allLines.map((l) => l[1]))]
    : [0, 0];
  return {
    kind: 'table',
    header,
    rows: out,
    lines: span,
    ...(block.page !== undefined ? { page: block.page } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Recognising tables in plain text

export interface TextTable {
  /** 0-based inclusive range of source lines the table occupies. */
  start: number;
  end: number;
  block: TableBlock;
}

function isPipeLine(text: string): boolean {
  const t = text.trim();
  if (t === '') return false;
  if (t.startsWith('|') || t.endsWith('|')) return true;
  return (t.match(/ \| /g) ?? []).length >= 2;
}

export function splitPipeCells(text: string): string[] {
  let t = text.trim();
  if (t.startsWith('|')) t = t.slice(1);
  if (t.endsWith('|')) t = t.slice(0, -1);
  return t.split('|').map((c) => c.trim());
}

function findPipeTables(lines: readonly string[], skip: ReadonlySet<number>): TextTable[] {
  const out: TextTable[] = [];
  let i = 0;
  while (i < lines.length) {
    if (skip.has(i) || !isPipeLine(lines[i]!)) {
      i++;
      continue;
    }
    const start = i;
    let end = i;
    let j = i + 1;
    while (j < lines.length && !skip.has(j)) {
      if (isPipeLine(lines[j]!)) {
        end = j;
        j++;
        continue;
      }
      // Blank lines between pieces of one markdown table (page breaks in the export).
      let k = j;
      while (k < lines.length && lines[k]!.trim() === '' && k - j < 3) k++;
      if (k > j && k < lines.length && !skip.has(k) && isPipeLine(lines[k]!)) {
        j = k;
        continue;
      }
      break;
    }
    const pipeLines = [];
    for (let k = start; k <= end; k++) if (isPipeLine(lines[k]!)) pipeLines.push(k);
    // Two pipe lines without column names ("ỦY BAN NHÂN DÂN | CỘNG HÒA …" header blocks) are not a table.
    const hasHeader = pipeLines.some((k) => isHeaderRow(splitPipeCells(lines[k]!)));
    if (pipeLines.length >= 3 || (pipeLines.length >= 2 && hasHeader)) {
      const rows = pipeLines.map((k) => splitPipeCells(lines[k]!));
      const rowLines = pipeLines.map((k): LineSpan => [k + 1, k + 1]);
      out.push({ start, end, block: { kind: 'table', rows, rowLines } });
    }
    i = end + 1;
  }
  return out;
}

/**
 * kh114 style: one cell per line with a leading tab, rows separated by blank lines, the first row
 * being "STT / Nhiệm vụ / …". Lines without the leading tab continue the cell above.
 */
function findTabCellTables(lines: readonly string[], skip: ReadonlySet<number>, taken: (i: number) => boolean): TextTable[] {
  const out: TextTable[] = [];
  const isBlank = (k: number) => (lines[k] ?? '').trim() === '';
  for (let i = 0; i < lines.length; i++) {
    if (skip.has(i) || taken(i)) continue;
    const t = lines[i]!;
    if (!/^\t/.test(t) || !/^(stt|tt|so tt)$/.test(fold(t.trim()))) continue;
    // Header cells until a blank line.
    const header: string[] = [];
    let k = i;
    while (k < lines.length && !isBlank(k)) header.push(lines[k++]!.trim());
    if (header.length < 2 || !isHeaderRow(header)) continue;
    const rows: string[][] = [header];
    const rowLines: LineSpan[] = [[i + 1, k]];
    let end = k - 1;
    for (;;) {
      while (k < lines.length && isBlank(k)) k++;
      if (k >= lines.length || skip.has(k)) break;
      const firstCell = lines[k]!.trim();
      if (!/^\t/.test(lines[k]!) || !ordinalOf(firstCell)) break;
      const rowStart = k;
      const cells: string[] = [];
      while (k < lines.length && !isBlank(k) && !skip.has(k)) {
        const line = lines[k]!;
        if (/^\t/.test(line) || cells.length === 0) cells.push(line.trim());
        // A line without the tab is the cell wrapped by the export, not a new paragraph.
        else cells[cells.length - 1] = `${cells[cells.length - 1]} ${line.trim()}`;
        k++;
      }
      rows.push(cells);
      rowLines.push([rowStart + 1, k]);
      end = k - 1;
    }
    if (rows.length >= 2) {
      out.push({ start: i, end, block: { kind: 'table', rows, rowLines } });
      i = end;
    }
  }
  return out;
}

/** Classic TSV: consecutive lines with the same number (≥ 2) of tab-separated inner cells. */
function findTsvTables(lines: readonly string[], skip: ReadonlySet<number>, taken: (i: number) => boolean): TextTable[] {
  const out: TextTable[] = [];
  const cellsOf = (t: string) => t.replace(/^\t+/, '').split('\t').map((c) => c.trim());
  for (let i = 0; i < lines.length; i++) {
    if (skip.has(i) || taken(i)) continue;
    const first = cellsOf(lines[i]!);
    if (first.length < 2 || !isHeaderRow(first)) continue;
    let k = i + 1;
    while (k < lines.length && !skip.has(k) && !taken(k) && cellsOf(lines[k]!).length >= 2) k++;
    if (k - i >= 2) {
      const rows: string[][] = [];
      const rowLines: LineSpan[] = [];
      for (let r = i; r < k; r++) {
        rows.push(cellsOf(lines[r]!));
        rowLines.push([r + 1, r + 1]);
      }
      out.push({ start: i, end: k - 1, block: { kind: 'table', rows, rowLines } });
      i = k - 1;
    }
  }
  return out;
}

/** Find every table in a plain-text file. `skip` holds junk lines (0-based) that are never table content. */
export function findTextTables(lines: readonly string[], skip: ReadonlySet<number> = new Set()): TextTable[] {
  const found: TextTable[] = [];
  const taken = (i: number) => found.some((t) => i >= t.start && i <= t.end);
  found.push(...findPipeTables(lines, skip));
  found.push(...findTabCellTables(lines, skip, taken));
  found.push(...findTsvTables(lines, skip, taken));
  for (const t of parseOcrTable(lines, skip, taken)) found.push(t);
  return found.sort((a, b) => a.start - b.start);
}
