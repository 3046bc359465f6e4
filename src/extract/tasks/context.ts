/**
 * Shared pieces of task extraction: the per-document context (registry, province, year, DocRef),
 * tree walking with heading paths, agency phrase helpers and the draft → Task conversion.
 */
import type { Document, DocNode, LineSpan, ParagraphNode, SectionNode, TableNode } from '../../domain/document.js';
import type { AgencyRef, Deadline, DocRef, Task, TaskSource } from '../../domain/records.js';
import { fold, shorten, squash } from '../../text/normalize.js';
import { docRef } from '../chunks.js';
import type { AgencyRegistry } from '../agencies.js';
import { findDeadlines, findSchedules, type DeadlineContext } from '../deadlines.js';
import { loadCues } from './cues.js';

export interface ExtractContext {
  doc: Document;
  registry: AgencyRegistry;
  province?: string;
  deadlineContext: DeadlineContext;
  docRef: DocRef;
}

export function docRefOf(doc: Document): DocRef {
  return docRef(doc.meta);
}

/**
 * The year undated deadlines belong to: the plan's own year when the title names one ("… năm
 * 2023" in a plan issued in December 2022), else the year of issue.
 */
export function planYear(doc: Document): number | undefined {
  const title = fold(doc.meta.title);
  const inTitle = /nam\s+((?:19|20)\d{2})(?!\s*[-–])/.exec(title);
  if (inTitle) return Number(inTitle[1]);
  const date = /^(\d{4})/.exec(doc.meta.date ?? '');
  return date ? Number(date[1]) : undefined;
}

export function createContext(doc: Document, registry: AgencyRegistry): ExtractContext {
  const year = planYear(doc);
  return {
    doc,
    registry,
    ...(doc.meta.province ? { province: doc.meta.province } : {}),
    deadlineContext: year !== undefined ? { docYear: year } : {},
    docRef: docRefOf(doc),
  };
}

export interface SectionInfo {
  node: SectionNode;
  ancestors: SectionNode[];
}

/** Every section, depth first, with its ancestors (outermost first). */
export function allSections(nodes: DocNode[], ancestors: SectionNode[] = [], out: SectionInfo[] = []): SectionInfo[] {
  for (const n of nodes) {
    if (n.kind !== 'section') continue;
    out.push({ node: n, ancestors });
    allSections(n.children, [...ancestors, n], out);
  }
  return out;
}

/** Every table with the sections that enclose it. */
export function allTables(nodes: DocNode[], ancestors: SectionNode[] = [], out: Array<{ table: TableNode; ancestors: SectionNode[] }> = []) {
  for (const n of nodes) {
    if (n.kind === 'table') out.push({ table: n, ancestors });
    else if (n.kind === 'section') allTables(n.children, [...ancestors, n], out);
  }
  return out;
}


export function sectionLabel(s: SectionNode): string {
  const heading = shorten(s.heading);
  if (!s.label) return heading;
  const sep = /^[a-zđ]$/i.test(s.label) ? ')' : '.';
  return heading ? `${s.label}${sep} ${heading}` : s.label;
}

export function sectionTitleOf(chain: SectionNode[], extra: string[] = []): string {
  return [...chain.map(sectionLabel), ...extra.map((e) => shorten(e))].join(' › ');
}

/**
 * A section's own sentence: its heading plus the plain paragraphs right under it (hard-wrapped
 * OCR text often continues the heading line there), stopping at the first bullet or subsection.
 */
export function sectionText(s: SectionNode): { text: string; lines: LineSpan } {
  let text = s.heading;
  let end = s.lines[0];
  for (const c of s.children) {
    if (c.kind !== 'paragraph' || c.bullet) break;
    if (/[.:;]$/.test(text.trim()) && /^\p{Lu}/u.test(c.text.trim())) break;
    text = `${text} ${c.text}`;
    end = c.lines[1];
  }
  return { text: squash(text), lines: [s.lines[0], Math.max(end, s.lines[0])] };
}

export function paragraphs(s: SectionNode): ParagraphNode[] {
  return s.children.filter((c): c is ParagraphNode => c.kind === 'paragraph');
}

