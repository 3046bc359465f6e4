/**
 * Bounded ingestion: a zip that unpacks too far, a text with a line no document has, a PDF with
 * too many pages or too many pages to OCR, and an OCR time limit are each a per-file
 * INGEST_TOO_LARGE, found while reading (before the tree builder or tesseract spend the time).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import { PDFDocument } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { ingestFile } from '../../src/ingest/index.js';
import { getOcrEngine, ocrAvailable } from '../../src/ingest/ocr/engine.js';
import { DEFAULT_INGEST_LIMITS } from '../../src/ingest/limits.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'tlao-limits-'));
const inCi = process.env.CI === 'true';

async function docx(name: string, documentXml: string): Promise<string> {
  const zip = new JSZip();
  zip.file('[Content_Types].xml', '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>');
  zip.file('_rels/.rels', '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>');
  zip.file('word/document.xml', documentXml);
  const file = path.join(dir, name);
  writeFileSync(file, await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
  return file;
}

const para = (text: string) => `<w:p><w:r><w:t>${text}</w:t></w:r></w:p>`;
const body = (inner: string) => `<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${inner}</w:body></w:document>`;

async function blankPdf(name: string, pages: number): Promise<string> {
  const pdf = await PDFDocument.create();
  for (let i = 0; i < pages; i++) pdf.addPage([595, 842]);
  const file = path.join(dir, name);
  writeFileSync(file, await pdf.save());
  return file;
}

describe('ingestion limits', () => {
  it('refuses a .docx whose part unpacks past the limit, counted while inflating', async () => {
    // 3 MB of repeated paragraphs compress to a few KB: the packed size says nothing.
    const file = await docx('phinh.docx', body(para('Kế hoạch số 1/KH-UBND.') + para('A'.repeat(3_000_000))));
    const result = await ingestFile(file, { limits: { maxPartBytes: 1024 * 1024 } });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.code).toBe('INGEST_TOO_LARGE');
    expect(!result.ok && result.detail).toMatch(/word\/document\.xml unpacks to more than 1 MiB/);
  });

  it('refuses a whole package unpacking past the total limit, and reads a normal one', async () => {
    const parts = Array.from({ length: 4 }, (_, i) => para(`Mục ${i + 1}. ` + 'Sở Nội vụ chủ trì. '.repeat(20_000))).join('');
    const file = await docx('tong.docx', body(parts));
    const over = await ingestFile(file, { limits: { maxUnpackedBytes: 512 * 1024 } });
    expect(!over.ok && over.code).toBe('INGEST_TOO_LARGE');
    const small = await docx('nho.docx', body(para('KẾ HOẠCH') + para('Triển khai chuyển đổi số năm 2025.') + para('1. Sở Nội vụ chủ trì, hoàn thành trước ngày 30/6/2025.')));
    const ok = await ingestFile(small);
    expect(ok.ok).toBe(true);
  });

  it('refuses a 40 MB single-line text at once, before decoding it', async () => {
    const file = path.join(dir, 'mot-dong.txt');
    writeFileSync(file, 'Kế hoạch '.repeat(4_000_000));
    const started = performance.now();
    const result = await ingestFile(file);
    expect(!result.ok && result.code).toBe('INGEST_TOO_LARGE');
    expect(!result.ok && result.detail).toMatch(/line 1 is \d+ bytes long; the limit is 50000 characters per line/);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('refuses a line over the limit in any format (HTML paragraph)', async () => {
    const file = path.join(dir, 'dai.html');
    writeFileSync(file, `<html><body><h1>KẾ HOẠCH</h1><p>${'chuyển đổi số '.repeat(5000)}</p></body></html>`);
    const result = await ingestFile(file, { limits: { maxLineChars: 10_000 } });
    expect(!result.ok && result.code).toBe('INGEST_TOO_LARGE');
    expect(!result.ok && result.detail).toMatch(/characters; the limit is 10000 per line/);
  });

  it('refuses text past the per-file character limit', async () => {
    const file = path.join(dir, 'nhieu-dong.txt');
    writeFileSync(file, Array.from({ length: 5000 }, (_, i) => `${i + 1}. Sở Tài chính chủ trì nhiệm vụ ${i + 1}.`).join('\n'));
    const result = await ingestFile(file, { limits: { maxTextChars: 50_000 } });
    expect(!result.ok && result.code).toBe('INGEST_TOO_LARGE');
  });

  it('refuses a PDF with more pages than allowed', async () => {
    const file = await blankPdf('nhieu-trang.pdf', 12);
    const result = await ingestFile(file, { limits: { maxPages: 10 } });
    expect(!result.ok && result.code).toBe('INGEST_TOO_LARGE');
    expect(!result.ok && result.detail).toMatch(/12 pages; the limit per PDF is 10/);
  });

  describe('OCR bounds (need tesseract)', async () => {
    const availability = await ocrAvailable();
    if (!availability.available && inCi) throw new Error(`OCR limit tests need tesseract-ocr tesseract-ocr-vie poppler-utils (${availability.reason})`);
    if (!availability.available) process.stderr.write(`[limits] OCR bounds skipped: ${availability.reason}\n`);
    const it_ = availability.available ? it : it.skip;

    it_('a PDF of blank pages needing more OCR pages than allowed fails before any OCR', async () => {
      const file = await blankPdf('trang-trang.pdf', 40);
      const ocr = { cacheDir: undefined, concurrency: 1 };
      const engine = getOcrEngine(ocr);
      const before = engine.tesseractCalls;
      const started = performance.now();
      const result = await ingestFile(file, { ocr, limits: { maxOcrPages: 25 } });
      expect(!result.ok && result.code).toBe('INGEST_TOO_LARGE');
      expect(!result.ok && result.detail).toMatch(/cần OCR 40\/40 trang, vượt giới hạn 25 trang OCR/);
      expect(engine.tesseractCalls).toBe(before);
      expect(performance.now() - started).toBeLessThan(5000);
    });

    it_('stops OCR at the per-file time limit and says so', async () => {
      const file = await blankPdf('het-gio.pdf', 3);
      const result = await ingestFile(file, { ocr: { concurrency: 1 }, limits: { maxOcrSeconds: 0 } });
      expect(!result.ok && result.code).toBe('INGEST_TOO_LARGE');
      expect(!result.ok && result.detail).toMatch(/OCR quá giới hạn 0 giây mỗi tệp; 3\/3 trang chưa đọc/);
    });
  });

  it('has defaults stated in one place', () => {
    expect(DEFAULT_INGEST_LIMITS).toMatchObject({ maxLineChars: 50_000, maxOcrPages: 300, maxOcrSeconds: 900 });
  });
});
