/**
 * Tasks written as prose:
 * - numbered task sections ("7. Thí điểm …") whose bullets assign agencies ("- Sở X: <action>",
 *   "- Chủ trì: …", "- Phối hợp: …", "- Thời gian hoàn thành: …", "- Sở X chủ trì, phối hợp với Y …",
 *   "+" items under "- Sở X:");
 * - assignment by agency ("1. Sở Thông tin và Truyền thông:" + bullets, "a) Giám đốc Sở Y tế" + bullets,
 *   "e) Giám đốc Sở Tài chính chủ trì, chỉ đạo …" on one line).
 */
import type { ParagraphNode, SectionNode } from '../../domain/document.js';
import type { AgencyRef, Deadline } from '../../domain/records.js';
import { fold, shorten, squash } from '../../text/normalize.js';
import { AgencyRegistry } from '../agencies.js';
import { parseDeadline } from '../deadlines.js';
import {
  cooperatingIn,
  dedupeRefs,
  foldKeepLength,
  inlineDeadline,
  leadingAgencies,
  refKey,
  sectionText,
  sectionTitleOf,
  type ExtractContext,
  type SectionInfo,
  type TaskDraft,
} from './context.js';

type Bullet =
  | { type: 'deadline'; rest: string }
  | { type: 'lead' | 'coop' | 'directing'; refs: AgencyRef[] }
  | { type: 'agency'; refs: AgencyRef[]; action: string; coop?: AgencyRef[] }
  | { type: 'action'; action: string };

const allKnown = (refs: AgencyRef[]): boolean => refs.length > 0 && refs.every((r) => r.agencyId);

/** Boilerplate closing clauses of a Quyết định ("… chịu trách nhiệm thi hành Quyết định này"). */
export const BOILERPLATE = /chiu trach nhiem thi hanh|thi hanh quyet dinh nay|co hieu luc (?:thi hanh )?ke tu ngay/;
/** Closing formulas that follow the last assignment ("UBND tỉnh yêu cầu …", "Trên cơ sở kế hoạch này …"). */
const CLOSING = /^(?:(?:ubnd|uy ban nhan dan) tinh yeu cau|tren co so (?:ke hoach|noi dung)|trong qua trinh (?:to chuc )?thuc hien|noi nhan|tm\.? |kt\.? )/;

/** A line that only gives the schedule: "Thời gian thực hiện: …", "Thời hạn: …". */
const DEADLINE_LABEL = /^(?:thoi gian|thoi han|tien do|han chot|han hoan thanh)[^:]{0,30}:/;

export function stripBullet(text: string): string {
  return squash(text).replace(/^[-+*•–]\s*/, '');
}

/** "Sở X chủ trì; Sở Y, Sở Z phối hợp xây dựng …": both roles named before their verbs. */
function rolesBeforeVerbs(ctx: ExtractContext, text: string): { lead: AgencyRef[]; coop: AgencyRef[] } | undefined {
  const pctx = ctx.province ? { province: ctx.province } : undefined;
  const f = foldKeepLength(text);
  const roles = /^(.{3,120}?)\s+chu tri\s*[,;]\s*(.{3,160}?)\s+phoi hop\b(?!\s+voi)/.exec(f);
  if (!roles) return undefined;
  const lead = ctx.registry.parseList(text.slice(0, roles[1]!.length), pctx);
  const coopStart = f.indexOf(roles[2]!, roles[1]!.length);
  const coop = ctx.registry.parseList(text.slice(coopStart, coopStart + roles[2]!.length), pctx);
  return allKnown(lead) && allKnown(coop) ? { lead, coop } : undefined;
}

