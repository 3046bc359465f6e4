/**
 * Deadlines as Vietnamese plans write them ("trước ngày 15/5/2022", "Quý II/2019", "Thường xuyên",
 * "hàng quý (ngày 15 tháng cuối quý)", "Sau khi có hướng dẫn của …") → `Deadline` with `due` = the
 * last day of the period (ISO). Matching runs on folded text (no tone marks), which also absorbs
 * most OCR diacritic errors; OCR digits for roman numerals ("Quý 11/2019" = Quý II) are repaired.
 */
import { Deadline, type Recurrence } from '../domain/records.js';
import { cleanText, fold, squash } from '../text/normalize.js';
import { endOfMonth, isoDate, ocrQuarterEnd, parsePeriod, type Period } from '../text/periods.js';

export interface DeadlineContext {
  /** Year of the document, used when a deadline omits it ("trước ngày 15 tháng 12"). */
  docYear?: number;
}

export interface DeadlineMention {
  /** The phrase as written. */
  raw: string;
  /** Character span in the text given to `findDeadlines`. */
  start: number;
  end: number;
  deadline: Deadline;
  /** Inside parentheses: an explanation of a period rather than the deadline itself. */
  parenthetical?: boolean;
}

const lastDay = (y: number, m: number): number => new Date(Date.UTC(y, m, 0)).getUTCDate();
const iso = isoDate;

/** A period of the shared grammar as a deadline: its last day due; quarters, spans and dated years keep their start. */
function deadlineOf(p: Period): Pick<Deadline, 'kind' | 'due' | 'start'> {
  switch (p.kind) {
    case 'date':
      return { kind: 'date', due: p.end };
    // A half-year is due at its last month's end, as a month deadline.
    case 'month':
    case 'half':
      return { kind: 'month', due: p.end };
    case 'quarter':
    case 'range':
      return { kind: p.kind, due: p.end, ...(p.start ? { start: p.start } : {}) };
    case 'year':
      return { kind: 'year', due: p.end, ...(p.start ? { start: p.start } : {}) };
  }
}

/** Fold each character separately so offsets in the folded text equal offsets in the original. */
function foldAligned(text: string): string {
  let out = '';
  for (const ch of text) {
    const f = fold(ch);
    out += f.length === ch.length ? f : (f + ' '.repeat(ch.length)).slice(0, ch.length);
  }
  return out;
}

const CONDITIONAL_LEAD =
  /^(?:sau khi|khi co|khi duoc|ngay sau khi|theo (?:ke hoach|huong dan|tien do|lo trinh|quyet dinh|yeu cau|chi dao|thoi gian)|thuc hien (?:du an )?theo|trien khai (?:du an )?theo|cac don vi chu dong|can cu|tuy thuoc|phu hop voi tien do)/;

const HALF_YEARLY = /dinh ky\s+(?:6|sau)\s+thang|(?:6|sau)\s+thang\s+(?:mot lan|\/\s*lan)|(?:hang|moi)\s+nua\s+nam/;

function recurrenceOf(f: string): Recurrence | undefined {
  const day = /ngay\s+(\d{1,2})/.exec(f);
  const dayN = day ? Number(day[1]) : undefined;
  const dayPart = dayN && dayN <= 31 ? { day: dayN } : {};
  if (HALF_YEARLY.test(f)) return { every: 'half-year', ...dayPart };
  if (/thang cuoi (?:cua )?(?:moi )?quy|(?:hang|moi|dinh ky(?: hang)?|tung) quy|cuoi (?:moi )?quy|bao cao quy/.test(f)) {
    return { every: 'quarter', ...dayPart, ...(/thang cuoi/.test(f) || dayN ? { monthOfPeriod: 3 } : {}) };
  }
  if (/(?:hang|moi|dinh ky(?: hang)?) thang/.test(f)) return { every: 'month', ...dayPart };
  if (/(?:hang|moi|dinh ky(?: hang)?) tuan/.test(f)) return { every: 'week' };
  if (/(?:hang|moi|dinh ky(?: hang)?) nam/.test(f)) {
    const dm = /ngay\s+(\d{1,2})\s*(?:\/|thang\s+)(\d{1,2})/.exec(f);
    if (dm) return { every: 'year', day: Number(dm[1]), monthOfPeriod: Number(dm[2]) };
    // "Tháng 6 hằng năm": by the end of June every year (only one month named).
    const months = [...f.matchAll(/thang\s+(\d{1,2})(?!\s*[/\d])/g)].map((m) => Number(m[1]));
    if (months.length === 1 && months[0]! >= 1 && months[0]! <= 12) return { every: 'year', monthOfPeriod: months[0]! };
    return { every: 'year' };
  }
  return undefined;
}

