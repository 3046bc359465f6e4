/**
 * Answers over the Đắk Lắk plan of the unseen-document audit (test/helpers/unseen.ts), indexed
 * from its text-layer PDF and from a scan of it: a period question lists the tasks due in that
 * period, each once, with the record read from the digital file (the scan's OCR reads lower).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DocumentAssistant } from '../../src/answer/index.js';
import { ocrAvailable } from '../../src/ingest/ocr/engine.js';
import { createLogger } from '../../src/logging.js';
import { runReindex } from '../../src/reindex/pipeline.js';
import { pdftoppmAvailable } from '../helpers/scan.js';
import { ensureUnseenFixtures, ensureUnseenScan, pdfFontAvailable } from '../helpers/unseen.js';

const canOcr = pdfFontAvailable() && pdftoppmAvailable() && (await ocrAvailable()).available;
if (!canOcr) process.stderr.write('[answer unseen] skipped: needs tesseract with Vietnamese data, poppler and DejaVu fonts\n');

describe.skipIf(!canOcr)('Đắk Lắk Kế hoạch 95 from its PDF and its scan', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'answer-unseen-test-'));
  const logger = createLogger({ level: 'silent' });
  const noModels = path.join(dataDir, 'no-models');
  const knowledgeDir = path.join(dataDir, 'no-knowledge');
  const assistant = new DocumentAssistant({ dataDir, knowledgeDir, modelDir: noModels, embeddingModel: 'none/none', logger });
  const ctx = { taskIds: [], docIds: [], today: '2024-05-20' };

  beforeAll(async () => {
    const { pdf } = await ensureUnseenFixtures();
    const scan = await ensureUnseenScan();
    const report = await runReindex({ dataDir, knowledgeDir, paths: [pdf, scan], modelDir: noModels, embeddingModel: 'none/none', logger });
    expect(report.errors).toEqual([]);
    await assistant.load();
  }, 120_000);
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('"Nhiệm vụ nào phải hoàn thành trong Quý III/2024 ở Đắk Lắk?" lists the three tasks due then, once each', async () => {
    const a = await assistant.answer('Nhiệm vụ nào phải hoàn thành trong Quý III/2024 ở Đắk Lắk?', ctx);
    expect(a.refused).toBe(false);
    expect(a.answer.split('\n')[0]).toBe('Có 3 nhiệm vụ có hạn trong Quý III/2024 (1/7/2024 – 30/9/2024) ở tỉnh Đắk Lắk:');
    expect(a.tasks.map((t) => `${t.sectionPath.join('.')}${t.row ? `#${t.row}` : ''}`)).toEqual(['II.2', 'III.2', 'Phụ lục#2']);
    expect(a.answer).toMatch(/Kết nối cung - cầu lao động — hạn: Quý III\/2024 \(đến hết 30\/9\/2024\); chủ trì: Sở LĐTB&XH \(Kế hoạch 95\/KH-UBND, mục II\.2\)/);
    expect(a.answer).toMatch(/chủ trì: Sở KH&ĐT; Sở Tài chính \(Kế hoạch 95\/KH-UBND, mục III\.2\)/);
    expect(a.answer).toMatch(/Đào tạo nghề phi nông nghiệp .* chủ trì: Sở LĐTB&XH \(Kế hoạch 95\/KH-UBND, Phụ lục, dòng 2\)/);
    // The record kept is the one read with more confidence: the digital PDF's.
    expect(a.tasks.every((t) => t.doc.file.endsWith('dao-tao-nghe.pdf'))).toBe(true);
    expect(a.answer).toContain('có trong 2 tệp');
  });

  it('counts an agency\'s tasks once although two files hold them', async () => {
    // "đến hết tháng 10": through October ("trước tháng 10" is by 30/9 in the one period grammar).
    const a = await assistant.answer('Sở LĐTBXH Đắk Lắk phải làm gì đến hết tháng 10?', ctx);
    expect(a.refused).toBe(false);
    const titles = a.tasks.map((t) => t.title);
    expect(new Set(titles).size).toBe(titles.length);
    expect(a.answer).toMatch(/có 4 nhiệm vụ/);
  });
});
