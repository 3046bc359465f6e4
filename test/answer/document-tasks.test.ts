/**
 * "Kế hoạch 73 có bao nhiêu nhiệm vụ?", "KH 73 Phú Yên gồm những nhiệm vụ gì?": the task records of
 * the document a question names by number, counted and listed per document. Fixtures: a Phú Yên
 * plan, a re-typed copy of it (one plan in two files) and a Gia Lai plan with the same number and
 * date, which must be listed apart.
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
const files = ['phuyen-kh73-2024-chuyen-doi-so.txt', 'phuyen-kh73-2024-chuyen-doi-so.ban-go-lai.txt', 'gialai-kh73-2024-du-lich-so.txt', 'quangbinh-kh150-2024-an-toan-thong-tin.txt'].map((f) => path.join(dir, f));
const dataDir = mkdtempSync(path.join(tmpdir(), 'answer-document-tasks-'));
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

describe('tasks of a document named by number', () => {
  it.each(['KH 73 Gia Lai có mấy nhiệm vụ?', 'ke hoach 73 gia lai gom nhung nhiem vu gi', 'Liệt kê các nhiệm vụ của Kế hoạch 73/KH-UBND tỉnh Gia Lai'])('%s', async (question) => {
    const a = await assistant.answer(question, ctx);
    expect(a.refused).toBe(false);
    expect(a.answer).toMatch(/^Kế hoạch 73\/KH-UBND có 4 nhiệm vụ:/);
    expect(a.tasks.map((t) => t.sectionPath.join('.'))).toEqual(['II.1', 'II.2', 'II.3', 'III']);
    expect(a.tasks.every((t) => t.doc.province === 'Gia Lai')).toBe(true);
    expect(a.answer).toContain('chủ trì: Sở Văn hóa, Thể thao và Du lịch');
    expect(a.answer).toContain('Nguồn: Kế hoạch 73/KH-UBND ngày 18/3/2024 của UBND tỉnh Gia Lai');
  });

  it('lists two provinces\' plans with the same number apart, and one plan read from two files once', async () => {
    const a = await assistant.answer('Kế hoạch 73 có bao nhiêu nhiệm vụ?', ctx);
    expect(a.answer).toContain('Kế hoạch 73/KH-UBND (Phú Yên) có 9 nhiệm vụ:');
    expect(a.answer).toContain('Kế hoạch 73/KH-UBND (Gia Lai) có 4 nhiệm vụ:');
    expect(a.answer).toContain('có trong 2 tệp');
    const phuYen = a.tasks.filter((t) => t.doc.province === 'Phú Yên');
    expect(new Set(phuYen.map((t) => t.sectionPath.join('.'))).size).toBe(phuYen.length);
  });

  it('keeps the tasks matching the rest of the question', async () => {
    const a = await assistant.answer('Kế hoạch 73 có những nhiệm vụ nào về du lịch?', ctx);
    expect(a.answer).toMatch(/có \d nhiệm vụ khớp nội dung bạn hỏi/);
    expect(a.tasks.length).toBeGreaterThan(0);
    expect(a.tasks.every((t) => /du lịch/i.test(t.title))).toBe(true);
  });

  it('leaves agency, period and who-questions to their own answers', async () => {
    const agency = await assistant.answer('Sở Nội vụ có những nhiệm vụ gì trong KH 73 Phú Yên?', ctx);
    expect(agency.answer).not.toMatch(/Kế hoạch 73\/KH-UBND có 9 nhiệm vụ/);
    expect(agency.tasks.every((t) => t.lead.concat(t.cooperating).some((l) => l.agencyId?.startsWith('so-noi-vu')))).toBe(true);
    const period = await assistant.answer('KH 73 Phú Yên có những nhiệm vụ nào trong Quý III/2024?', ctx);
    expect(period.answer).toMatch(/Quý III\/2024/);
    const who = await assistant.answer('Ai chủ trì nhiệm vụ số hóa hồ sơ cán bộ trong KH 73?', ctx);
    expect(who.answer).toMatch(/^Chủ trì: Sở Nội vụ/);
  });
});
