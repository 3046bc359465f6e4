/**
 * PDF and image readers on generated fixtures (test/helpers/scan.ts): the digital plan, the same
 * plan scanned (tilted, speckled), and a mixed file. The scanned table must come back row by row
 * with task ↔ lead ↔ deadline kept together, like the digital one.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import type { ReadResult, SourceBlock } from '../../src/domain/document.js';
import { AgencyRegistry } from '../../src/extract/agencies.js';
import { extractTasks } from '../../src/extract/tasks/index.js';
import { readImage } from '../../src/ingest/image.js';
import { buildDocument } from '../../src/ingest/index.js';
import { preparePage } from '../../src/ingest/ocr/image-prep.js';
import { spawnRunner, type CommandRunner, type OcrEngineOptions } from '../../src/ingest/ocr/engine.js';
import { readPdf } from '../../src/ingest/pdf.js';
import { IngestError } from '../../src/ingest/reader.js';
import { fold, normalize, squash } from '../../src/text/normalize.js';
import { TABLE_HEADER, TABLE_ROWS } from '../helpers/scan.js';
import { ocrSetup } from './setup.js';

const setup = await ocrSetup();
const fx = setup.fixtures;
const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'ocr-test-cache-'));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

/** Minimum similarity (1 − normalised edit distance) of an OCR'd task cell to the printed one. */
const TASK_TOLERANCE = 0.9;
const OCR_TIMEOUT = 600_000;

function counting(): { runner: CommandRunner; tesseract: () => number } {
  let n = 0;
  return {
    runner: (cmd, args, opts) => {
      if (/tesseract/.test(cmd) && args[0] === 'stdin') n++;
      return spawnRunner(cmd, args, opts);
    },
    tesseract: () => n,
  };
}

const read = (file: string, ocr: OcrEngineOptions = {}): Promise<ReadResult> => readPdf(file, readFileSync(file), { ocr: { cacheDir, ...ocr } });
const tables = (r: ReadResult) => r.blocks.filter((b): b is Extract<SourceBlock, { kind: 'table' }> => b.kind === 'table');
const texts = (r: ReadResult) => r.blocks.flatMap((b) => (b.kind === 'line' ? [b.text] : []));
const norm = (s: string) => squash(normalize(s));

function similarity(a: string, b: string): number {
  const x = [...norm(a)];
  const y = [...norm(b)];
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    prev = cur;
  }
  return 1 - prev[y.length]! / Math.max(x.length, y.length, 1);
}

/** The fixture table's rows compared cell by cell: STT, lead, cooperating and deadline exact; task similar. */
function expectFixtureTable(rows: string[][]): void {
  expect(rows.map((r) => r.length)).toEqual(Array(TABLE_ROWS.length + 1).fill(5));
  expect(rows[0]!.map(norm)).toEqual(TABLE_HEADER.map(norm));
  TABLE_ROWS.forEach((want, i) => {
    const got = rows[i + 1]!;
    expect({ stt: got[0], lead: norm(got[2]!), coop: norm(got[3]!), due: norm(got[4]!) }).toEqual({
      stt: want[0],
      lead: norm(want[2]!),
      coop: norm(want[3]!),
      due: norm(want[4]!),
    });
    expect(similarity(got[1]!, want[1]!), `task of row ${want[0]}: "${got[1]}"`).toBeGreaterThanOrEqual(TASK_TOLERANCE);
  });
}

describe.skipIf(!setup.ok)('readPdf on a digital PDF', () => {
  it('reads the text layer without OCR: prose lines in order, the ruled table as rows, page numbers dropped', async () => {
    const r = await read(fx!.digitalPdf, { tesseractPath: '/nonexistent/tesseract' });
    expect(r.format).toBe('pdf');
    expect(r.pageCount).toBe(2);
    expect(r.ocrPages).toEqual([]);
    const lines = texts(r);
    expect(lines).toContain('1. Nâng cấp Cổng dịch vụ công của tỉnh');
    expect(lines).toContain('- Thời gian hoàn thành: Tháng 11 năm 2023.');
    expect(lines.indexOf('II. NHIỆM VỤ')).toBeLessThan(lines.indexOf('2. Tập huấn kỹ năng số cho cán bộ, công chức'));
    expect(lines.some((l) => /Số: 27\/KH-UBND/.test(l))).toBe(true);
    expect(lines.filter((l) => /^\d+$/.test(l))).toEqual([]);
    const [table, ...more] = tables(r);
    expect(more).toEqual([]);
    expect(table!.rows).toEqual([TABLE_HEADER, ...TABLE_ROWS]);
    expect(table!.page).toBe(2);
    // Line numbers point into the rendering: one line per row.
    expect(table!.rowLines.map(([a]) => r.lines[a - 1])).toEqual([TABLE_HEADER, ...TABLE_ROWS].map((row) => row.join(' | ')));
    expect(r.metaHints?.title).toBe('Kế hoạch triển khai nhiệm vụ chuyển đổi số năm 2023');
  });
});

