/**
 * One period grammar for documents and questions: "trước ngày 15/5/2022", "ngày 20 tháng 5 năm 2022",
 * "trong tháng 11/2022", "trước tháng 02 năm 2023", "Quý III/2024" (OCR "Quý 11/2019"), "6 tháng đầu
 * năm 2024", "năm 2024", "2021-2025", "giai đoạn 2021-2025", "đến hết quý III". Deadline cells
 * (src/extract/deadlines.ts) read it in phrase mode, where the whole text is a time phrase and a bare
 * "tháng 8" or "2024" counts; questions read it in sentence mode, where a bare "năm 2024" is usually a
 * plan's name and needs a cue ("trong năm 2024", "hoàn thành năm 2024"). Matching runs on folded text.
 */
import { fold } from './normalize.js';

export type PeriodKind = 'date' | 'month' | 'half' | 'quarter' | 'range' | 'year';

export interface Period {
  kind: PeriodKind;
  /** First day, ISO; absent when the text gives only an end ("cuối năm", "trước tháng 6"). */
  start?: string;
  /** Last day, ISO. */
  end: string;
  /**
   * An end point rather than a period to list: "trước ngày 15/12", "đến hết quý III", "trước tháng 6"
   * (= by the end of May), "cuối năm 2024".
   */
  until: boolean;
  /** The period the way documents write it: "Quý III/2024", "tháng 11/2022", "6 tháng đầu năm 2024", "năm 2024". */
  label: string;
  /** Where the expression sits in the text (folded offsets equal original offsets for NFC text). */
  index: number;
  length: number;
}

export interface PeriodOptions {
  /** ISO date; its year fills periods that omit the year when `year` is not given. */
  today?: string;
  /** Year for periods that omit it (the document's year); wins over `today`. */
  year?: number;
  /** The whole text is a time phrase (a deadline cell): bare "tháng 8", "Năm 2019", "2019" count. */
  phrase?: boolean;
}

const pad = (n: number): string => String(n).padStart(2, '0');
const lastDay = (y: number, m: number): number => new Date(Date.UTC(y, m, 0)).getUTCDate();
export const isoDate = (y: number, m: number, d: number): string => `${y}-${pad(m)}-${pad(d)}`;
export const endOfMonth = (y: number, m: number): string => isoDate(y, m, lastDay(y, m));
const ROMAN_OUT = ['', 'I', 'II', 'III', 'IV'];

export function validDate(y: number, m: number, d: number): boolean {
  return y >= 1900 && y <= 2200 && m >= 1 && m <= 12 && d >= 1 && d <= lastDay(y, m);
}

/** Roman quarter with OCR slips: "11" → II, "111" → III, "1V" → IV, "l" → I. Arabic 1–4 too. */
export function quarterNumber(token: string): number | undefined {
  const t = token.toLowerCase();
  if (/^[2-4]$/.test(t)) return Number(t);
  const roman = t.replace(/[1l|]/g, 'i');
  return ({ i: 1, ii: 2, iii: 3, iv: 4 } as Record<string, number>)[roman];
}

/** OCR reads "cuối quý" as "cuốt quý", "cuỗi quý"…: fold those back (same length, offsets stay aligned). */
export function ocrQuarterEnd(folded: string): string {
  return folded.replace(/\bcu[o0][a-z](?=\s+quy\b)/g, 'cuoi');
}

const YEAR = '((?:19|20)\\d{2})';
/** "/2024", " năm 2024", "-2024" after a period. */
const YEAR_TAIL = `(?:\\s*(?:nam\\s+|[/-]\\s*)${YEAR}(?!\\d))?`;
/** Words that make a period an end point. "trước" before a month means by the end of the month before. */
const UNTIL = '(truoc|den het|den|toi|cuoi|cham nhat(?:\\s+(?:la|vao))?)\\s+';
/** In a question, a date is a period only after one of these. */
const DATE_CUE = '(?:truoc|den het|den|toi|cham nhat(?:\\s+(?:la|vao))?|han|hoan thanh(?:\\s+truoc)?|xong truoc)\\s+(?:vao\\s+)?';

const PRIORITY: PeriodKind[] = ['date', 'month', 'half', 'quarter', 'range', 'year'];

