/**
 * One copy of the index per process at most (issue 19): with answering workers, the HTTP process
 * keeps no search index (src/server/pooled-assistant.ts). It still acknowledges webhooks, answers
 * the web chat (asked of a worker), serves document pages (a worker renders the view), runs web
 * commands /donvi and /nhiemvu over the live version's task records, and is not ready before its
 * workers are.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PooledAssistant } from '../../src/server/pooled-assistant.js';
import { fixtureKnowledge, postJson, postTelegram, startHarness, tgTextUpdate, type Harness } from './harness.js';
import { fixtureAssistant } from './real-assistant.js';

let h: Harness;
let pooled: PooledAssistant;
let readyBeforeWorkers: boolean | undefined;

beforeAll(async () => {
  // The index is built in DATA_DIR (by this test's own assistant, then dropped); the HTTP side
  // of the server gets the pooled assistant only.
  const { dataDir } = await fixtureAssistant();
  pooled = new PooledAssistant({ dataDir, knowledgeDir: fixtureKnowledge });
  readyBeforeWorkers = pooled.isReady();
  h = await startHarness({
    assistant: pooled,
    dataDir,
    workers: 1,
    env: { LOG_LEVEL: 'error' },
    onWorkersReady: (pool) => pooled.attach(pool),
    taskCatalog: pooled.catalog,
  });
}, 120_000);
afterAll(async () => {
  await h?.close();
});

describe('HTTP process without an index', () => {
  it('is ready only once its workers are; keeps no engine of its own', () => {
    expect(readyBeforeWorkers).toBe(false);
    expect(pooled.isReady()).toBe(true);
    expect(Object.values(pooled).some((v) => v?.constructor?.name === 'AnswerEngine' || v?.constructor?.name === 'KnowledgeIndex')).toBe(false);
  });

  it('acknowledges a Telegram update and the worker answers it with its source', async () => {
    expect((await postTelegram(h, tgTextUpdate('làm giấy khai sinh cần giấy tờ gì', { chatId: 901 }))).status).toBe(200);
    await h.app.queue.idle();
    const [answer] = h.telegram.sentTexts(901);
    expect(answer).toMatch(/Tờ khai đăng ký khai sinh/);
    expect(answer).toMatch(/Nguồn/);
  });

  it('answers the web chat and serves the cited document page through a worker', async () => {
    const res = await postJson(`${h.url}/api/ask`, { question: 'Ai chủ trì làm sạch dữ liệu hộ tịch?', session: 'p-1' });
    expect(res.status).toBe(200);
    expect(res.body.refused).toBe(false);
    const c = res.body.citations[0] as { link: string };
    const page = await fetch(`${h.url}${c.link}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/hộ tịch/);
    expect((await fetch(`${h.url}/documents/khong-co.txt`)).status).toBe(404);
  });

  it('runs /donvi and /nhiemvu on the web over the task records, and knows the indexed provinces', async () => {
    expect(pooled.provinces()).toContain('Quảng Trị');
    const set = await postJson(`${h.url}/api/ask`, { question: '/donvi Sở Tư pháp', session: 'p-2' });
    expect(set.body.answer).toContain('Sở Tư pháp');
    const tasks = await postJson(`${h.url}/api/ask`, { question: '/nhiemvu', session: 'p-2' });
    expect(tasks.body.answer).toMatch(/hộ tịch/);
    const direct = pooled.tasksFor({ agency: pooled.lookupAgency('Sở Tư pháp', 'Quảng Trị')[0]!.id, province: 'Quảng Trị', today: '2024-11-10' });
    expect(direct.own.length).toBeGreaterThan(0);
  });
});
