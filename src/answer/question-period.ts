/**
 * The period a question names ("trong Quý III/2024", "6 tháng đầu năm 2024", "trước tháng 6",
 * "trong tháng 11/2022" mid-sentence), read over folded text with the words of the lexicon's
 * `period` table. A period to list ("trong Quý III") has `from`; an end point ("trước Quý III",
 * "đến hết tháng 10") has only `date`.
 */
import type { CompiledLexicon } from './question-lexicon.js';
import { alternation } from './question-lexicon.js';

export type TimeWindow =
  /**
   * Due on or before `date`; with `from`, a closed period ("trong tháng 11 năm 2022", "Quý III/2024",
   * "6 tháng đầu năm 2024", "trong năm 2024"), named in `label` the way documents write it.
   */
  | { kind: 'before'; date: string; from?: string; label?: string }
  | { kind: 'upcoming'; days: number }
  | { kind: 'overdue' }
  | { kind: 'year'; year: number };

interface PeriodGrammar {
  overdue: RegExp;
  upcoming: RegExp;
  upcomingNear: RegExp;
  nextDays: RegExp;
  quarter: RegExp;
  half: RegExp;
  inMonth: RegExp;
  monthWithYear: RegExp;
  untilMonth: (month: string) => RegExp;
  monthUntil: RegExp;
  dateUntil: RegExp;
  inYear: RegExp;
  yearEnd: Set<string>;
  thisYear: Set<string>;
  halfFirst: Set<string>;
  upcomingDays: number;
}

const grammars = new WeakMap<CompiledLexicon, PeriodGrammar>();

function grammar(lex: CompiledLexicon): PeriodGrammar {
  const cached = grammars.get(lex);
  if (cached) return cached;
  const p = lex.source.period;
  const a = (words: string[]): string => `(?:${alternation(words)})`;
  const Q = a(p.quarter);
  const M = a(p.month);
  const Y = a(p.year);
  const D = a(p.day);
  const until = `(?:${alternation(p.until)})\\s+`;
  /** "/2024", " năm 2024", "-2024" after a period. */
  const yearTail = `(?:\\s*(?:\\/|-|${Y})\\s*(\\d{4}))?`;
  const g: PeriodGrammar = {
    overdue: lex.kinds.overdue,
    upcoming: lex.kinds.upcoming,
    upcomingNear: new RegExp(`\\bden han\\b.*\\b${a(lex.source.kinds.upcomingNear)}\\b`),
    nextDays: new RegExp(`\\b${a(p.nextDays)} (\\d{1,3}) ${D}\\b`),
    quarter: new RegExp(`\\b(${until})?${Q}\\s+(iv|iii|ii|i|[1-4])\\b${yearTail}`),
    half: new RegExp(`\\b${a(p.halfYear)}\\s+(${alternation([...p.halfFirst, ...p.halfLast])})\\s+${Y}(?:\\s*[/-]?\\s*(\\d{4}))?`),
    // Without a year only after "trong"/"vào" ("hạn tháng 8" alone may be asking which month).
    inMonth: new RegExp(`\\b${a(p.within)}\\s+${M}\\s+(\\d{1,2})(?:\\s*(?:\\/|${Y})\\s*(\\d{4}))?`),
    monthWithYear: new RegExp(`\\b(?<!${until})${M}\\s+(\\d{1,2})\\s*(?:\\/|${Y})\\s*(\\d{4})`),
    untilMonth: (month) => new RegExp(`\\b${until}${M}\\s+${month}\\b`),
    monthUntil: new RegExp(`\\b${a(p.monthUntil)}\\s+${M}\\s+(\\d{1,2})(?:\\s*(?:\\/|${Y})\\s*(\\d{4}))?`),
    dateUntil: new RegExp(`\\b${a(p.dateUntil)}\\s+${D}\\s+(\\d{1,2})\\/(\\d{1,2})(?:\\/(\\d{4}))?`),
    inYear: new RegExp(`\\b(${alternation([...p.yearWithin, ...p.yearEnd])})\\s+${Y}\\s+(\\d{4}|${alternation(p.thisYear)})\\b`),
    yearEnd: new Set(p.yearEnd.map((w) => alternation([w]))),
    thisYear: new Set(p.thisYear.map((w) => alternation([w]))),
    halfFirst: new Set(p.halfFirst.map((w) => alternation([w]))),
    upcomingDays: p.upcomingDays,
  };
  grammars.set(lex, g);
  return g;
}

