/**
 * How well a piece of text supports a question: IDF-weighted coverage of the question's content
 * syllables and bigrams (folded, canonical abbreviations). This is what decides between answering
 * and refusing — a passage that shares only common words ("tỉnh", "năm 2023") with the question
 * does not support an answer, one that has the rare words ("IPv6", "trạm BTS") does.
 */
import { defaultAbbreviations } from '../text/abbreviations.js';

/**
 * Bounded memo of folded terms: the same chunk texts are scored for many questions, and the
 * abbreviation rewrite is the costly part of scoring.
 */
const TERM_CACHE_LIMIT = 20_000;
const termCache = new Map<string, string[]>();

export function foldedTerms(text: string): string[] {
  const cached = termCache.get(text);
  if (cached) return cached;
  const terms = defaultAbbreviations().canonicalFolded(text).match(/[\p{L}\p{N}]+(?:[.,]\p{N}+)*%?/gu) ?? [];
  if (termCache.size >= TERM_CACHE_LIMIT) termCache.delete(termCache.keys().next().value as string);
  termCache.set(text, terms);
  return terms;
}

function bigrams(terms: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < terms.length; i++) out.push(`${terms[i]} ${terms[i + 1]}`);
  return out;
}

export class TermStats {
  private readonly df = new Map<string, number>();
  private docs = 0;

  add(text: string): void {
    this.docs++;
    const terms = foldedTerms(text);
    for (const t of new Set([...terms, ...bigrams(terms)])) this.df.set(t, (this.df.get(t) ?? 0) + 1);
  }

  /** Smoothed IDF; unseen terms get the maximum (they are the rarest of all). */
  idf(term: string): number {
    const df = this.df.get(term) ?? 0;
    return Math.log(1 + (this.docs + 1) / (df + 0.5));
  }

  has(term: string): boolean {
    return this.df.has(term);
  }
}

export interface Coverage {
  /** 0..1: share of the question's IDF mass found in the text (unigrams and bigrams averaged). */
  score: number;
  /** Content terms of the question missing from the text, rarest first. */
  missing: string[];
}

/** Question terms prepared once per question. */
export interface QueryTerms {
  unigrams: string[];
  bigrams: string[];
}

export function queryTerms(content: string[]): QueryTerms {
  const unigrams = [...new Set(content)];
  return { unigrams, bigrams: [...new Set(bigrams(content))] };
}

export function coverage(q: QueryTerms, text: string, stats: TermStats, extra?: string): Coverage {
  const terms = extra === undefined ? foldedTerms(text) : [...foldedTerms(text), ...foldedTerms(extra)];
  const present = new Set([...terms, ...bigrams(terms)]);
  let total = 0;
  let found = 0;
  const missing: Array<{ term: string; idf: number }> = [];
  for (const t of q.unigrams) {
    const w = stats.idf(t);
    total += w;
    if (present.has(t)) found += w;
    else missing.push({ term: t, idf: w });
  }
  const uni = total > 0 ? found / total : 0;
  // Only bigrams the corpus knows count: a bigram made of two stop-ish question words means nothing.
  let bTotal = 0;
  let bFound = 0;
  for (const b of q.bigrams) {
    if (!stats.has(b)) continue;
    const w = stats.idf(b);
    bTotal += w;
    if (present.has(b)) bFound += w;
  }
  const bi = bTotal > 0 ? bFound / bTotal : uni;
  missing.sort((a, b) => b.idf - a.idf);
  return { score: 0.6 * uni + 0.4 * bi, missing: missing.map((m) => m.term) };
}

/** A quotable sentence and whether a line break of the source comes right before it. */
export interface SentencePart {
  text: string;
  /** True when the source starts a new line here (a heading above, a list item, a new paragraph). */
  newLine: boolean;
}

/**
 * Split prose into sentences / clauses small enough to quote, remembering where the source broke
 * lines, so a quote of two sentences never glues a heading to the sentence under it.
 */
