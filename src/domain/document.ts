/**
 * Document model shared by every reader (txt, md, html, docx, pdf, OCR) and by extraction.
 *
 * Readers produce `SourceBlock[]` (lines of text and already-recognised tables, each with its
 * position in the source); `buildDocument` turns those blocks into the `Document` tree following
 * Vietnamese administrative numbering. Extraction only ever sees the tree, so a scanned PDF and a
 * .docx of the same plan yield the same tasks.
 */
import { z } from 'zod';

/** Inclusive 1-based line span in the document's text rendering (`Document.lines`). */
export const LineSpan = z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]);
export type LineSpan = z.infer<typeof LineSpan>;

export const DocumentType = z.enum([
  'Kế hoạch',
  'Quyết định',
  'Báo cáo',
  'Công văn',
  'Chỉ thị',
  'Nghị quyết',
  'Thông báo',
  'Hướng dẫn',
  'Chương trình',
  'Đề án',
  'Thủ tục hành chính',
  'Văn bản',
]);
export type DocumentType = z.infer<typeof DocumentType>;

export const SourceFormat = z.enum(['txt', 'md', 'html', 'docx', 'pdf', 'image', 'procedure']);
export type SourceFormat = z.infer<typeof SourceFormat>;

/** One metadata field's origin: the signal it came from ("header", "web-meta", "body-statement" …) and a confidence. */
export const FieldProvenance = z.object({ source: z.string(), confidence: z.number().min(0).max(1) });
export const MetaProvenance = z.object({
  number: FieldProvenance.optional(),
  date: FieldProvenance.optional(),
  province: FieldProvenance.optional(),
  issuer: FieldProvenance.optional(),
});
export type MetaProvenance = z.infer<typeof MetaProvenance>;

/** Facts of a document read once at index time (src/extract/facts.ts), so answers read them instead of re-reading text. */
export const DocumentFacts = z.object({
  /** Who signed: the web export's "Người ký", else the name under the signing title at the end ("KT. CHỦ TỊCH / PHÓ CHỦ TỊCH / …"). */
  signer: z
    .object({
      name: z.string(),
      /** The signing title right above the name ("PHÓ CHỦ TỊCH"), when read from the signature block. */
      title: z.string().optional(),
      source: z.enum(['web-meta', 'signature']),
      /** Line of the name (1-based) when read from the signature block. */
      line: z.number().int().positive().optional(),
    })
    .optional(),
  /** Addressees after "Kính gửi:", as written. */
  recipients: z.array(z.string()).optional(),
  /** The "Nơi nhận:" distribution list, as written ("Lưu: VT" left out). */
  distribution: z.array(z.string()).optional(),
  /** Who proposed it ("Theo đề nghị của Giám đốc Sở Nội vụ tại Tờ trình số …" → "Giám đốc Sở Nội vụ"). */
  proposedBy: z.array(z.string()).optional(),
});
export type DocumentFacts = z.infer<typeof DocumentFacts>;

export const DocumentMeta = z.object({
  /** Stable id derived from the file path relative to its root (not from content). */
  id: z.string(),
  type: DocumentType,
  /** e.g. "114/KH-UBND", "1118/QĐ-UBND", "150-BC/BCSĐ". */
  number: z.string().optional(),
  /** ISO date of issue, e.g. "2022-04-25". */
  date: z.string().optional(),
  /** e.g. "UBND tỉnh Thanh Hóa". */
  issuer: z.string().optional(),
  /** Province name with diacritics, e.g. "Thanh Hóa". */
  province: z.string().optional(),
  title: z.string(),
  /** Path of the source file as given to reindex (relative to cwd when possible). */
  file: z.string(),
  /** sha256 of the file's bytes. */
  hash: z.string(),
  format: SourceFormat,
  /** Signer, effective date, etc. found in web-export metadata blocks. */
  extra: z.record(z.string()).default({}),
  /** Where number, date, province, issuer were read and how sure that reading is (0..1). */
  provenance: MetaProvenance.optional(),
  /** Of number, date, province (not asked of a central body's document) and issuer: those no signal gave. */
  fieldsNotFound: z.array(z.string()).optional(),
  /** A date whose day was left blank ("ngày    tháng 4 năm 2022"): "2022-04"; `date` stays unset. */
  datePartial: z.string().optional(),
  /** Signer, recipients, proposer: read at index time by src/extract/facts.ts. */
  facts: DocumentFacts.optional(),
});
export type DocumentMeta = z.infer<typeof DocumentMeta>;

