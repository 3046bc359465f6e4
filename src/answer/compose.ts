/**
 * Vietnamese chat text for each kind of answer. Every builder puts the direct answer first, then
 * the supporting detail, then the "Nguồn:" line — and only ever prints strings taken from records
 * or quoted text, so an agency, date or figure shown is always in the cited source.
 */
import type { Citation } from '../domain/answer.js';
import type { AgencyRef, Deadline, Task } from '../domain/records.js';
import { fold, shorten } from '../text/normalize.js';
import { citeTask, documentLabel, sourcesLine, viDate } from './cite.js';

export function agencies(refs: AgencyRef[]): string {
  return refs.map((r) => r.surface.replace(/\s+/g, ' ').trim()).filter(Boolean).join('; ');
}

/** "Tháng 11 năm 2022 (đến hết 30/11/2022)" — the raw text first, the computed date only as a help. */
export function deadlineText(d: Deadline, next?: string, nextLabel = 'lần tới'): string {
  const raw = d.raw.replace(/\s+/g, ' ').trim().replace(/[.;]+$/, '');
  if (d.kind === 'recurring') {
    // OCR can garble the words ("tháng cuốt quý"); say what the parsed rule means, quote the text.
    const r = d.recurrence;
    const reading = r?.every === 'quarter' && r.day && r.monthOfPeriod === 3 ? `ngày ${r.day} tháng cuối quý` : undefined;
    const shown = reading && !fold(raw).includes(fold(reading)) ? `${reading} hằng quý (văn bản ghi: “${raw}”)` : raw;
    return next ? `${shown} (${nextLabel}: ${viDate(next) ?? next})` : shown;
  }
  if ((d.kind === 'month' || d.kind === 'quarter' || d.kind === 'year') && d.due) return `${raw} (đến hết ${viDate(d.due)})`;
  return raw;
}

export function hasDeadline(d: Deadline): boolean {
  return d.kind !== 'unspecified' && d.raw.trim().length > 0;
}

/** Tasks of one document section/row: one assignment per lead agency. */
export interface TaskGroup {
  tasks: Task[];
}

function taskHeading(task: Task): string {
  return shorten(task.title, 220);
}

export type TaskAspect = 'who_leads' | 'who_cooperates' | 'deadline';

/**
 * One task group answered for one aspect. Returns undefined when the record does not state the
 * asked fact (no lead / no cooperating agency / no deadline), so the caller can refuse.
 */
