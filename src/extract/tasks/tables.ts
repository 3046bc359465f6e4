/**
 * Task tables ("STT | Nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian hoàn thành | Ghi chú"):
 * columns are recognised by header words, group rows become the section path, each data row is
 * one record with its printed ordinal. Rows that do not parse are kept with raw text and a low
 * confidence rather than dropped.
 */
import type { SectionNode, TableNode, TableRow } from '../../domain/document.js';
import type { AgencyRef, Deadline, Target } from '../../domain/records.js';
import { fold, squash } from '../../text/normalize.js';
import { parseDeadline } from '../deadlines.js';
import { sectionTitleOf, type ExtractContext, type TaskDraft } from './context.js';
import { figureOf } from './targets.js';

export type ColumnRole = 'ordinal' | 'task' | 'directing' | 'lead' | 'coop' | 'deadline' | 'note' | 'result' | 'target';

export function columnRole(header: string): ColumnRole | undefined {
  const h = fold(header).replace(/\s+/g, ' ').trim();
  if (/^(?:stt|tt|so tt|so thu tu)\.?$/.test(h)) return 'ordinal';
  if (/chi dao/.test(h)) return 'directing';
  if (/chu tri/.test(h)) return 'lead';
  if (/phoi hop/.test(h)) return 'coop';
  if (/thoi gian|thoi han|tien do|han hoan thanh|thoi diem|lo trinh/.test(h)) return 'deadline';
  if (/ghi chu/.test(h)) return 'note';
  if (/ket qua/.test(h)) return 'result';
  if (/chi tieu/.test(h)) return 'target';
  if (/nhiem vu|noi dung|cong viec|hoat dong|giai phap|de an|du an|ten/.test(h)) return 'task';
  if (/(?:co quan|don vi)(?: thuc hien| trien khai)?$/.test(h)) return 'lead';
  return undefined;
}

export interface TableColumns {
  roles: Array<ColumnRole | undefined>;
  index: Partial<Record<ColumnRole, number>>;
}

export function tableColumns(table: TableNode): TableColumns {
  const roles = table.header.map(columnRole);
  const index: Partial<Record<ColumnRole, number>> = {};
  roles.forEach((r, i) => {
    if (r && index[r] === undefined) index[r] = i;
  });
  if (index.task === undefined && index.target !== undefined) index.task = index.target;
  if (index.task === undefined) {
    // Headers garbled by OCR often lose "Nhiệm vụ": take the first unlabelled column.
    const free = roles.findIndex((r, i) => r === undefined && i !== index.ordinal);
    if (free >= 0) index.task = free;
    else if (index.ordinal !== undefined && index.ordinal + 1 < table.header.length) index.task = index.ordinal + 1;
  }
  return { roles, index };
}

/** Tables that list tasks: a task column plus at least one of lead/cooperating/deadline/result. */
export function isTaskTable(cols: TableColumns): boolean {
  const i = cols.index;
  return i.task !== undefined && (i.lead !== undefined || i.coop !== undefined || i.deadline !== undefined || i.directing !== undefined || i.result !== undefined);
}

const cell = (row: TableRow, i: number | undefined): string => (i === undefined ? '' : squash(row.cells[i] ?? ''));
/** An agency cell keeps its line breaks: in Word cells they separate the agencies listed. */
const agencyCell = (row: TableRow, i: number | undefined): string =>
  i === undefined ? '' : (row.cells[i] ?? '').split('\n').map(squash).filter(Boolean).join('\n');

/**
 * Split an agency cell that names roles ("Sở Nội vụ chủ trì; Trung tâm … phối hợp", "Văn phòng UBND
 * tỉnh (chủ trì); các sở, ban, ngành") into lead and cooperating text, role words removed. Without
 * any role word the cell is all lead — or, in a combined "chủ trì, phối hợp" column, its first
 * agency leads and the others cooperate.
 */
export function splitRoles(cell: string, combined: boolean): { lead: string; coop: string } {
  if (!cell) return { lead: '', coop: '' };
  const folded = fold(cell);
  if (!/\b(?:chu tri|phoi hop)\b/.test(folded)) {
    if (!combined) return { lead: cell, coop: '' };
    const cut = /[;\n]/.exec(cell) ?? /,/.exec(cell);
    return cut ? { lead: cell.slice(0, cut.index), coop: cell.slice(cut.index + 1) } : { lead: cell, coop: '' };
  }
  const lead: string[] = [];
  const coop: string[] = [];
  const segments = cell.split(/[;\n]/).map((x) => x.trim()).filter(Boolean);
  segments.forEach((segment, k) => {
    const f = fold(segment);
    const clean = segment
      .replace(/\(\s*(?:chủ trì|phối hợp)\s*\)/giu, ' ')
      .replace(/(?<!\p{L})(?:chủ trì|phối hợp)(?!\p{L})\s*[.:]?/giu, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    if (!clean) return;
    if (/\bphoi hop\b/.test(f)) coop.push(clean);
    else if (/\bchu tri\b/.test(f) || k === 0) lead.push(clean);
    else coop.push(clean);
  });
  return { lead: lead.join('; '), coop: coop.join('; ') };
}

function groupOrdinal(label: string): string {
  const m = /^\s*([^.\s)]+)[.)]/.exec(label);
  return m ? m[1]! : label;
}

