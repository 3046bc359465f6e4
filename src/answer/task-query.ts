/**
 * "Which tasks belong to agency X (within a window)?" — over task records, matching agencies by
 * registry id (so "Sở TT&TT" = "Sở Thông tin và Truyền thông") and listing tasks given to a group
 * the agency belongs to ("Các sở, ban, ngành") separately.
 */
import type { Agency, AgencyRef, Task } from '../domain/records.js';
import type { AgencyRegistry } from '../extract/agencies.js';
import { nextOccurrence } from '../extract/deadlines.js';
import { Provinces } from '../text/provinces.js';
import { withoutTwins } from './twins.js';

/** Overdue means due within this many days before today. */
export const OVERDUE_LOOKBACK_DAYS = 60;

/** When a task must be due to be listed. */
export interface DueWindow {
  today: string;
  dueWithinDays?: number;
  includeOverdue?: boolean;
  dueBefore?: string;
  /** With dueBefore: a closed range ("trong tháng 11 năm 2022", "Quý III/2024"), whatever today is. */
  dueAfter?: string;
  overdueOnly?: boolean;
}

export interface TaskFilter extends DueWindow {
  /** Registry id ("so-tttt", "so-tttt@thanh-hoa") or free text. */
  agency: string;
  province?: string;
  docIds?: Set<string>;
}

export interface ResolvedTasks {
  agency?: Agency;
  own: Task[];
  group: Task[];
}

/** Registry ids are "<base>" or "<base>@<province-slug>"; compare on the base. */
export function baseId(id: string | undefined): string | undefined {
  return id?.split('@')[0];
}

function addDays(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The date a task is next due on or after `today` (recurring), else its due date. */
export function effectiveDue(task: Task, today: string): string | undefined {
  if (task.deadline.kind === 'recurring') {
    try {
      return nextOccurrence(task.deadline, today) ?? task.deadline.due;
    } catch {
      return task.deadline.due;
    }
  }
  return task.deadline.due;
}

function resolveAgency(registry: AgencyRegistry, text: string, province?: string): Agency | undefined {
  const direct = registry.byId(text) ?? registry.byId(baseId(text) ?? '');
  if (direct) return direct;
  const [best] = registry.lookup(text, { ...(province ? { province } : {}), limit: 1 });
  return best && best.score >= 0.5 ? best.agency : undefined;
}

/**
 * Whether a task falls in the window. A recurring task counts when one of its occurrences does
 * (the next one from the start of a closed range, else from today).
 */
export function dueIn(t: Task, filter: DueWindow): boolean {
  // A plan says nothing about completion, so a deadline years past is history, not "overdue".
  const overdueSince = addDays(filter.today, -OVERDUE_LOOKBACK_DAYS);
  const due = filter.dueBefore && filter.dueAfter ? effectiveDue(t, filter.dueAfter) : effectiveDue(t, filter.today);
  const ongoing = t.deadline.kind === 'ongoing' || t.deadline.kind === 'conditional' || t.deadline.kind === 'unspecified';
  const overdue = !!due && !ongoing && due < filter.today && due >= overdueSince;
  if (filter.overdueOnly) return overdue;
  // "trước tháng 6 năm 2022" asked in 2026 looks back: every task due by then.
  if (filter.dueBefore) {
    if (!due || due > filter.dueBefore) return false;
    if (filter.dueAfter) return due >= filter.dueAfter;
    return filter.dueBefore < filter.today || due >= filter.today;
  }
  if (filter.dueWithinDays !== undefined) {
    if (!due) return false;
    if (due < filter.today) return !!filter.includeOverdue && overdue;
    return due <= addDays(filter.today, filter.dueWithinDays);
  }
  return true;
}

/**
 * Every task due in a window, whoever leads it ("Nhiệm vụ nào phải hoàn thành trong Quý III/2024?"),
 * by due date, twins collapsed.
 */
export function tasksDue(tasks: readonly Task[], filter: DueWindow & { province?: string; docIds?: Set<string> }): Task[] {
  const out = tasks.filter(
    (t) =>
      (!filter.docIds || filter.docIds.has(t.doc.docId)) &&
      !(filter.province && t.doc.province && !Provinces.same(filter.province, t.doc.province)) &&
      t.deadline.kind !== 'ongoing' &&
      t.deadline.kind !== 'unspecified' &&
      dueIn(t, filter),
  );
  const at = (t: Task): string => (filter.dueBefore && filter.dueAfter ? effectiveDue(t, filter.dueAfter) : effectiveDue(t, filter.today)) ?? '9999';
  out.sort((a, b) => at(a).localeCompare(at(b)) || a.doc.docId.localeCompare(b.doc.docId) || a.lines[0] - b.lines[0]);
  return withoutTwins(out);
}

export function tasksFor(tasks: readonly Task[], registry: AgencyRegistry, filter: TaskFilter): ResolvedTasks {
  const agency = resolveAgency(registry, filter.agency, filter.province);
  if (!agency) return { own: [], group: [] };
  const target = baseId(agency.id)!;
  const refMatches = (r: AgencyRef): boolean => baseId(r.agencyId) === target;
  // A group open to everyone ("các đơn vị có liên quan") names nobody: listing its tasks as a
  // ministry's would answer "what must Bộ Công an do?" with a province's internal work.
  const refInGroup = (r: AgencyRef): boolean =>
    r.kind === 'group' && !!r.agencyId && registry.template(r.agencyId)?.members?.all !== true && registry.groupIncludes(baseId(r.agencyId)!, target);
  const inWindow = (t: Task): boolean => dueIn(t, filter);
  const own: Task[] = [];
  const group: Task[] = [];
  for (const t of tasks) {
    if (filter.docIds && !filter.docIds.has(t.doc.docId)) continue;
    if (filter.province && t.doc.province && !Provinces.same(filter.province, t.doc.province)) continue;
    if (!inWindow(t)) continue;
    // Group tasks count only where the group leads: "phối hợp: các đơn vị có liên quan" names nobody.
    if ([...t.lead, ...t.cooperating].some(refMatches)) own.push(t);
    else if (t.lead.some(refInGroup)) group.push(t);
  }
  const byDue = (a: Task, b: Task): number =>
    (effectiveDue(a, filter.today) ?? '9999').localeCompare(effectiveDue(b, filter.today) ?? '9999') || a.lines[0] - b.lines[0];
  // Lead assignments first, then cooperation, each by due date.
  const leads = (t: Task): number => (t.lead.some(refMatches) ? 0 : 1);
  own.sort((a, b) => leads(a) - leads(b) || byDue(a, b));
  group.sort(byDue);
  // One plan indexed from two files lists every task once.
  return { agency, own: withoutTwins(own), group: withoutTwins(group) };
}