export function taskGroupAnswer(group: TaskGroup, aspect: TaskAspect, nextDue: (t: Task) => string | undefined): string | undefined {
  const [first] = group.tasks;
  if (!first) return undefined;
  const lines: string[] = [];
  if (aspect === 'who_leads') {
    const withLead = group.tasks.filter((t) => t.lead.length > 0);
    if (withLead.length === 0) return undefined;
    if (withLead.length === 1) {
      const t = withLead[0]!;
      lines.push(`Chủ trì: ${agencies(t.lead)}.`);
      lines.push(`Nhiệm vụ: ${taskHeading(t)}`);
      if (t.action && t.action !== t.title) lines.push(`Việc cụ thể: ${shorten(t.action, 300)}`);
      if (t.cooperating.length > 0) lines.push(`Phối hợp: ${agencies(t.cooperating)}.`);
      if (hasDeadline(t.deadline)) lines.push(`Thời hạn: ${deadlineText(t.deadline, nextDue(t))}.`);
    } else {
      lines.push(`Chủ trì: ${[...new Set(withLead.map((t) => agencies(t.lead)))].join('; ')}.`);
      lines.push(`Nhiệm vụ: ${taskHeading(first)}`);
      for (const t of withLead) {
        const parts = [t.action && t.action !== t.title ? shorten(t.action, 220).replace(/[.;:,]+$/, '') : undefined, hasDeadline(t.deadline) ? `thời hạn: ${deadlineText(t.deadline, nextDue(t))}` : undefined]
          .filter(Boolean)
          .join('; ');
        lines.push(`- ${agencies(t.lead)}${parts ? `: ${parts}` : ''}`);
      }
      const coop = [...new Set(withLead.flatMap((t) => t.cooperating.map((c) => c.surface)))];
      if (coop.length > 0) lines.push(`Phối hợp: ${coop.join('; ')}.`);
    }
  } else if (aspect === 'who_cooperates') {
    const withCoop = group.tasks.filter((t) => t.cooperating.length > 0);
    if (withCoop.length === 0) return undefined;
    const coop = [...new Set(withCoop.flatMap((t) => t.cooperating.map((c) => c.surface.replace(/\s+/g, ' ').trim())))];
    lines.push(`Phối hợp: ${coop.join('; ')}.`);
    lines.push(`Nhiệm vụ: ${taskHeading(first)}`);
    const leads = [...new Set(withCoop.map((t) => agencies(t.lead)).filter(Boolean))];
    if (leads.length > 0) lines.push(`Chủ trì: ${leads.join('; ')}.`);
    for (const t of withCoop) if (t.action && t.action !== t.title) lines.push(`Việc cụ thể: ${shorten(t.action, 300)}`);
  } else {
    const withDeadline = group.tasks.filter((t) => hasDeadline(t.deadline));
    if (withDeadline.length === 0) return undefined;
    const distinct = [...new Map(withDeadline.map((t) => [t.deadline.raw, t])).values()];
    if (distinct.length === 1) {
      const t = distinct[0]!;
      lines.push(`Thời hạn: ${deadlineText(t.deadline, nextDue(t))}.`);
      lines.push(`Nhiệm vụ: ${taskHeading(t)}`);
      const leads = [...new Set(withDeadline.map((x) => agencies(x.lead)).filter(Boolean))];
      if (leads.length > 0) lines.push(`Chủ trì: ${leads.join('; ')}.`);
    } else {
      lines.push(`Thời hạn theo từng đơn vị:`);
      for (const t of distinct) lines.push(`- ${agencies(t.lead) || 'Không nêu đơn vị'}: ${deadlineText(t.deadline, nextDue(t))}`);
      lines.push(`Nhiệm vụ: ${taskHeading(first)}`);
    }
  }
  return lines.join('\n');
}

/** What a refusal says was not found, per aspect. */
export const MISSING_FACT: Record<string, string> = {
  who_leads: 'đơn vị chủ trì',
  who_cooperates: 'đơn vị phối hợp',
  deadline: 'thời hạn',
  target: 'con số/chỉ tiêu được hỏi',
  agency_tasks: 'nhiệm vụ được hỏi',
  fact: 'thông tin được hỏi',
  procedure: 'thủ tục được hỏi',
};

/**
 * Quoted text cut to `max` characters with its line breaks kept: a heading and the sentence
 * under it are two lines of the source and are shown as two lines ("…dân cư" / "Giao Sở Tư pháp…"),
 * never glued into one sentence. Spaces within a line are squashed as shorten() does.
 */
export function quoteText(text: string, max: number, lineBreak = '\n'): string {
  const lines = text
    .split(/\n+/)
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .filter(Boolean);
  const out: string[] = [];
  let left = max;
  for (const line of lines) {
    if (left <= 1) {
      out[out.length - 1] = `${out[out.length - 1]!.replace(/[,;:.\s…]+$/, '')}…`;
      break;
    }
    if (line.length <= left) {
      out.push(line);
      left -= line.length + 1;
      continue;
    }
    out.push(shorten(line, Math.max(left, 20)));
    break;
  }
  return out.join(lineBreak);
}

