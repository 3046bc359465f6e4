/**
 * The task board's view of the indexed task records: a stable id per task (content fingerprint),
 * the status agencies reported laid over the records, filters, counts per agency and status
 * changes with their permission rule. Reads the task records the last reindex wrote; answering
 * never depends on this module.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { citeTask, documentLabel, documentName } from '../answer/cite.js';
import type { AgencyRef, Task } from '../domain/records.js';
import { AgencyRegistry } from '../extract/agencies.js';
import { nextOccurrence } from '../extract/deadlines.js';
import { currentVersion, indexRoot, INDEX_FILES } from '../index/store.js';
import type { BoardStore, BoardUser, StatusChange, StoredStatus } from '../storage/board.js';
import { TaskStatus } from '../storage/board.js';
import { fold } from '../text/normalize.js';
import { Reorganisation } from '../text/reorganisation.js';

export { TaskStatus };

/** Vietnamese labels of the statuses (board, exports, chat). */
export const STATUS_LABEL: Record<TaskStatus, string> = {
  chua_bat_dau: 'Chưa bắt đầu',
  dang_thuc_hien: 'Đang thực hiện',
  hoan_thanh: 'Hoàn thành',
};

/** Where the task records come from (the live index; tests may give a list). */
export interface TaskCatalog {
  tasks(): Task[];
}

/** The live index version's tasks.json, read again only when a reindex published a new version. */
export class IndexTaskCatalog implements TaskCatalog {
  private cached: { version: string; tasks: Task[] } | undefined;
  constructor(private readonly dataDir: string) {}
  tasks(): Task[] {
    const version = currentVersion(this.dataDir);
    if (!version) return [];
    if (this.cached?.version === version) return this.cached.tasks;
    const file = path.join(indexRoot(this.dataDir), version, INDEX_FILES.tasks);
    if (!existsSync(file)) return this.cached?.tasks ?? [];
    const tasks = JSON.parse(readFileSync(file, 'utf8')) as Task[];
    this.cached = { version, tasks };
    return tasks;
  }
}

/** Numbering labels at the head of each heading segment ("II. ", "7. ", "a) ") are layout, not text. */
const headingText = (sectionTitle: string): string =>
  sectionTitle
    .split('›')
    .map((s) => fold(s).replace(/^\s*(?:[ivxlcdm]+|\d+(?:\.\d+)*|[a-zđ])[.)]\s*/i, '').trim())
    .join('›');

const norm = (s: string | undefined): string => fold(s ?? '').replace(/\s+/g, ' ').trim();
const refs = (list: AgencyRef[]): string => list.map((r) => r.agencyId ?? norm(r.surface)).sort().join(',');

/**
 * A task's stable id: a fingerprint of its document and its own text (title, action, agencies,
 * deadline as written, heading text without its number). It stays the same across reindexes while
 * the text is unchanged, even when rows before it were added or removed (record ids are positional).
 */
/** Keys of each task record, computed once per record (the catalog keeps its records until a reindex). */
const keyCache = new WeakMap<Task, string>();

export function taskKey(task: Task): string {
  const cached = keyCache.get(task);
  if (cached) return cached;
  const key = fingerprint(task);
  keyCache.set(task, key);
  return key;
}

function fingerprint(task: Task): string {
  const parts = [
    task.doc.docId,
    headingText(task.sectionTitle),
    norm(task.title),
    norm(task.action),
    refs(task.lead),
    refs(task.cooperating),
    norm(task.deadline.raw),
  ];
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 16);
}

/**
 * The document page with the task's lines highlighted (the link shape of the document pages:
 * `/documents/<id>?lines=a-b#La`).
 */
export function sourceUrl(task: Task): string {
  const [from, to] = task.lines;
  return `/documents/${encodeURIComponent(task.doc.docId)}?lines=${from}-${to}#L${from}`;
}

