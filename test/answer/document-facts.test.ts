/**
 * Document facts from Document records and the document's own lines: number, date, signer,
 * recipients ("Kính gửi"), proposer ("theo/xét đề nghị của"), effective date; a fact the document
 * leaves blank is said to be not stated. Fixtures: a letter with its number left blank and a
 * decision, both written for these tests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DocumentAssistant } from '../../src/answer/index.js';
import type { AnswerContext } from '../../src/domain/answer.js';
import { createLogger } from '../../src/logging.js';
import { runReindex } from '../../src/reindex/pipeline.js';

const dir = path.resolve('test/fixtures/answer/facts');
const files = ['congvan-sonla-ho-tro-nong-dan.txt', 'quyetdinh-05-yenbai-quy-che-du-lieu.txt'].map((f) => path.join(dir, f));
const plan = path.resolve('test/fixtures/answer/knowledge/kehoach-45-bacgiang.txt');
const dataDir = mkdtempSync(path.join(tmpdir(), 'answer-facts-test-'));
const knowledgeDir = path.join(dataDir, 'no-knowledge');
const logger = createLogger({ level: 'silent' });
const noModels = path.join(dataDir, 'no-models');
const assistant = new DocumentAssistant({ dataDir, knowledgeDir, modelDir: noModels, embeddingModel: 'none/none', logger });
const ctx: AnswerContext = { taskIds: [], docIds: [], today: '2024-06-01' };

beforeAll(async () => {
  const report = await runReindex({ dataDir, knowledgeDir, paths: [...files, plan], modelDir: noModels, embeddingModel: 'none/none', logger });
  expect(report.errors).toEqual([]);
  await assistant.load();
}, 120_000);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const cites = (a: { citations: Array<{ file: string }> }, name: string) => a.citations.some((c) => c.file.endsWith(name));

describe('document facts', () => {
  it('number and date of the document the question names, from its record', async () => {
    const a = await assistant.answer('Quyết định ban hành quy chế kho dữ liệu dùng chung của Yên Bái số mấy, ban hành ngày nào?', ctx);
    expect(a.refused).toBe(false);
    expect(a.answer).toContain('05/2024/QĐ-UBND');
    expect(a.answer).toContain('20/3/2024');
    expect(cites(a, 'quyetdinh-05-yenbai-quy-che-du-lieu.txt')).toBe(true);
  });

  it('"ai ký" answers the signer from the signature block', async () => {
    const a = await assistant.answer('Quyết định 05 của Yên Bái do ai ký?', ctx);
    expect(a.refused).toBe(false);
    expect(a.answer).toContain('Trần Huy Tuấn');
    expect(a.citations[0]?.section).toMatch(/chữ ký/);
  });

  it('effective date and proposer are quoted from the lines that state them', async () => {
    const e = await assistant.answer('Quyết định 05 của Yên Bái có hiệu lực từ khi nào?', ctx);
    expect(e.answer).toContain('01 tháng 4 năm 2024');
    const p = await assistant.answer('Quyết định 05 của Yên Bái ban hành theo đề nghị của cơ quan nào?', ctx);
    expect(p.answer).toContain('Giám đốc Sở Thông tin và Truyền thông');
    expect(cites(p, 'quyetdinh-05-yenbai-quy-che-du-lieu.txt')).toBe(true);
  });

  it('recipients ("Kính gửi") of a letter', async () => {
    const a = await assistant.answer('Công văn hỗ trợ nông dân tiêu thụ nông sản của Sơn La gửi cho những đơn vị nào?', ctx);
    expect(a.refused).toBe(false);
    expect(a.answer).toContain('Sở Nông nghiệp và Phát triển nông thôn');
    expect(cites(a, 'congvan-sonla-ho-tro-nong-dan.txt')).toBe(true);
  });

  it('a number the document leaves blank is said to be not stated, with the document cited', async () => {
    const a = await assistant.answer('Công văn hỗ trợ nông dân tiêu thụ nông sản của Sơn La số mấy?', ctx);
    expect(a.refused).toBe(true);
    expect(a.reason).toBe('not_stated');
    expect(a.answer).toMatch(/không nêu số hiệu/);
    expect(cites(a, 'congvan-sonla-ho-tro-nong-dan.txt')).toBe(true);
  });

  it('without diacritics the same facts', async () => {
    const a = await assistant.answer('quyet dinh 05 cua yen bai do ai ky', ctx);
    expect(a.answer).toContain('Trần Huy Tuấn');
  });
});

describe('which document', () => {
  it('a number the question names rules out a document whose number differs', async () => {
    const a = await assistant.answer('Kế hoạch 77 của Yên Bái về kho dữ liệu dùng chung ký ngày nào?', ctx);
    expect(a.answer).not.toContain('20/3/2024');
    expect(a.refused).toBe(true);
  });
});
