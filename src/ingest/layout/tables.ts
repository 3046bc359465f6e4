/**
 * Table regions from word positions. A table is a stretch of lines whose words leave vertical
 * "rivers" (x ranges no line covers) at the same places: the column gaps. Prose lines run across
 * the rivers, which is what separates a table from the paragraphs around it. Rows are rebuilt
 * from ruling lines when the page image gave us some, else from the vertical pitch (cell padding
 * makes the gap between rows larger than the gap between lines of one cell), else from the STT
 * column. Multi-line cells are joined within their cell, so task ↔ lead ↔ deadline stay together
 * (plain tesseract output reads a ruled table column after column).
 */
import type { LineMetrics } from './lines.js';
import { meanConf, median, type VisualLine, type WordBox } from './words.js';

export interface RebuiltTable {
  /** Header cells, when the first row is not a numbered data row. */
  header?: string[];
  headerConfidence?: number;
  rows: Array<{ cells: string[]; confidence?: number }>;
  /** Index range [first, last] of the page lines the table consumed. */
  from: number;
  to: number;
}

export interface TableOptions {
  /** Fewer columns than this are not a table (two-column header and signature blocks). Default: 3. */
  minColumns?: number;
  /** Horizontal rules (y) found on the page image, top-down. */
  hRules?: readonly number[];
}

const ORDINAL_RE = /^(\d{1,3}(\.\d{1,3})*\.?|[IVXLC]{1,6}\.?|[a-zđ][).]?)$/u;

export function isOrdinal(text: string): boolean {
  return ORDINAL_RE.test(text.trim());
}

interface River {
  x0: number;
  x1: number;
}

/** Find table regions in one page's lines (top to bottom). Regions never overlap. */
export function findTables(lines: readonly VisualLine[], metrics: LineMetrics, options: TableOptions = {}): RebuiltTable[] {
  const minColumns = options.minColumns ?? 3;
  const tables: RebuiltTable[] = [];
  const textWidth = lines.length ? Math.max(...lines.map((l) => l.segments[l.segments.length - 1]!.x1)) - Math.min(...lines.map((l) => l.segments[0]!.x0)) : 0;
  let i = 0;
  while (i < lines.length) {
    if (lines[i]!.segments.length < 2) {
      i++;
      continue;
    }
    // Candidate run: seeds (multi-segment lines) with at most 4 single-segment lines between them.
    // Narrow single-segment lines are cell fragments (a tall cell in one column, the rest of a row
    // that broke at the page end) and do not count; wide ones are prose.
    let end = i;
    let gapRun = 0;
    let narrowRun = 0;
    for (let j = i + 1; j < lines.length; j++) {
      if (lines[j]!.segments.length >= 2) {
        end = j;
        gapRun = 0;
        narrowRun = 0;
      } else if (lineWidth(lines[j]!) < textWidth * 0.35 && ++narrowRun <= 12) continue;
      else if (++gapRun > 4) break;
    }
    const found = bestTableInRun(lines, i, end, metrics, minColumns, options.hRules ?? []);
    if (found) {
      tables.push(found);
      i = found.to + 1;
    } else i = end + 1;
  }
  return tables;
}

/**
 * The run may open with lines of another two-column block (the header block or the signature
 * block above an appendix: "Nơi nhận: | KT. CHỦ TỊCH", then "PHỤ LỤC" and its title). Their columns
 * hide the table's own gaps, so the run is also tried from each later stretch of multi-column
 * lines; the reading with the most columns wins, the longer one on ties.
 */
function bestTableInRun(
  lines: readonly VisualLine[],
  start: number,
  end: number,
  metrics: LineMetrics,
  minColumns: number,
  hRules: readonly number[],
): RebuiltTable | undefined {
  let best = tableInRun(lines, start, end, metrics, minColumns, hRules);
  const width = (t: RebuiltTable): number => Math.max(t.header?.length ?? 0, ...t.rows.map((r) => r.cells.length));
  for (let k = start + 1; k <= end; k++) {
    // A later stretch starts where a multi-column line follows a single-column one.
    if (lines[k]!.segments.length < 2 || lines[k - 1]!.segments.length >= 2) continue;
    const t = tableInRun(lines, k, end, metrics, minColumns, hRules);
    if (t && (!best || width(t) > width(best) || (width(t) === width(best) && t.to - t.from > best.to - best.from))) best = t;
  }
  return best;
}

