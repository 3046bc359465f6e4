/**
 * Reader for hand-written procedure guides (knowledge/procedures/*.md): YAML front matter
 * validated with zod, then free prose. Returns the Procedure record and a Document (one section
 * per field) so the reindex chunks a guide like any other document and citations point at the
 * field's lines in the .md file.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import matter from 'gray-matter';
import { z } from 'zod';
import type { DocNode, Document, DocumentMeta, LineSpan, ParagraphNode, SectionNode } from '../../domain/document.js';
import type { DocRef, Procedure, ProcedureDocumentItem } from '../../domain/records.js';
import { cleanText, fold } from '../../text/normalize.js';
import { FIELD_HEADINGS, PROCEDURE_FIELDS, type ProcedureField } from './fields.js';

const Text = z.string().trim().min(1, 'must not be empty');
/** A single string is accepted where a list is expected ("cap_thuc_hien: Cấp xã"). */
const asList = (v: unknown) => (typeof v === 'string' ? [v] : v);
const TextList = z.preprocess(asList, z.array(Text));
const NonEmptyTextList = z.preprocess(asList, z.array(Text).min(1, 'must list at least one item'));

/** A bare string is shorthand for `{ ten: … }`; preprocessing (not a union) keeps zod's field-level messages. */
const DocumentItem = z.preprocess(
  (v) => (typeof v === 'string' ? { ten: v } : v),
  z
    .object({
      ten: Text,
      loai: Text.optional(),
      so_luong: z.number().int('must be a whole number').positive('must be at least 1').optional(),
      ghi_chu: Text.optional(),
    })
    .strict(),
);

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
/** YAML turns an unquoted 2025-07-01 into a Date; accept both spellings. */
const IsoDate = z.preprocess(
  (v) => (v instanceof Date && !Number.isNaN(v.getTime()) ? v.toISOString().slice(0, 10) : v),
  z.string().regex(ISO_DATE, 'must be an ISO date (YYYY-MM-DD)'),
);

/** The front matter of a guide. Unknown keys are errors so a typo never silently drops a field. */
export const ProcedureFrontMatter = z
  .object({
    ma: z
      .string({
        invalid_type_error: 'must be a quoted string, e.g. "1.001193" (unquoted, YAML reads a number and drops zeros)',
      })
      .trim()
      .min(1)
      .optional(),
    ten: Text,
    ten_goi_khac: TextList.default([]),
    linh_vuc: Text.optional(),
    cap_thuc_hien: TextList.default([]),
    doi_tuong: Text.optional(),
    co_quan_thuc_hien: Text.optional(),
    noi_nop: TextList.default([]),
    thanh_phan_ho_so: z.array(DocumentItem).min(1, 'must list at least one document'),
    trinh_tu: TextList.default([]),
    thoi_han_giai_quyet: Text.optional(),
    le_phi: Text.optional(),
    can_cu_phap_ly: NonEmptyTextList,
    nguon: Text.optional(),
    cap_nhat: IsoDate,
    luu_y: Text.optional(),
  })
  .strict();
export type ProcedureFrontMatter = z.infer<typeof ProcedureFrontMatter>;

export type ProcedureReadResult =
  | { ok: true; procedure: Procedure; document: Document }
  | { ok: false; file: string; code: 'INGEST_INVALID_FRONT_MATTER'; detail: string };

/** "thanh_phan_ho_so[2].ten: Required" */
function formatIssue(issue: z.ZodIssue): string {
  let where = '';
  for (const segment of issue.path) where += typeof segment === 'number' ? `[${segment}]` : where ? `.${segment}` : segment;
  return `${where || '(front matter)'}: ${issue.message}`;
}

interface FieldSpan {
  field: ProcedureField;
  lines: LineSpan;
  /** Spans of the top-level list items, in order. */
  items: LineSpan[];
}