const ROMAN: Record<string, number> = { i: 1, ii: 2, iii: 3, iv: 4, '1': 1, '2': 2, '3': 3, '4': 4 };
const ROMAN_OUT = ['', 'I', 'II', 'III', 'IV'];
const pad = (n: number): string => String(n).padStart(2, '0');
const monthEnd = (year: number, month: number): string => new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);

/** The period named in a folded question, relative to `today` when it leaves the year out. */
export function parsePeriod(folded: string, today: string, lex: CompiledLexicon): TimeWindow | undefined {
  const g = grammar(lex);
  if (g.overdue.test(folded)) return { kind: 'overdue' };
  const days = folded.match(g.nextDays);
  if (days) return { kind: 'upcoming', days: Number(days[1]) };
  if (g.upcoming.test(folded) || g.upcomingNear.test(folded)) return { kind: 'upcoming', days: g.upcomingDays };
  const year = Number(today.slice(0, 4));
  const yearOf = (s: string | undefined): number => (s ? Number(s) : year);
  const quarter = folded.match(g.quarter);
  if (quarter) {
    const q = ROMAN[quarter[2]!]!;
    const y = yearOf(quarter[3]);
    const date = monthEnd(y, q * 3);
    if (quarter[1]) return { kind: 'before', date };
    return { kind: 'before', date, from: `${y}-${pad(q * 3 - 2)}-01`, label: `Quý ${ROMAN_OUT[q]}/${y}` };
  }
  const half = folded.match(g.half);
  if (half) {
    const y = yearOf(half[2]);
    return g.halfFirst.has(half[1]!)
      ? { kind: 'before', date: `${y}-06-30`, from: `${y}-01-01`, label: `6 tháng đầu năm ${y}` }
      : { kind: 'before', date: `${y}-12-31`, from: `${y}-07-01`, label: `6 tháng cuối năm ${y}` };
  }
  const inMonth = folded.match(g.inMonth) ?? folded.match(g.monthWithYear);
  if (inMonth && !g.untilMonth(inMonth[1]!).test(folded)) {
    const month = Number(inMonth[1]);
    const y = yearOf(inMonth[2]);
    if (month >= 1 && month <= 12) return { kind: 'before', date: monthEnd(y, month), from: `${y}-${pad(month)}-01`, label: `tháng ${month}/${y}` };
  }
  const before = folded.match(g.monthUntil);
  if (before) {
    const month = Number(before[1]);
    const y = yearOf(before[2]);
    if (month >= 1 && month <= 12) return { kind: 'before', date: monthEnd(y, month) };
  }
  const beforeDate = folded.match(g.dateUntil);
  if (beforeDate) {
    const y = yearOf(beforeDate[3]);
    return { kind: 'before', date: `${y}-${pad(Number(beforeDate[2]))}-${pad(Number(beforeDate[1]))}` };
  }
  // "trong năm 2024", "trong năm nay": the calendar year. A bare "năm 2024" is often the plan's own
  // name ("Kế hoạch … năm 2024") and says nothing about deadlines.
  const inYear = folded.match(g.inYear);
  if (inYear) {
    const y = g.thisYear.has(inYear[2]!) ? year : Number(inYear[2]);
    if (g.yearEnd.has(inYear[1]!)) return { kind: 'before', date: `${y}-12-31` };
    return { kind: 'before', date: `${y}-12-31`, from: `${y}-01-01`, label: `năm ${y}` };
  }
  return undefined;
}