type Candidate = Omit<Period, 'index' | 'length'> & { index: number; length: number };

/** Every period expression the grammar reads in `text`, in order of position. */
export function findPeriods(text: string, todayOrOptions?: string | PeriodOptions, extra: PeriodOptions = {}): Period[] {
  const options: PeriodOptions = typeof todayOrOptions === 'string' ? { ...extra, today: todayOrOptions } : { ...(todayOrOptions ?? {}), ...extra };
  const f = ocrQuarterEnd(fold(text));
  const phrase = options.phrase === true;
  const fallbackYear = options.year ?? (options.today ? Number(options.today.slice(0, 4)) : undefined);
  const yearOr = (s: string | undefined): number | undefined => (s ? Number(s) : fallbackYear);
  const out: Candidate[] = [];
  const push = (m: RegExpExecArray | RegExpMatchArray, p: Omit<Candidate, 'index' | 'length'>): void => {
    out.push({ ...p, index: m.index!, length: m[0].length });
  };

  // Dates: 15/5/2022, ngày 20 tháng 5 năm 2022, ngày 15 tháng 12 (the year given), "trước 31/12".
  const dateForms: RegExp[] = phrase
    ? [
        /(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*((?:19|20)\d{2})/g,
        /ngay\s+(\d{1,2})\s+thang\s+(\d{1,2})(?:\s+nam\s+((?:19|20)\d{2}))?/g,
        /(?:ngay|truoc|han|den)\s+(\d{1,2})\s*\/\s*(\d{1,2})(?!\s*\/|\d)()/g,
      ]
    : [
        new RegExp(`\\b${DATE_CUE}(?:ngay\\s+)?(\\d{1,2})\\s*[/.-]\\s*(\\d{1,2})(?:\\s*[/.-]\\s*${YEAR})?(?![\\d/])`, 'g'),
        new RegExp(`\\b${DATE_CUE}ngay\\s+(\\d{1,2})\\s+thang\\s+(\\d{1,2})(?:\\s+nam\\s+${YEAR})?`, 'g'),
      ];
  for (const re of dateForms) {
    for (const m of f.matchAll(re)) {
      const y = yearOr(m[3] || undefined);
      const mo = Number(m[2]);
      const d = Number(m[1]);
      if (y === undefined || !validDate(y, mo, d)) continue;
      const day = isoDate(y, mo, d);
      push(m, { kind: 'date', start: day, end: day, until: true, label: `${d}/${mo}/${y}` });
    }
  }

  // Months: "tháng 11 năm 2022", "trong tháng 11", "trước tháng 02 năm 2023" (= by the end of January),
  // "đến hết tháng 10". In a question a month without its year needs "trong"/"vào" or an end-point word.
  const monthRe = new RegExp(`(?:\\b${UNTIL}|\\b(trong|vao)\\s+)?thang\\s+(\\d{1,2})(?!\\d)${YEAR_TAIL}`, 'g');
  for (const m of f.matchAll(monthRe)) {
    const [, until, inWord, month, yearText] = m;
    if (!phrase && !yearText && !until && !inWord) continue;
    let y = yearOr(yearText);
    let mo = Number(month);
    if (y === undefined || mo < 1 || mo > 12) continue;
    const label = `tháng ${mo}/${y}`;
    if (until === 'truoc') {
      mo -= 1;
      if (mo === 0) {
        mo = 12;
        y -= 1;
      }
      push(m, { kind: 'month', end: endOfMonth(y, mo), until: true, label: `trước ${label}` });
    } else if (until) {
      push(m, { kind: 'month', end: endOfMonth(y, mo), until: true, label });
    } else {
      push(m, { kind: 'month', start: isoDate(y, mo, 1), end: endOfMonth(y, mo), until: false, label });
    }
  }

  // Halves: "6 tháng đầu năm 2024", "sáu tháng cuối năm", "nửa đầu năm".
  for (const m of f.matchAll(new RegExp(`\\b(?:${UNTIL})?(?:6 thang|sau thang|nua)\\s+(dau|cuoi)\\s+nam(?:\\s*[/-]?\\s*${YEAR}(?!\\d))?`, 'g'))) {
    const y = yearOr(m[3]);
    if (y === undefined) continue;
    const first = m[2] === 'dau';
    push(m, {
      kind: 'half',
      start: first ? isoDate(y, 1, 1) : isoDate(y, 7, 1),
      end: first ? endOfMonth(y, 6) : endOfMonth(y, 12),
      until: !!m[1],
      label: `6 tháng ${first ? 'đầu' : 'cuối'} năm ${y}`,
    });
  }

  // Quarters: "Quý II/2019", "Quý 11/2019" (OCR), "quý IV năm 2019", "trước Quý III" (by its end).
  for (const m of f.matchAll(new RegExp(`(?:\\b${UNTIL})?\\bquy\\s*([ivxl1|]{1,4}|[1-4])(?![a-z0-9])${YEAR_TAIL}`, 'g'))) {
    const q = quarterNumber(m[2]!);
    const y = yearOr(m[3]);
    if (!q || y === undefined) continue;
    push(m, { kind: 'quarter', start: isoDate(y, q * 3 - 2, 1), end: endOfMonth(y, q * 3), until: !!m[1], label: `Quý ${ROMAN_OUT[q]}/${y}` });
  }

  // Year spans: "2019-2020" in a cell; "giai đoạn 2021-2025", "từ năm 2024 đến năm 2025" anywhere.
  const spanRe = phrase
    ? new RegExp(`${YEAR}\\s*[-–]\\s*${YEAR}`, 'g')
    : new RegExp(`\\b(?:giai doan|tu nam|nam)\\s+${YEAR}\\s*(?:[-–]|den(?:\\s+het)?(?:\\s+nam)?)\\s*${YEAR}`, 'g');
  for (const m of f.matchAll(spanRe)) {
    const a = Number(m[1]);
    const b = Number(m[2]);
    if (b < a) continue;
    push(m, { kind: 'range', start: isoDate(a, 1, 1), end: endOfMonth(b, 12), until: false, label: `${a}–${b}` });
  }

  // Years. In a cell: "Năm 2019", "2019", "trước năm 2025", "cuối năm" (the document's year). In a
  // question: after a cue ("trong năm 2024", "hoàn thành năm nay", "đến hết năm 2024").
  if (phrase) {
    const m = /(?:^|\D)((?:19|20)\d{2})(?!\d)/.exec(f);
    if (m && /cuoi nam|nam|^\s*\d{4}\s*$|truoc|den|trong/.test(f)) {
      const y = Number(m[1]);
      out.push({ kind: 'year', start: isoDate(y, 1, 1), end: endOfMonth(y, 12), until: /truoc|den|cuoi/.test(f), label: `năm ${y}`, index: m.index!, length: m[0].length });
    } else if (!m) {
      const c = /cuoi nam/.exec(f);
      if (c && fallbackYear !== undefined) push(c, { kind: 'year', end: endOfMonth(fallbackYear, 12), until: true, label: `năm ${fallbackYear}` });
    }
  } else {
    for (const m of f.matchAll(/\b(trong|hoan thanh|xong|han|het|cuoi|den het)\s+nam\s+((?:19|20)\d{2}|nay)\b/g)) {
      const y = m[2] === 'nay' ? fallbackYear : Number(m[2]);
      if (y === undefined) continue;
      const until = m[1] === 'het' || m[1] === 'cuoi' || m[1] === 'den het';
      push(m, { kind: 'year', ...(until ? {} : { start: isoDate(y, 1, 1) }), end: endOfMonth(y, 12), until, label: `năm ${y}` });
    }
  }
  return out.sort((a, b) => a.index - b.index);
}

/**
 * The period a text states, or undefined. When it states several, the most specific wins (a date
 * over a month over a half-year over a quarter over a span of years over a year), then the first.
 * `parsePeriod(question, today)` for a question; `parsePeriod(cell, undefined, { phrase: true, year })`
 * for a deadline cell.
 */
export function parsePeriod(text: string, todayOrOptions?: string | PeriodOptions, extra: PeriodOptions = {}): Period | undefined {
  const all = findPeriods(text, todayOrOptions, extra);
  for (const kind of PRIORITY) {
    const hit = all.find((p) => p.kind === kind);
    if (hit) return hit;
  }
  return undefined;
}
