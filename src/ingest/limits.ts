/**
 * Bounds on what one file may cost to read. Each is checked while reading (the zip parts are
 * counted as they inflate, the text before the tree builder sees it), so a hostile file — a zip
 * bomb, a 40 MB single-line text, a PDF of 2,000 blank pages — ends as a per-file error with its
 * code instead of exhausting memory or holding the reindex lock for hours. The sandbox around
 * reading (src/reindex/sandbox.ts) is the backstop for whatever slips past these.
 */
import JSZip from 'jszip';
import type { ReadResult } from '../domain/document.js';
import { IngestError } from './reader.js';

export interface IngestLimits {
  /** Total bytes a .docx/.xlsx package may unpack to. Default: 200 MiB. */
  maxUnpackedBytes: number;
  /** Bytes one part of a package (word/document.xml …) may unpack to. Default: 64 MiB. */
  maxPartBytes: number;
  /** Characters of text a file may yield. Default: 20 million. */
  maxTextChars: number;
  /** Characters on one line (real documents: a few thousand at most). Default: 50,000. */
  maxLineChars: number;
  /** Pages of a PDF. Default: 3,000. */
  maxPages: number;
  /** Pages of one file that may go to OCR. Default: 300. */
  maxOcrPages: number;
  /** Seconds of OCR per file. Default: 900 (15 min). */
  maxOcrSeconds: number;
}

export const DEFAULT_INGEST_LIMITS: Readonly<IngestLimits> = Object.freeze({
  maxUnpackedBytes: 200 * 1024 * 1024,
  maxPartBytes: 64 * 1024 * 1024,
  maxTextChars: 20_000_000,
  maxLineChars: 50_000,
  maxPages: 3000,
  maxOcrPages: 300,
  maxOcrSeconds: 900,
});

export function resolveLimits(given?: Partial<IngestLimits>): IngestLimits {
  const defined = Object.fromEntries(Object.entries(given ?? {}).filter(([, v]) => v !== undefined));
  return { ...DEFAULT_INGEST_LIMITS, ...defined };
}

const MiB = (n: number) => `${Math.round((n / 1024 / 1024) * 10) / 10} MiB`;

/**
 * Inflates every part of a zip package, counting bytes as they come and stopping at the first
 * limit crossed: the sizes a zip declares can lie, the inflated bytes cannot. Nothing is kept
 * (the reader unpacks again), so memory stays at one inflate window per part.
 */
export async function checkZipBounds(bytes: Buffer, limits: Pick<IngestLimits, 'maxUnpackedBytes' | 'maxPartBytes'>): Promise<void> {
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(bytes, { checkCRC32: false });
  } catch (err) {
    throw new IngestError('INGEST_UNREADABLE', `corrupt zip package: ${(err as Error).message}`, { cause: err });
  }
  let total = 0;
  for (const entry of Object.values(zip.files)) {
    if (entry.dir) continue;
    let part = 0;
    await new Promise<void>((resolve, reject) => {
      // nodeStream inflates chunk by chunk; once paused, backpressure stops JSZip's inflater.
      const stream = entry.nodeStream('nodebuffer');
      let failed = false;
      const fail = (err: IngestError): void => {
        failed = true;
        stream.pause();
        stream.removeAllListeners('data');
        reject(err);
      };
      stream.on('data', (chunk: Buffer) => {
        if (failed) return;
        part += chunk.length;
        total += chunk.length;
        const over =
          part > limits.maxPartBytes
            ? `part ${entry.name} unpacks to more than ${MiB(limits.maxPartBytes)}`
            : total > limits.maxUnpackedBytes
              ? `the package unpacks to more than ${MiB(limits.maxUnpackedBytes)}`
              : undefined;
        if (over) fail(new IngestError('INGEST_TOO_LARGE', `${over} (${bytes.length} bytes packed): a zip bomb or an oversized package`));
      });
      stream.on('error', (err: Error) => {
        if (!failed) fail(new IngestError('INGEST_UNREADABLE', `corrupt zip package: ${err.message}`, { cause: err }));
      });
      stream.on('end', () => {
        if (!failed) resolve();
      });
    });
  }
}

/** Refuses text too long, or with a line too long, for the tree builder (checked before it runs). */
export function checkTextBounds(read: Pick<ReadResult, 'lines' | 'blocks'>, limits: Pick<IngestLimits, 'maxTextChars' | 'maxLineChars'>): void {
  let total = 0;
  const check = (text: string, where: string): void => {
    total += text.length;
    if (text.length > limits.maxLineChars) {
      throw new IngestError('INGEST_TOO_LARGE', `${where} has ${text.length} characters; the limit is ${limits.maxLineChars} per line (not a document layout)`);
    }
    if (total > limits.maxTextChars) {
      throw new IngestError('INGEST_TOO_LARGE', `more than ${limits.maxTextChars} characters of text; the limit per file is ${limits.maxTextChars}`);
    }
  };
  read.lines.forEach((line, i) => check(line, `line ${i + 1}`));
  total = 0;
  for (const block of read.blocks) {
    if (block.kind === 'line') check(block.text, `line ${block.line}`);
  }
}

/**
 * Byte-level pre-check of a text file before it is decoded and split: a line of more than
 * 4 bytes per allowed character is over the limit whatever its encoding (UTF-8 needs at most 4).
 */
export function lineBytesOver(bytes: Buffer, limits: Pick<IngestLimits, 'maxLineChars' | 'maxTextChars'>): void {
  if (bytes.length > limits.maxTextChars * 4) {
    throw new IngestError('INGEST_TOO_LARGE', `${bytes.length} bytes of text; the limit per file is ${limits.maxTextChars} characters`);
  }
  const maxBytes = limits.maxLineChars * 4;
  let start = 0;
  let line = 1;
  while (start < bytes.length) {
    let end = bytes.indexOf(0x0a, start);
    if (end < 0) end = bytes.length;
    if (end - start > maxBytes) {
      throw new IngestError('INGEST_TOO_LARGE', `line ${line} is ${end - start} bytes long; the limit is ${limits.maxLineChars} characters per line (not a document layout)`);
    }
    start = end + 1;
    line++;
  }
}
