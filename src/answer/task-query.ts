/**
 * "Which tasks belong to agency X (within a window)?" — over task records, matching agencies by
 * registry id (so "Sở TT&TT" = "Sở Thông tin và Truyền thông") and listing tasks given to a group
 * the agency belongs to ("Các sở, ban, ngành") separately.
 */
import type { Agency, AgencyRef, Task } from '../domain/records.js';
import type { AgencyRegistry } from '../extract/agencies.js';
import { nextOccurrence } from '../extract/deadlines.js';
import { Provinces } from '../text/provinces.js';
import { Reorganisation, viDay, type Predecessor } from '../text/reorganisation.js';
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
  /** Several provinces (a merged province and the old ones it was formed from); wins over `province`. */
  provinces?: string[];
  docIds?: Set<string>;
  /** With it, the agency also gets the tasks of the agencies it took over by `today`. */
  reorganisation?: Reorganisation;
}

export interface ResolvedTasks {
  agency?: Agency;
  own: Task[];
  group: Task[];
  /** Tasks given to an agency this one took over (wholly, or in a field that passed to it). */
  inherited: Task[];
  /** The agencies those tasks name. */
  predecessors: Predecessor[];
}

/** Does a task's document belong to one of these provinces? A document whose province is unknown does. */
export function inProvinces(t: Task, provinces: string[] | undefined): boolean {
  if (!provinces || provinces.length === 0 || !t.doc.province) return true;
  return provinces.some((p) => Provinces.same(p, t.doc.province));
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
export function tasksDue(tasks: readonly Task[], filter: DueWindow & { province?: string; provinces?: string[]; docIds?: Set<string> }): Task[] {
  const provinces = filter.provinces ?? (filter.province ? [filter.province] : undefined);
  const out = tasks.filter(
    (t) =>
      (!filter.docIds || filter.docIds.has(t.doc.docId)) &&
      inProvinces(t, provinces) &&
      t.deadline.kind !== 'ongoing' &&
      t.deadline.kind !== 'unspecified' &&
      dueIn(t, filter),
  );
  const at = (t: Task): string => (filter.dueBefore && filter.dueAfter ? effectiveDue(t, filter.dueAfter) : effectiveDue(t, filter.today)) ?? '9999';
  out.sort((a, b) => at(a).localeCompare(at(b)) || a.doc.docId.localeCompare(b.doc.docId) || a.lines[0] - b.lines[0]);
  return withoutTwins(out);
}

export function tasksFor(tasks: readonly Task[], registry: AgencyRegistry, filter: TaskFilter): ResolvedTasks {
  const agency = resolveAgency(registry, filter.agency, filter.province ?? filter.provinces?.[0]);
  if (!agency) return { own: [], group: [], inherited: [], predecessors: [] };
  const target = baseId(agency.id)!;
  const refMatches = (r: AgencyRef): boolean => baseId(r.agencyId) === target;
  // Agencies this one took over by today: their tasks are this agency's now (a split predecessor's
  // only in the field that passed to it).
  const predecessors = filter.reorganisation?.predecessorsOf(target, filter.today) ?? [];
  const predecessorOf = (t: Task): Predecessor | undefined => {
    for (const p of predecessors) {
      if (![...t.lead, ...t.cooperating].some((r) => baseId(r.agencyId) === p.id)) continue;
      if (p.functions && !Reorganisation.inField(`${t.title} ${t.action ?? ''} ${t.sectionTitle}`, p.functions)) continue;
      // A document written after the change names the new agencies itself.
      if (t.doc.date && t.doc.date >= p.succession.effective) continue;
      return p;
    }
    return undefined;
  };
  // A group open to everyone ("các đơn vị có liên quan") names nobody: listing its tasks as a
  // ministry's would answer "what must Bộ Công an do?" with a province's internal work.
  const refInGroup = (r: AgencyRef): boolean =>
    r.kind === 'group' && !!r.agencyId && registry.template(r.agencyId)?.members?.all !== true && registry.groupIncludes(baseId(r.agencyId)!, target);
  const inWindow = (t: Task): boolean => dueIn(t, filter);
  const provinces = filter.provinces ?? (filter.province ? [filter.province] : undefined);
  const own: Task[] = [];
  const group: Task[] = [];
  const inherited: Task[] = [];
  const used = new Set<Predecessor>();
  for (const t of tasks) {
    if (filter.docIds && !filter.docIds.has(t.doc.docId)) continue;
    if (!inProvinces(t, provinces)) continue;
    if (!inWindow(t)) continue;
    // Group tasks count only where the group leads: "phối hợp: các đơn vị có liên quan" names nobody.
    if ([...t.lead, ...t.cooperating].some(refMatches)) own.push(t);
    else {
      const p = predecessors.length > 0 ? predecessorOf(t) : undefined;
      if (p) {
        inherited.push(t);
        used.add(p);
      } else if (t.lead.some(refInGroup)) group.push(t);
    }
  }
  const byDue = (a: Task, b: Task): number =>
    (effectiveDue(a, filter.today) ?? '9999').localeCompare(effectiveDue(b, filter.today) ?? '9999') || a.lines[0] - b.lines[0];
  // Lead assignments first, then cooperation, each by due date.
  const predecessorIds = new Set(predecessors.map((p) => p.id));
  const leads = (t: Task): number => (t.lead.some((r) => refMatches(r) || predecessorIds.has(baseId(r.agencyId) ?? '')) ? 0 : 1);
  own.sort((a, b) => leads(a) - leads(b) || byDue(a, b));
  inherited.sort((a, b) => leads(a) - leads(b) || byDue(a, b));
  group.sort(byDue);
  // One plan indexed from two files lists every task once.
  return { agency, own: withoutTwins(own), group: withoutTwins(group), inherited: withoutTwins(inherited), predecessors: [...used] };
}

/**
 * A copy of the task whose agencies say what became of them by `today`, as written plus a note:
 * "Sở Thông tin và Truyền thông (nay là Sở Khoa học và Công nghệ, từ 01/3/2025)", "UBND cấp huyện
 * (cấp huyện không còn từ 01/7/2025)". Documents dated after a change are left as they are.
 */
export function annotateTask(t: Task, registry: AgencyRegistry, reorganisation: Reorganisation, today: string): Task {
  const docDate = t.doc.date;
  const text = `${t.title} ${t.action ?? ''} ${t.sectionTitle}`;
  let changed = false;
  const mark = (r: AgencyRef): AgencyRef => {
    const base = baseId(r.agencyId);
    if (!base || /\((?:nay là|phần .* nay thuộc)|không còn từ/u.test(r.surface)) return r;
    const next = reorganisation.successorOf(base, today);
    if (next && !(docDate && docDate >= next.succession.effective)) {
      changed = true;
      // A task in a field that went to another agency says so, not the main successor.
      const field = next.split.find((x) => Reorganisation.inField(text, x));
      if (field) return { ...r, surface: `${r.surface} (phần ${field.functions} nay thuộc ${registry.template(field.to)?.name ?? field.to}, từ ${viDay(next.succession.effective)})` };
      return { ...r, surface: `${r.surface} (nay là ${registry.template(next.to)?.name ?? next.to}, từ ${viDay(next.succession.effective)})` };
    }
    const ended = reorganisation.table.districtLevel?.ended;
    if (ended && reorganisation.districtEnded(today) && reorganisation.isDistrict(base) && !(docDate && docDate >= ended)) {
      changed = true;
      return { ...r, surface: `${r.surface} (cấp huyện không còn từ ${viDay(ended)})` };
    }
    return r;
  };
  const lead = t.lead.map(mark);
  const cooperating = t.cooperating.map(mark);
  return changed ? { ...t, lead, cooperating } : t;
}

/**
 * One line per change the tasks' agencies went through, with its legal basis and the functions
 * that went elsewhere ("say so rather than guess"). Empty when nothing changed by `today`.
 */
export function reorganisationNotes(tasks: readonly Task[], registry: AgencyRegistry, reorganisation: Reorganisation, today: string): string[] {
  return changeNotes(
    tasks.flatMap((t) => [...t.lead, ...t.cooperating].map((r) => ({ agencyId: r.agencyId, ...(t.doc.date ? { docDate: t.doc.date } : {}) }))),
    registry,
    reorganisation,
    today,
  );
}

/** The notes for agencies named in documents of `docDate` (see reorganisationNotes). */
export function changeNotes(refs: ReadonlyArray<{ agencyId?: string | undefined; docDate?: string }>, registry: AgencyRegistry, reorganisation: Reorganisation, today: string): string[] {
  const notes = new Map<string, string>();
  const name = (id: string): string => registry.template(id)?.name ?? id;
  const level = reorganisation.table.districtLevel;
  for (const r of refs) {
    const base = baseId(r.agencyId);
    if (!base) continue;
    const next = reorganisation.successorOf(base, today);
    if (next && !(r.docDate && r.docDate >= next.succession.effective) && !notes.has(base)) {
      const s = next.succession;
      const merged = s.from.length > 1 ? `${s.from.map(name).join(' và ')} hợp nhất thành ${name(s.to)}` : `${name(base)} nay là ${name(s.to)}`;
      const split = next.split.map((x) => `phần ${x.functions} chuyển sang ${name(x.to)}`);
      notes.set(base, `${merged} (từ ${viDay(s.effective)}, theo ${s.basis})${split.length > 0 ? `; ${split.join('; ')}` : ''}.${s.note ? ` ${s.note}` : ''}`);
      for (const id of s.from) if (id !== base) notes.set(id, '');
    }
    if (level && reorganisation.districtEnded(today) && reorganisation.isDistrict(base) && !(r.docDate && r.docDate >= level.ended) && !notes.has('#district')) {
      notes.set('#district', `Cấp huyện đã kết thúc hoạt động từ ${viDay(level.ended)} (${level.basis}); nhiệm vụ giao cấp huyện được nêu đúng như văn bản ghi.`);
    }
  }
  return [...notes.values()].filter(Boolean);
}
