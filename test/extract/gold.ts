/**
 * Gold measurement of task extraction (test/gold/*.json, written by reading the documents).
 *
 * Matching rule:
 * - A predicted record belongs to a gold task when its key matches (`keyBy` 'section': the section
 *   path "II.3"; 'row': the printed row ordinal; 'group-row': table group + ordinal "II.5") AND its
 *   title shares at least half of the gold title's syllables (folded) — so a row whose cells were
 *   shifted onto the wrong ordinal does not count.
 * - Leads and cooperating agencies are compared as registry ids without the province
 *   ("so-tttt@thanh-hoa" = "so-tttt"); unknown agencies never match.
 * - Deadlines are compared by kind + due date (ongoing/conditional without a due date: kind only).
 * - Precision and recall are over sets of (task, lead, deadline) tuples, and of (task, cooperating)
 *   tuples; predictions outside the gold's scope (sections/sources it does not cover) are ignored.
 */
import { z } from 'zod';
import type { Task } from '../../src/domain/records.js';
import { fold } from '../../src/text/normalize.js';

const GoldDeadline = z.object({ kind: z.string(), due: z.string().optional() });
export const GoldFile = z.object({
  schemaVersion: z.literal(1),
  file: z.string(),
  description: z.string(),
  scope: z.object({
    sectionPrefix: z.array(z.string()).optional(),
    source: z.string().optional(),
    /** The gold covers only some rows: predictions for other keys are not judged. */
    partial: z.boolean().optional(),
  }),
  keyBy: z.enum(['section', 'row', 'group-row']),
  tasks: z.array(
    z.object({
      key: z.string(),
      title: z.string(),
      leads: z.array(z.object({ agency: z.string(), deadline: GoldDeadline })),
      cooperating: z.array(z.string()),
      directing: z.array(z.string()).optional(),
    }),
  ),
});
export type GoldFile = z.infer<typeof GoldFile>;

export interface Score {
  precision: number;
  recall: number;
  truePositives: number;
  predicted: number;
  gold: number;
  missing: string[];
  extra: string[];
}

const bare = (id: string | undefined): string => (id ?? '').split('@')[0] ?? '';

export function deadlineKey(d: { kind: string; due?: string | undefined }): string {
  return `${d.kind}:${d.due ?? ''}`;
}

function syllableSet(text: string): Set<string> {
  return new Set(fold(text).match(/[a-z0-9]+/g) ?? []);
}

export function titleMatches(predicted: string, gold: string): boolean {
  const g = syllableSet(gold);
  const p = syllableSet(predicted);
  let common = 0;
  for (const s of g) if (p.has(s)) common++;
  return g.size > 0 && common / g.size >= 0.5;
}

export function keyOf(task: Task, keyBy: GoldFile['keyBy']): string | undefined {
  if (keyBy === 'section') return task.sectionPath.join('.');
  if (!task.row) return undefined;
  if (keyBy === 'row') return task.row;
  return `${task.sectionPath[task.sectionPath.length - 1] ?? ''}.${task.row}`;
}

export function inScope(task: Task, gold: GoldFile): boolean {
  const { sectionPrefix, source } = gold.scope;
  if (source && task.source !== source) return false;
  if (sectionPrefix && !sectionPrefix.every((p, i) => task.sectionPath[i] === p)) return false;
  return true;
}

function score(predicted: Set<string>, expected: Set<string>): Score {
  let tp = 0;
  for (const p of predicted) if (expected.has(p)) tp++;
  return {
    precision: predicted.size ? tp / predicted.size : expected.size ? 0 : 1,
    recall: expected.size ? tp / expected.size : 1,
    truePositives: tp,
    predicted: predicted.size,
    gold: expected.size,
    missing: [...expected].filter((e) => !predicted.has(e)),
    extra: [...predicted].filter((p) => !expected.has(p)),
  };
}

export function measure(tasks: Task[], gold: GoldFile): { lead: Score; cooperating: Score } {
  const titles = new Map(gold.tasks.map((t) => [t.key, t.title]));
  const predLead = new Set<string>();
  const predCoop = new Set<string>();
  for (const t of tasks) {
    if (!inScope(t, gold)) continue;
    let key = keyOf(t, gold.keyBy) ?? `?${t.title.slice(0, 30)}`;
    const goldTitle = titles.get(key);
    if (goldTitle === undefined && gold.scope.partial) continue;
    if (goldTitle !== undefined && !titleMatches(t.title, goldTitle)) key = `${key}?title`;
    for (const l of t.lead) predLead.add(`${key}|${l.agencyId ? bare(l.agencyId) : `?${l.surface}`}|${deadlineKey(t.deadline)}`);
    for (const c of t.cooperating) predCoop.add(`${key}|${c.agencyId ? bare(c.agencyId) : `?${c.surface}`}`);
  }
  const goldLead = new Set<string>();
  const goldCoop = new Set<string>();
  for (const g of gold.tasks) {
    for (const l of g.leads) goldLead.add(`${g.key}|${l.agency}|${deadlineKey(l.deadline)}`);
    for (const c of g.cooperating) goldCoop.add(`${g.key}|${c}`);
  }
  return { lead: score(predLead, goldLead), cooperating: score(predCoop, goldCoop) };
}
