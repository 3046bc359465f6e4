/**
 * Property tests of ingestion: whatever bytes an admin drops into KNOWLEDGE_DIR under a supported
 * extension, `ingestFile` returns `{ ok: true, document }` or `{ ok: false, code }` with a known
 * code — never a throw, never a hang. A hang is caught by a per-case bound far above any real
 * parse time (a guard, not a performance assertion).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INGEST_ERROR_CODES, type IngestResult } from '../../src/domain/document.js';
import { ingestFile } from '../../src/ingest/index.js';

const HANG_GUARD_MS = 20_000;
let dir: string;
let caseNo = 0;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'troly-fuzz-readers-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function ingestBytes(ext: string, bytes: Uint8Array): Promise<IngestResult> {
  const file = path.join(dir, `case-${caseNo++}${ext}`);
  writeFileSync(file, bytes);
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`ingestFile hung on ${ext} (${bytes.length} bytes) for ${HANG_GUARD_MS} ms`)), HANG_GUARD_MS);
  });
  try {
    // OCR off: a fuzz case must not start tesseract; "needs OCR" is a valid outcome.
    return await Promise.race([ingestFile(file, { ocr: { enabled: false } }), guard]);
  } finally {
    clearTimeout(timer);
  }
}

function expectWellFormed(result: IngestResult): void {
  if (result.ok) {
    expect(result.document.meta.id).toBeTypeOf('string');
    expect(Array.isArray(result.document.lines)).toBe(true);
  } else {
    expect(INGEST_ERROR_CODES).toContain(result.code);
    expect(result.detail).toBeTypeOf('string');
  }
}

const bytes = (max: number) => fc.uint8Array({ minLength: 0, maxLength: max });
const withPrefix = (prefix: string, max: number) => bytes(max).map((b) => new Uint8Array([...Buffer.from(prefix, 'latin1'), ...b]));

/** A small valid PDF with Vietnamese-looking (ASCII) text, then mutated byte by byte. */
async function samplePdf(): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const page = pdf.addPage([400, 300]);
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  page.drawText('KE HOACH 12/KH-UBND\nI. MUC DICH\n1. So Thong tin va Truyen thong chu tri', { x: 20, y: 250, size: 11, font });
  return pdf.save();
}

describe('ingestFile on random bytes', () => {
  for (const ext of ['.txt', '.md', '.html', '.docx', '.pdf']) {
    it(`never throws or hangs on random ${ext}`, async () => {
      await fc.assert(
        fc.asyncProperty(bytes(4096), async (b) => expectWellFormed(await ingestBytes(ext, b))),
        { numRuns: 20, seed: 20261124 },
      );
    });
  }

  it('handles files that start like the real format (PK zip header, %PDF header, HTML tags)', async () => {
    const cases = fc.oneof(
      withPrefix('PK\u0003\u0004', 2048).map((b) => ['.docx', b] as const),
      withPrefix('%PDF-1.7\n', 2048).map((b) => ['.pdf', b] as const),
      fc
        .array(fc.constantFrom('<html>', '<body>', '<table>', '<tr>', '<td>', '</td>', '<p>', 'Điều 1.', 'Sở TT&TT', '<script>', '&#xD800;', '<!--', '\u0000', '\uFFFD', 'ư', '\n'), { maxLength: 300 })
        .map((parts) => ['.html', new Uint8Array(Buffer.from(parts.join(''), 'utf8'))] as const),
    );
    await fc.assert(
      fc.asyncProperty(cases, async ([ext, b]) => expectWellFormed(await ingestBytes(ext, b))),
      { numRuns: 30, seed: 7 },
    );
  });

  it('survives a valid PDF with random bytes overwritten or cut short', async () => {
    const pdf = await samplePdf();
    const mutation = fc.record({
      flips: fc.array(fc.record({ at: fc.nat({ max: pdf.length - 1 }), value: fc.integer({ min: 0, max: 255 }) }), { maxLength: 40 }),
      cut: fc.option(fc.nat({ max: pdf.length }), { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(mutation, async ({ flips, cut }) => {
        const b = Uint8Array.from(pdf);
        for (const { at, value } of flips) b[at] = value;
        expectWellFormed(await ingestBytes('.pdf', cut === undefined ? b : b.subarray(0, cut)));
      }),
      { numRuns: 25, seed: 42 },
    );
  });

  it('reads invalid UTF-8 and mixed encodings in .txt as text or a coded failure', async () => {
    const invalid = fc.array(fc.oneof(fc.constant(Buffer.from('Kế hoạch số 5/KH-UBND\n', 'utf8')), fc.constant(Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0xff, 0xfe])), fc.constant(Buffer.from('Ti\u1ebfng Vi\u1ec7t', 'latin1'))), { maxLength: 50 });
    await fc.assert(
      fc.asyncProperty(invalid, async (parts) => expectWellFormed(await ingestBytes('.txt', new Uint8Array(Buffer.concat(parts))))),
      { numRuns: 25, seed: 3 },
    );
  });

  it('an empty file is INGEST_NO_TEXT, not a document', async () => {
    const result = await ingestBytes('.txt', new Uint8Array());
    expect(result).toMatchObject({ ok: false, code: 'INGEST_NO_TEXT' });
  });
});
