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
