/**
 * Answers citizens' questions about administrative procedures from procedure records: which
 * procedure (by name, everyday words or without diacritics), which aspect (documents, where,
 * online, time, fee, steps, who, legal basis), then a grounded chat message citing the guide.
 * Returns undefined when no procedure matches, so the general engine decides.
 */
import type { Citation } from '../domain/answer.js';
import type { Procedure } from '../domain/records.js';
import { aspectText, citationFor, withFooter } from './procedures/compose.js';
import { MATCH_DEFAULTS, rankProcedures, variantsOf, type ProcedureMatch } from './procedures/match.js';
import { fold } from '../text/normalize.js';
import { Provinces } from '../text/provinces.js';
import { defaultProcedureVocabulary, type ProcedureAspect, type ProcedureVocabulary } from './procedures/vocabulary.js';

export { ProcedureVocabulary, SynonymTable, defaultProcedureVocabulary, PROCEDURE_ASPECTS } from './procedures/vocabulary.js';
export type { ProcedureAspect } from './procedures/vocabulary.js';

export interface ProcedureAnswer {
  /** The chat message. */
  text: string;
  aspect: ProcedureAspect;
  /** The procedure answered about; absent when the answer asks which one. */
  procedure?: Procedure;
  citations: Citation[];
  /** Options to offer when several procedures fit, or a close variant of the one answered. */
  choices: Array<{ label: string; query: string }>;
  /** True when the guide does not state what was asked. */
  refused: boolean;
  reason?: string;
}

export interface ProcedureAnswerOptions {
  /** ISO date used to flag guides not checked for over a year. Default: no staleness check. */
  today?: string;
  /** Synonym table. Default: knowledge/synonyms.json. */
  vocabulary?: ProcedureVocabulary;
}

/** Procedures the question names, best first, with a score comparable within this call only. */
export function matchProcedures(
  question: string,
  procedures: Procedure[],
  vocabulary: ProcedureVocabulary = defaultProcedureVocabulary(),
): Array<{ procedure: Procedure; score: number }> {
  const { rest } = vocabulary.aspects(question);
  return rankProcedures(rest, procedures, vocabulary).map(({ procedure, score }) => ({ procedure, score }));
}

function choiceQuery(p: Procedure, aspect: ProcedureAspect, vocabulary: ProcedureVocabulary): string {
  const phrase = vocabulary.aspectPhrase(aspect);
  return phrase ? `Thủ tục ${p.ten} ${phrase}` : `Thủ tục ${p.ten}`;
}

/** ISO date the procedure's content dates from: the guide's check date, or the source document's date. */
function asOf(p: Procedure): string {
  return (p.doc.type === 'Thủ tục hành chính' ? p.cap_nhat : p.doc.date) ?? p.cap_nhat ?? '';
}

let provinceTable: Provinces | undefined;
function namedProvinces(question: string): string[] {
  provinceTable ??= Provinces.load();
  return provinceTable.find(question);
}

const compact = (s: string) => fold(s).replace(/[^a-z0-9]+/g, '');

/**
 * How surely a procedure's source belongs to a province the question names: 2 when its document's
 * province is one, 1 when the guide's own text or its file name names one ("…-ninhbinh.txt", "UBND
 * các Phường/Xã - Tỉnh Ninh Bình"), else 0. Portal pages rarely carry a header with the province.
 */
function provinceFit(p: Procedure, named: string[]): number {
  if (named.length === 0) return 0;
  if (p.doc.province && named.includes(p.doc.province)) return 2;
  const text = compact([p.co_quan_thuc_hien, p.noi_nop.join(' '), p.doc.issuer, p.doc.title, p.doc.file.split(/[\\/]/).pop()].filter(Boolean).join(' '));
  return named.some((n) => text.includes(compact(n))) ? 1 : 0;
}

/** A procedure with the same name from another file, kept aside to be cited when it says the same. */
type Twins = Map<ProcedureMatch, ProcedureMatch[]>;

/**
 * One candidate per procedure name: the same procedure can come from a bundled guide and from a
 * province's own decision, or from one page saved in two files. Keep the one of the province the
 * question names; else the newest; on equal dates, the guide (it has every field).
 */