function classify(ctx: ExtractContext, text: string): Bullet {
  const pctx = ctx.province ? { province: ctx.province } : undefined;
  const colon = text.indexOf(':');
  if (colon > 0 && colon < 160) {
    const label = text.slice(0, colon).trim();
    const rest = text.slice(colon + 1).trim();
    const fl = fold(label);
    if (/^(?:thoi gian|thoi han|tien do|han chot|han hoan thanh)/.test(fl)) return { type: 'deadline', rest };
    if (/^(?:don vi |co quan )?chu tri(?: thuc hien)?$/.test(fl)) return { type: 'lead', refs: ctx.registry.parseList(rest, pctx) };
    if (/^(?:don vi |co quan )?phoi hop/.test(fl)) return { type: 'coop', refs: ctx.registry.parseList(rest, pctx) };
    if (/^(?:don vi |co quan )?chi dao/.test(fl)) return { type: 'directing', refs: ctx.registry.parseList(rest, pctx) };
    const labelRefs = ctx.registry.parseList(label, pctx);
    if (allKnown(labelRefs)) return { type: 'agency', refs: labelRefs, action: rest };
    if (rest && rest.length < 200) {
      const restRefs = ctx.registry.parseList(rest, pctx);
      if (allKnown(restRefs)) return { type: 'agency', refs: restRefs, action: label };
    }
  }
  const roles = rolesBeforeVerbs(ctx, text);
  if (roles) return { type: 'agency', refs: roles.lead, action: text, coop: roles.coop };
  const leading = leadingAgencies(ctx, text);
  // "Sở X chủ trì, phối hợp với Y …": the whole sentence is the action, X its subject.
  if (leading.refs.length > 0 && leading.rest.length > 0) return { type: 'agency', refs: leading.refs, action: text };
  return { type: 'action', action: text };
}

const sameDeadline = (a: Deadline | undefined, b: Deadline | undefined): boolean =>
  (a?.kind ?? 'unspecified') === (b?.kind ?? 'unspecified') && a?.due === b?.due && (a?.due !== undefined || a?.raw === b?.raw);

const leadKey = (refs: AgencyRef[]): string => refs.map(refKey).sort().join('|');

interface Draft extends TaskDraft {
  inline?: Deadline;
  inherited?: boolean;
  /** Order of the paragraph in the section. */
  order: number;
}

