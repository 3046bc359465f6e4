/**
 * Targets (chỉ tiêu): "100% hộ gia đình có địa chỉ số", "tỷ lệ … đạt 80%", "1.700 doanh nghiệp" in
 * "Chỉ tiêu cụ thể"/"Mục tiêu cụ thể" parts and in task tables whose task cell opens with a figure.
 */
import type { SectionNode } from '../../domain/document.js';
import type { Target } from '../../domain/records.js';
import { fold, squash } from '../../text/normalize.js';
import {
  sectionText,
  sectionTitleOf,
  type ExtractContext,
  type SectionInfo,
} from './context.js';
import { shorten } from '../../text/normalize.js';
import { stripBullet } from './prose.js';

const PERCENT = /(?<![\p{L}\p{N}])\d{1,3}(?:[.,]\d+)?\s*%/u;
const THOUSANDS = /(?<![\p{L}\p{N}.,])\d{1,3}(?:\.\d{3})+(?![\d.,]*\d)/u;

/** The figure a target is measured by; `atStart` requires it to open the text (table cells). */
export function figureOf(text: string, atStart = false): string | undefined {
  const t = squash(text);
  if (atStart) {
    const m = /^(?:tối thiểu|phấn đấu|đạt|trên)?\s*(\d{1,3}(?:[.,]\d+)?\s*%|\d{1,3}(?:\.\d{3})+)/iu.exec(t);
    return m ? m[1]!.replace(/\s+/g, '') : undefined;
  }
  const m = PERCENT.exec(t) ?? THOUSANDS.exec(t);
  return m ? m[0].replace(/\s+/g, '') : undefined;
}

/** "Chỉ tiêu …", "Mục tiêu cụ thể", or a part titled just "Mục tiêu" ("… đến năm 2025"), not "Mục tiêu, nhiệm vụ". */
const TARGET_PART = /chi tieu|muc tieu cu the|^muc tieu(?:\s+(?:den nam|nam|giai doan)\b[^,;]*)?[.:]?$/;
const GENERAL_PART = /muc tieu (?:chung|tong quat)/;

function yearOf(chain: SectionNode[], fallback: string | undefined): string | undefined {
  for (let k = chain.length - 1; k >= 0; k--) {
    const h = fold(chain[k]!.heading);
    const range = /((?:19|20)\d{2})\s*[-–]\s*((?:19|20)\d{2})/.exec(h);
    if (range) return `${range[1]}-${range[2]}`;
    const year = /nam\s+((?:19|20)\d{2})/.exec(h);
    if (year) return year[1];
  }
  return fallback;
}

/** Targets listed under "Chỉ tiêu cụ thể"/"Mục tiêu cụ thể" headings (points and bullets with a figure). */
export function sectionTargets(ctx: ExtractContext, sections: SectionInfo[]): Array<Omit<Target, 'id'>> {
  const out: Array<Omit<Target, 'id'>> = [];
  for (const info of sections) {
    const chain = [...info.ancestors, info.node];
    const heads = chain.map((s) => fold(s.heading).trim());
    const inTargets = heads.some((h) => TARGET_PART.test(h)) && !heads.some((h) => GENERAL_PART.test(h));
    if (!inTargets) continue;
    // Without a period in the headings, the plan's own period ("giai đoạn 2024 - 2025" in the title).
    const titleRange = /((?:19|20)\d{2})\s*[-–]\s*((?:19|20)\d{2})/.exec(ctx.doc.meta.title);
    const planPeriod = titleRange ? `${titleRange[1]}-${titleRange[2]}` : ctx.deadlineContext.docYear !== undefined ? String(ctx.deadlineContext.docYear) : undefined;
    const year = yearOf(chain, planPeriod);
    const s = info.node;
    const candidates: Array<{ text: string; lines: [number, number]; page?: number; confidence?: number }> = [];
    // A lettered point is itself a target ("d) 20% số lượng người dân …").
    if (s.children.every((c) => c.kind !== 'section') && !TARGET_PART.test(fold(s.heading))) {
      const t = sectionText(s);
      candidates.push({ text: t.text, lines: t.lines, ...(s.page !== undefined ? { page: s.page } : {}) });
    }
    for (const c of s.children) {
      if (c.kind !== 'paragraph' || !c.bullet) continue;
      candidates.push({
        text: stripBullet(c.text),
        lines: c.lines,
        ...(c.page !== undefined ? { page: c.page } : {}),
        ...(c.confidence !== undefined ? { confidence: c.confidence } : {}),
      });
    }
    for (const cand of candidates) {
      const figure = figureOf(cand.text);
      if (!figure) continue;
      out.push({
        doc: ctx.docRef,
        sectionPath: s.path,
        sectionTitle: sectionTitleOf(chain),
        text: shorten(cand.text, 400),
        figure,
        ...(year ? { year } : {}),
        lead: [],
        cooperating: [],
        lines: cand.lines,
        ...(cand.page !== undefined ? { page: cand.page } : {}),
        confidence: cand.confidence !== undefined ? Math.round((0.5 + cand.confidence / 2) * 0.9 * 100) / 100 : 0.9,
      });
    }
  }
  return out;
}
