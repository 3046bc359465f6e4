/**
 * Answers citizens' questions about administrative procedures from procedure records: which
 * procedure (by name, everyday words or without diacritics), which aspect (documents, where,
 * online, time, fee, steps, who, legal basis), then a grounded chat message citing the guide.
 * Returns undefined when no procedure matches, so the general engine decides.
 */
import type { Citation } from '../domain/answer.js';
import type { Procedure } from '../domain/records.js';
import { aspectText, citationFor, withFooter, type AspectText } from './procedures/compose.js';
import { defaultProcedureLabels } from '../extract/procedures/labels.js';
import { MATCH_DEFAULTS, distinguishingWords, nameWordPairs, rankProcedures, rareWordOwners, variantsOf, type ProcedureMatch } from './procedures/match.js';
import { fold, squash, syllables } from '../text/normalize.js';
import { Provinces } from '../text/provinces.js';
import { defaultProcedureVocabulary, type ProcedureAspect, type ProcedureVocabulary, type VariantEntry } from './procedures/vocabulary.js';

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
  /** The previous turn's procedure slots, so a follow-up naming only an aspect keeps its procedure. */
  previous?: PreviousProcedureSlots;
}

/** What a follow-up needs from the previous turn (kept by the question model between turns). */
export interface PreviousProcedureSlots {
  /** `Procedure.id` answered about. */
  procedureId?: string;
  aspect?: ProcedureAspect;
}

/**
 * What a question says about procedures, parsed once: which procedure (from the indexed records'
 * names), which variant, which aspect. `procedure` is set when one fits; `candidates` when the
 * question fits several equally (the answer asks which one).
 */
export interface ProcedureSlots {
  procedure?: Procedure;
  /** Close candidates when the question does not settle on one (empty when `procedure` is set). */
  candidates: Procedure[];
  /** The variant the question names ("cấp lại", "có yếu tố nước ngoài"), by its name in knowledge/synonyms.json. */
  variant?: string;
  /** True when the question names a variant that no indexed procedure close to it has. */
  variantMissing: boolean;
  /** Aspects asked, in the order asked; empty when none (a summary). */
  aspects: ProcedureAspect[];
  /** First aspect asked, or 'summary'. */
  aspect: ProcedureAspect;
  /** Match score of `procedure` (or of the best candidate); comparable within one call only. */
  score: number;
  /** True when the procedure was taken from the previous turn's slots. */
  carried: boolean;
  /** Procedure nouns the question has ("cccd", "giấy phép"), from knowledge/synonyms.json. */
  nouns: string[];
  /**
   * True when the question reads as a citizen's procedure question: it names an indexed procedure,
   * or a procedure noun together with an aspect or a variant ("CCCD quá hạn", "giấy phép hết hạn").
   */
  signal: boolean;
  /** The same guide in other files (a page saved as .txt and .docx), cited too when it says the same. */
  twins: Procedure[];
  /** Guides whose names extend the answered one's ("… có yếu tố nước ngoài"), offered as choices. */
  related: Procedure[];
  /** The question's words beyond the procedure's name, its aspect words and provinces ("bộ phận chuyên môn thẩm định"), folded. */
  detail: string[];
}