/** Task drafts of a numbered task section; [] when the section assigns nobody and has no deadline. */
export function proseTasks(ctx: ExtractContext, info: SectionInfo): TaskDraft[] {
  const s = info.node;
  const chain = [...info.ancestors, s];
  const head = sectionText(s);
  // "1. Khảo sát nhu cầu học nghề" + "Giám đốc Sở X chủ trì, …": the paragraph is the assignment,
  // not the rest of a wrapped heading, so the title stays the heading.
  const firstPara = s.children[0];
  const assignsBelow =
    head.text !== squash(s.heading) && firstPara?.kind === 'paragraph' && !firstPara.bullet && leadingAgencies(ctx, stripBullet(firstPara.text)).refs.length > 0;
  const base = {
    sectionPath: s.path,
    sectionTitle: sectionTitleOf(chain),
    title: assignsBelow ? squash(s.heading) : head.text,
    source: 'prose' as const,
    ...(s.page !== undefined ? { page: s.page } : {}),
  };
  const drafts: Draft[] = [];
  const taskLead: AgencyRef[] = [];
  const taskCoop: AgencyRef[] = [];
  const taskDirecting: AgencyRef[] = [];
  let leadLines: [number, number] | undefined;
  const agencyDeadlines: Array<{ refs: AgencyRef[]; deadline: Deadline }> = [];
  let taskDeadline: Deadline | undefined;
  let sawDeadlineLine = false;
  let header: { refs: AgencyRef[]; lines: [number, number]; used: boolean } | undefined;
  let sawBullet = false;
  let order = 0;

  const flushHeader = (): void => {
    if (header && !header.used) {
      drafts.push({ ...base, lead: header.refs, cooperating: [], lines: header.lines, order: order++ });
    }
    header = undefined;
  };

  const addDraft = (p: ParagraphNode, lead: AgencyRef[], action: string, inherited = false): void => {
    const { deadline, text } = inlineDeadline(ctx, action);
    drafts.push({
      ...base,
      action: text,
      lead,
      cooperating: cooperatingIn(ctx, text).filter((c) => !lead.some((l) => refKey(l) === refKey(c))),
      lines: p.lines,
      ...(p.page !== undefined ? { page: p.page } : {}),
      ...(deadline ? { inline: deadline } : {}),
      ...(inherited ? { inherited: true } : {}),
      ...(p.confidence !== undefined ? { factor: 0.5 + p.confidence / 2 } : {}),
      order: order++,
    });
  };

  for (const child of s.children) {
    if (child.kind !== 'paragraph') continue;
    const text = stripBullet(child.text);
    if (!text || BOILERPLATE.test(fold(text)) || CLOSING.test(fold(text))) continue;
    if (child.bullet === '+' && header) {
      header.used = true;
      addDraft(child, header.refs, text);
      continue;
    }
    const k = classify(ctx, text);
    // Plain lines after the bullet list are closing remarks, except labelled ones
    // ("Thời gian hoàn thành: …", "Phối hợp: …") that many plans write without a dash.
    const labelled = k.type === 'deadline' || k.type === 'lead' || k.type === 'coop' || k.type === 'directing';
    if (!child.bullet && sawBullet && !labelled) continue;
    // Plain text under the heading is a wrapped heading or a description unless it assigns someone
    // ("Cơ quan chủ trì: …", "Sở X tham mưu …").
    if (!child.bullet && k.type === 'action') continue;
    sawBullet = sawBullet || Boolean(child.bullet);
    flushHeader();
    handle(child, k, text);
  }
  flushHeader();

  if (drafts.length === 0 && taskLead.length === 0) {
    // Labels written into the task sentence itself: "… (Cơ quan chủ trì: Sở Y tế; phối hợp: …; thời gian: Quý II/2024)".
    const para: ParagraphNode = { kind: 'paragraph', text: head.text, lines: head.lines };
    for (const part of head.text.split(/[;()]|\.\s/)) {
      const k = classify(ctx, part.trim());
      if (k.type === 'lead' || k.type === 'coop' || k.type === 'directing' || k.type === 'deadline') {
        handle(para, k, part);
        continue;
      }
      // "(Sở Y tế chủ trì, Sở Tài chính phối hợp)": the role word follows the agencies.
      const f = foldKeepLength(part);
      const role = /^(.*?)\s+chu tri(?:\s*,\s*(.*?)\s+phoi hop)?\s*$/.exec(f.trim());
      if (!role) continue;
      const offset = f.indexOf(f.trim());
      const leadRefs = ctx.registry.parseList(part.slice(offset, offset + role[1]!.length), ctx.province ? { province: ctx.province } : undefined);
      if (!allKnown(leadRefs)) continue;
      handle(para, { type: 'lead', refs: leadRefs }, part);
      if (role[2]) {
        const start = offset + f.trim().indexOf(role[2], role[1]!.length);
        handle(para, { type: 'coop', refs: ctx.registry.parseList(part.slice(start, start + role[2].length), ctx.province ? { province: ctx.province } : undefined) }, part);
      }
    }
    // "… hoàn thành trong tháng 8/2023)" without a label.
    if (taskLead.length > 0 && !taskDeadline) {
      const inline = inlineDeadline(ctx, head.text).deadline;
      if (inline) taskDeadline = inline;
    }
  }

  function handle(child: ParagraphNode, k: Bullet, text: string): void {
    switch (k.type) {
      case 'deadline': {
        sawDeadlineLine = true;
        for (const clause of k.rest.split(/;\s*/)) {
          if (!clause.trim()) continue;
          const lead = leadingAgencies(ctx, clause);
          const inline = inlineDeadline(ctx, clause).deadline;
          if (lead.refs.length > 0) agencyDeadlines.push({ refs: lead.refs, deadline: inline ?? parseDeadline(lead.rest, ctx.deadlineContext) });
          else if (!taskDeadline) {
            // The whole clause first ("Thường xuyên trong năm 2022" is ongoing, not "năm 2022").
            const whole = parseDeadline(clause, ctx.deadlineContext);
            taskDeadline = whole.kind === 'unspecified' && inline ? inline : whole;
          }
        }
        break;
      }
      case 'lead':
        taskLead.push(...k.refs);
        leadLines ??= child.lines;
        break;
      case 'coop':
        taskCoop.push(...k.refs);
        break;
      case 'directing':
        taskDirecting.push(...k.refs);
        break;
      case 'agency':
        if (!k.action) header = { refs: k.refs, lines: child.lines, used: false };
        else if (/^phoi hop\b(?!\s+voi)/.test(fold(k.action))) {
          // "Các sở, ban, ngành: phối hợp cung cấp dữ liệu" — they cooperate on the task, they do not lead it.
          taskCoop.push(...k.refs);
        } else {
          addDraft(child, k.refs, k.action);
          if (k.coop) drafts[drafts.length - 1]!.cooperating = dedupeRefs([...drafts[drafts.length - 1]!.cooperating, ...k.coop]);
        }
        break;
      case 'action':
        addDraft(child, [], text, true);
        break;
    }
  }

  const assigned = drafts.some((d) => d.lead.length > 0) || taskLead.length > 0;
  if (!assigned && !sawDeadlineLine) return [];

  if (taskLead.length > 0) {
    drafts.unshift({
      ...base,
      lead: dedupeRefs(taskLead),
      cooperating: dedupeRefs(taskCoop),
      ...(taskDirecting.length ? { directing: dedupeRefs(taskDirecting) } : {}),
      lines: leadLines ?? head.lines,
      order: -1,
    });
  } else if (taskCoop.length > 0) {
    // "Phối hợp: …" without "Chủ trì": the cooperating agencies belong to every record.
    for (const d of drafts) d.cooperating = dedupeRefs([...d.cooperating, ...taskCoop]);
  }
  // Bullets without an agency continue the previous assignment.
  let previous: AgencyRef[] = taskLead;
  for (const d of drafts.sort((a, b) => a.order - b.order)) {
    if (d.inherited) {
      d.lead = previous.length > 0 ? previous : dedupeRefs(taskLead);
      d.factor = (d.factor ?? 1) * 0.6;
    } else if (d.lead.length > 0) previous = d.lead;
  }

  const registry = ctx.registry;
  const same = (a: AgencyRef, b: AgencyRef): boolean => AgencyRegistry.sameAgency(a.agencyId, b.agencyId);
  for (const d of drafts) {
    const specific = agencyDeadlines.find((e) => e.refs.some((r) => d.lead.some((l) => same(l, r))));
    const sameAgencyInline = drafts.find((o) => o !== d && o.inline && o.lead.length > 0 && leadKey(o.lead) === leadKey(d.lead))?.inline;
    const viaGroup = agencyDeadlines.find((e) =>
      e.refs.some((r) => d.lead.some((l) => r.agencyId && l.agencyId && registry.groupIncludes(r.agencyId, l.agencyId))),
    );
    const chosen = specific?.deadline ?? d.inline ?? sameAgencyInline ?? taskDeadline ?? viaGroup?.deadline;
    if (chosen) d.deadline = chosen;
    if (!d.action) delete d.action;
  }

  // One record per (lead, deadline): "Chủ trì: Sở X" and a later "Sở X phối hợp với … trước …" merge.
  const merged: Draft[] = [];
  for (const d of drafts) {
    const twin = merged.find((m) => m.lead.length > 0 && leadKey(m.lead) === leadKey(d.lead) && sameDeadline(m.deadline, d.deadline));
    if (!twin) {
      merged.push(d);
      continue;
    }
    twin.cooperating = dedupeRefs([...twin.cooperating, ...d.cooperating]);
    if (d.action) twin.action = twin.action ? `${twin.action.replace(/[.;,\s]+$/, '')}; ${d.action}` : d.action;
    twin.lines = [Math.min(twin.lines[0], d.lines[0]), Math.max(twin.lines[1], d.lines[1])];
  }
  return merged.map(({ inline: _i, inherited: _h, order: _o, ...d }) => d);
}

