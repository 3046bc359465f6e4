/**
 * Ingestion entry point: one file → `IngestResult`. Dispatches by extension to a reader, then builds
 * the Document (metadata + section tree). Never throws: every failure is a value with a code, so
 * one bad file never stops a reindex.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Document, DocumentMeta, IngestErrorCode, IngestResult, ReadResult, SourceFormat } from '../domain/document.js';
import { extractMetadata } from './metadata.js';
import { readDocx, readHtml } from './html.js';
import { readImage } from './image.js';
import { readOffice } from './office.js';
import { readPdf } from './pdf.js';
import { IngestError, type Reader, type ReaderOptions } from './reader.js';
import { checkTextBounds, checkZipBounds, lineBytesOver, resolveLimits } from './limits.js';
import { readText } from './text.js';
import { buildTree, looksHardWrapped } from './tree.js';
import { readXlsx } from './xlsx.js';

export { IngestError } from './reader.js';
export type { Reader, ReaderOptions } from './reader.js';

export interface IngestOptions extends ReaderOptions {
  /** Directory the document id is relative to. Default: the file's own directory. */
  root?: string;
  /** Files above this size are refused with INGEST_TOO_LARGE. Default: 50 MB. */
  maxBytes?: number;
}

export const DEFAULT_MAX_BYTES = 50 * 1024 * 1024;

/** Local file header of a zip package (.docx, .xlsx, .odt …). */
const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

const READERS: Record<string, Reader> = {
  '.txt': readText,
  '.md': readText,
  '.html': readHtml,
  '.htm': readHtml,
  '.docx': readDocx,
  '.pdf': readPdf,
  '.png': readImage,
  '.jpg': readImage,
  '.jpeg': readImage,
  '.tif': readImage,
  '.tiff': readImage,
  // Word 97–2003, OpenDocument and RTF via LibreOffice → .docx (office.ts); spreadsheets via exceljs.
  '.doc': readOffice,
  '.odt': readOffice,
  '.rtf': readOffice,
  '.xlsx': readXlsx,
};

/** Extensions `ingestFile` accepts (lowercase, with the dot). */
export const SUPPORTED_EXTENSIONS: readonly string[] = Object.keys(READERS);

/** Stable id: the path relative to root, with forward slashes ("ke-hoach/kh114.txt"). */
export function documentId(file: string, root?: string): string {
  const rel = root ? path.relative(root, file) : path.basename(file);
  return rel.split(path.sep).join('/');
}

export async function ingestFile(file: string, options: IngestOptions = {}): Promise<IngestResult> {
  const fail = (code: IngestErrorCode, detail: string): IngestResult => {
    options.logger?.warn({ file, code, detail }, 'ingest failed');
    return { ok: false, file, code, detail };
  };
  const ext = path.extname(file).toLowerCase();
  const reader = READERS[ext];
  if (!reader) return fail('INGEST_UNSUPPORTED', `unsupported extension "${ext || '(none)'}"`);
  try {
    const info = await stat(file);
    const max = options.maxBytes ?? DEFAULT_MAX_BYTES;
    if (info.size > max) return fail('INGEST_TOO_LARGE', `${info.size} bytes exceeds the ${max}-byte limit`);
    const bytes = await readFile(file);
    const hash = createHash('sha256').update(bytes).digest('hex');
    // Bounds checked while reading: a hostile file is its own error, never the server's memory.
    const limits = resolveLimits(options.limits);
    if (bytes.subarray(0, 4).equals(ZIP_MAGIC)) await checkZipBounds(bytes, limits);
    if (ext === '.txt' || ext === '.md') lineBytesOver(bytes, limits);
    const read = await reader(file, bytes, options);
    checkTextBounds(read, limits);
    const document = buildDocument(read, file, hash, options.root);
    if (!document.lines.some((l) => l.trim() !== '') || !hasText(document)) {
      return fail('INGEST_NO_TEXT', 'the file has no text');
    }
    return { ok: true, document };
  } catch (err) {
    if (err instanceof IngestError) return fail(err.code, err.detail);
    const e = err as NodeJS.ErrnoException;
    if (e?.code === 'ENOENT' || e?.code === 'EACCES' || e?.code === 'EISDIR') return fail('INGEST_UNREADABLE', `${e.code}: ${e.message}`);
    return fail('INGEST_UNREADABLE', (err as Error)?.message ?? String(err));
  }
}

function hasText(doc: Document): boolean {
  return doc.children.length > 0;
}

/** Build a Document from a reader's blocks (also used by PDF/OCR readers and tests). */
export function buildDocument(read: ReadResult, file: string, hash: string, root?: string): Document {
  const lineBlocks = read.blocks.flatMap((b) => (b.kind === 'line' ? [{ text: b.text, line: b.line }] : []));
  const meta = extractMetadata({
    lines: lineBlocks,
    ...(read.webMeta ? { webMeta: read.webMeta } : {}),
    ...(read.webTitle ? { webTitle: read.webTitle } : {}),
    ...(read.metaHints ? { hints: read.metaHints } : {}),
    blocks: read.blocks,
    fileName: path.basename(file),
  });
  const join =
    read.format === 'html' || read.format === 'docx'
      ? 'none'
      : read.format === 'txt' || read.format === 'md'
        ? looksHardWrapped(lineBlocks.map((l) => l.text))
          ? 'all'
          : 'lowercase'
        : 'all';
  const children = buildTree(read.blocks, { join });
  const fullMeta: DocumentMeta = {
    id: documentId(file, root),
    ...meta,
    title: meta.title || path.basename(file, path.extname(file)),
    file: displayPath(file),
    hash,
    format: read.format as SourceFormat,
  };
  return {
    meta: fullMeta,
    children,
    lines: read.lines,
    ...(read.pageCount !== undefined ? { pageCount: read.pageCount } : {}),
    ...(read.ocrPages ? { ocrPages: read.ocrPages } : {}),
    warnings: read.warnings ?? [],
  };
}

/** The path as given, relative to cwd when it lies below it. */
function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), path.resolve(file));
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : file;
}
