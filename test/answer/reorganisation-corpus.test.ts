/**
 * Over the real plans in ../shared/corpus (skipped with a message when absent): asked by today's
 * name, Sở Khoa học và Công nghệ Thanh Hóa gets the 2022 virtual-assistant pilot that KH 114 gave
 * Sở Thông tin và Truyền thông, with the note; asked with a date before 01/3/2025, it does not.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DocumentAssistant } from '../../src/answer/index.js';
import type { AnswerContext } from '../../src/domain/answer.js';
import { createLogger } from '../../src/logging.js';
import { runReindex } from '../../src/reindex/pipeline.js';
import { repoRoot } from '../helpers/model.js';

const corpus = path.resolve(repoRoot, '../shared/corpus');
const present = existsSync(corpus);
if (!present) console.warn(`reorganisation corpus tests skipped: ${corpus} not found`);

describe.skipIf(!present)('the 2025 reorganisation over the shared corpus', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'answer-reorg-corpus-'));
  const logger = createLogger({ level: 'silent' });
  const noModels = path.join(dataDir, 'no-models');
  const knowledgeDir = path.join(dataDir, 'no-knowledge');
  const assistant = new DocumentAssistant({ dataDir, knowledgeDir, modelDir: noModels, embeddingModel: 'none/none', logger });
  const at = (today: string): AnswerContext => ({ taskIds: [], docIds: [], today });

  beforeAll(async () => {
    const report = await runReindex({ dataDir, knowledgeDir, paths: [corpus], modelDir: noModels, embeddingModel: 'none/none', logger });
    expect(report.errors).toEqual([]);
    await assistant.load();
  }, 120_000);
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  const question = 'Sở Khoa học và Công nghệ Thanh Hóa phải làm gì về trợ lý ảo?';

  it("today's name answers with the pilot task KH 114 gave Sở TT&TT, and the note", async () => {
    const a = await assistant.answer(question, at('2026-12-04'));
    expect(a.refused).toBe(false);
    expect(a.tasks.length).toBeGreaterThan(0);
    expect(a.tasks.every((t) => /trợ lý ảo/i.test(`${t.title} ${t.action ?? ''}`))).toBe(true);
    expect(a.tasks.some((t) => t.doc.number === '114/KH-UBND' && t.lead.some((l) => l.agencyId?.startsWith('so-tttt')))).toBe(true);
    expect(a.answer).toContain('Sở Thông tin và Truyền thông (nay là Sở Khoa học và Công nghệ, từ 01/3/2025)');
    expect(a.answer).toContain('theo Nghị định 45/2025/NĐ-CP');
    expect(a.citations.some((c) => c.document === 'Kế hoạch 114/KH-UBND' && c.section === 'mục II.7')).toBe(true);
  });

  it('before 01/3/2025 the pilot is not Sở KH&CN’s and nothing is renamed', async () => {
    const a = await assistant.answer(question, at('2024-06-01'));
    expect(a.tasks.some((t) => t.lead.some((l) => l.agencyId?.startsWith('so-tttt')))).toBe(false);
    expect(a.answer).not.toContain('nay là');
  });

  it('the district level of QĐ 1118 is noted after 01/7/2025 only', async () => {
    const after = await assistant.answer('UBND cấp huyện Thanh Hóa phải làm gì theo QĐ 1118?', at('2026-12-04'));
    expect(after.answer).toContain('(cấp huyện không còn từ 01/7/2025)');
    const before = await assistant.answer('UBND cấp huyện Thanh Hóa phải làm gì theo QĐ 1118?', at('2025-06-30'));
    expect(before.answer).not.toContain('không còn');
  });
});