export interface CrossRefSource {
  draft: TaskDraft;
  agencies: AgencyRef[];
  text: string;
  /** Where the assignment sits, so references without "phần" can be read relative to it. */
  section: SectionNode;
}

/** One record for an action assigned to the agencies named in a section heading. */
function assignmentDraft(
  ctx: ExtractContext,
  info: SectionInfo,
  agencies: AgencyRef[],
  text: string,
  lines: [number, number],
  extra: { page?: number; confidence?: number; path?: string[]; chain?: SectionNode[] },
): TaskDraft {
  const f = fold(text);
  const { deadline, text: action } = inlineDeadline(ctx, text);
  // A bullet that names its own subject ("UBND huyện, thành phố chủ động bố trí …") narrows the heading's list.
  const own = leadingAgencies(ctx, text).refs;
  let lead = own.length > 0 ? own : agencies;
  let cooperating = cooperatingIn(ctx, action);
  const roles = rolesBeforeVerbs(ctx, text);
  if (roles) {
    lead = roles.lead;
    cooperating = dedupeRefs([...roles.coop, ...cooperating]);
  }
  if (/^phoi hop/.test(f)) {
    // "Phối hợp với Sở X …": the heading's agencies cooperate, X leads.
    lead = cooperating;
    cooperating = agencies;
  }
  cooperating = cooperating.filter((c) => !lead.some((l) => refKey(l) === refKey(c)));
  const chain = extra.chain ?? [...info.ancestors, info.node];
  return {
    sectionPath: extra.path ?? info.node.path,
    sectionTitle: sectionTitleOf(chain),
    title: shorten(action, 160),
    action,
    lead,
    cooperating,
    ...(deadline ? { deadline } : {}),
    source: 'agency-assignment',
    lines,
    ...(extra.page !== undefined ? { page: extra.page } : {}),
    ...(extra.confidence !== undefined ? { factor: 0.5 + extra.confidence / 2 } : {}),
  };
}