/**
 * Lead cells a PDF or scan leaves empty because Word merged them vertically: the merged text is
 * printed once (at the top or in the middle of the block), so the other rows of the block show
 * nothing. An empty lead cell takes the nearest filled one of its group (the one above on a tie).
 * Word and HTML tables repeat merged cells already (rowspan/vMerge), so only page layouts need this.
 */
function mergedLeadCells(ctx: ExtractContext, table: TableNode, leadCol: number | undefined): Map<TableRow, string> {
  const out = new Map<TableRow, string>();
  const fromPages = ctx.doc.meta.format === 'pdf' || ctx.doc.meta.format === 'image';
  if (!fromPages || leadCol === undefined) return out;
  const data = table.rows.filter((r) => r.kind === 'data');
  const text = data.map((r) => agencyCell(r, leadCol));
  const group = data.map((r) => r.groupPath.join('\u0000'));
  data.forEach((row, k) => {
    if (text[k]) return;
    let best: number | undefined;
    for (let d = 1; d < data.length && best === undefined; d++) {
      for (const j of [k - d, k + d]) {
        if (j >= 0 && j < data.length && group[j] === group[k] && text[j]) {
          best = j;
          break;
        }
      }
    }
    if (best !== undefined) out.set(row, text[best]!);
  });
  return out;
}

export function tableTasks(
  ctx: ExtractContext,
  table: TableNode,
  ancestors: SectionNode[],
): { drafts: TaskDraft[]; targets: Array<Omit<Target, 'id'>> } {
  const cols = tableColumns(table);
  if (!isTaskTable(cols)) return { drafts: [], targets: [] };
  const pctx = ctx.province ? { province: ctx.province } : undefined;
  const ocr = new Set(ctx.doc.ocrPages ?? []);
  const basePath = ancestors.length ? ancestors[ancestors.length - 1]!.path : [];
  const drafts: TaskDraft[] = [];
  const targets: Array<Omit<Target, 'id'>> = [];
  const i = cols.index;
  // One column for both roles ("Cơ quan chủ trì, phối hợp"): the first agency leads unless marked.
  const combined = i.lead !== undefined && i.coop === undefined && /phoi hop/.test(fold(table.header[i.lead] ?? ''));
  const merged = mergedLeadCells(ctx, table, i.lead);
  for (const row of table.rows) {
    if (row.kind !== 'data') continue;
    const title = cell(row, i.task);
    const raw = squash(row.cells.filter(Boolean).join(' | '));
    if (!raw) continue;
    const inferred = merged.get(row);
    const roles = splitRoles(inferred ?? agencyCell(row, i.lead), combined);
    const lead: AgencyRef[] = ctx.registry.parseList(roles.lead, pctx);
    const cooperating = ctx.registry.parseList([roles.coop, agencyCell(row, i.coop)].filter(Boolean).join('\n'), pctx);
    const directing = ctx.registry.parseList(agencyCell(row, i.directing), pctx);
    const noteText = [cell(row, i.note), cell(row, i.result) ? `Kết quả: ${cell(row, i.result)}` : ''].filter(Boolean).join('; ');
    let deadline: Deadline | undefined;
    const deadlineCell = cell(row, i.deadline);
    if (deadlineCell) deadline = parseDeadline(deadlineCell, ctx.deadlineContext);
    if ((!deadline || deadline.kind === 'unspecified') && cell(row, i.note)) {
      // Tables often put the schedule reference in "Ghi chú" ("Thực hiện dự án theo Quyết định …").
      const fromNote = parseDeadline(cell(row, i.note), ctx.deadlineContext);
      if (fromNote.kind === 'conditional' || (!deadlineCell && fromNote.kind !== 'unspecified')) deadline = fromNote;
    }
    const groups = row.groupPath;
    const ordinal = row.ordinal ?? (i.ordinal !== undefined && /^\d+$/.test(cell(row, i.ordinal)) ? cell(row, i.ordinal) : undefined);
    const ocrRow = row.confidence !== undefined || (row.page !== undefined && ocr.has(row.page)) || (table.page !== undefined && ocr.has(table.page));
    let factor = row.confidence !== undefined ? 0.5 + row.confidence / 2 : ocrRow ? 0.85 : 1;
    if (inferred !== undefined) factor *= 0.8;
    if (!title) factor *= 0.5;
    const d: TaskDraft = {
      sectionPath: [...basePath, ...groups.map(groupOrdinal)],
      sectionTitle: sectionTitleOf(ancestors, groups),
      title: title || raw,
      lead,
      cooperating,
      ...(directing.length ? { directing } : {}),
      ...(deadline ? { deadline } : {}),
      ...(noteText ? { note: noteText } : {}),
      source: 'table',
      lines: row.lines,
      ...(row.page !== undefined ? { page: row.page } : table.page !== undefined ? { page: table.page } : {}),
      ...(ordinal ? { row: ordinal } : {}),
      factor,
    };
    drafts.push(d);
    const figure = figureOf(title, true);
    if (figure) {
      targets.push({
        doc: ctx.docRef,
        sectionPath: d.sectionPath,
        sectionTitle: d.sectionTitle,
        text: title,
        figure,
        ...(ctx.deadlineContext.docYear !== undefined ? { year: String(ctx.deadlineContext.docYear) } : {}),
        lead,
        cooperating,
        lines: row.lines,
        ...(d.page !== undefined ? { page: d.page } : {}),
        confidence: Math.round(0.9 * factor * 100) / 100,
      });
    }
  }
  return { drafts, targets };
}
