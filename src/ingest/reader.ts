/**
 * The contract every format reader implements. A reader turns a file's bytes into text lines
 * and tables (`ReadResult`); it throws `IngestError` with a code for files it cannot read.
 */
import type { Logger } from 'pino';
import type { IngestErrorCode, ReadResult } from '../domain/document.js';
import type { IngestLimits } from './limits.js';

export class IngestError extends Error {
  constructor(
    readonly code: IngestErrorCode,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${detail}`, options);
    this.name = 'IngestError';
  }
}

export interface OcrOptions {
  /** Tesseract language(s). Default: 'vie'. */
  lang?: string;
  /** Seconds before one page is abandoned. Default: 120. */
  pageTimeoutSec?: number;
  /** Parallel tesseract processes. Default: number of cores. */
  concurrency?: number;
  /** Where OCR output is cached by content hash. Default: none (no cache). */
  cacheDir?: string;
  /** Set false to report scans as INGEST_NEEDS_OCR without trying. Default: true when tesseract is installed. */
  enabled?: boolean;
}

export interface ReaderOptions {
  logger?: Logger;
  ocr?: OcrOptions;
  /** Bounds on unpacked size, text, pages and OCR (src/ingest/limits.ts). Default: DEFAULT_INGEST_LIMITS. */
  limits?: Partial<IngestLimits>;
  /** Called per page (PDF/OCR) so the reindex progress bar can move. */
  onProgress?: (event: { file: string; page: number; pages: number; stage: 'text' | 'ocr' }) => void;
}

export type Reader = (file: string, bytes: Buffer, options: ReaderOptions) => Promise<ReadResult>;