/** Procedures the question names, best first, with a score comparable within this call only. */
export function matchProcedures(
  question: string,
  procedures: Procedure[],
  vocabulary: ProcedureVocabulary = defaultProcedureVocabulary(),
): Array<{ procedure: Procedure; score: number }> {
  const { rest } = vocabulary.aspects(question, nameWordPairs(procedures, vocabulary));
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

/** The names of a procedure, for variant checks. */
const namesOf = (p: Procedure): string[] => [p.ten, ...p.ten_goi_khac];

/**
 * Parses what a question says about procedures. Names come from the records (`ten`,
 * `ten_goi_khac`) and knowledge/synonyms.json; nothing here lists procedures by hand.
 */
export function procedureSlots(question: string, procedures: Procedure[], options: Omit<ProcedureAnswerOptions, 'today'> = {}): ProcedureSlots {
  const vocabulary = options.vocabulary ?? defaultProcedureVocabulary();
  const { hits, rest } = vocabulary.aspects(question, nameWordPairs(procedures, vocabulary));
  const nouns = vocabulary.nouns(question);
  const followUp = vocabulary.isFollowUp(question);
  let aspects: ProcedureAspect[] = hits.map((h) => h.aspect);
  const variants = vocabulary.variants(rest);
  const empty: ProcedureSlots = {
    candidates: [],
    variantMissing: false,
    aspects,
    aspect: aspects[0] ?? 'summary',
    score: 0,
    carried: false,
    nouns,
    signal: nouns.length > 0 && (aspects.length > 0 || variants.length > 0),
    twins: [],
    related: [],
    detail: [],
    ...(variants[0] ? { variant: variants[0].name } : {}),
  };
  const previous = options.previous?.procedureId ? procedures.find((p) => p.id === options.previous?.procedureId) : undefined;

  const twins: Twins = new Map();
  // A variant named by one of its forms ("sinh ở Nhật", "bị mất") is looked for by the words names use for it.
  // Those words never make a match alone ("xin visa đi Hàn Quốc" names no guide).
  const plain = rankProcedures(rest, procedures, vocabulary);
  const query = variants.length > 0 && plain.length > 0 ? `${rest} ${variants.map((v) => v.inNames[0]).join(' ')}` : rest;
  let ranked = distinctByName(query === rest ? plain : rankProcedures(query, procedures, vocabulary), namedProvinces(question), twins);
  let carried = false;
  if (ranked.length === 0 && previous) {
    // "còn lệ phí?", "cấp lại thì sao?": the previous procedure, with this question's aspect and variant.
    ranked = distinctByName(rankProcedures(`${vocabulary.aspects(previous.ten).rest} ${rest}`, procedures, vocabulary), namedProvinces(question), twins);
    carried = ranked.length > 0;
  }
  if (aspects.length === 0 && followUp && options.previous?.aspect && options.previous.aspect !== 'summary' && (carried || previous)) {
    // "thế còn đăng ký kết hôn?" after "khai sinh cần giấy tờ gì": the same aspect of the new procedure.
    aspects = [options.previous.aspect];
  }
  const best = ranked[0];
  if (!best) {
    // "giấy phép karaoke …": a rare word names a family of guides without saying which; ask.
    // Only for a question that reads as a procedure question (a paper or an aspect): "Sở Tài chính" is not "điều chỉnh".
    const asksProcedure = nouns.length > 0 || aspects.length > 0;
    const family = asksProcedure ? [...new Map(rareWordOwners(rest, procedures, vocabulary).map((p) => [fold(p.ten), p])).values()] : [];
    const fitting = variants.length > 0 ? family.filter((p) => variants.every((v) => namesOf(p).some((n) => vocabulary.nameFits(n, v)))) : family;
    if (fitting.length === 1) return { ...empty, aspects, aspect: aspects[0] ?? 'summary', procedure: fitting[0]!, signal: true };
    if (fitting.length > 1 && fitting.length <= 4) return { ...empty, aspects, aspect: aspects[0] ?? 'summary', candidates: fitting, signal: true };
    if (family.length > 0 && variants.length > 0) {
      return { ...empty, aspects, aspect: aspects[0] ?? 'summary', variantMissing: true, candidates: [family[0]!], signal: true };
    }
    return { ...empty, aspects, aspect: aspects[0] ?? 'summary' };
  }
  const base = { ...empty, aspects, aspect: aspects[0] ?? 'summary', carried, signal: true };

  // A variant the question names: only candidates whose names fit it ("cấp lại" is not "cấp").
  let pool = ranked;
  if (variants.length > 0) {
    const fits = (m: ProcedureMatch) => variants.every((v) => namesOf(m.procedure).some((n) => vocabulary.nameFits(n, v)));
    // A fitting guide must be about the same thing: most of the words the best match found beyond the
    // variant's are in its names too ("kết hôn … nước ngoài" is not "khai sinh có yếu tố nước ngoài").
    const variantWords = new Set(variants.flatMap((v) => [...v.inNames, ...v.forms].flatMap((f) => syllables(vocabulary.rewrite(f)))));
    const baseWords = best.matched.filter((u) => !u.includes(' ') && !variantWords.has(u));
    const sameBase = (m: ProcedureMatch) => {
      if (m === best || baseWords.length === 0) return true;
      const own = new Set(namesOf(m.procedure).flatMap((n) => syllables(vocabulary.rewrite(n))));
      return baseWords.filter((w) => own.has(w)).length >= baseWords.length * 0.6;
    };
    const fitting = ranked.filter((m) => fits(m) && m.score >= best.score * VARIANT_BASE_RATIO && sameBase(m));
    if (fitting.length === 0) {
      // The guide itself speaks of the case ("… có thời gian ở nước ngoài" in its time limit): it answers.
      if (!mentionsVariant(best.procedure, aspects, variants, vocabulary)) return { ...base, variantMissing: true, candidates: [best.procedure], score: best.score };
    } else pool = fitting;
  }
  const top = pool[0]!;
  let close = pool.filter((m) => m.score >= top.score * MATCH_DEFAULTS.closeRatio);
  if (close.length > 1) {
    // A tie settled by words one name has and the others lack ("karaoke"); else ask.
    const own = distinguishingWords(close, procedures, vocabulary, carried && previous ? `${previous.ten} ${rest}` : rest);
    const most = Math.max(...close.map((m) => own.get(m)?.length ?? 0));
    const leaders = close.filter((m) => (own.get(m)?.length ?? 0) === most);
    if (most > 0 && leaders.length === 1) close = leaders;
  }
  if (close.length > 1) {
    return { ...base, candidates: close.slice(0, 4).map((m) => m.procedure), score: top.score };
  }
  const chosen = close[0]!;
  const nameSyllables = new Set(namesOf(chosen.procedure).flatMap((n) => syllables(`${squash(fold(n))} ${vocabulary.rewrite(n)}`)));
  const provinceSyllables = new Set(namedProvinces(question).flatMap((n) => syllables(fold(n))));
  const detail = [...new Set(syllables(rest))].filter((w) => w.length >= 2 && !nameSyllables.has(w) && !provinceSyllables.has(w));
  return {
    ...base,
    detail,
    procedure: chosen.procedure,
    score: chosen.score,
    twins: (twins.get(chosen) ?? []).map((t) => t.procedure),
    related: variants.length > 0 ? [] : variantsOf(chosen, procedures, vocabulary),
  };
}

/** The text of a guide's fields that answer an aspect, to see whether they speak of a variant. */
function aspectFieldsText(p: Procedure, aspect: ProcedureAspect): string {
  const documents = p.thanh_phan_ho_so.map((d) => `${d.ten} ${d.ghi_chu ?? ''}`).join(' ');
  switch (aspect) {
    case 'documents':
      return documents;
    case 'time':
      return p.thoi_han_giai_quyet ?? '';
    case 'fee':
      return p.le_phi ?? '';
    case 'where':
    case 'how':
    case 'online':
      return [p.co_quan_thuc_hien, ...p.noi_nop].filter(Boolean).join(' ');
    case 'steps':
      return p.trinh_tu.join(' ');
    case 'who':
    case 'conditions':
      return [p.doi_tuong, p.mo_ta].filter(Boolean).join(' ');
    case 'result':
      return p.mo_ta;
    case 'legal':
      return '';
    case 'summary':
      return [p.doi_tuong, p.thoi_han_giai_quyet, p.le_phi, documents].filter(Boolean).join(' ');
  }
}

/**
 * True when the fields answering the question speak of every named variant by its name words
 * ("… có thời gian ở nước ngoài" in a time limit): that guide answers the case. A note elsewhere
 * ("cấp lại là các thủ tục khác") does not count.
 */
function mentionsVariant(p: Procedure, aspects: ProcedureAspect[], variants: VariantEntry[], vocabulary: ProcedureVocabulary): boolean {
  const plain = (t: string) => ` ${vocabulary.rewrite(t).replace(/[^\p{L}\p{N}]+/gu, ' ').trim()} `;
  const text = plain((aspects.length > 0 ? aspects : (['summary'] as const)).map((a) => aspectFieldsText(p, a)).join(' '));
  return variants.every((v) => v.inNames.some((f) => text.includes(plain(f))));
}

/** A candidate fits a named variant only if it is still about the same thing as the best match. */
const VARIANT_BASE_RATIO = 0.5;

/** The chat answer for parsed slots; undefined when the slots name no procedure. */
export function answerProcedureSlots(slots: ProcedureSlots, options: ProcedureAnswerOptions = {}): ProcedureAnswer | undefined {
  const vocabulary = options.vocabulary ?? defaultProcedureVocabulary();
  const aspects: ProcedureAspect[] = slots.aspects.length > 0 ? slots.aspects : ['summary'];
  const primary = aspects[0]!;

  if (slots.variantMissing && slots.candidates[0]) {
    const nearest = slots.candidates[0];
    return {
      text:
        `Tôi chưa có hướng dẫn cho trường hợp “${slots.variant ?? ''}” của thủ tục này. ` +
        `Hướng dẫn gần nhất đang có là thủ tục “${nearest.ten}” — có thể khác với trường hợp của bạn.\n` +
        `Bạn muốn xem hướng dẫn “${nearest.ten}” không? Hoặc hỏi Bộ phận một cửa nơi nộp hồ sơ.`,
      aspect: primary,
      citations: [],
      choices: [{ label: nearest.ten, query: choiceQuery(nearest, primary, vocabulary) }],
      refused: true,
      reason: 'procedure_variant_not_found',
    };
  }
  if (!slots.procedure) {
    if (slots.candidates.length === 0) return undefined;
    const options = slots.candidates;
    return {
      text:
        `Có ${options.length} thủ tục gần với câu hỏi của bạn. Bạn hỏi về thủ tục nào?\n` +
        options.map((p, i) => `${i + 1}. ${p.ten}`).join('\n'),
      aspect: primary,
      citations: [],
      choices: options.map((p) => ({ label: p.ten, query: choiceQuery(p, primary, vocabulary) })),
      refused: false,
    };
  }

  const p = slots.procedure;
  const parts = aspects.map((a) => withStep(p, a, aspectText(p, a, vocabulary), slots.detail));
  const missing = parts.every((part) => part.missing);
  let body = parts.map((part) => part.text).join('\n\n');
  if (slots.related.length > 0) {
    body += `\n\nNếu trường hợp của bạn khác, xem thêm: ${slots.related.map((r) => `“${r.ten}”`).join(', ')}.`;
  }
  const fields = [...new Set(parts.flatMap((part) => (part.missing ? [] : part.fields)))];
  // The same guide in another file (a page saved as .txt and as .docx) that says the same: cite it too.
  const same = slots.twins.filter(
    (t) => !missing && aspects.every((a) => aspectText(t, a, vocabulary).text === aspectText(p, a, vocabulary).text),
  );
  if (same.length > 0) body += `\n\n(Cùng nội dung trong ${same.length + 1} tệp: ${[p, ...same].map((x) => x.doc.file.split(/[\\/]/).pop()).join(', ')}.)`;
  // A guide that does not state the field asked is cited at that field's place (its heading), never by another field's text.
  const cited = fields.length > 0 ? fields : missing ? [...new Set(parts.flatMap((part) => part.fields))] : (['ten'] as const);
  return {
    text: withFooter(body, p, options.today, fields),
    aspect: primary,
    procedure: p,
    citations: [p, ...same].flatMap((x) => cited.map((f) => citationFor(x, f))),
    choices: slots.related.map((r) => ({ label: r.ten, query: choiceQuery(r, primary, vocabulary) })),
    refused: missing,
    ...(missing ? { reason: 'procedure_field_missing' } : {}),
  };
}

/**
 * "bộ phận chuyên môn thẩm định hồ sơ trong mấy ngày": a question about one step of the procedure.
 * The step sharing most of the question's own words (at least half, and two) that states the aspect
 * is quoted before the field.
 */
function withStep(p: Procedure, aspect: ProcedureAspect, part: AspectText, detail: string[]): AspectText {
  if ((aspect !== 'time' && aspect !== 'where' && aspect !== 'fee') || detail.length < 2 || p.trinh_tu.length === 0) return part;
  const overlap = (step: string) => {
    const words = new Set(syllables(squash(fold(step))));
    return detail.filter((w) => words.has(w)).length;
  };
  const need = Math.max(2, Math.ceil(detail.length / 2));
  const scored = p.trinh_tu.map((step) => ({ step, n: overlap(step) })).filter((s) => s.n >= need);
  const most = Math.max(0, ...scored.map((s) => s.n));
  const steps = defaultProcedureLabels().stepsAnswering(aspect, scored.filter((s) => s.n === most).map((s) => s.step));
  if (steps.length === 0 || steps.length > 2) return part;
  const text = `Theo trình tự thực hiện thủ tục “${p.ten}”, bước bạn hỏi:\n${steps.map((s) => `- ${s}`).join('\n')}`;
  return { text: part.missing ? text : `${text}\n\n${part.text}`, fields: part.missing ? ['trinh_tu'] : ['trinh_tu', ...part.fields], missing: false };
}

/** Parses and answers in one call (the entry point the engine uses today). */
export function answerProcedure(
  question: string,
  procedures: Procedure[],
  options: ProcedureAnswerOptions = {},
): ProcedureAnswer | undefined {
  return answerProcedureSlots(procedureSlots(question, procedures, options), options);
}