/** What a reader emits: one item per text line or per recognised table, in reading order. */
export type SourceBlock =
  | {
      kind: 'line';
      text: string;
      /** 1-based line number in the document's text rendering. */
      line: number;
      page?: number;
      /** OCR mean word confidence 0..1; absent for digital text. */
      confidence?: number;
    }
  | {
      kind: 'table';
      /** Cell text per row, header row(s) first when the source marks them. */
      rows: string[][];
      /** Line span of each row in the text rendering. */
      rowLines: LineSpan[];
      page?: number;
      /** Page of each row, when a table continues across pages (PDF, scans). */
      rowPages?: number[];
      /** Per-row OCR confidence 0..1 when the table came from OCR. */
      rowConfidence?: number[];
    };

export interface ReadResult {
  format: SourceFormat;
  blocks: SourceBlock[];
  /** The text rendering that line numbers point into (index 0 = line 1). */
  lines: string[];
  /** Metadata the container itself carries (HTML <title>, docx core props, PDF info). */
  metaHints?: Partial<Pick<DocumentMeta, 'title' | 'number' | 'date' | 'issuer' | 'type'>>;
  pageCount?: number;
  /** Pages that were OCR'd (1-based). */
  ocrPages?: number[];
  /** Non-fatal problems (e.g. one page failed OCR). */
  warnings?: string[];
  /** Values of a web export's trailing metadata block, keyed as written ("Số hiệu", "Người ký", …). */
  webMeta?: Record<string, string>;
  /** The web page's own title line found above that block. */
  webTitle?: string;
}

export interface TableRow {
  cells: string[];
  lines: LineSpan;
  page?: number;
  /** 'group' rows ("I | Chính quyền số") head the data rows below them. */
  kind: 'data' | 'group';
  /** Labels of the group rows above this row, outermost first. */
  groupPath: string[];
  /** Row number as printed in the STT column, when present. */
  ordinal?: string;
  confidence?: number;
}

export interface TableNode {
  kind: 'table';
  header: string[];
  rows: TableRow[];
  lines: LineSpan;
  page?: number;
}

export interface ParagraphNode {
  kind: 'paragraph';
  text: string;
  lines: LineSpan;
  /** '-' or '+' when the paragraph is a bullet item. */
  bullet?: '-' | '+' | '*';
  page?: number;
  confidence?: number;
}

export interface SectionNode {
  kind: 'section';
  /** Numbering label as written, normalised: "II", "7", "1.1", "a", "Điều 2", "Phụ lục I". */
  label: string;
  /** Heading text without its label. */
  heading: string;
  /** Nesting depth, 1 = top-level part. */
  level: number;
  /** Labels from the root down to and including this section, e.g. ["II", "7"]. */
  path: string[];
  lines: LineSpan;
  page?: number;
  children: DocNode[];
}

export type DocNode = SectionNode | ParagraphNode | TableNode;

export interface Document {
  meta: DocumentMeta;
  /** Top-level nodes; sections nest their content. */
  children: DocNode[];
  /** The text rendering (index 0 = line 1), for citations and evidence checks. */
  lines: string[];
  pageCount?: number;
  ocrPages?: number[];
  warnings: string[];
}

/** Per-file ingestion outcome: errors are values, never exceptions that stop a reindex. */
export type IngestResult =
  | { ok: true; document: Document }
  | { ok: false; file: string; code: IngestErrorCode; detail: string };

export const INGEST_ERROR_CODES = [
  'INGEST_UNSUPPORTED',
  'INGEST_UNREADABLE',
  'INGEST_ENCRYPTED',
  'INGEST_NO_TEXT',
  'INGEST_NEEDS_OCR',
  'INGEST_TOO_LARGE',
  'INGEST_INVALID_FRONT_MATTER',
  /** .doc/.odt/.rtf need LibreOffice (soffice), which is not installed. */
  'INGEST_CONVERTER_MISSING',
] as const;
export type IngestErrorCode = (typeof INGEST_ERROR_CODES)[number];