function periodList(f: string, context: DeadlineContext): Pick<Deadline, 'kind' | 'start' | 'due'> | undefined {
  const unit = /^(thang|quy|nam)\s/.exec(f)?.[1];
  if (!unit) return undefined;
  const parts = f.split(/\s*(?:[-–,]|\bva\b|\bden\b)\s*/).filter(Boolean);
  if (parts.length < 2) return undefined;
  // The year written once at the end belongs to every part ("Quý II - Quý IV/2024").
  const lastYear = /((?:19|20)\d{2})\s*$/.exec(parts[parts.length - 1]!)?.[1];
  const ctx = lastYear ? { docYear: Number(lastYear) } : context;
  const parsed = parts.map((p) => parseDeadline(/^(?:thang|quy|nam)\b/.test(p) ? p : `${unit} ${p}`, ctx));
  if (parsed.some((d) => !d.due || !['month', 'quarter', 'year', 'range'].includes(d.kind))) return undefined;
  const starts = parsed.map((d) => d.start ?? (d.kind === 'month' ? `${d.due!.slice(0, 8)}01` : d.due!));
  const due = parsed.map((d) => d.due!).sort().pop()!;
  const start = starts.sort()[0]!;
  return start <= due ? { kind: 'range', start, due } : undefined;
}

/**
 * Parse one deadline phrase. Unknown phrasing gives kind 'unspecified' with the raw text kept;
 * an empty phrase too.
 */
export function parseDeadline(raw: string, context: DeadlineContext = {}): Deadline {
  const text = squash(cleanText(raw)).replace(/^[-+*•:\s]+|[\s.;,]+$/g, '');
  const f = ocrQuarterEnd(fold(text));
  const base = { raw: text };
  if (!f) return { ...base, kind: 'unspecified' };

  // "Thường xuyên trong năm 2022": ongoing, but the year bounds it.
  if (/thuong xuyen|lien tuc|hang ngay|ngay khi|kip thoi/.test(f)) {
    const range = /((?:19|20)\d{2})\s*[-–]\s*((?:19|20)\d{2})/.exec(f);
    if (range) return { ...base, kind: 'ongoing', due: endOfMonth(Number(range[2]), 12) };
    const y = /(?:19|20)\d{2}/.exec(f);
    return y ? { ...base, kind: 'ongoing', due: endOfMonth(Number(y[0]), 12) } : { ...base, kind: 'ongoing' };
  }
  if (CONDITIONAL_LEAD.test(f)) return { ...base, kind: 'conditional', condition: text };

  const recurrence = recurrenceOf(f);
  if (recurrence) return { ...base, kind: 'recurring', recurrence };

  // "Từ tháng 6/2024 đến tháng 12/2024": the end of the span is the deadline, its start the start.
  const span = /^(?:thuc hien |trien khai )?tu\s+(.+?)\s+(?:den|toi)\s+(?:het\s+)?(.+)$/.exec(f);
  if (span) {
    const from = parseDeadline(span[1]!, context);
    const to = parseDeadline(span[2]!, context);
    if (to.due && to.kind !== 'recurring') {
      const start = from.start ?? (from.due && from.kind === 'month' ? `${from.due.slice(0, 8)}01` : from.due);
      return { ...base, kind: 'range', due: to.due, ...(start && start <= to.due ? { start } : {}) };
    }
  }

  // Several periods in one cell: "Quý II - Quý IV/2024", "Tháng 6 - 12/2024", "Quý III, IV/2024",
  // "Năm 2024, 2025", "Quý IV/2024 và năm 2025": done by the end of the last, started with the first.
  const periods = periodList(f, context);
  if (periods) return { ...base, ...periods };

  // Dates, months, halves, quarters, spans of years, years: the shared period grammar, read as a
  // deadline cell ("Tháng 11 năm 2022", "trước tháng 02 năm 2023" = by the end of January).
  const period = parsePeriod(text, { phrase: true, ...(context.docYear !== undefined ? { year: context.docYear } : {}) });
  if (period && period.kind !== 'year') return { ...base, ...deadlineOf(period) };
  if (/sau khi|khi co huong dan|theo ke hoach|theo huong dan|theo tien do/.test(f)) {
    return { ...base, kind: 'conditional', condition: text };
  }
  if (period) return { ...base, ...deadlineOf(period) };
  if (/^(?:theo|thuc hien theo)\b/.test(f)) return { ...base, kind: 'conditional', condition: text };
  return { ...base, kind: 'unspecified' };
}

/** Validate with the domain schema (tests and callers at boundaries). */
export function isDeadline(value: unknown): value is Deadline {
  return Deadline.safeParse(value).success;
}