describe.skipIf(!setup.ok)('readPdf on scanned pages', () => {
  const tess = counting();
  let scanned: ReadResult;

  it('OCRs every image page and rebuilds the task table with each row kept together', { timeout: OCR_TIMEOUT }, async () => {
    const progress: string[] = [];
    scanned = await readPdf(fx!.scannedPdf, readFileSync(fx!.scannedPdf), {
      ocr: { cacheDir, runner: tess.runner } as OcrEngineOptions,
      onProgress: (e) => progress.push(`${e.stage}:${e.page}/${e.pages}`),
    });
    expect(scanned.ocrPages).toEqual([1, 2]);
    expect(tess.tesseract()).toBe(2);
    expect(progress.filter((p) => p.startsWith('ocr:')).sort()).toEqual(['ocr:1/2', 'ocr:2/2']);
    const [table] = tables(scanned);
    expectFixtureTable(table!.rows);
    expect(table!.rowConfidence).toHaveLength(TABLE_ROWS.length + 1);
    expect(Math.min(...table!.rowConfidence!)).toBeGreaterThan(0.5);
  });

  it('reads the prose of the tilted page in order, with per-line confidence', () => {
    const lines = scanned.blocks.filter((b): b is Extract<SourceBlock, { kind: 'line' }> => b.kind === 'line' && b.page === 1);
    const at = (want: string) => lines.findIndex((l) => similarity(l.text, want) >= 0.9);
    const order = ['II. NHIỆM VỤ', '1. Nâng cấp Cổng dịch vụ công của tỉnh', '- Sở Thông tin và Truyền thông: chủ trì nâng cấp, bảo đảm an toàn thông tin.', '- Thời gian hoàn thành: Tháng 11 năm 2023.'].map(at);
    expect(order.every((i) => i >= 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(lines.every((l) => l.confidence !== undefined && l.confidence > 0 && l.confidence <= 1)).toBe(true);
  });

  it('yields the same metadata and task records as the digital PDF (buildDocument + extractTasks)', { timeout: OCR_TIMEOUT }, async () => {
    const registry = AgencyRegistry.load();
    const records = (r: ReadResult, file: string) => {
      const doc = buildDocument(r, file, 'hash');
      const { tasks } = extractTasks(doc, registry);
      return {
        // Province folded: OCR confuses tone marks in the header ("YÊN BÀI"); A's metadata keeps the text as read.
        meta: [doc.meta.number, doc.meta.date, fold(doc.meta.province ?? '')],
        tasks: tasks.map((t) => ({
          at: [t.sectionPath.join('.'), t.row].filter(Boolean).join('#'),
          lead: t.lead.map((l) => l.agencyId ?? `?${l.surface}`),
          coop: t.cooperating.map((c) => c.agencyId ?? `?${c.surface}`),
          due: t.deadline.due ?? t.deadline.kind,
        })),
      };
    };
    const digital = records(await read(fx!.digitalPdf), fx!.digitalPdf);
    expect(digital.meta).toEqual(['27/KH-UBND', '2023-03-10', 'yen bai']);
    expect(digital.tasks.filter((t) => t.at.startsWith('Phụ lục'))).toEqual([
      { at: 'Phụ lục#1', lead: ['so-tttt@yen-bai'], coop: ['cac-so-ban-nganh@yen-bai', 'ubnd-cap-huyen@yen-bai'], due: '2023-11-30' },
      { at: 'Phụ lục#2', lead: ['van-phong-ubnd@yen-bai'], coop: ['so-noi-vu@yen-bai'], due: '2023-12-31' },
      { at: 'Phụ lục#3', lead: ['so-gddt@yen-bai'], coop: ['so-tttt@yen-bai', 'viettel@yen-bai'], due: '2023-12-31' },
      { at: 'Phụ lục#4', lead: ['cong-an-tinh@yen-bai'], coop: ['ubnd-cap-huyen@yen-bai'], due: 'ongoing' },
    ]);
    expect(records(scanned, fx!.scannedPdf)).toEqual(digital);
  });

  it('serves a second read from the cache without running tesseract', { timeout: OCR_TIMEOUT }, async () => {
    const again = counting();
    const r = await read(fx!.scannedPdf, { runner: again.runner });
    expect(again.tesseract()).toBe(0);
    expect(r.lines).toEqual(scanned.lines);
  });

  it('reads a 300-dpi JPEG scan as scanned (no re-encoding, no upscaling) with the same table and task records', { timeout: OCR_TIMEOUT }, async () => {
    const calls: Array<{ args: readonly string[]; input?: Buffer }> = [];
    const runner: CommandRunner = (cmd, args, opts) => {
      if (args[0] === 'stdin') calls.push({ args, ...(opts.input ? { input: opts.input } : {}) });
      return spawnRunner(cmd, args, opts);
    };
    const r = await read(fx!.scanned300JpegPdf, { runner });
    expect(r.ocrPages).toEqual([1, 2]);
    // Tesseract got the scan's own pixels (≈ 300 dpi, ~2500 px wide) as a PGM, told its resolution.
    for (const c of calls) {
      expect(c.input?.subarray(0, 2).toString('latin1')).toBe('P5');
      expect(Number(c.args[c.args.indexOf('--dpi') + 1])).toBeGreaterThanOrEqual(300);
      expect(Number(/^P5\s+(\d+)/.exec(c.input!.subarray(0, 20).toString('latin1'))![1])).toBeGreaterThan(2400);
    }
    expectFixtureTable(tables(r)[0]!.rows);
    const digital = buildDocument(await read(fx!.digitalPdf), fx!.digitalPdf, 'hash');
    const jpeg = buildDocument(r, fx!.scanned300JpegPdf, 'hash');
    const registry = AgencyRegistry.load();
    const rows = (d: typeof digital) => extractTasks(d, registry).tasks.map((t) => [t.row, t.lead.map((l) => l.agencyId), t.cooperating.map((c) => c.agencyId), t.deadline.due ?? t.deadline.kind]);
    expect(rows(jpeg)).toEqual(rows(digital));
  });

  it('OCRs only the image page of a mixed PDF', { timeout: OCR_TIMEOUT }, async () => {
    const r = await read(fx!.mixedPdf);
    expect(r.ocrPages).toEqual([2]);
    expect(texts(r)).toContain('1. Nâng cấp Cổng dịch vụ công của tỉnh');
    expectFixtureTable(tables(r)[0]!.rows);
  });

  it('renders a page whose /Rotate turns a sideways scan upright instead of extracting the raw image', { timeout: OCR_TIMEOUT }, async () => {
    const r = await read(fx!.rotatedPdf);
    expect(r.ocrPages).toEqual([1]);
    expect(texts(r).some((l) => similarity(l, '- Sở Nội vụ: chủ trì xây dựng chương trình tập huấn.') >= 0.9)).toBe(true);
  });

  it('keeps the other pages when one page fails OCR, and says which', { timeout: OCR_TIMEOUT }, async () => {
    let calls = 0;
    const flaky: CommandRunner = async (cmd, args, opts) => {
      if (args[0] !== 'stdin') return spawnRunner(cmd, args, opts);
      if (calls++ === 0) return { code: null, stdout: Buffer.alloc(0), stderr: '', timedOut: true };
      // The surviving page: a canned tesseract answer (this test is about failure isolation).
      const tsv = ['level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext']
        .concat(['Trang', 'còn', 'lại'].map((w, i) => `5\t1\t1\t1\t1\t${i + 1}\t${300 + i * 150}\t400\t120\t40\t95\t${w}`))
        .join('\n');
      return { code: 0, stdout: Buffer.from(tsv), stderr: '', timedOut: false };
    };
    const fresh = mkdtempSync(path.join(os.tmpdir(), 'ocr-test-flaky-'));
    try {
      const r = await read(fx!.scannedPdf, { runner: flaky, cacheDir: fresh, concurrency: 1 });
      expect(r.ocrPages).toHaveLength(1);
      expect(r.warnings?.filter((w) => /OCR thất bại.*timed out/.test(w))).toHaveLength(1);
      expect(r.lines).toEqual(['Trang còn lại']);
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!setup.ok)('readPdf failures', () => {
  const code = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (err) {
      expect(err).toBeInstanceOf(IngestError);
      return (err as IngestError).code;
    }
    return 'no error';
  };

  it('reports a truncated PDF and random bytes as unreadable', async () => {
    const digital = readFileSync(fx!.digitalPdf);
    expect(await code(readPdf('cut.pdf', digital.subarray(0, 400), {}))).toBe('INGEST_UNREADABLE');
    const noise = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 251));
    expect(await code(readPdf('noise.pdf', noise, {}))).toBe('INGEST_UNREADABLE');
  });

  it('reports a password-protected PDF as encrypted', async () => {
    expect(await code(readPdf('enc.pdf', readFileSync(fx!.encryptedPdf), {}))).toBe('INGEST_ENCRYPTED');
  });

  it('reports a scan as needing OCR when tesseract is missing, and keeps the text pages of a mixed file', async () => {
    const missing: OcrEngineOptions = { tesseractPath: '/nonexistent/tesseract' };
    expect(await code(read(fx!.scannedPdf, missing))).toBe('INGEST_NEEDS_OCR');
    const mixed = await read(fx!.mixedPdf, missing);
    expect(mixed.ocrPages).toEqual([]);
    expect(mixed.warnings?.some((w) => /^trang 2 cần OCR/.test(w))).toBe(true);
    expect(texts(mixed)).toContain('1. Nâng cấp Cổng dịch vụ công của tỉnh');
    expect(await code(readImage('scan.png', readFileSync(fx!.pageImages[0]!), { ocr: missing }))).toBe('INGEST_NEEDS_OCR');
  });
});

describe.skipIf(!setup.ok)('readImage', () => {
  it('OCRs a page image', { timeout: OCR_TIMEOUT }, async () => {
    const r = await readImage('scan-1.png', readFileSync(fx!.pageImages[0]!), { ocr: { cacheDir } });
    expect(r.format).toBe('image');
    expect(r.ocrPages).toEqual([1]);
    expect(texts(r).some((l) => similarity(l, '- Sở Nội vụ: chủ trì xây dựng chương trình tập huấn.') >= 0.9)).toBe(true);
  });

  it('OCRs a TIFF page image as it is (decoded once, no PNG round trip)', { timeout: OCR_TIMEOUT }, async () => {
    const tiff = await sharp(readFileSync(fx!.pageImages[1]!)).tiff({ compression: 'lzw' }).toBuffer();
    const inputs: Buffer[] = [];
    const runner: CommandRunner = (cmd, args, opts) => {
      if (args[0] === 'stdin' && opts.input) inputs.push(opts.input);
      return spawnRunner(cmd, args, opts);
    };
    const r = await readImage('scan-2.tif', tiff, { ocr: { runner } as OcrEngineOptions });
    expect(inputs.map((b) => b.subarray(0, 2).toString('latin1'))).toEqual(['P5']);
    expectFixtureTable(tables(r)[0]!.rows);
  });

  it('rejects bytes that are not an image', async () => {
    await expect(readImage('x.png', Buffer.from('not an image'), {})).rejects.toMatchObject({ code: 'INGEST_UNREADABLE' });
  });
});

describe.skipIf(!setup.ok)('page image preparation', () => {
  it('measures the scanner tilt of each fixture page and finds the table rules', async () => {
    const [p1, p2] = await Promise.all(fx!.pageImages.map((f) => preparePage(readFileSync(f))));
    // The fixture maker tilted page 1 by +1.2° and page 2 by −1.6°.
    expect(Math.abs(p1!.skewDeg - 1.2)).toBeLessThan(0.3);
    expect(Math.abs(p2!.skewDeg + 1.6)).toBeLessThan(0.3);
    expect(p1!.hRules).toEqual([]);
    // Header top, four row separators, table bottom.
    expect(p2!.hRules).toHaveLength(6);
  });
});

describe.skipIf(!setup.ok)('ocrAvailable', () => {
  it('reports the version and the Vietnamese language data', () => {
    expect(setup.availability.version).toMatch(/^\d+\.\d+/);
    expect(setup.availability.langs).toContain('vie');
  });
});
