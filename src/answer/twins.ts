/**
 * One plan indexed from two files (a digital PDF and its scan, a .docx and its PDF): both files
 * yield the same task records, and an answer listing both would give every task twice. Twins are
 * collapsed at answer time, never in the index: which file is better can change with the next
 * reindex, and an admin still sees both files in the manifest.
 *
 * Two records are twins only when everything that identifies the document agrees (type, number,
 * date, province or issuer) and the task sits at the same place with the same lead agencies and
 * the same deadline. Anything unknown counts as a difference, so two plans of different provinces
 * that share a number and date are never merged, and neither are two tasks of one document.
 */
import type { DocRef, Task } from '../domain/records.js';
import { fold } from '../text/normalize.js';

const key = (s: string | undefined): string => fold(s ?? '').replace(/[^\p{L}\p{N}/]+/gu, '');

/** What identifies a document across files, or undefined when the file does not say enough. */
export function documentIdentity(doc: Pick<DocRef, 'type' | 'number' | 'date' | 'province' | 'issuer'>): string | undefined {
  const where = doc.province ?? doc.issuer;
  if (!doc.number || !doc.date || !where) return undefined;
  return [key(doc.type), key(doc.number), doc.date, key(where)].join('|');
}

/** Twin key of a task: its document's identity, its place, lead agencies and deadline. */
export function twinKey(task: Task): string | undefined {
  const doc = documentIdentity(task.doc);
  if (!doc) return undefined;
  const leads = task.lead
    .map((r) => r.agencyId ?? `?${key(r.surface)}`)
    .sort()
    .join(',');
  const due = `${task.deadline.kind}:${task.deadline.due ?? key(task.deadline.raw)}`;
  return [doc, task.sectionPath.join('.'), task.row ?? '', leads, due].join('#');
}

export interface Collapsed {
  tasks: Task[];
  /** Files of a kept record's twins, by kept task id (for "same plan in two files" notes). */
  twinFiles: Map<string, string[]>;
}

/**
 * Drop twins from a list, keeping for each the record with the higher confidence (on a tie, the
 * first document id), at the place of the first of them so the list's order stands.
 */
export function collapseTwins(tasks: readonly Task[]): Collapsed {
  // Tasks of one file that share a key (two bullets of one section, same lead and deadline) are
  // told apart by their order in the file, which its twin file repeats.
  const keys = new Map<Task, string>();
  const byFile = new Map<string, Task[]>();
  for (const t of tasks) {
    const k = twinKey(t);
    if (k === undefined) continue;
    const id = `${t.doc.docId}\u0000${k}`;
    byFile.set(id, [...(byFile.get(id) ?? []), t]);
    keys.set(t, k);
  }
  for (const list of byFile.values()) {
    [...list].sort((a, b) => a.lines[0] - b.lines[0]).forEach((t, i) => keys.set(t, `${keys.get(t)}#${i}`));
  }
  const slot = new Map<string, number>();
  const out: Task[] = [];
  const others = new Map<number, string[]>();
  for (const t of tasks) {
    const k = keys.get(t);
    const at = k === undefined ? undefined : slot.get(k);
    if (k === undefined || at === undefined || out[at]!.doc.docId === t.doc.docId) {
      if (k !== undefined && at === undefined) slot.set(k, out.length);
      out.push(t);
      continue;
    }
    const kept = out[at]!;
    const files = others.get(at) ?? [];
    // Equal confidence: the same choice whatever order the list came in.
    if (t.confidence > kept.confidence || (t.confidence === kept.confidence && t.doc.docId < kept.doc.docId)) {
      files.push(kept.doc.file);
      out[at] = t;
    } else files.push(t.doc.file);
    others.set(at, files);
  }
  const twinFiles = new Map<string, string[]>();
  for (const [at, files] of others) twinFiles.set(out[at]!.id, [...new Set(files)]);
  return { tasks: out, twinFiles };
}

/** The list without twins (see collapseTwins). */
export function withoutTwins(tasks: readonly Task[]): Task[] {
  return collapseTwins(tasks).tasks;
}