export interface BoardTask {
  id: string;
  recordId: string;
  title: string;
  action?: string;
  lead: string[];
  leadIds: string[];
  cooperating: string[];
  deadline: { raw: string; kind: string; due?: string };
  province?: string;
  document: { id: string; name: string; label: string; date?: string };
  status: TaskStatus;
  statusNote?: string;
  statusBy?: string;
  statusAt?: string;
  /** The task's text changed since its status was reported: the status is the old text's, to confirm. */
  needsReview: boolean;
  overdue: boolean;
  source: { url: string; document: string; section: string; file: string; lines: [number, number]; page?: number };
}

export const BoardFilter = z.object({
  agency: z.string().trim().min(1).max(200).optional(),
  province: z.string().trim().min(1).max(100).optional(),
  document: z.string().trim().min(1).max(200).optional(),
  due_from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD').optional(),
  due_to: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD').optional(),
  status: TaskStatus.optional(),
  overdue_at: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD').optional(),
});
export type BoardFilter = z.infer<typeof BoardFilter>;

export interface AgencyCount {
  agency: string;
  total: number;
  done: number;
  inProgress: number;
  notStarted: number;
  overdue: number;
}

export class BoardError extends Error {
  constructor(readonly code: 'NOT_FOUND' | 'FORBIDDEN' | 'UNKNOWN_AGENCY', message: string) {
    super(message);
  }
}

/** Past its due date on `today` and not reported done. Recurring tasks are never "overdue" as a whole. */
function isOverdue(task: Task, status: TaskStatus, today: string): boolean {
  if (status === 'hoan_thanh' || task.deadline.kind === 'recurring') return false;
  return Boolean(task.deadline.due && task.deadline.due < today);
}

export interface TaskBoardOptions {
  store: BoardStore;
  catalog: TaskCatalog;
  registry: AgencyRegistry;
  /** Agency successions (2025 reorganisation): today's agency answers for its predecessors' tasks. */
  reorganisation?: Reorganisation;
}

/**
 * The registry ids agencies named in a task stand for on `today`: each as written, plus the agency
 * that took it over by then (for a split one, the agency that got the task's field). A document
 * dated on or after the change already names the new agencies.
 */
export function currentAgencyIds(refs: AgencyRef[], task: Task, reorganisation: Reorganisation | undefined, today: string): string[] {
  const out: string[] = [];
  for (const r of refs) {
    if (!r.agencyId) continue;
    out.push(r.agencyId);
    const [base, slug] = r.agencyId.split('@');
    const next = reorganisation?.successorOf(base!, today);
    if (!next || (task.doc.date && task.doc.date >= next.succession.effective)) continue;
    const field = next.split.find((x) => Reorganisation.inField(`${task.title} ${task.action ?? ''} ${task.sectionTitle}`, x));
    const to = field?.to ?? next.to;
    out.push(slug ? `${to}@${slug}` : to);
  }
  return [...new Set(out)];
}

interface CatalogIndex {
  byKey: Map<string, Task>;
  byRecord: Map<string, string>;
  byTitle: Map<string, string>;
}

interface Overlay {
  status?: StoredStatus;
  review?: StoredStatus;
}

export class TaskBoard {
  constructor(private readonly options: TaskBoardOptions) {}

  get registry(): AgencyRegistry {
    return this.options.registry;
  }

  /** Registry ids that lead this task on `today` (as written and their successors). */
  leadIds(task: Task, today: string): string[] {
    return currentAgencyIds(task.lead, task, this.options.reorganisation, today);
  }

  private readonly indexCache = new WeakMap<Task[], CatalogIndex>();

  /** Lookups over the catalog's tasks, built once per catalog array (one per index version). */
  private indexOf(all: Task[]): CatalogIndex {
    let index = this.indexCache.get(all);
    if (!index) {
      index = { byKey: new Map(), byRecord: new Map(), byTitle: new Map() };
      for (const t of all) {
        const key = taskKey(t);
        if (!index.byKey.has(key)) index.byKey.set(key, t);
        index.byRecord.set(t.id, key);
        index.byTitle.set(`${t.doc.docId}\u0000${norm(t.title)}`, key);
      }
      this.indexCache.set(all, index);
    }
    return index;
  }

  private byKey(all: Task[]): Map<string, Task> {
    return this.indexOf(all).byKey;
  }

