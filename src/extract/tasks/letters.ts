/**
 * Tasks assigned in running text, where letters, conclusion notices and portal news put them: "Giao Sở X
 * chủ trì, phối hợp với Sở Y, …; báo cáo UBND tỉnh trước ngày …", "UBND tỉnh có ý kiến như sau: Sở X chủ
 * trì …", "Đề nghị Sở X khẩn trương rà soát …". The cue phrases are data (knowledge/letter-cues.json);
 * an assignment needs a known agency right after a hand-over cue (or opening the sentence) and either
 * "chủ trì" or an action verb right after it. Paragraphs that other shapes already read are skipped.
 */
import type { DocNode, LineSpan, ParagraphNode, SectionNode } from '../../domain/document.js';
import type { AgencyRef } from '../../domain/records.js';
import { fold, shorten, squash } from '../../text/normalize.js';
import { documentFacts } from '../facts.js';
import { compileCues, LetterCues, loadCues, type CompiledCues } from './cues.js';
import { cooperatingIn, dedupeRefs, foldKeepLength, inNonTaskPart, inlineDeadline, sectionTitleOf, type ExtractContext, type TaskDraft } from './context.js';

export { compileCues, LetterCues };

/** Sentences of a paragraph, split after ". " before a capital; "TP. Hồ Chí Minh" stays whole. */
function sentences(text: string): string[] {
  return squash(text)
    .split(/(?<![\s(](?:TP|Tp|tp|ThS|TS|PGS|GS))(?<=[.!?])\s+(?=[\p{Lu}(])/u)
    .map((s) => s.trim())
    .filter(Boolean);
}

interface Found {
  lead: AgencyRef[];
  cooperating: AgencyRef[];
  action: string;
}

/** The assignment a sentence makes, if it makes one. */
export function assignmentIn(ctx: ExtractContext, sentence: string, cues: CompiledCues = loadCues()): Found | undefined {
  const f = foldKeepLength(sentence);
  const spans = ctx.registry.findMentionSpans(sentence, ctx.province ? { province: ctx.province } : undefined);
  for (let i = 0; i < spans.length; i++) {
    const first = spans[i]!;
    if (!first.agencyId) continue;
    const before = f.slice(0, first.start);
    if (!cues.before.test(before) || cues.past.test(before)) continue;
    // The run of agencies listed together ("Sở Tài chính, Sở Xây dựng và UBND cấp huyện").
    const run = [first];
    let end = first.end;
    for (let j = i + 1; j < spans.length; j++) {
      const gap = f.slice(end, spans[j]!.start);
      if (!/^[\s,;]*(?:va|cac)?[\s,;]*(?:cac\s+)?$/.test(gap)) break;
      run.push(spans[j]!);
      end = spans[j]!.end;
    }
    const after = f.slice(end);
    const isLead = cues.lead.test(after);
    if (!isLead && !cues.action.test(after)) continue;
    const lead = dedupeRefs(run.map(({ start: _s, end: _e, ...ref }) => ref));
    const rest = sentence.slice(end).replace(/^[\s,:]+/, '');
    const cooperating = cooperatingIn(ctx, rest).filter((c) => !lead.some((l) => l.agencyId === c.agencyId));
    // The action: what follows "chủ trì, phối hợp với …" (the partners' list included, it reads naturally).
    const action = rest.replace(/^chủ trì\s*[,;]?\s*/iu, '');
    return { lead, cooperating, action };
  }
  return undefined;
}

const lazy = <T>(f: () => T): (() => T) => {
  let done = false;
  let v: T;
  return () => {
    if (!done) {
      v = f();
      done = true;
    }
    return v;
  };
};

/** The letter's addressees ("Kính gửi: …") as agency refs. */
function addresseeRefs(ctx: ExtractContext): AgencyRef[] {
  const recipients = documentFacts(ctx.doc)?.recipients ?? [];
  return dedupeRefs(recipients.flatMap((r) => ctx.registry.parseList(r, ctx.province ? { province: ctx.province } : undefined)));
}

/**
 * "Đề nghị các đơn vị nêu trên khẩn trương rà soát …": a task handed to the letter's addressees, who
 * are named in "Kính gửi:" and not in the sentence.
 */
export function addresseeAssignment(ctx: ExtractContext, sentence: string, cues: CompiledCues, addressees: () => AgencyRef[]): Found | undefined {
  if (!cues.addressee) return undefined;
  const m = cues.addressee.exec(foldKeepLength(sentence));
  if (!m) return undefined;
  const lead = addressees();
  if (lead.length === 0) return undefined;
  const rest = sentence.slice(m[0].length);
  const cooperating = cooperatingIn(ctx, rest).filter((c) => !lead.some((l) => l.agencyId === c.agencyId));
  return { lead, cooperating, action: rest.replace(/^chủ trì\s*[,;]?\s*/iu, '') };
}

function walk(nodes: DocNode[], ancestors: SectionNode[], out: Array<{ p: ParagraphNode; ancestors: SectionNode[] }>): void {
  for (const n of nodes) {
    if (n.kind === 'paragraph') out.push({ p: n, ancestors });
    else if (n.kind === 'section') walk(n.children, [...ancestors, n], out);
  }
}

const DUE_CUE = /(?:truoc|cham nhat|han|hoan thanh|xong|ket thuc|gui ve)\b[^.;]{0,30}$/;
function isDue(text: string, raw: string): boolean {
  const f = fold(text);
  const r = fold(raw);
  if (/^(?:truoc|cham nhat|han|hoan thanh)/.test(r)) return true;
  const at = f.indexOf(r);
  return at > 0 && DUE_CUE.test(f.slice(0, at));
}

const overlaps = (a: LineSpan, b: LineSpan): boolean => a[0] <= b[1] && b[0] <= a[1];

/** Assignments in the running text of paragraphs no other shape has read. */
export function letterTasks(ctx: ExtractContext, covered: readonly LineSpan[]): TaskDraft[] {
  // A procedure guide's steps ("UBND cấp xã kiểm tra hồ sơ") are not assignments.
  if (ctx.doc.meta.type === 'Thủ tục hành chính') return [];
  const cues = loadCues();
  const procedureHeadings = cues.procedureHeading ? ctx.doc.lines.filter((l) => cues.procedureHeading!.test(fold(l))).length : 0;
  if (procedureHeadings >= 2) return [];
  const paragraphs: Array<{ p: ParagraphNode; ancestors: SectionNode[] }> = [];
  walk(ctx.doc.children, [], paragraphs);
  const drafts: TaskDraft[] = [];
  // "Kính gửi: Sở A; Sở B" — the agencies "Đề nghị các đơn vị nêu trên …" hands a task to.
  const addressees = lazy(() => addresseeRefs(ctx));
  for (const { p, ancestors } of paragraphs) {
    // A section another shape read (its deadline lines included) is left to it: only untouched text is read here.
    const owner = ancestors[ancestors.length - 1];
    if (covered.some((c) => overlaps(c, owner ? owner.lines : p.lines))) continue;
    if (inNonTaskPart(ancestors)) continue;
    for (const s of sentences(p.text)) {
      // "Thời gian hoàn thành: UBND cấp huyện gửi … trước ngày …" schedules a task, it does not assign one.
      if (/^[-+*•\s]*(?:thoi gian|thoi han|tien do|han chot|han hoan thanh)[^:]{0,30}:/.test(fold(s))) continue;
      const found = assignmentIn(ctx, s, cues) ?? addresseeAssignment(ctx, s, cues, addressees);
      if (!found) continue;
      const { deadline: any, text } = inlineDeadline(ctx, found.action);
      // In running text a date is a deadline only after a deadline word ("trước ngày", "chậm nhất", "hoàn thành …"):
      // "Chiến lược … đến năm 2025" names a period, not when the task is due.
      const deadline = any && isDue(found.action, any.raw) ? any : undefined;
      const action = squash(deadline ? text : found.action).replace(/[\s,;.]+$/, '');
      if (action.length < 8) continue;
      drafts.push({
        sectionPath: ancestors.map((a) => a.label),
        sectionTitle: sectionTitleOf(ancestors),
        title: shorten(action, 200),
        action,
        lead: found.lead,
        cooperating: found.cooperating,
        ...(deadline ? { deadline } : {}),
        source: 'agency-assignment',
        lines: p.lines,
        ...(p.page !== undefined ? { page: p.page } : {}),
        // Running text is a weaker shape than a labelled plan section.
        factor: 0.9,
      });
    }
  }
  return drafts;
}