/** Parts of a document that describe the past, the legal basis or money, not tasks. */
const NON_TASK_HEADING =
  /^(?:muc dich|yeu cau|muc dich,? yeu cau|can cu|kinh phi|danh gia ket qua|ket qua dat duoc|ket qua thuc hien|tinh hinh thuc hien|ton tai|nguyen nhan|bai hoc|thuc trang|noi nhan)/;

export function inNonTaskPart(chain: SectionNode[]): boolean {
  return chain.some((s) => NON_TASK_HEADING.test(fold(s.heading).replace(/^[\s.:]+/, '')) || /danh gia ket qua/.test(fold(s.heading)));
}

// ------------------------------------------------------------------ agency phrases

export interface Leading {
  refs: AgencyRef[];
  /** Text after the leading agency list. */
  rest: string;
}

/**
 * Agencies that open a sentence ("Sở TT&TT chủ trì, phối hợp với …", "Báo Thanh Hóa, Đài PTTH
 * tỉnh: …"), with the rest of the sentence. Empty when the sentence does not start with one.
 */
export function leadingAgencies(ctx: ExtractContext, text: string): Leading {
  const spans = ctx.registry.findMentionSpans(text, ctx.province ? { province: ctx.province } : undefined);
  const refs: AgencyRef[] = [];
  let pos = 0;
  for (const s of spans) {
    const gap = fold(text.slice(pos, s.start));
    // Role words ("Giám đốc Sở Y tế") are part of the mention itself, so the first one must open the
    // text — after at most the verb that hands the task over ("Giao Sở Tư pháp chủ trì …"; in a plan,
    // not in a report's recommendations, "Đề nghị Bảo hiểm xã hội tỉnh phối hợp …").
    const opener = ctx.doc.meta.type === 'Báo cáo' ? /^[\s\-+*•:]*(?:giao(?: cho)?\s+)?$/ : /^[\s\-+*•:]*(?:(?:giao(?: cho)?|de nghi)\s+)?$/;
    const ok = refs.length === 0 ? opener.test(gap) : /^[\s,;]*(?:va|cung|cac)?[\s,;]*$/.test(gap);
    if (!ok) break;
    const { start: _s, end: _e, ...ref } = s;
    refs.push(ref);
    pos = s.end;
  }
  return { refs, rest: refs.length ? text.slice(pos).replace(/^[\s,:;-]+/, '') : text };
}

/**
 * Agencies named right after a partner cue ("phối hợp với", "phối hợp chặt chẽ cùng", "phối hợp" —
 * knowledge/letter-cues.json) in a sentence: "A, B và các C" up to the first word that is not a
 * separator.
 */
export function cooperatingIn(ctx: ExtractContext, text: string): AgencyRef[] {
  const f = foldKeepLength(text);
  const out: AgencyRef[] = [];
  const spans = ctx.registry.findMentionSpans(text, ctx.province ? { province: ctx.province } : undefined);
  for (const m of f.matchAll(loadCues().partner)) {
    let pos = m.index! + m[0].length;
    for (const s of spans) {
      // The registry may count the cue itself as part of a mention ("phối hợp Sở Tư pháp").
      if (s.end <= pos) continue;
      const gap = s.start < pos ? '' : f.slice(pos, s.start);
      if (!/^[\s,;&]*(?:va|cac|cung)?[\s,;&]*(?:cac\s+)?$/.test(gap)) break;
      const { start: _s, end: _e, ...ref } = s;
      out.push(ref);
      pos = s.end;
    }
  }
  return dedupeRefs(out);
}

/**
 * Partners a task's own words state when its shape gave none ("chủ động …; phối hợp với Sở Thông
 * tin và Truyền thông bảo đảm an toàn thông tin"): registry agencies only, never a lead.
 */
export function statedPartners(ctx: ExtractContext, d: Pick<TaskDraft, 'action' | 'title' | 'lead'>): AgencyRef[] {
  const text = squash(`${d.action ?? ''} ${d.title}`);
  return cooperatingIn(ctx, text).filter((r) => r.agencyId && !d.lead.some((l) => l.agencyId === r.agencyId));
}

