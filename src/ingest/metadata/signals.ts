/**
 * Metadata signals: every place a document states its number, date or province — the header block in
 * any layout, web-export metadata tables, the page's title line, the body's own opening sentence, a
 * closing "(Theo Công văn số …)" line, the file name — each a candidate with its source and a
 * confidence. `resolve` keeps the best-supported value per field, so conflicts are settled by
 * confidence, never by which signal came first.
 */
import { fold } from '../../text/normalize.js';

export type MetaField = 'number' | 'date' | 'province' | 'issuer' | 'type';

/** Where a value was read; the confidence each source carries is in SOURCE_CONFIDENCE. */
export type MetaSource =
  | 'web-meta'
  | 'header'
  | 'header-place'
  | 'header-issuer'
  | 'header-title'
  | 'page-title'
  | 'appendix-ref'
  | 'body-statement'
  | 'closing-ref'
  | 'body-mention'
  | 'container'
  | 'file-name'
  | 'central-issuer';

export const SOURCE_CONFIDENCE: Record<MetaSource, number> = {
  'web-meta': 0.95,
  header: 0.9,
  'header-issuer': 0.9,
  'central-issuer': 0.9,
  'header-place': 0.8,
  'header-title': 0.7,
  'page-title': 0.7,
  'appendix-ref': 0.7,
  'closing-ref': 0.65,
  'body-statement': 0.6,
  container: 0.5,
  'body-mention': 0.45,
  'file-name': 0.3,
};

export interface Candidate {
  field: MetaField;
  value: string;
  source: MetaSource;
  confidence: number;
}

export interface Resolved {
  value: string;
  source: MetaSource;
  confidence: number;
  /** Other sources that gave the same value. */
  agreeing: MetaSource[];
}

/**
 * Best value of a field: candidates are grouped by `key(value)`; a group scores its best confidence plus
 * a little for each other source that agrees (two weak signals beat one weak one, never a strong one).
 */
export function resolve(cands: readonly Candidate[], field: MetaField, key: (v: string) => string = (v) => fold(v)): Resolved | undefined {
  const groups = new Map<string, Candidate[]>();
  for (const c of cands) {
    if (c.field !== field) continue;
    const k = key(c.value);
    groups.set(k, [...(groups.get(k) ?? []), c]);
  }
  let best: { score: number; top: Candidate; all: Candidate[] } | undefined;
  for (const all of groups.values()) {
    const sorted = [...all].sort((a, b) => b.confidence - a.confidence);
    const top = sorted[0]!;
    const others = new Set(sorted.slice(1).map((c) => c.source).filter((s) => s !== top.source));
    const score = Math.min(0.99, top.confidence + 0.05 * others.size);
    if (!best || score > best.score) best = { score, top, all: sorted };
  }
  if (!best) return undefined;
  return {
    value: best.top.value,
    source: best.top.source,
    confidence: Math.round(best.score * 100) / 100,
    agreeing: [...new Set(best.all.slice(1).map((c) => c.source).filter((s) => s !== best.top.source))],
  };
}

/** Literal "\r\n" text left by some exports, and "Ð" (U+00D0) written for "Đ". */
export function repairLine(text: string): string[] {
  return text
    .replace(/\u00d0/g, 'Đ')
    .replace(/\u00f0/g, 'đ')
    .split(/\\r\\n|\\n|\\r/)
    .map((s) => s.replace(/\s+$/u, ''));
}

const RULE_RE = /^\s*[-_=–—.\s]{3,}\s*$/u;

/**
 * Header cells: lines joined until a cell boundary (a blank line, a rule "-------", a "|"), so a cell
 * rendered over several lines ("Bắc Kạn, ngày 23" / "tháng 10 năm 2023", "Số:" / "06/2024/QĐ-UBND",
 * "ỦY BAN NHÂN DÂN" / "TỈNH BẮC KẠN") reads as one.
 */
export function headerCells(lines: readonly string[]): string[] {
  const cells: string[] = [];
  let cur: string[] = [];
  const flush = (): void => {
    if (cur.length) cells.push(cur.join(' ').replace(/\s+/g, ' ').trim());
    cur = [];
  };
  for (const line of lines) {
    if (line.trim() === '' || RULE_RE.test(line)) {
      flush();
      continue;
    }
    // A pipe, a tab or a run of 3+ spaces is a column gap (pipe rows, OCR and PDF text of two-column headers).
    const parts = line.split(/\||\t+|\s{3,}/);
    // Two columns side by side on one line (OCR, PDF text): this line's left part starts a new cell.
    if (/\S(?:\t|\s{3,})\S/.test(line)) flush();
    parts.forEach((part, k) => {
      if (k > 0) flush();
      const t = part.replace(RULE_RE, '').trim();
      if (t) cur.push(t);
    });
  }
  flush();
  return cells;
}

/** Each line joined with the next non-blank line: a split "ngày 22" / "tháng 02 năm 2023" in any layout. */
export function pairedLines(lines: readonly string[]): string[] {
  const out: string[] = [];
  const nonBlank = lines.map((l) => l.replace(/\|/g, ' ').trim()).filter((l) => l !== '' && !RULE_RE.test(l));
  for (let i = 0; i + 1 < nonBlank.length; i++) out.push(`${nonBlank[i]} ${nonBlank[i + 1]}`);
  return out;
}

/** Keys of web-export metadata tables, as the sites write them. */
const WEB_KEYS = [
  'Số hiệu',
  'Loại văn bản',
  'Nơi ban hành',
  'Cơ quan ban hành',
  'Người ký',
  'Ngày ban hành',
  'Ngày hiệu lực',
  'Ngày có hiệu lực',
  'Ngày hết hiệu lực',
  'Ngày công báo',
  'Số công báo',
  'Tình trạng hiệu lực',
  'Tình trạng',
  'Lĩnh vực',
];
const WEB_KEY_RE = new RegExp(`(?:^|[|\\s])(${WEB_KEYS.join('|')})\\s*:?\\s*(?=\\|)|(?:^|[|\\s])(${WEB_KEYS.join('|')})\\s*:`, 'gu');

/**
 * Key/value pairs of a metadata table in any of the shapes exports use: "| Số hiệu | 196/KH-UBND |",
 * "Số hiệu: | 612/QĐ-UBND | Loại văn bản: | Quyết định |", "Số hiệu: 2491/QĐ-BYT Loại văn bản: Quyết định".
 * Only a line that starts with a key counts, so body sentences are never read as metadata.
 */
export function webMetaPairs(line: string): Array<{ key: string; value: string }> {
  const t = line.trim().replace(/^\|\s*/, '');
  if (!WEB_KEYS.some((k) => t.startsWith(k))) return [];
  const hits: Array<{ key: string; start: number; end: number }> = [];
  const s = ` ${t}`;
  for (const m of s.matchAll(WEB_KEY_RE)) hits.push({ key: (m[1] ?? m[2])!, start: m.index!, end: m.index! + m[0].length });
  const out: Array<{ key: string; value: string }> = [];
  hits.forEach((h, i) => {
    const value = s
      .slice(h.end, hits[i + 1]?.start ?? s.length)
      .replace(/^[\s|:]+|[\s|]+$/g, '')
      .replace(/\s*\|\s*/g, ' ')
      .replace(/,\s*$/, '')
      .trim();
    if (value && !/^(đang cập nhật|đang cập nhập|đã biết|không có)$/iu.test(value)) out.push({ key: h.key, value });
  });
  return out;
}