function addDays(isoDate: string, days: number): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/**
 * The first due date on or after `afterIsoDate`: the next quarter's reporting day for
 * "hàng quý (ngày 15 tháng cuối quý)", the due date itself for one-off deadlines still ahead,
 * undefined when there is none (past one-off, open-ended ongoing, conditional).
 */
export function nextOccurrence(deadline: Deadline, afterIsoDate: string): string | undefined {
  const after = afterIsoDate.slice(0, 10);
  const r = deadline.recurrence;
  if (deadline.kind !== 'recurring' || !r) {
    return deadline.due && deadline.due >= after ? deadline.due : undefined;
  }
  const [y0, m0] = after.split('-').map(Number) as [number, number];
  const candidates: string[] = [];
  const clampDay = (y: number, m: number, d: number | undefined): string => iso(y, m, Math.min(d ?? lastDay(y, m), lastDay(y, m)));
  switch (r.every) {
    case 'quarter': {
      const q0 = Math.floor((m0 - 1) / 3);
      for (let k = 0; k < 6; k++) {
        const q = q0 + k;
        const y = y0 + Math.floor(q / 4);
        const m = (q % 4) * 3 + (r.monthOfPeriod ?? 3);
        candidates.push(clampDay(y, m, r.day));
      }
      break;
    }
    case 'month':
      for (let k = 0; k < 3; k++) {
        const idx = m0 - 1 + k;
        candidates.push(clampDay(y0 + Math.floor(idx / 12), (idx % 12) + 1, r.day));
      }
      break;
    case 'half-year':
      for (let k = 0; k < 3; k++) candidates.push(clampDay(y0 + Math.floor(k / 2), k % 2 === 0 ? 6 : 12, r.day));
      break;
    case 'year':
      for (let k = 0; k < 2; k++) candidates.push(clampDay(y0 + k, r.monthOfPeriod ?? 12, r.day));
      break;
    case 'week':
      candidates.push(addDays(after, 7 - 1));
      break;
  }
  const next = candidates.find((c) => c >= after && (!r.from || c >= r.from));
  if (!next || (r.until && next > r.until)) return undefined;
  return next;
}

const LABEL = /(thoi gian (?:hoan thanh|thuc hien|bao cao)|thoi gian|thoi han(?: hoan thanh| thuc hien)?|tien do(?: thuc hien| hoan thanh)?|han chot|han hoan thanh)\s*:\s*/g;
const PREFIX = '(?:(?:truoc|cham nhat(?:\\s+(?:vao|la))?|han|den(?:\\s+het)?|trong|hoan thanh(?:\\s+(?:truoc|trong))?|xong truoc|vao)\\s+)';
const DATE_EXPR = '(?:ngay\\s+\\d{1,2}\\s*[/.-]\\s*\\d{1,2}(?:\\s*[/.-]\\s*\\d{4})?|\\d{1,2}\\s*[/.-]\\s*\\d{1,2}\\s*[/.-]\\s*\\d{4}|ngay\\s+\\d{1,2}\\s+(?:cua\\s+)?thang\\s+(?:\\d{1,2}(?:\\s+nam\\s+\\d{4})?|cuoi\\s+quy))';
const MONTH_EXPR = 'thang\\s+\\d{1,2}(?:\\s*(?:nam\\s+|[/-]\\s*)\\d{4})';
const QUARTER_EXPR = 'quy\\s*(?:[ivxl1]{1,4}|[1-4])(?:\\s*(?:nam\\s+|[/-]\\s*)\\d{4})';
/** "6 tháng đầu năm 2025", "6 tháng cuối năm". */
const HALF_EXPR = '6\\s+thang\\s+(?:dau|cuoi)\\s+nam(?:\\s+\\d{4})?';
/** "(trước) ngày 15/12 hằng năm": a yearly date, not a date of the document's year. */
const YEARLY_SUFFIX = '(?:\\s+(?:hang|moi)\\s+nam)?';
const RECUR_EXPR = '(?:dinh ky\\s+)?(?:hang|moi)\\s+(?:quy|thang|nam|tuan)(?:\\s*\\([^)]{0,60}\\))?';
const CONDITIONAL_EXPR = 'sau khi (?:co |duoc )?(?:ke hoach(?:\\s+va)?\\s+)?(?:huong dan|phe duyet|ban hanh)[^.;\\n]{0,80}';
const INLINE = new RegExp(
  `${CONDITIONAL_EXPR}|${PREFIX}(?:${DATE_EXPR}${YEARLY_SUFFIX}|${MONTH_EXPR}|${QUARTER_EXPR}|${HALF_EXPR}|(?:nam|giai doan)\\s+\\d{4}\\s*[-–]\\s*\\d{4}|thang\\s+\\d{1,2}|nam\\s+\\d{4})|(?<![\\p{L}])(?:${MONTH_EXPR}|${QUARTER_EXPR}|${HALF_EXPR}|${RECUR_EXPR})`,
  'gu',
);