/**
 * Records of a section whose heading names agencies: each bullet, paragraph or lettered point is
 * one assignment. Returns the drafts, the point sections it consumed and the sentences that may
 * hold cross-references ("… các điểm h, i, k mục 3 phần III").
 */
export function assignmentTasks(
  ctx: ExtractContext,
  info: SectionInfo,
  agencies: AgencyRef[],
  leadText?: string,
  headingOnly = false,
): { drafts: TaskDraft[]; consumed: SectionNode[]; crossRefs: CrossRefSource[] } {
  const s = info.node;
  const drafts: TaskDraft[] = [];
  const consumed: SectionNode[] = [];
  const crossRefs: CrossRefSource[] = [];
  const push = (d: TaskDraft, text: string): void => {
    drafts.push(d);
    crossRefs.push({ draft: d, agencies, text, section: s });
  };
  if (leadText) {
    push(assignmentDraft(ctx, info, agencies, leadText, sectionText(s).lines, { ...(s.page !== undefined ? { page: s.page } : {}) }), leadText);
  }
  let sawBullet = false;
  const head = sectionText(s);
  let skippedContinuation = !headingOnly && head.text !== s.heading;
  for (const child of s.children) {
    if (child.kind === 'paragraph') {
      const text = stripBullet(child.text);
      if (!text || BOILERPLATE.test(fold(text)) || CLOSING.test(fold(text))) continue;
      if (!child.bullet) {
        // Closing remarks and signatures after the list; after a one-line assignment, anything plain.
        if (sawBullet || leadText) continue;
        if (skippedContinuation && child.lines[1] <= head.lines[1]) continue;
      }
      sawBullet = sawBullet || Boolean(child.bullet);
      skippedContinuation = false;
      // "- Thời gian thực hiện: Hằng năm." after the section's assignments is their deadline, not a task.
      const own = drafts.filter((d) => !d.deadline || d.deadline.kind === 'unspecified');
      if (DEADLINE_LABEL.test(fold(text)) && own.length > 0) {
        const { deadline } = inlineDeadline(ctx, text);
        const parsed = deadline ?? parseDeadline(text.slice(text.indexOf(':') + 1), ctx.deadlineContext);
        for (const d of own) d.deadline = parsed;
        for (const d of own) d.lines = [d.lines[0], Math.max(d.lines[1], child.lines[1])];
        continue;
      }
      const opts = { ...(child.page !== undefined ? { page: child.page } : {}), ...(child.confidence !== undefined ? { confidence: child.confidence } : {}) };
      push(assignmentDraft(ctx, info, agencies, text, child.lines, opts), text);
    } else if (child.kind === 'section') {
      const t = sectionText(child);
      // A point that names its own agency ("a) Giám đốc Sở Y tế") is an assignment of its own.
      const own = ctx.registry.parseList(t.text.replace(/:$/, ''), ctx.province ? { province: ctx.province } : undefined);
      if (allKnown(own) || leadingAgencies(ctx, t.text).refs.length > 0) continue;
      consumed.push(child);
      const chain = [...info.ancestors, s, child];
      const opts = { path: child.path, chain, ...(child.page !== undefined ? { page: child.page } : {}) };
      push(assignmentDraft(ctx, info, agencies, t.text, t.lines, opts), t.text);
      for (const p of child.children) {
        if (p.kind !== 'paragraph' || !p.bullet) continue;
        const text = stripBullet(p.text);
        push(assignmentDraft(ctx, info, agencies, text, p.lines, { ...opts, ...(p.page !== undefined ? { page: p.page } : {}) }), text);
      }
    }
  }
  return { drafts, consumed, crossRefs };
}