export function sentenceParts(text: string): SentencePart[] {
  const raw: SentencePart[] = [];
  for (const line of text.split(/\n+/)) {
    line
      .split(/(?<=[.;!?])\s+(?=[\p{Lu}\d"“(-])|\s+-\s+(?=\p{Lu})/u)
      .forEach((part, i) => raw.push({ text: part.trim(), newLine: i === 0 && raw.length > 0 }));
  }
  // "Phối hợp: Sở Kế hoạch và Đầu tư; Sở Tài chính; Sở Nội vụ." is one list, not three sentences:
  // short items after a "label: item;" stay with it.
  const merged: SentencePart[] = [];
  for (const part of raw) {
    const prev = merged[merged.length - 1];
    if (prev !== undefined && prev.text.endsWith(';') && prev.text.includes(':') && !part.text.includes(':') && part.text.split(/\s+/).length <= 6) prev.text = `${prev.text} ${part.text}`;
    else merged.push({ ...part });
  }
  // A fragment too short to quote ("1.2.") still leaves its line break to the sentence after it.
  const out: SentencePart[] = [];
  let carried = false;
  for (const part of merged) {
    if (part.text.length < 12) {
      carried ||= part.newLine;
      continue;
    }
    out.push({ text: part.text, newLine: (part.newLine || carried) && out.length > 0 });
    carried = false;
  }
  return out;
}

/** Split prose into sentences / clauses small enough to quote; table rows stay whole. */
export function sentences(text: string): string[] {
  return sentenceParts(text).map((p) => p.text);
}

const FIGURE_RE = /\d+(?:[.,]\d+)*\s*%|\b\d{1,3}(?:\.\d{3})+\b|\b\d+\s*(?:trạm|hộ|xã|dịch vụ|hệ thống|thủ tục|doanh nghiệp|người|tỷ|triệu|nghìn|km)/iu;
const DATE_RE = /\b(?:ngày\s+\d{1,2}|tháng\s+\d{1,2}|quý\s+[ivx\d]+|năm\s+\d{4}|\d{1,2}\/\d{1,2}\/\d{4}|\d{1,2}\/\d{4}|thường xuyên|hàng năm|hằng năm|hàng quý|hằng quý|sau khi|cuối quý|trước ngày)/iu;

export function hasFigure(text: string): boolean {
  return FIGURE_RE.test(text);
}

export function hasDateExpression(text: string): boolean {
  return DATE_RE.test(text);
}

/** Common Vietnamese family names: a capitalised name after one of these is a person, not an agency. */
const SURNAMES =
  // Names that are also place names (Hà, Cao, Ninh, Lâm, Thái, Hồ …) are left out on purpose.
  'Nguyễn|Trần|Lê|Phạm|Hoàng|Huỳnh|Phan|Vũ|Võ|Đặng|Bùi|Đỗ|Ngô|Dương|Lý|Mai|Đinh|Trịnh|Lương|Đào|Tạ|Tô|Trương|Quách|Chu|Vương|Đoàn|Lò|Cầm|Triệu|Kiều|Lại|Khổng|Nông|Hứa|Tăng|Thân|Tống|Mạc|Lưu';
const PERSON_RE = new RegExp(`(?:^|[^\\p{L}])(?:${SURNAMES})(?:\\s+\\p{Lu}\\p{Ll}*){1,3}(?![\\p{L}])`, 'u');

/** True when the text names a person ("Nguyễn Đình Xứng"), for "ai là …?" questions. */
export function hasPersonName(text: string): boolean {
  return PERSON_RE.test(text);
}

/**
 * The words a "bao nhiêu …" question counts ("bao nhiêu % hoạt động kiểm tra" → ["hoat", "dong"]),
 * so the sentence whose number sits next to them can be preferred.
 */
export function countedNoun(questionFolded: string): string[] {
  const m = questionFolded.match(/\bbao nhieu\s*(?:%|phan tram)?\s+((?:[\p{L}\p{N}]+\s*){1,3})/u);
  return m ? m[1]!.trim().split(/\s+/).slice(0, 2) : [];
}

/** True when a number in the text is directly followed by the counted words ("1.700 dịch vụ"). */
export function figureBeside(text: string, noun: string[]): boolean {
  if (noun.length === 0) return false;
  const terms = foldedTerms(text);
  for (let i = 0; i + noun.length < terms.length; i++) {
    if (!/^\d/.test(terms[i]!)) continue;
    if (noun.every((w, j) => terms[i + 1 + j] === w)) return true;
  }
  return false;
}

/** Years a question or heading names ("2019 2020", "giai đoạn 2021-2025", "năm 2023"). */
export function yearsIn(text: string): number[] {
  return [...text.matchAll(/(?<!\d)(19[5-9]\d|20\d\d)(?!\d)/g)].map((m) => Number(m[1]));
}

/**
 * Weight of a figure stated for `period` ("2019-2020", a heading "Giai đoạn 2021 - 2025") when the
 * question names `years`: plans set one indicator per period, and the period asked decides between
 * them. 1 when either side names no year or the years match, less when they do not.
 */
export function periodWeight(years: number[], period: string | undefined): number {
  const span = yearsIn(period ?? '');
  if (years.length === 0 || span.length === 0) return 1;
  const [from, to] = [Math.min(...span), Math.max(...span)];
  // Only a mismatch weighs: a matching year must not lift an otherwise weak match over the threshold.
  return years.some((y) => y >= from && y <= to) ? 1 : 0.6;
}