/**
 * Deadline phrases inside prose: labelled ones ("Thời gian hoàn thành: Tháng 5 năm 2022.") whole,
 * then unlabelled ones with a cue ("… trước ngày 15/5/2022", "… hàng quý (ngày 15 tháng cuối quý)").
 * Dates of cited documents ("Quyết định số 749/QĐ-TTg ngày 03/6/2020") are not deadlines and are
 * not returned.
 */
export function findDeadlines(text: string, context: DeadlineContext = {}): DeadlineMention[] {
  const source = cleanText(text);
  const f = ocrQuarterEnd(foldAligned(source).toLowerCase());
  const out: DeadlineMention[] = [];
  const taken: Array<[number, number]> = [];
  const overlaps = (s: number, e: number): boolean => taken.some(([a, b]) => s < b && e > a);

  for (const m of f.matchAll(LABEL)) {
    const start = m.index! + m[0].length;
    // The phrase runs to the end of the sentence: a full stop followed by space/end, or a newline.
    const rest = f.slice(start);
    const stop = /\.(?:\s|$)|\n/.exec(rest);
    const end = start + (stop ? stop.index : rest.length);
    const raw = source.slice(start, end).trim();
    if (!raw) continue;
    taken.push([m.index!, end]);
    out.push({ raw, start, end, deadline: parseDeadline(raw, context) });
  }
  for (const m of f.matchAll(INLINE)) {
    const start = m.index!;
    const end = start + m[0].length;
    if (overlaps(start, end)) continue;
    const raw = source.slice(start, end).trim();
    const deadline = parseDeadline(raw, context);
    if (deadline.kind === 'unspecified') continue;
    taken.push([start, end]);
    out.push({ raw, start, end, deadline });
  }
  // Dates inside a parenthesised explanation ("(… từ ngày 15 tháng 3 đến ngày 14 tháng 6)") describe
  // a period, not the deadline: mark them so callers prefer the ones outside.
  for (const mention of out) {
    let depth = 0;
    for (let i = 0; i < mention.start; i++) {
      if (f[i] === '(') depth++;
      else if (f[i] === ')' && depth > 0) depth--;
    }
    mention.parenthetical = depth > 0;
  }
  return out.sort((a, b) => a.start - b.start);
}

/** A schedule inside a task's words: "hàng quý (ngày 15 tháng cuối quý)", "định kỳ hằng tháng, trước ngày 20", "trước ngày 15/12 hằng năm", "định kỳ 6 tháng". */
const SCHEDULE = new RegExp(
  [
    '(?:dinh ky\\s+)?(?:hang|moi)\\s+(?:quy|thang|nam|tuan)(?![a-z])(?:\\s*\\([^)]{0,80}\\)|,?\\s*(?:(?:vao|truoc|cham nhat(?:\\s+vao)?)\\s+)?ngay\\s+\\d{1,2}(?:\\s*\\/\\s*\\d{1,2}|\\s+(?:cua\\s+)?thang\\s+(?:cuoi\\s+quy|\\d{1,2}))?)?',
    '(?:(?:vao|truoc|cham nhat(?:\\s+vao)?)\\s+)?ngay\\s+\\d{1,2}(?:\\s*\\/\\s*\\d{1,2}|\\s+thang\\s+\\d{1,2})\\s+(?:hang|moi)\\s+nam',
    '(?:(?:vao|truoc|cham nhat(?:\\s+vao)?)\\s+)?ngay\\s+\\d{1,2}\\s+(?:cua\\s+)?thang\\s+cuoi\\s+quy',
    'dinh ky\\s+(?:6|sau)\\s+thang(?:\\s+(?:mot lan|\\/\\s*lan))?|(?:hang|moi)\\s+nua\\s+nam',
  ].join('|'),
  'g',
);

/**
 * The recurring schedules a text states, each as a 'recurring' Deadline with the phrase as written,
 * in order, without repeats: read once at index time so the answer side never re-detects them.
 */
export function findSchedules(text: string, context: DeadlineContext = {}): Deadline[] {
  const source = cleanText(text);
  const f = ocrQuarterEnd(foldAligned(source).toLowerCase());
  const out: Deadline[] = [];
  let last = -1;
  for (const m of f.matchAll(SCHEDULE)) {
    if (m.index! < last) continue;
    last = m.index! + m[0].length;
    const raw = squash(source.slice(m.index!, last)).replace(/[\s,;]+$/, '');
    const d = parseDeadline(raw, context);
    if (d.kind !== 'recurring' || out.some((o) => o.raw === d.raw)) continue;
    out.push(d);
  }
  return out;
}