function tableInRun(
  lines: readonly VisualLine[],
  start: number,
  end: number,
  metrics: LineMetrics,
  minColumns: number,
  hRules: readonly number[],
): RebuiltTable | undefined {
  const seeds = lines.slice(start, end + 1).filter((l) => l.segments.length >= 2);
  if (seeds.length < 2) return undefined;
  const rivers = findRivers(seeds, metrics);
  if (rivers.length + 1 < minColumns) return undefined;

  // Keep the longest stretch of compatible lines containing at least two seeds.
  let best: { from: number; to: number } | undefined;
  let from = -1;
  const close = (to: number): void => {
    if (from < 0) return;
    const n = lines.slice(from, to + 1).filter((l) => l.segments.length >= 2).length;
    if (n >= 2 && (!best || to - from > best.to - best.from)) best = { from, to };
    from = -1;
  };
  for (let k = start; k <= end; k++) {
    if (compatible(lines[k]!, rivers, metrics)) {
      if (from < 0) from = k;
    } else close(k - 1);
  }
  close(end);
  if (!best) return undefined;

  // A last row's continuation lines may follow the last seed; take them while they sit close.
  const pitch = median(diffs(lines.slice(best.from, best.to + 1).map((l) => l.yc))) || metrics.wordHeight * 1.5;
  while (
    best.to + 1 < lines.length &&
    lines[best.to + 1]!.segments.length === 1 &&
    compatible(lines[best.to + 1]!, rivers, metrics) &&
    lines[best.to + 1]!.yc - lines[best.to]!.yc <= pitch * 1.25 &&
    columnOf(lines[best.to + 1]!.segments[0]!.x0 + 1, rivers) > 0
  ) {
    best.to++;
  }
  const tableLines = lines.slice(best.from, best.to + 1);
  const cellsPerLine = tableLines.map((l) => assignCells(l, rivers, metrics));
  const used = new Set(cellsPerLine.flatMap((cells) => cells.flatMap((c, idx) => (c.length ? [idx] : []))));
  if (used.size < minColumns) return undefined;

  // Group rows are rows of their own whatever the spacing around them says.
  const groupLines = new Set(tableLines.flatMap((l, k) => (k > 0 && isGroupRow(l, rivers, metrics) ? [k] : [])));
  const rowStarts = splitDiscontiguous(
    [...new Set([...rowBreaks(tableLines, cellsPerLine, hRules, metrics), ...[...groupLines].flatMap((k) => (k + 1 < tableLines.length ? [k, k + 1] : [k]))])].sort((a, b) => a - b),
    cellsPerLine,
  );
  const rows: Array<{ cells: string[]; confidence?: number }> = [];
  for (let r = 0; r < rowStarts.length; r++) {
    const a = rowStarts[r]!;
    const b = r + 1 < rowStarts.length ? rowStarts[r + 1]! : tableLines.length;
    const cells: string[] = [];
    const words: WordBox[] = [];
    for (let c = 0; c <= rivers.length; c++) {
      const fragments = cellsPerLine.slice(a, b).map((cl) => cl[c] ?? []);
      words.push(...fragments.flat());
      cells.push(joinCellLines(fragments.filter((f) => f.length).map((f) => f.map((w) => w.text).join(' '))));
    }
    const confidence = meanConf(words);
    rows.push(confidence !== undefined ? { cells, confidence } : { cells });
  }
  const first = rows[0];
  const hasHeader = first !== undefined && rows.length >= 2 && !isOrdinal(first.cells[0] ?? '') && first.cells.filter(Boolean).length >= 2;
  // The header repeated inside the table (after a group row, or on a page the table continues on)
  // is not a data row.
  const headerKey = hasHeader ? cellsKey(first.cells) : '';
  const body = hasHeader ? rows.slice(1).filter((r) => cellsKey(r.cells) !== headerKey) : rows;
  return {
    ...(hasHeader ? { header: first.cells } : {}),
    ...(hasHeader && first.confidence !== undefined ? { headerConfidence: first.confidence } : {}),
    rows: body,
    from: best.from,
    to: best.to,
  };
}

function cellsKey(cells: readonly string[]): string {
  return cells.map((c) => c.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '')).join('|');
}

