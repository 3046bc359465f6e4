/**
 * The period a question names ("trong Quý III/2024", "6 tháng đầu năm 2024", "trước tháng 6",
 * "trong tháng 11/2022" mid-sentence): dates, months, quarters and years by the one period grammar
 * documents are read with (src/text/periods.ts, sentence mode); overdue / upcoming / "trong N ngày"
 * by the lexicon's words. A period to list ("trong Quý III") has `from`; an end point ("trước Quý
 * III", "đến hết tháng 10") has only `date`.
 */
import { parsePeriod as findPeriod } from '../text/periods.js';
import { alternation, type CompiledLexicon } from './question-lexicon.js';

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
  upcomingDays: number;
}

const grammars = new WeakMap<CompiledLexicon, PeriodGrammar>();

function grammar(lex: CompiledLexicon): PeriodGrammar {
  const cached = grammars.get(lex);
  if (cached) return cached;
  const p = lex.source.period;
  const a = (words: string[]): string => `(?:${alternation(words)})`;
  const g: PeriodGrammar = {
    overdue: lex.kinds.overdue,
    upcoming: lex.kinds.upcoming,
    upcomingNear: new RegExp(`\\bden han\\b.*\\b${a(lex.source.kinds.upcomingNear)}\\b`),
    nextDays: new RegExp(`\\b${a(p.nextDays)} (\\d{1,3}) ${a(p.day)}\\b`),
    upcomingDays: p.upcomingDays,
  };
  grammars.set(lex, g);
  return g;
}

/** The period named in a folded question, relative to `today` when it leaves the year out. */
export function parsePeriod(folded: string, today: string, lex: CompiledLexicon): TimeWindow | undefined {
  const g = grammar(lex);
  if (g.overdue.test(folded)) return { kind: 'overdue' };
  const days = folded.match(g.nextDays);
  if (days) return { kind: 'upcoming', days: Number(days[1]) };
  if (g.upcoming.test(folded) || g.upcomingNear.test(folded)) return { kind: 'upcoming', days: g.upcomingDays };
  // Dates, months, quarters, halves and years: the one grammar documents are read with.
  const period = findPeriod(folded, { today });
  if (!period) return undefined;
  if (period.until || !period.start) return { kind: 'before', date: period.end };
  return { kind: 'before', date: period.end, from: period.start, label: period.label };
}
