/**
 * The peer: MiniSearch over the very chunks this project indexes, with its default settings and
 * with a diacritic-folding term processor, scored on the dev questions with the same recall@5
 * rule as this project's retrieval.
 */
import { readFileSync } from 'node:fs';
import MiniSearch from 'minisearch';
import { z } from 'zod';
import type { Chunk } from '../src/domain/records.js';
import { fold } from '../src/text/normalize.js';
import { median } from './stats.js';

export const DevQuestion = z.object({ id: z.string(), q: z.string(), type: z.string(), evidence: z.string().nullable().transform((e) => e ?? '') });
export type DevQuestion = z.infer<typeof DevQuestion>;

export function readDevQuestions(file: string): DevQuestion[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => DevQuestion.parse(JSON.parse(l)));
}

/** Whitespace collapsed, tone marks and đ folded, lowercase: the comparison form for evidence. */
export function comparable(text: string): string {
  return fold(text.normalize('NFC')).replace(/\s+/g, ' ').trim();
}

/** The evidence needle: the longest line of multi-line evidence, in comparison form. */
export function evidenceNeedle(evidence: string): string {
  const lines = evidence.split('\n').map((l) => l.trim()).filter(Boolean);
  const longest = lines.reduce((a, b) => (b.length > a.length ? b : a), '');
  return comparable(longest);
}

const fileLines = new Map<string, string[]>();
/**
 * What a passage is when checking evidence: its text and the source lines it points at — the same
 * rule as `npm run eval` (a table-row chunk restructures its cells, the evidence quotes the source).
 */
export function passageForEvidence(chunk: Chunk): string {
  let lines = fileLines.get(chunk.doc.file);
  if (!lines) {
    try {
      lines = readFileSync(chunk.doc.file, 'utf8').split('\n');
    } catch {
      lines = [];
    }
    fileLines.set(chunk.doc.file, lines);
  }
  return `${chunk.text}\n${lines.slice(Math.max(0, chunk.lines[0] - 1), chunk.lines[1]).join('\n')}`;
}

/** True when one of the passages contains the needle. */
export function hit(passages: readonly string[], needle: string): boolean {
  return needle !== '' && passages.some((p) => comparable(p).includes(needle));
}

export type Retriever = (query: string) => readonly Chunk[] | Promise<readonly Chunk[]>;

export interface RetrieverScore {
  recallAt5: number;
  found: number;
  questions: number;
  /** Median per-query latency over all passes. */
  medianMs: number;
}

/**
 * recall@5 over the answerable questions that have evidence, and median latency (each question
 * `passes` times after one warm pass). Passages are turned into text outside the timed calls.
 */
export async function scoreRetriever(retrieve: Retriever, all: readonly DevQuestion[], passes = 5): Promise<RetrieverScore> {
  const questions = all.filter((q) => q.type !== 'unanswerable' && q.evidence.trim() !== '');
  let found = 0;
  for (const q of questions) {
    const passages = (await retrieve(q.q)).slice(0, 5).map(passageForEvidence);
    if (hit(passages, evidenceNeedle(q.evidence))) found++;
  }
  const times: number[] = [];
  for (let p = 0; p < passes; p++) {
    for (const q of questions) {
      const t = performance.now();
      await retrieve(q.q);
      times.push(performance.now() - t);
    }
  }
  return { recallAt5: questions.length ? found / questions.length : Number.NaN, found, questions: questions.length, medianMs: median(times) };
}

/** MiniSearch over chunk texts: `folding` adds our Vietnamese fold to MiniSearch's default term processing. */
export function miniSearchPeer(chunks: readonly Chunk[], options: { folding: boolean }): Retriever {
  const byId = new Map(chunks.map((c, i) => [i, c]));
  const mini = new MiniSearch<{ id: number; text: string }>({
    fields: ['text'],
    ...(options.folding ? { processTerm: (term: string) => fold(term.toLowerCase()) } : {}),
  });
  mini.addAll(chunks.map((c, i) => ({ id: i, text: c.text })));
  return (query) => mini.search(query).slice(0, 5).flatMap((r) => byId.get(r.id as number) ?? []);
}