/** x ranges that (almost) no seed line covers, between the leftmost and rightmost text. */
function findRivers(seeds: readonly VisualLine[], metrics: LineMetrics): River[] {
  const minX = Math.min(...seeds.map((l) => l.segments[0]!.x0));
  const maxX = Math.max(...seeds.map((l) => l.segments[l.segments.length - 1]!.x1));
  const res = Math.max(metrics.charWidth / 4, 0.25);
  const n = Math.ceil((maxX - minX) / res) + 1;
  const cover = new Uint16Array(n);
  for (const l of seeds) {
    for (const s of l.segments) {
      const a = Math.floor((s.x0 - minX) / res);
      const b = Math.ceil((s.x1 - minX) / res);
      for (let k = Math.max(0, a); k <= Math.min(n - 1, b); k++) cover[k]!++;
    }
  }
  // Tolerate a few crossings: group rows ("I | Chính quyền số") and OCR noise span the gaps.
  const allowed = Math.floor(seeds.length * 0.15);
  const minWidth = metrics.charWidth * 0.8;
  const rivers: River[] = [];
  let k = 0;
  while (k < n) {
    if (cover[k]! <= allowed) {
      let e = k;
      while (e + 1 < n && cover[e + 1]! <= allowed) e++;
      if ((e - k + 1) * res >= minWidth && k > 0 && e < n - 1) rivers.push({ x0: minX + k * res, x1: minX + (e + 1) * res });
      k = e + 1;
    } else k++;
  }
  return rivers;
}

/**
 * The text of one cell is contiguous: a column that had text, then an empty line, then text again
 * within one row is two rows (the header, then the rest of a row a page break cut, with no STT).
 */
function splitDiscontiguous(starts: readonly number[], cells: readonly WordBox[][][]): number[] {
  const out: number[] = [];
  for (let r = 0; r < starts.length; r++) {
    const a = starts[r]!;
    const b = r + 1 < starts.length ? starts[r + 1]! : cells.length;
    out.push(a);
    let state = new Map<number, 'open' | 'closed'>();
    for (let k = a; k < b; k++) {
      const line = cells[k]!;
      if (k > a && line.some((c, col) => c.length > 0 && state.get(col) === 'closed')) {
        out.push(k);
        state = new Map();
      }
      line.forEach((c, col) => {
        if (c.length > 0) state.set(col, 'open');
        else if (state.get(col) === 'open') state.set(col, 'closed');
      });
    }
  }
  return out;
}

function lineWidth(line: VisualLine): number {
  return line.segments[line.segments.length - 1]!.x1 - line.segments[0]!.x0;
}

function columnOf(x: number, rivers: readonly River[]): number {
  let c = 0;
  for (const r of rivers) if (x >= (r.x0 + r.x1) / 2) c++;
  return c;
}

function crosses(x0: number, x1: number, r: River, tol: number): boolean {
  return x0 < r.x0 - tol && x1 > r.x1 + tol;
}

/**
 * A group row spanning the whole table ("I. Nhóm nhiệm vụ về hạ tầng thương mại", a gridSpan cell):
 * one segment that opens with an ordinal in the first column and runs across the column gaps.
 */
function isGroupRow(line: VisualLine, rivers: readonly River[], metrics: LineMetrics): boolean {
  const segs = line.segments;
  if (segs.length !== 1 || rivers.length === 0) return false;
  const s = segs[0]!;
  const tol = metrics.charWidth * 0.5;
  const first = s.words[0]?.text.split(/\s+/u)[0] ?? '';
  return isOrdinal(first) && /^[IVXLC\d]/u.test(first) && columnOf(s.x0 + tol, rivers) === 0 && rivers.some((r) => crosses(s.x0, s.x1, r, tol));
}

function compatible(line: VisualLine, rivers: readonly River[], metrics: LineMetrics): boolean {
  const tol = metrics.charWidth * 0.5;
  const segs = line.segments;
  if (isGroupRow(line, rivers, metrics)) return true;
  return segs.every((s, idx) => {
    if (!rivers.some((r) => crosses(s.x0, s.x1, r, tol))) return true;
    // Group row: an ordinal in the first column, its label running across the others.
    return idx === 1 && segs.length === 2 && isOrdinal(segs[0]!.text) && columnOf(segs[0]!.x1, rivers) === 0 && columnOf(s.x0 + tol, rivers) === 1;
  });
}

