/**
 * Quoted passages keep the line boundaries of their source: a heading and the sentence under it
 * are two lines, never one sentence ("…dân cư Giao Sở Tư pháp…").
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quoteText, refusalText } from '../../src/answer/compose.js';
import { sentenceParts, sentences } from '../../src/answer/evidence.js';
import { DocumentAssistant } from '../../src/answer/index.js';
import { createLogger } from '../../src/logging.js';
import { runReindex } from '../../src/reindex/pipeline.js';

describe('sentenceParts', () => {
  it('marks where the source starts a new line, also after a number too short to quote', () => {
    const text = '1.1. Rà soát văn bản liên quan đến dữ liệu dân cư\nGiao Sở Tư pháp chủ trì thực hiện. Hoàn thành trong Quý III.\n1.2.\nBan hành quy chế khai thác dữ liệu';
    expect(sentenceParts(text)).toEqual([
      // The number "1.1." splits off as a sentence of its own, too short to quote.
      { text: 'Rà soát văn bản liên quan đến dữ liệu dân cư', newLine: false },
      { text: 'Giao Sở Tư pháp chủ trì thực hiện.', newLine: true },
      { text: 'Hoàn thành trong Quý III.', newLine: false },
      { text: 'Ban hành quy chế khai thác dữ liệu', newLine: true },
    ]);
    expect(sentences('Phối hợp: Sở Kế hoạch và Đầu tư;\nSở Tài chính; Sở Nội vụ.')).toEqual(['Phối hợp: Sở Kế hoạch và Đầu tư; Sở Tài chính; Sở Nội vụ.']);
  });
});

describe('quoteText', () => {
  it('keeps lines apart and cuts at the limit', () => {
    expect(quoteText('Rà soát văn bản   về dữ liệu dân cư\nGiao Sở Tư pháp chủ trì.', 200)).toBe('Rà soát văn bản về dữ liệu dân cư\nGiao Sở Tư pháp chủ trì.');
    expect(quoteText('Rà soát văn bản về dữ liệu dân cư\nGiao Sở Tư pháp chủ trì.', 200, ' / ')).toBe('Rà soát văn bản về dữ liệu dân cư / Giao Sở Tư pháp chủ trì.');
    const cut = quoteText('Dòng đầu tiên của đoạn trích\nDòng thứ hai rất dài của đoạn trích này cần được cắt bớt cho vừa', 50);
    expect(cut.length).toBeLessThanOrEqual(50);
    expect(cut.startsWith('Dòng đầu tiên của đoạn trích\nDòng thứ hai')).toBe(true);
    expect(cut.endsWith('…')).toBe(true);
  });

  it('keeps the lines of a passage shown in a refusal apart', () => {
    const citation = { docId: 'd', document: 'Kế hoạch 211/KH-UBND', title: 't', section: 'mục II', file: 'f', lines: [1, 2] as [number, number] };
    const text = refusalText('thời hạn', [{ text: 'II. NHIỆM VỤ CỤ THỂ\n1. Nhóm nhiệm vụ về hoàn thiện thể chế', citation }]);
    expect(text).toContain('II. NHIỆM VỤ CỤ THỂ / 1. Nhóm nhiệm vụ về hoàn thiện thể chế');
  });
});

describe('a quote of a heading and the sentence under it (Hà Tĩnh fixture)', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'answer-quotes-test-'));
  const logger = createLogger({ level: 'silent' });
  const noModels = path.join(dataDir, 'no-models');
  const knowledgeDir = path.join(dataDir, 'no-knowledge');
  const assistant = new DocumentAssistant({ dataDir, knowledgeDir, modelDir: noModels, embeddingModel: 'none/none', logger });
  beforeAll(async () => {
    const plan = path.resolve('test/fixtures/unseen/hatinh-kh211-2024-de-an-06.txt');
    const report = await runReindex({ dataDir, knowledgeDir, paths: [plan], modelDir: noModels, embeddingModel: 'none/none', logger });
    expect(report.errors).toEqual([]);
    await assistant.load();
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('shows them on two lines, as in the source', async () => {
    const a = await assistant.answer('Hà Tĩnh rà soát văn bản quy phạm pháp luật liên quan đến dữ liệu dân cư thế nào?', { taskIds: [], docIds: [], today: '2024-07-10' });
    expect(a.refused).toBe(false);
    expect(a.answer).toContain('dữ liệu dân cư\nGiao Sở Tư pháp chủ trì');
    expect(a.answer).not.toMatch(/dân cư Giao Sở/);
  });

  it('keeps a list item under its heading on its own line', async () => {
    const a = await assistant.answer('Hà Tĩnh có nhiệm vụ gì về dữ liệu dân cư?', { taskIds: [], docIds: [], today: '2024-07-10' });
    expect(a.answer).not.toMatch(/dân cư - Cơ quan/);
  });
});
