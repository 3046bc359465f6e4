/**
 * The embedded default a fresh clone serves: the bundled knowledge (sample plans + procedure
 * guides) answers every example the web chat and the welcome text suggest, with sources, and the
 * sample plans say in their title that they are samples.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Assistant } from '../../src/answer/assistant.js';
import { createAssistant } from '../../src/answer/index.js';
import { runReindex } from '../../src/reindex/pipeline.js';
import { WEB_CHAT_HTML } from '../../src/channels/web/page.js';
import { createLogger } from '../../src/logging.js';
import { repoRoot, tempDir } from './harness.js';

const knowledge = path.join(repoRoot, 'knowledge');
let assistant: Assistant;

beforeAll(async () => {
  const dataDir = tempDir('troly-default-');
  assistant = await createAssistant({ reindex: runReindex,
    dataDir,
    knowledgeDir: knowledge,
    modelDir: path.join(dataDir, 'no-models'),
    embeddingModel: 'none',
    logger: createLogger({ level: 'silent' }),
  });
}, 120_000);

/** The example questions the web page shows (in quotes in its welcome bubble and buttons). */
function pageExamples(): string[] {
  const out = new Set<string>();
  for (const m of WEB_CHAT_HTML.matchAll(/data-example="([^"]+)"/g)) out.add(m[1]!.replace(/&amp;/g, '&'));
  return [...out];
}

describe('embedded default (knowledge/)', () => {
  it('bundles sample plans marked as samples in their titles', () => {
    const plans = readdirSync(path.join(knowledge, 'plans')).filter((f) => f.endsWith('.txt'));
    expect(plans.length).toBeGreaterThanOrEqual(2);
    for (const f of plans) expect(readFileSync(path.join(knowledge, 'plans', f), 'utf8')).toMatch(/^KẾ HOẠCH MẪU$/m);
  });

  it('answers every example the web chat suggests, with a source', async () => {
    const examples = pageExamples();
    expect(examples.length).toBeGreaterThanOrEqual(3);
    for (const q of examples) {
      const a = await assistant.answer(q, { taskIds: [], docIds: [], today: '2026-03-01' });
      expect(a.refused, `${q}\n${a.answer}`).toBe(false);
      expect(a.citations.length, q).toBeGreaterThan(0);
    }
  });

  it('plan questions answer from the sample plans: lead, list by deadline, upcoming recurring task', async () => {
    const ctx = { taskIds: [], docIds: [], today: '2026-03-01' };
    const lead = await assistant.answer('Ai chủ trì nhiệm vụ chuyển đổi số năm 2023?', ctx);
    expect(lead.refused).toBe(false);
    expect(lead.answer).toContain('Sở Thông tin và Truyền thông');
    expect(lead.citations[0]?.document).toBe('Kế hoạch 01/KH-UBND');

    const list = await assistant.answer('Sở TT&TT phải làm gì trước tháng 11?', ctx);
    expect(list.intent).toBe('agency_tasks');
    expect(list.tasks.map((t) => t.title)).toEqual(expect.arrayContaining(['Nâng cấp Trung tâm dữ liệu của tỉnh']));
    expect(list.answer).not.toContain('đã quá hạn');
    // Asked in December, the list of tasks due by the end of November marks each as past.
    const late = await assistant.answer('Sở TT&TT phải làm gì trước tháng 11?', { ...ctx, today: '2026-12-05' });
    const lines = late.answer.split('\n');
    expect(lines.find((l) => l.includes('Triển khai chữ ký số'))).toContain('đã quá hạn');
    expect(lines.find((l) => l.includes('Nâng cấp Trung tâm dữ liệu'))).toContain('đã quá hạn');

    const soon = await assistant.answer('Nhiệm vụ nào của Sở Nội vụ sắp đến hạn?', { ...ctx, today: '2026-12-05' });
    expect(soon.refused).toBe(false);
    expect(soon.answer).toContain('15/12/2026');
  });
});
