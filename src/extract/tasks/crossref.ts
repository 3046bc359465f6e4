/**
 * Cross-references in "Tổ chức thực hiện": "Chủ trì, phối hợp với các đơn vị có liên quan thực hiện
 * các nhiệm vụ cụ thể tại các điểm h, i, k mục 3 phần III" → the agency leads the tasks at
 * III.3.h, III.3.i, III.3.k ("Phối hợp với Sở X thực hiện điểm …" → it cooperates, X leads).
 * OCR garbles letters ("tg", "dực", "(") and numerals ("phần 111"): what resolves is attached,
 * the rest is kept in `unresolved` with the raw text.
 */
import type { SectionNode } from '../../domain/document.js';
import type { AgencyRef } from '../../domain/records.js';
import { fold } from '../../text/normalize.js';
import {
  cooperatingIn,
  dedupeRefs,
  foldKeepLength,
  inlineDeadline,
  refKey,
  sectionText,
  sectionTitleOf,
  type ExtractContext,
  type SectionInfo,
  type TaskDraft,
} from './context.js';
import type { CrossRefSource } from './prose.js';

export interface PointRef {
  raw: string;
  points: string[];
  /** Letters that could not be read ("tg", "dực"). */
  bad: string[];
  item?: string;
  part?: string;
}

function romanFix(token: string): string | undefined {
  const t = token.toUpperCase().replace(/[1L|]/g, 'I').replace(/[.,;:]+$/, '');
  return /^(?:I{1,3}|IV|V|VI{0,3}|IX|X)$/.test(t) ? t : undefined;
}

/**
 * Parse "các điểm a, b, c mục 1 phần II; điểm g và điểm h mục 5 phần III" into point references.
 * Works on a folded copy with the same offsets so "đ" is read from the original text.
 */
export function parsePointRefs(text: string): PointRef[] {
  const f = foldKeepLength(text).toLowerCase();
  const out: PointRef[] = [];
  const re = /diem\s+(.{1,60}?)\s*muc\s*:?\s*(\S{1,4}?)\s+phan\s*([a-z0-9|]{1,5})/dg;
  for (const m of f.matchAll(re)) {
    const [ls, le] = m.indices![1]!;
    const letters = text.slice(ls, le);
    const points: string[] = [];
    const bad: string[] = [];
    for (const tokenRaw of letters.split(/[,;\s]+|\s*(?:và|va)\s*|điểm|diem/iu)) {
      const token = tokenRaw.trim().toLowerCase();
      if (!token || token === 'các' || token === 'cac') continue;
      if (/^[a-zđ]$/u.test(token)) points.push(token);
      else if (token === '1') points.push('l');
      else bad.push(tokenRaw.trim());
    }
    const item = /^\d{1,2}$/.exec(m[2]!.replace(/[^\dA-Za-z]/g, ''))?.[0];
    const part = romanFix(m[3]!);
    out.push({ raw: text.slice(m.index!, m.index! + m[0].length), points, bad, ...(item ? { item } : {}), ...(part ? { part } : {}) });
  }
  // "điểm 7mục 2 phần III": the letter is lost; keep the raw text.
  for (const m of f.matchAll(/diem\s*(\S*?)muc/g)) {
    if (out.some((o) => o.raw.includes(text.slice(m.index!, m.index! + m[0].length)))) continue;
    out.push({ raw: text.slice(m.index!, m.index! + m[0].length + 12).trim(), points: [], bad: [m[1] ?? ''] });
  }
  return out;
}

function findPoint(sections: SectionInfo[], part: string, item: string, point: string): SectionInfo | undefined {
  const exact = findExact(sections, part, item, point);
  if (exact) return exact;
  // OCR and typists swap "d" and "đ"; only when the other letter exists and this one does not.
  const swapped = point === 'd' ? 'đ' : point === 'đ' ? 'd' : undefined;
  return swapped ? findExact(sections, part, item, swapped) : undefined;
}

function findExact(sections: SectionInfo[], part: string, item: string, point: string): SectionInfo | undefined {
  return sections.find((s) => {
    const p = s.node.path;
    if (p.length < 3) return false;
    const [a, b, c] = p.slice(-3);
    return romanFix(a ?? '') === part && b === item && (c ?? '').toLowerCase() === point;
  });
}

/**
 * Attach cross-referenced assignments. Mutates drafts of points that already have records (adds the
 * agency as lead or cooperating) and returns new drafts for points that had none.
 */
export function resolveCrossRefs(
  ctx: ExtractContext,
  sources: CrossRefSource[],
  sections: SectionInfo[],
  existing: TaskDraft[],
): TaskDraft[] {
  const created = new Map<string, TaskDraft>();
  for (const src of sources) {
    const refs = parsePointRefs(src.text);
    if (refs.length === 0) continue;
    const wording = fold(src.text).trim();
    const cooperates = /^phoi hop/.test(wording);
    // "Phối hợp với Sở TT&TT thực hiện điểm …": Sở TT&TT leads, the heading's agencies cooperate.
    const partner: AgencyRef[] = cooperatingIn(ctx, src.text).filter((r) => !src.agencies.some((a) => refKey(a) === refKey(r)));
    const lead = cooperates ? partner : src.agencies;
    const coop = cooperates ? src.agencies : partner;
    const unresolved: string[] = [];
    for (const ref of refs) {
      if (!ref.part || !ref.item || ref.points.length === 0) {
        unresolved.push(ref.raw);
        continue;
      }
      if (ref.bad.length) unresolved.push(`${ref.raw} (không đọc được: ${ref.bad.join(', ')})`);
      for (const point of ref.points) {
        const target = findPoint(sections, ref.part, ref.item, point);
        if (!target) {
          unresolved.push(`điểm ${point} mục ${ref.item} phần ${ref.part}`);
          continue;
        }
        const key = target.node.path.join('.');
        const onPoint = existing.filter((d) => d.sectionPath.join('.') === key && d.source !== 'agency-assignment');
        if (onPoint.length > 0) {
          for (const d of onPoint) {
            d.lead = dedupeRefs([...d.lead, ...lead]);
            d.cooperating = dedupeRefs([...d.cooperating, ...coop]).filter((c) => !d.lead.some((l) => refKey(l) === refKey(c)));
          }
          continue;
        }
        const made = created.get(key);
        if (made) {
          made.lead = dedupeRefs([...made.lead, ...lead]);
          made.cooperating = dedupeRefs([...made.cooperating, ...coop]).filter((c) => !made.lead.some((l) => refKey(l) === refKey(c)));
          continue;
        }
        const t = sectionText(target.node);
        const { deadline } = inlineDeadline(ctx, t.text);
        created.set(key, {
          sectionPath: target.node.path,
          sectionTitle: sectionTitleOf([...target.ancestors, target.node] as SectionNode[]),
          title: t.text,
          lead: [...lead],
          cooperating: [...coop],
          ...(deadline ? { deadline } : {}),
          source: 'cross-reference',
          lines: t.lines,
          ...(target.node.page !== undefined ? { page: target.node.page } : {}),
          note: `Giao tại ${src.section.path.join('.')}: ${src.text.slice(0, 160)}`,
          factor: 0.9,
        });
      }
    }
    if (unresolved.length) src.draft.unresolved = [...(src.draft.unresolved ?? []), ...unresolved];
  }
  return [...created.values()];
}