  /**
   * Reported status of each live task. A stored status whose task text is no longer indexed is
   * laid on the task now at the same place (same record id, or same document and title) as a
   * status to review: never silently reset, never silently kept for a changed text. Costs one pass
   * over the stored statuses.
   */
  private overlay(tasks: Task[]): Map<string, Overlay> {
    const { byKey, byRecord, byTitle } = this.indexOf(tasks);
    const out = new Map<string, Overlay>();
    const orphans: StoredStatus[] = [];
    for (const s of this.options.store.statuses()) {
      if (byKey.has(s.key)) out.set(s.key, { status: s });
      else orphans.push(s);
    }
    for (const o of orphans) {
      const key = byTitle.get(`${o.docId}\u0000${norm(o.title)}`) ?? byRecord.get(o.recordId);
      if (!key || out.get(key)?.status) continue;
      const prev = out.get(key)?.review;
      if (!prev || prev.at < o.at) out.set(key, { review: o });
    }
    return out;
  }

  private view(task: Task, key: string, o: Overlay | undefined, today: string): BoardTask {
    const s = o?.status ?? o?.review;
    const status = s?.status ?? 'chua_bat_dau';
    const c = citeTask(task);
    const due = task.deadline.kind === 'recurring' ? nextOccurrence(task.deadline, today) : task.deadline.due;
    return {
      id: key,
      recordId: task.id,
      title: task.title,
      ...(task.action ? { action: task.action } : {}),
      lead: task.lead.map((r) => r.name ?? r.surface),
      leadIds: currentAgencyIds(task.lead, task, this.options.reorganisation, today),
      cooperating: task.cooperating.map((r) => r.name ?? r.surface),
      deadline: { raw: task.deadline.raw, kind: task.deadline.kind, ...(due ? { due } : {}) },
      ...(task.doc.province ? { province: task.doc.province } : {}),
      document: { id: task.doc.docId, name: documentName(task.doc), label: documentLabel(task.doc), ...(task.doc.date ? { date: task.doc.date } : {}) },
      status,
      ...(s?.note ? { statusNote: s.note } : {}),
      ...(s ? { statusBy: s.by, statusAt: s.at } : {}),
      needsReview: Boolean(o?.review),
      overdue: isOverdue(task, status, today),
      source: { url: sourceUrl(task), document: c.document, section: c.section, file: c.file, lines: c.lines, ...(c.page !== undefined ? { page: c.page } : {}) },
    };
  }

  /** The registry agency a filter or an account names. */
  resolveAgency(text: string, province?: string): { id: string; name: string } {
    const exact = this.options.registry.byId(text);
    if (exact) return { id: exact.id, name: exact.name };
    const best = this.options.registry.lookup(text, { ...(province ? { province } : {}), limit: 1 })[0];
    if (!best || best.score < 0.6) throw new BoardError('UNKNOWN_AGENCY', `không nhận ra cơ quan "${text}"`);
    return { id: best.agency.id, name: best.agency.name };
  }

  /** Tasks matching the filter, in document order; `today` decides what is overdue. */
  list(filter: BoardFilter, today: string): BoardTask[] {
    const all = this.options.catalog.tasks();
    const agency = filter.agency ? this.resolveAgency(filter.agency, filter.province) : undefined;
    const doc = filter.document ? norm(filter.document).replace(/\s+/g, '') : undefined;
    const keep = all.filter((t) => {
      if (filter.province && fold(t.doc.province ?? '') !== fold(filter.province)) return false;
      if (doc && t.doc.docId !== filter.document && norm(t.doc.number).replace(/\s+/g, '') !== doc) return false;
      if (agency && !currentAgencyIds([...t.lead, ...t.cooperating], t, this.options.reorganisation, today).some((id) => AgencyRegistry.sameAgency(id, agency.id))) return false;
      return true;
    });
    const overlay = this.overlay(all);
    const out: BoardTask[] = [];
    for (const t of keep) {
      const key = taskKey(t);
      const v = this.view(t, key, overlay.get(key), today);
      const due = v.deadline.due;
      if (filter.due_from && !(due && due >= filter.due_from)) continue;
      if (filter.due_to && !(due && due <= filter.due_to)) continue;
      if (filter.status && v.status !== filter.status) continue;
      if (filter.overdue_at && !(v.status !== 'hoan_thanh' && t.deadline.kind !== 'recurring' && due && due < filter.overdue_at)) continue;
      out.push(v);
    }
    return out.sort((a, b) => a.document.id.localeCompare(b.document.id) || a.source.lines[0] - b.source.lines[0]);
  }