/** A refusal that still points at the closest items, with their sources. */
export function refusalText(what: string, related: Array<{ text: string; citation: Citation }>, scope?: string): string {
  const head = `Các văn bản đã được lập chỉ mục${scope ? ` ${scope}` : ''} không nêu ${what}.`;
  if (related.length === 0) return `${head}\nBạn có thể hỏi cụ thể hơn (tên nhiệm vụ, số văn bản, tỉnh) hoặc gõ /help để xem ví dụ.`;
  const lines = [head, 'Thông tin gần nhất tìm được:'];
  // A passage's lines stay apart (" / "), so a heading does not read as the start of the sentence under it.
  for (const r of related.slice(0, 2)) lines.push(`- ${quoteText(r.text, 240, ' / ')} (${r.citation.document}, ${r.citation.section})`);
  return lines.join('\n');
}

/** What a list item says when its deadline has passed. */
export const PAST_MARK = 'đã quá hạn';

/**
 * True when the task's deadline ended before `today`. Recurring deadlines always come again and an
 * unstated or undated one ("Thường xuyên") cannot pass, so neither is ever past.
 */
export function isPast(task: Task, today: string): boolean {
  const d = task.deadline;
  return d.kind !== 'recurring' && d.kind !== 'unspecified' && typeof d.due === 'string' && d.due < today;
}

/** A list of tasks with deadline and lead per item, capped, with how to see more. */
export function taskListText(
  title: string,
  own: Task[],
  group: Task[],
  options: {
    limit: number;
    groupTitle?: string;
    more?: string;
    nextDue: (t: Task) => string | undefined;
    /** How the date nextDue gives is named: "lần tới" (default), "trong kỳ" for a period list. */
    nextLabel?: string;
    /**
     * The asker's today (YYYY-MM-DD): a task whose deadline ended before it is marked "đã quá hạn",
     * so a list never reads a 2019 deadline as still to come. Default: no marking.
     */
    today?: string;
  },
): string {
  const lines: string[] = [title];
  const past = (t: Task): boolean => options.today !== undefined && isPast(t, options.today);
  const item = (t: Task, i: number): string => {
    const what = shorten(t.action && t.action.length > 20 ? t.action : t.title, 260);
    const lead = agencies(t.lead);
    const due = hasDeadline(t.deadline) ? deadlineText(t.deadline, options.nextDue(t), options.nextLabel) : 'không nêu thời hạn';
    const c = citeTask(t);
    return `${i + 1}. ${what} — hạn: ${due}${past(t) ? ` — ${PAST_MARK}` : ''}${lead ? `; chủ trì: ${shorten(lead, 80)}` : ''} (${c.document}, ${c.section})`;
  };
  const shown = own.slice(0, options.limit);
  const pastShown = [...shown, ...group].filter(past).length;
  if (pastShown > 0 && options.today) {
    // Plans state deadlines, not completion: say what "đã quá hạn" means once, above the list.
    lines.push(`(${pastShown} nhiệm vụ có hạn trước hôm nay ${viDate(options.today) ?? options.today}, ghi “${PAST_MARK}”; văn bản không cho biết đã hoàn thành hay chưa.)`);
  }
  shown.forEach((t, i) => lines.push(item(t, i)));
  if (own.length > shown.length) lines.push(`… và ${own.length - shown.length} nhiệm vụ khác. ${options.more ?? ''}`.trim());
  if (group.length > 0) {
    lines.push('');
    lines.push(options.groupTitle ?? 'Nhiệm vụ giao chung (các sở, ban, ngành / UBND cấp huyện…):');
    const g = group.slice(0, Math.max(3, Math.floor(options.limit / 2)));
    g.forEach((t, i) => lines.push(item(t, i)));
    if (group.length > g.length) lines.push(`… và ${group.length - g.length} nhiệm vụ giao chung khác.`);
  }
  return lines.join('\n');
}

export function perDocumentHeader(task: Task): string {
  return `Theo ${documentLabel(task.doc)}:`;
}

export function withSources(body: string, citations: Citation[]): string {
  const src = sourcesLine(citations);
  return src ? `${body}\n${src}` : body;
}
