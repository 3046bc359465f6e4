/**
 * Selecting task records for one agency / province / period — shared by `npm run tasks` and anyone
 * who lists "việc của đơn vị tôi". An agency's own tasks (it leads or cooperates) are kept apart from
 * tasks given to a group that includes it ("Các sở, ban, ngành" for Sở Y tế).
 */
import type { Task } from '../../domain/records.js';
import { fold } from '../../text/normalize.js';
import { AgencyRegistry } from '../agencies.js';
import { nextOccurrence } from '../deadlines.js';

export interface TaskFilter {
  /** Free text naming the agency ("Sở TT&TT", "so y te"); resolved with the registry. */
  agency?: string;
  /** Province name; also binds the agency ("Sở Y tế" of Bắc Giang). */
  province?: string;
  /** Keep tasks due on or before this ISO date (recurring ones by their next occurrence after `today`). */
  dueBefore?: string;
  /** Keep tasks whose due date is before this ISO date (overdue then). */
  overdueAt?: string;
  /** Document number ("114/KH-UBND") or document id. */
  document?: string;
  /** Reference date for recurring deadlines. Default: today. */
  today?: string;
}

export type TaskRole = 'lead' | 'cooperating' | 'directing';

export interface SelectedTask {
  task: Task;
  /** How the agency takes part (absent without an agency filter). */
  role?: TaskRole;
  /** For group tasks: the group that includes the agency ("Các sở, ban, ngành"). */
  via?: string;
  /** Due date used for sorting and filters: `deadline.due`, or the next occurrence of a recurring one. */
  due?: string;
}

export interface TaskSelection {
  /** The agency the filter resolved to, when one was asked for. */
  agency?: { id: string; name: string; score: number };
  tasks: SelectedTask[];
  /** Tasks given to groups that include the agency, listed separately. */
  groupTasks: SelectedTask[];
}

const compactNumber = (s: string): string => fold(s).replace(/\s+/g, '').toLowerCase();

export function selectTasks(all: Task[], registry: AgencyRegistry, filter: TaskFilter): TaskSelection {
  const today = filter.today ?? new Date().toISOString().slice(0, 10);
  let agency: TaskSelection['agency'];
  if (filter.agency) {
    const best = registry.lookup(filter.agency, { ...(filter.province ? { province: filter.province } : {}), limit: 1 })[0];
    if (!best || best.score < 0.6) throw new Error(`không nhận ra cơ quan "${filter.agency}"`);
    agency = { id: best.agency.id, name: best.agency.name, score: best.score };
  }
  const doc = filter.document ? compactNumber(filter.document) : undefined;
  const dueOf = (t: Task): string | undefined => (t.deadline.kind === 'recurring' ? nextOccurrence(t.deadline, today) : t.deadline.due);

  const own: SelectedTask[] = [];
  const groups: SelectedTask[] = [];
  for (const task of all) {
    if (filter.province && !(task.doc.province && fold(task.doc.province) === fold(filter.province))) continue;
    if (doc && compactNumber(task.doc.number ?? '') !== doc && task.doc.docId !== filter.document) continue;
    const due = dueOf(task);
    if (filter.dueBefore && !(due && due <= filter.dueBefore)) continue;
    if (filter.overdueAt && !(task.deadline.due && task.deadline.due < filter.overdueAt)) continue;
    const base: SelectedTask = { task, ...(due ? { due } : {}) };
    if (!agency) {
      own.push(base);
      continue;
    }
    const roles: Array<[TaskRole, Task['lead']]> = [
      ['lead', task.lead],
      ['cooperating', task.cooperating],
      ['directing', task.directing],
    ];
    const direct = roles.find(([, refs]) => refs.some((r) => AgencyRegistry.sameAgency(r.agencyId, agency!.id)));
    if (direct) {
      own.push({ ...base, role: direct[0] });
      continue;
    }
    for (const [role, refs] of roles) {
      const group = refs.find((r) => r.kind === 'group' && r.agencyId && registry.groupIncludes(r.agencyId, agency!.id));
      if (group) {
        groups.push({ ...base, role, via: group.name ?? group.surface });
        break;
      }
    }
  }
  // Document order reads like the plan; with a date filter the nearest deadline comes first.
  const byDate = Boolean(filter.dueBefore || filter.overdueAt);
  const order = (a: SelectedTask, b: SelectedTask): number =>
    (byDate ? (a.due ?? '9999').localeCompare(b.due ?? '9999') : 0) ||
    a.task.doc.docId.localeCompare(b.task.doc.docId) ||
    a.task.lines[0] - b.task.lines[0];
  return { ...(agency ? { agency } : {}), tasks: own.sort(order), groupTasks: groups.sort(order) };
}