  /** One task by its board id. */
  get(id: string, today: string): BoardTask | undefined {
    const all = this.options.catalog.tasks();
    const task = this.byKey(all).get(id);
    if (!task) return undefined;
    return this.view(task, id, this.overlay(all).get(id), today);
  }

  /** The status shown for task records (chat lists, reminders). */
  statusOf(tasks: Task[], today: string): Map<string, BoardTask> {
    const all = this.options.catalog.tasks();
    const overlay = this.overlay(all.length > 0 ? all : tasks);
    return new Map(tasks.map((t) => {
      const key = taskKey(t);
      return [t.id, this.view(t, key, overlay.get(key), today)];
    }));
  }

  /**
   * Per lead agency: total, done, in progress, not started, overdue. Most tasks first. Agencies of
   * different provinces stay apart, named with their province when the tasks span several.
   */
  counts(tasks: BoardTask[]): AgencyCount[] {
    const by = new Map<string, AgencyCount>();
    const several = new Set(tasks.map((t) => t.province ?? '')).size > 1;
    for (const t of tasks) {
      const leads = t.lead.length > 0 ? [...new Set(t.lead)] : ['(không nêu cơ quan chủ trì)'];
      for (const name of leads) {
        const agency = several && t.province ? `${name} (${t.province})` : name;
        let c = by.get(agency);
        if (!c) by.set(agency, (c = { agency, total: 0, done: 0, inProgress: 0, notStarted: 0, overdue: 0 }));
        c.total += 1;
        if (t.status === 'hoan_thanh') c.done += 1;
        else if (t.status === 'dang_thuc_hien') c.inProgress += 1;
        else c.notStarted += 1;
        if (t.overdue) c.overdue += 1;
      }
    }
    return [...by.values()].sort((a, b) => b.total - a.total || a.agency.localeCompare(b.agency, 'vi'));
  }

  /** May this account change this task's status? Admins always; agency accounts on tasks their agency leads. */
  mayChange(user: Pick<BoardUser, 'role' | 'agencyId'>, task: Pick<BoardTask, 'leadIds'>): boolean {
    if (user.role === 'admin') return true;
    if (user.role !== 'agency' || !user.agencyId) return false;
    return task.leadIds.some((id) => AgencyRegistry.sameAgency(id, user.agencyId));
  }

  /**
   * Records a status change (with who, when, note). Throws BoardError NOT_FOUND for an unknown id
   * and FORBIDDEN when the account may not change it.
   */
  setStatus(
    who: { by: string; role: BoardUser['role']; agencyId?: string },
    id: string,
    change: { status: TaskStatus; note?: string; via: StatusChange['via'] },
    at: Date,
    today: string,
  ): BoardTask {
    const all = this.options.catalog.tasks();
    const task = this.byKey(all).get(id);
    if (!task) throw new BoardError('NOT_FOUND', `không có nhiệm vụ ${id}`);
    const overlay = this.overlay(all).get(id);
    const current = this.view(task, id, overlay, today);
    if (!this.mayChange(who, current)) throw new BoardError('FORBIDDEN', 'chỉ cơ quan chủ trì nhiệm vụ (hoặc quản trị) được cập nhật tình trạng');
    const note = change.note?.trim();
    this.options.store.setStatus(
      { key: id, recordId: task.id, docId: task.doc.docId, title: task.title, status: change.status, ...(note ? { note } : {}), by: who.by, at: at.toISOString(), via: change.via },
      overlay?.review ? [overlay.review.key] : [],
    );
    return this.view(task, id, { status: this.options.store.status(id)! }, today);
  }
}