function assignCells(line: VisualLine, rivers: readonly River[], metrics: LineMetrics): WordBox[][] {
  const cells: WordBox[][] = Array.from({ length: rivers.length + 1 }, () => []);
  const tol = metrics.charWidth * 0.5;
  for (const s of line.segments) {
    if (rivers.some((r) => crosses(s.x0, s.x1, r, tol))) {
      // Group-row label: keep it whole in the column it starts in.
      cells[columnOf(s.x0 + tol, rivers)]!.push(...s.words);
      continue;
    }
    for (const w of s.words) cells[columnOf((w.x0 + w.x1) / 2, rivers)]!.push(w);
  }
  return cells;
}

function diffs(ys: readonly number[]): number[] {
  const out: number[] = [];
  for (let k = 1; k < ys.length; k++) out.push(ys[k]! - ys[k - 1]!);
  return out;
}

/** Indexes (into the table's lines) where a new row starts; always includes 0. */
function rowBreaks(lines: readonly VisualLine[], cells: readonly WordBox[][][], hRules: readonly number[], metrics: LineMetrics): number[] {
  const starts = [0];
  const top = lines[0]!.y0;
  const bottom = lines[lines.length - 1]!.y1;
  const inside = hRules.filter((y) => y > top && y < bottom);
  if (inside.length >= 1) {
    for (let k = 1; k < lines.length; k++) {
      if (inside.some((y) => y > lines[k - 1]!.yc && y < lines[k]!.yc)) starts.push(k);
    }
    // Rules found on a blurred, tilted scan may be only some of them; a numbered STT column fills in.
    return [...new Set([...starts, ...(ordinalStarts(cells) ?? [])])].sort((a, b) => a - b);
  }
  const d = diffs(lines.map((l) => l.yc));
  const small = Math.min(...d);
  // Base pitch: lines within one cell. Rows add two cell paddings (and a rule) on top of it.
  const base = median(d.filter((x) => x <= small * 1.2)) || small;
  const wide = d.map((x) => x > base * 1.3 && x - base > metrics.wordHeight * 0.3);
  if (wide.some(Boolean) && wide.some((w) => !w)) {
    wide.forEach((w, k) => {
      if (w) starts.push(k + 1);
    });
    return starts;
  }
  // Evenly spaced lines: a numbered first column starts each row; otherwise one line per row.
  // Word and LibreOffice tables with tight cell padding leave row gaps a fraction of a point wider
  // than line gaps, so the STT column is what is left: an ordinal, a column-number cell "(1)", a
  // group row's "I." or the header's first cell repeated starts a row.
  const numbered = ordinalStarts(cells);
  if (numbered) return numbered;
  for (let k = 1; k < lines.length; k++) starts.push(k);
  return starts;
}

/**
 * Row starts from a numbered first column, when most of its lines are row starters: an ordinal,
 * a column-number cell "(1)", a group row's "I." or the header's first cell repeated.
 */
function ordinalStarts(cells: readonly WordBox[][][]): number[] | undefined {
  const firstCol = cells.map((c) => (c[0] ?? []).map((w) => w.text).join(' '));
  const starter = (t: string): boolean => isOrdinal(t) || /^\(\d{1,2}\)$/u.test(t) || /^(?:[IVXLC]{1,6}|\d{1,3})[.)]$/u.test(t.split(/\s+/u)[0] ?? '') || t === firstCol[0];
  const filled = firstCol.filter(Boolean);
  if (filled.length < 2 || filled.filter(starter).length / filled.length < 0.6) return undefined;
  const starts = [0];
  for (let k = 1; k < cells.length; k++) if (firstCol[k] && starter(firstCol[k]!)) starts.push(k);
  return starts;
}

/** Join the lines of one cell; a word broken at a hyphen ("e-" / "office") is glued back. */
export function joinCellLines(parts: readonly string[]): string {
  let out = '';
  for (const p of parts) {
    const t = p.trim();
    if (!t) continue;
    // A hyphenated word, or a date or number the cell width broke ("Trước 30/9/202" / "4").
    if ((/\p{L}-$/u.test(out) && /^[\p{Ll}\p{N}]/u.test(t)) || (/(?:^|\s)\d{1,2}\/\d{1,2}\/\d{0,3}$|\d\/$/u.test(out) && /^\d/u.test(t))) out += t;
    else out = out ? `${out} ${t}` : t;
  }
  return out;
}