function distinctByName(ranked: ProcedureMatch[], named: string[] = [], twins: Twins = new Map()): ProcedureMatch[] {
  const byName = new Map<string, ProcedureMatch>();
  const all = new Map<string, ProcedureMatch[]>();
  for (const m of ranked) {
    const key = fold(m.procedure.ten).replace(/\s+/g, ' ').trim();
    all.set(key, [...(all.get(key) ?? []), m]);
    const kept = byName.get(key);
    if (!kept) {
      byName.set(key, m);
      continue;
    }
    const fitNew = provinceFit(m.procedure, named);
    const fitKept = provinceFit(kept.procedure, named);
    if (fitNew !== fitKept) {
      if (fitNew > fitKept) byName.set(key, m);
      continue;
    }
    const newer = asOf(m.procedure) > asOf(kept.procedure);
    const sameDateGuide = asOf(m.procedure) === asOf(kept.procedure) && m.procedure.doc.type === 'Thủ tục hành chính';
    if (m.score >= kept.score * MATCH_DEFAULTS.closeRatio && (newer || sameDateGuide)) byName.set(key, m);
  }
  for (const [key, kept] of byName) twins.set(kept, (all.get(key) ?? []).filter((m) => m !== kept && m.procedure.doc.docId !== kept.procedure.doc.docId));
  return [...byName.values()].sort((a, b) => b.score - a.score);
}

export function answerProcedure(
  question: string,
  procedures: Procedure[],
  options: ProcedureAnswerOptions = {},
): ProcedureAnswer | undefined {
  const vocabulary = options.vocabulary ?? defaultProcedureVocabulary();
  const { hits, rest } = vocabulary.aspects(question);
  const twins: Twins = new Map();
  const ranked = distinctByName(rankProcedures(rest, procedures, vocabulary), namedProvinces(question), twins);
  const best = ranked[0];
  if (!best) return undefined;
  const aspects: ProcedureAspect[] = hits.length > 0 ? hits.map((h) => h.aspect) : ['summary'];
  const primary = aspects[0]!;

  const close = ranked.filter((m) => m.score >= best.score * MATCH_DEFAULTS.closeRatio);
  if (close.length > 1) {
    const options = close.slice(0, 4);
    return {
      text:
        `Có ${options.length} thủ tục gần với câu hỏi của bạn. Bạn hỏi về thủ tục nào?\n` +
        options.map((m, i) => `${i + 1}. ${m.procedure.ten}`).join('\n'),
      aspect: primary,
      citations: [],
      choices: options.map((m) => ({ label: m.procedure.ten, query: choiceQuery(m.procedure, primary, vocabulary) })),
      refused: false,
    };
  }

  const p = best.procedure;
  const parts = aspects.map((a) => aspectText(p, a, vocabulary));
  const missing = parts.every((part) => part.missing);
  const related = variantsOf(best, procedures, vocabulary);
  let body = parts.map((part) => part.text).join('\n\n');
  if (related.length > 0) {
    body += `\n\nNếu trường hợp của bạn khác, xem thêm: ${related.map((r) => `“${r.ten}”`).join(', ')}.`;
  }
  const fields = [...new Set(parts.flatMap((part) => (part.missing ? [] : part.fields)))];
  // The same guide in another file (a page saved as .txt and as .docx) that says the same: cite it too.
  const same = (twins.get(best) ?? []).filter(
    (t) => !missing && aspects.every((a) => aspectText(t.procedure, a, vocabulary).text === aspectText(p, a, vocabulary).text),
  );
  if (same.length > 0) body += `\n\n(Cùng nội dung trong ${same.length + 1} tệp: ${[p, ...same.map((t) => t.procedure)].map((x) => x.doc.file.split(/[\\/]/).pop()).join(', ')}.)`;
  const cited = fields.length > 0 ? fields : (['ten'] as const);
  return {
    text: withFooter(body, p, options.today, fields),
    aspect: primary,
    procedure: p,
    citations: [p, ...same.map((t) => t.procedure)].flatMap((x) => cited.map((f) => citationFor(x, f))),
    choices: related.map((r) => ({ label: r.ten, query: choiceQuery(r, primary, vocabulary) })),
    refused: missing,
    ...(missing ? { reason: 'procedure_field_missing' } : {}),
  };
}
