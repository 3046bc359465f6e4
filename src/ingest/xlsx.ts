/**
 * Excel workbooks (.xlsx): task appendices and lists that offices keep as spreadsheets. Read with
 * exceljs (well kept, streams-free load of one workbook, the same library the board export uses).
 * Each sheet becomes title lines (rows above the table: "PHỤ LỤC …", a merged title row) followed
 * by one table block whose first row is the header, so the appendix-table task extraction reads an
 * .xlsx task sheet exactly like the table of a .docx.
 *
 * Merged cells: a cell merged across columns (a title or group row) keeps its text once; merged
 * down a column (a lead agency for several rows) repeats it on each row, as the .docx reader does
 * for rowspan.
 */
import ExcelJS from 'exceljs';
import type { LineSpan, ReadResult, SourceBlock } from '../domain/document.js';
import { squash } from '../text/normalize.js';
import { cleanLine } from './clean.js';
import { IngestError, type Reader } from './reader.js';

/** Rows read per sheet; more is not a task sheet a person keeps. Default: 20,000. */
export const MAX_SHEET_ROWS = 20_000;
/** Columns read per row. Default: 100. */
export const MAX_SHEET_COLUMNS = 100;

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Excel stores dates as UTC midnight of the calendar day. */
function dateText(d: Date): string {
  return Number.isNaN(d.getTime()) ? '' : `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`;
}

function valueText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return dateText(value);
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Math.round(value * 1e6) / 1e6).replace('.', ',');
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'Có' : 'Không';
  if (typeof value === 'object') {
    if ('richText' in value && Array.isArray(value.richText)) return value.richText.map((r) => r.text).join('');
    if ('formula' in value || 'sharedFormula' in value) return valueText((value as ExcelJS.CellFormulaValue).result as ExcelJS.CellValue);
    if ('text' in value && typeof (value as ExcelJS.CellHyperlinkValue).text === 'string') return (value as ExcelJS.CellHyperlinkValue).text;
    if ('error' in value) return '';
  }
  return String(value);
}

/** Cell text with its line breaks kept (agencies one per line), each line cleaned. */
function cellText(cell: ExcelJS.Cell): string {
  let source: ExcelJS.Cell = cell;
  if (cell.isMerged && cell.master && cell.master !== cell) {
    // Merged across: the text belongs to the first cell only.
    if (cell.master.row === cell.row) return '';
    source = cell.master;
  }
  return valueText(source.value)
    .split(/\r?\n/)
    .map((part) => squash(cleanLine(part)))
    .filter(Boolean)
    .join('\n');
}

/** The row that heads the table: the first with at least two filled cells covering half the used columns. */
function headerIndex(rows: string[][], width: number): number {
  const need = Math.max(2, Math.ceil(width / 2));
  const at = rows.findIndex((r) => r.filter((c) => c !== '').length >= need);
  return at < 0 ? rows.findIndex((r) => r.filter((c) => c !== '').length >= 2) : at;
}

export const readXlsx: Reader = async (_file, bytes) => {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch (err) {
    throw new IngestError('INGEST_UNREADABLE', `corrupt .xlsx: ${(err as Error).message}`, { cause: err });
  }
  const lines: string[] = [];
  const blocks: SourceBlock[] = [];
  const warnings: string[] = [];
  const addLine = (text: string) => {
    lines.push(text);
    blocks.push({ kind: 'line', text, line: lines.length });
  };

  for (const sheet of workbook.worksheets) {
    if (sheet.state && sheet.state !== 'visible') continue;
    const lastRow = Math.min(sheet.rowCount, MAX_SHEET_ROWS);
    if (sheet.rowCount > MAX_SHEET_ROWS) warnings.push(`sheet "${sheet.name}": only the first ${MAX_SHEET_ROWS} rows were read`);
    const width = Math.min(sheet.columnCount, MAX_SHEET_COLUMNS);
    const rows: string[][] = [];
    for (let r = 1; r <= lastRow; r++) {
      const row = sheet.getRow(r);
      const cells: string[] = [];
      for (let c = 1; c <= width; c++) cells.push(cellText(row.getCell(c)));
      rows.push(cells);
    }
    // Drop empty rows and columns nobody filled.
    const filled = rows.filter((r) => r.some((c) => c !== ''));
    if (filled.length === 0) continue;
    const used = Array.from({ length: width }, (_, c) => filled.some((r) => r[c] !== ''));
    const trimmed = filled.map((r) => r.filter((_, c) => used[c]));
    const usedWidth = used.filter(Boolean).length;
    const head = headerIndex(trimmed, usedWidth);
    // Rows above the table (titles, "PHỤ LỤC", the plan it belongs to) are lines of text.
    for (const row of head < 0 ? trimmed : trimmed.slice(0, head)) addLine(row.filter(Boolean).join(' | '));
    if (head < 0) continue;
    const tableRows = trimmed.slice(head);
    const rowLines: LineSpan[] = [];
    for (const row of tableRows) {
      lines.push(row.map((c) => c.replace(/\n/g, ' ')).join(' | '));
      rowLines.push([lines.length, lines.length]);
    }
    blocks.push({ kind: 'table', rows: tableRows, rowLines });
  }
  const title = squash(workbook.title ?? '');
  return {
    format: 'docx',
    blocks,
    lines,
    ...(title ? { metaHints: { title } } : {}),
    ...(warnings.length ? { warnings } : {}),
  } satisfies ReadResult;
};
