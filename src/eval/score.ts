/**
 * Scoring of answers against eval questions (the shape of shared/eval/dev.jsonl):
 * every `must` string, one string of each `any_of` group, the expected document cited, and
 * for unanswerable questions a refusal. Strings compare diacritic-insensitively and through the
 * abbreviation table, so "Sở TT&TT" in an answer counts for "Sở Thông tin và Truyền thông".
 */
import { z } from 'zod';
import type { Answer } from '../domain/answer.js';
import { defaultAbbreviations } from '../text/abbreviations.js';
import { fold } from '../text/normalize.js';

export const EvalQuestion = z.object({
  id: z.string(),
  q: z.string(),
  type: z.string(),
  doc: z.string().nullable().optional(),
  must: z.array(z.string()).default([]),
  any_of: z.array(z.array(z.string())).nullable().optional(),
  evidence: z.string().nullable().optional(),
  line: z.number().nullable().optional(),
  /** Kept apart for an honest first-contact figure: answered only with `eval --holdout`, reported separately. */
  holdout: z.boolean().optional(),
});
export type EvalQuestion = z.infer<typeof EvalQuestion>;

/** Folded, abbreviation-canonical, punctuation-free, single-spaced. */
export function matchForm(text: string): string {
  const plain = defaultAbbreviations().canonicalFolded(text).replace(/[^\p{L}\p{N}%]+/gu, ' ');
  // "04/4/2022" and "4/4/2022" are the same date: drop leading zeros of numbers.
  return ` ${plain.replace(/(?<![\p{N}.,])0+(?=\d)/gu, '').replace(/\s+/g, ' ').trim()} `;
}

export function contains(haystack: string, needle: string): boolean {
  return matchForm(haystack).includes(matchForm(needle));
}

/** Evidence as the eval README defines it: whitespace + diacritics normalised; multi-line → longest line. */
export function evidenceKey(evidence: string): string {
  const lines = evidence.split('\n').map((l) => l.trim()).filter(Boolean);
  const longest = lines.sort((a, b) => b.length - a.length)[0] ?? '';
  return fold(longest).replace(/\s+/g, ' ').trim();
}

export function passageHasEvidence(passageText: string, evidence: string): boolean {
  const key = evidenceKey(evidence);
  if (!key) return false;
  return fold(passageText).replace(/\s+/g, ' ').includes(key);
}

export interface Verdict {
  correct: boolean;
  missing: string[];
  citesExpected: boolean | null;
  refused: boolean;
  evidenceAt5: boolean | null;
}

/**
 * @param expectedDoc how to recognise the expected document in a citation: doc ids and/or numbers;
 *   null when the question names none (or the mapping is unknown).
 */
export function judge(
  q: EvalQuestion,
  answer: Answer,
  expectedDoc: { docIds: string[]; numbers: string[] } | null,
  /** The source lines a passage points at (a table-row chunk restructures its cells). */
  sourceOf: (passage: Answer['passages'][number]) => string = () => '',
): Verdict {
  const text = answer.answer;
  const missing = q.must.filter((m) => !contains(text, m));
  for (const group of q.any_of ?? []) if (!group.some((g) => contains(text, g))) missing.push(`one of [${group.join(' | ')}]`);
  const citesExpected =
    expectedDoc === null
      ? null
      : answer.citations.some((c) => expectedDoc.docIds.includes(c.docId) || expectedDoc.numbers.some((n) => n.length > 0 && c.document.includes(n)));
  const evidence = q.evidence;
  const evidenceAt5 = evidence
    ? answer.passages.slice(0, 5).some((p) => passageHasEvidence(p.text, evidence) || passageHasEvidence(sourceOf(p), evidence))
    : null;
  const correct = q.type === 'unanswerable' ? answer.refused : !answer.refused && missing.length === 0 && citesExpected !== false;
  return { correct, missing, citesExpected, refused: answer.refused, evidenceAt5 };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

/** What a metadata expectation file states per document; `province: null` = a central body, no province may be set. */
export const MetadataExpectation = z.object({
  documents: z.record(
    z.object({ number: z.string().optional(), date: z.string().optional(), province: z.string().nullable().optional() }).strict(),
  ),
});
export type MetadataExpectation = z.infer<typeof MetadataExpectation>;

export interface MetadataVerdict {
  field: 'number' | 'date' | 'province';
  expected: string | null;
  got: string | undefined;
  right: boolean;
}

/** "1961/QĐUBND" and "1961/QĐ-UBND" are one number: compared folded, letters and digits only. */
const numberKey = (n: string): string => fold(n).toUpperCase().replace(/[^A-Z0-9]/g, '');

/** Field-by-field verdicts of one document's metadata against what its expectation states. */
export function judgeMetadata(
  expected: MetadataExpectation['documents'][string],
  got: { number?: string | undefined; date?: string | undefined; province?: string | undefined },
): MetadataVerdict[] {
  const out: MetadataVerdict[] = [];
  if (expected.number !== undefined)
    out.push({ field: 'number', expected: expected.number, got: got.number, right: got.number !== undefined && numberKey(got.number) === numberKey(expected.number) });
  if (expected.date !== undefined) out.push({ field: 'date', expected: expected.date, got: got.date, right: got.date === expected.date });
  if (expected.province !== undefined) {
    const e = expected.province;
    const right = e === null ? got.province === undefined : got.province !== undefined && fold(got.province) === fold(e);
    out.push({ field: 'province', expected: e, got: got.province, right });
  }
  return out;
}