/** Does this heading consist only of agency names ("1. Sở Thông tin và Truyền thông:")? */
export function headingAgencies(ctx: ExtractContext, s: SectionNode): { refs: AgencyRef[]; headingOnly: boolean } | undefined {
  // The heading line alone first: "3. Sở Tài chính" followed by a paragraph "Căn cứ …" is not one sentence.
  for (const [text, headingOnly] of [[s.heading, true], [sectionText(s).text, false]] as const) {
    const clean = text.replace(/[:.]\s*$/, '');
    if (!clean || clean.length > 250) continue;
    const refs = ctx.registry.parseList(clean, ctx.province ? { province: ctx.province } : undefined);
    if (allKnown(refs)) return { refs, headingOnly };
  }
  return undefined;
}

/** "(1) Tiếp tục triển khai …", "(2) Đẩy mạnh …": an item of a news page's or letter's numbered task list. */
const PAREN_ITEM_RE = /^\((\d{1,2})\)\s+(\S.*)$/u;

/**
 * Items "(1) …", "(2) …" written as plain paragraphs inside one section, each followed by its own labelled
 * bullets ("- Đơn vị chủ trì: …", "- Đơn vị phối hợp: …", "- Thời gian hoàn thành: …"): one sub-section
 * per item, so each item's roles and deadline stay its own. Undefined when the section has fewer than two.
 */
export function parenthesisedItems(s: SectionNode): SectionNode[] | undefined {
  const starts = s.children.flatMap((c, i) => (c.kind === 'paragraph' && !c.bullet && PAREN_ITEM_RE.test(c.text.trim()) ? [i] : []));
  // The first item is often joined to the section's heading ("1. Phục vụ giải quyết TTHC (1) Tiếp tục …").
  const inHeading = /\s\(1\)\s+(\S.*)$/u.exec(s.heading);
  if (starts.length + (inHeading ? 1 : 0) < 2) return undefined;
  const items: SectionNode[] = [];
  if (inHeading && starts[0]! > 0) {
    const children = s.children.slice(0, starts[0]);
    items.push({
      kind: 'section',
      label: '(1)',
      heading: inHeading[1]!,
      level: s.level + 1,
      path: [...s.path, '(1)'],
      lines: [s.lines[0], children[children.length - 1]!.lines[1]],
      ...(s.page !== undefined ? { page: s.page } : {}),
      children,
    });
  }
  return items.concat(starts.map((start, k) => {
    const end = starts[k + 1] ?? s.children.length;
    const head = s.children[start] as ParagraphNode;
    const m = PAREN_ITEM_RE.exec(head.text.trim())!;
    const children = s.children.slice(start + 1, end);
    const last = children[children.length - 1];
    const label = `(${m[1]})`;
    return {
      kind: 'section',
      label,
      heading: m[2]!,
      level: s.level + 1,
      path: [...s.path, label],
      lines: [head.lines[0], last ? last.lines[1] : head.lines[1]],
      ...(head.page !== undefined ? { page: head.page } : {}),
      children,
    } satisfies SectionNode;
  }));
}