export function foldKeepLength(text: string): string {
  let out = '';
  for (const ch of text) {
    const f = fold(ch);
    out += f.length === ch.length ? f : (f + ' '.repeat(ch.length)).slice(0, ch.length);
  }
  return out;
}

export function refKey(r: AgencyRef): string {
  return r.agencyId ?? `?${fold(r.surface)}`;
}

export function dedupeRefs(refs: AgencyRef[]): AgencyRef[] {
  const seen = new Set<string>();
  return refs.filter((r) => {
    const k = refKey(r);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** The first usable deadline inside a sentence, and the sentence without a labelled deadline tail. */
export function inlineDeadline(ctx: ExtractContext, text: string): { deadline?: Deadline; text: string } {
  const found = findDeadlines(text, ctx.deadlineContext).filter((d) => d.deadline.kind !== 'unspecified');
  const first = found.find((d) => !d.parenthetical) ?? found[0];
  if (!first) return { text };
  const label = /(?:\.\s*|\s+|^)(?:Thời gian|Thời hạn|Tiến độ|Hạn)[^:]{0,30}:\s*$/iu.exec(text.slice(0, first.start));
  const cleaned = label ? `${text.slice(0, label.index).trim()}` : text;
  return { deadline: first.deadline, text: squash(cleaned).replace(/[\s;,]+$/, '') };
}

// ------------------------------------------------------------------ drafts

export interface TaskDraft {
  sectionPath: string[];
  sectionTitle: string;
  title: string;
  action?: string;
  lead: AgencyRef[];
  cooperating: AgencyRef[];
  directing?: AgencyRef[];
  deadline?: Deadline;
  note?: string;
  source: TaskSource;
  lines: LineSpan;
  page?: number;
  row?: string;
  /** Multiplied into the confidence (OCR, inherited lead …). */
  factor?: number;
  unresolved?: string[];
}

export function confidenceOf(d: TaskDraft, base: number): number {
  let c = base * (d.factor ?? 1);
  if (d.lead.length === 0) c *= 0.6;
  else if (d.lead.some((r) => !r.agencyId)) c *= 0.75;
  if (d.cooperating.some((r) => !r.agencyId)) c *= 0.9;
  if (!d.deadline || d.deadline.kind === 'unspecified') c *= 0.9;
  if (d.unresolved && d.unresolved.length > 0) c *= 0.85;
  return Math.max(0.05, Math.min(1, Math.round(c * 100) / 100));
}

export function toTask(ctx: ExtractContext, d: TaskDraft, index: number, base: number): Task {
  // Read once here so answers never re-detect them: partners named in the task's own words when its
  // shape gave none, and the recurring schedules it states.
  const stated = d.cooperating.length === 0 ? statedPartners(ctx, d) : [];
  const schedules = findSchedules(`${d.title} ${d.action ?? ''} ${d.note ?? ''}`, ctx.deadlineContext);
  const deadline = d.deadline && d.deadline.kind !== 'unspecified' ? d.deadline : (schedules[0] ?? d.deadline);
  const draft: TaskDraft = { ...d, ...(stated.length ? { cooperating: stated } : {}), ...(deadline ? { deadline } : {}) };
  return {
    id: `${ctx.doc.meta.id}#task-${index + 1}`,
    doc: ctx.docRef,
    sectionPath: d.sectionPath,
    sectionTitle: d.sectionTitle,
    title: squash(d.title),
    ...(d.action ? { action: squash(d.action) } : {}),
    lead: d.lead,
    cooperating: draft.cooperating,
    ...(stated.length ? { cooperatingSource: 'task-text' as const } : {}),
    directing: d.directing ?? [],
    deadline: draft.deadline ?? { raw: '', kind: 'unspecified' },
    ...(schedules.length ? { schedules } : {}),
    ...(d.note ? { note: squash(d.note) } : {}),
    source: d.source,
    lines: d.lines,
    ...(d.page !== undefined ? { page: d.page } : {}),
    ...(d.row ? { row: d.row } : {}),
    confidence: confidenceOf(draft, base),
    unresolved: d.unresolved ?? [],
  };
}