/** Trim trailing blank and comment lines off a span. */
function trimSpan(lines: string[], from: number, to: number): LineSpan {
  let end = to;
  while (end > from && /^\s*(#.*)?$/.test(lines[end - 1] ?? '')) end--;
  return [from, end];
}

/**
 * Line spans of each top-level key in the front matter (1-based, inclusive) and of its list items.
 * `fmStart`/`fmEnd` are the 1-based lines of the opening and closing `---`.
 */
function fieldSpans(lines: string[], fmStart: number, fmEnd: number): FieldSpan[] {
  const starts: Array<{ field: string; line: number }> = [];
  for (let n = fmStart + 1; n < fmEnd; n++) {
    const m = /^([A-Za-z_]\w*)\s*:/.exec(lines[n - 1] ?? '');
    if (m?.[1]) starts.push({ field: m[1], line: n });
  }
  const spans: FieldSpan[] = [];
  starts.forEach((start, i) => {
    if (!(PROCEDURE_FIELDS as readonly string[]).includes(start.field)) return;
    const span = trimSpan(lines, start.line, (starts[i + 1]?.line ?? fmEnd) - 1);
    const itemStarts: Array<{ line: number; indent: number }> = [];
    for (let n = span[0] + 1; n <= span[1]; n++) {
      const m = /^(\s*)-\s/.exec(lines[n - 1] ?? '');
      if (m) itemStarts.push({ line: n, indent: m[1]!.length });
    }
    const indent = Math.min(...itemStarts.map((s) => s.indent));
    const top = itemStarts.filter((s) => s.indent === indent);
    const items = top.map((s, k) => trimSpan(lines, s.line, (top[k + 1]?.line ?? span[1] + 1) - 1));
    spans.push({ field: start.field as ProcedureField, lines: span, items });
  });
  return spans;
}

/**
 * One display line per document item: "Tờ khai đăng ký khai sinh (bản chính, 01 bản) — ghi chú".
 * Details the name already states ("Tờ khai … (01 bản chính)", common in decisions) are not repeated.
 */
export function describeDocumentItem(item: ProcedureDocumentItem): string {
  const name = fold(item.ten);
  const loai = item.loai && !name.includes(fold(item.loai)) ? item.loai : undefined;
  const count =
    item.so_luong !== undefined && !new RegExp(`\\b0*${item.so_luong}\\s*(?:\\(?[a-z ]*\\)?\\s*)?(?:ban|bo)\\b`).test(name)
      ? `${String(item.so_luong).padStart(2, '0')} bản`
      : undefined;
  const details = [loai, count].filter(Boolean).join(', ');
  return `${item.ten}${details ? ` (${details})` : ''}${item.ghi_chu ? ` — ${item.ghi_chu}` : ''}`;
}

function fieldTexts(field: ProcedureField, fm: ProcedureFrontMatter): string[] {
  switch (field) {
    case 'thanh_phan_ho_so':
      return fm.thanh_phan_ho_so.map(describeDocumentItem);
    case 'ten_goi_khac':
    case 'cap_thuc_hien':
    case 'noi_nop':
    case 'trinh_tu':
    case 'can_cu_phap_ly':
      return fm[field];
    case 'mo_ta':
    case 'ket_qua':
    case 'yeu_cau':
      return [];
    default: {
      const value = fm[field];
      return value === undefined ? [] : [value];
    }
  }
}

/** Same rule as ingest's `documentId` (path relative to root, else the file name), without loading the readers. */
export function documentIdFor(file: string, root?: string): string {
  const rel = root ? path.relative(root, file) : path.basename(file);
  return rel.split(path.sep).join('/');
}

/**
 * Parse one guide. Never throws: a bad front matter comes back as a value naming the field and
 * the reason, for the reindex report.
 */
export function readProcedureGuide(file: string, bytes: Buffer, root?: string): ProcedureReadResult {
  const fail = (detail: string): ProcedureReadResult => ({ ok: false, file, code: 'INGEST_INVALID_FRONT_MATTER', detail });
  const text = cleanText(bytes.toString('utf8')).replace(/\r\n?/g, '\n');
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();

  if ((lines[0] ?? '').trim() !== '---') return fail('(front matter): missing — a guide must start with a line "---"');
  const closeIndex = lines.findIndex((l, i) => i > 0 && /^(---|\.\.\.)\s*$/.test(l));
  if (closeIndex < 0) return fail('(front matter): not closed — add a line "---" after the last field');

  let data: unknown;
  let body: string;
  try {
    // Passing options keeps gray-matter from caching by content (its cache would share objects).
    const parsed = matter(text, { excerpt: false });
    data = parsed.data;
    body = parsed.content;
  } catch (err) {
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
    return fail(`(front matter): YAML syntax error — ${reason}`);
  }
  const result = ProcedureFrontMatter.safeParse(data ?? {});
  if (!result.success) return fail(result.error.issues.map(formatIssue).join('; '));
  const fm = result.data;

  const fmEnd = closeIndex + 1;
  const spans = fieldSpans(lines, 1, fmEnd);
  const bodyFrom = fmEnd + 1;
  const bodyLines = lines.slice(fmEnd);
  const hasBody = bodyLines.some((l) => l.trim() !== '');
  if (hasBody) {
    let first = bodyFrom;
    while (first <= lines.length && (lines[first - 1] ?? '').trim() === '') first++;
    spans.push({ field: 'mo_ta', lines: trimSpan(lines, first, lines.length), items: [] });
  }

  const meta: DocumentMeta = {
    id: documentIdFor(file, root),
    type: 'Thủ tục hành chính',
    title: fm.ten,
    file,
    hash: createHash('sha256').update(bytes).digest('hex'),
    format: 'procedure',
    extra: fm.ma ? { ma: fm.ma } : {},
  };

  const children: DocNode[] = spans.map((span, i): SectionNode => {
    const label = String(i + 1);
    let paragraphs: ParagraphNode[];
    if (span.field === 'mo_ta') {
      paragraphs = bodyParagraphs(lines, span.lines);
    } else {
      const texts = fieldTexts(span.field, fm);
      paragraphs = texts.map((t, k) => ({
        kind: 'paragraph',
        text: t,
        // A scalar, or a list written inline: the whole field's span.
        lines: texts.length > 1 || span.items.length === 1 ? span.items[k] ?? span.lines : span.lines,
        ...(texts.length > 1 ? { bullet: '-' as const } : {}),
      }));
    }
    return {
      kind: 'section',
      label,
      heading: FIELD_HEADINGS[span.field],
      level: 1,
      path: [label],
      lines: span.lines,
      children: paragraphs,
    };
  });

  const document: Document = { meta, children, lines, warnings: [] };
  const doc: DocRef = { docId: meta.id, type: meta.type, title: meta.title, file };
  const fieldLines: Record<string, LineSpan> = {};
  for (const span of spans) fieldLines[span.field] = span.lines;

  const procedure: Procedure = {
    id: `thu-tuc:${meta.id}`,
    doc,
    ma: fm.ma,
    ten: fm.ten,
    linh_vuc: fm.linh_vuc,
    cap_thuc_hien: fm.cap_thuc_hien,
    co_quan_thuc_hien: fm.co_quan_thuc_hien,
    noi_nop: fm.noi_nop,
    thoi_han_giai_quyet: fm.thoi_han_giai_quyet,
    le_phi: fm.le_phi,
    thanh_phan_ho_so: fm.thanh_phan_ho_so,
    trinh_tu: fm.trinh_tu,
    doi_tuong: fm.doi_tuong,
    can_cu_phap_ly: fm.can_cu_phap_ly,
    nguon: fm.nguon,
    cap_nhat: fm.cap_nhat,
    ten_goi_khac: fm.ten_goi_khac,
    mo_ta: body.trim(),
    luu_y: fm.luu_y,
    field_lines: fieldLines,
    lines: [1, Math.max(1, lines.length)],
  };
  return { ok: true, procedure, document };
}

/** Paragraphs of the prose body: blank-line separated blocks; markdown headings and bullets kept as text. */
function bodyParagraphs(lines: string[], span: LineSpan): ParagraphNode[] {
  const out: ParagraphNode[] = [];
  let start = -1;
  const flush = (end: number) => {
    if (start < 0) return;
    const textLines = lines.slice(start - 1, end).map((l) => l.trim());
    const first = textLines[0] ?? '';
    const bullet = /^([-+*])\s/.exec(first)?.[1] as ParagraphNode['bullet'] | undefined;
    out.push({
      kind: 'paragraph',
      text: textLines.join(' ').replace(/^#+\s*/, '').replace(/^[-+*]\s+/, ''),
      lines: [start, end],
      ...(bullet ? { bullet } : {}),
    });
    start = -1;
  };
  for (let n = span[0]; n <= span[1]; n++) {
    const line = lines[n - 1] ?? '';
    if (line.trim() === '') {
      flush(n - 1);
    } else if (/^\s*#+\s/.test(line)) {
      // A markdown heading is a paragraph of its own.
      flush(n - 1);
      start = n;
      flush(n);
    } else {
      // A bullet or numbered item starts its own paragraph.
      if (start >= 0 && /^\s*([-+*]\s|\d+[.)]\s)/.test(line)) flush(n - 1);
      if (start < 0) start = n;
    }
  }
  flush(span[1]);
  return out;
}
