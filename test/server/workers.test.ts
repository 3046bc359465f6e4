/**
 * Answering in worker threads (what `npm start` does): the HTTP thread only acknowledges; the
 * worker builds its own assistant over the same DATA_DIR (the fixture knowledge indexed in the
 * test setup), answers Telegram updates and /api/ask, reports its metrics, and a /reindex done
 * in the worker makes the HTTP thread reload. The test's own assistant must never be asked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Answer, AnswerContext } from '../../src/domain/answer.js';
import type { Assistant } from '../../src/answer/assistant.js';
import { postJson, postTelegram, startHarness, tgTextUpdate, type Harness } from './harness.js';
import { fixtureAssistant } from './real-assistant.js';

/** The HTTP thread's assistant: readiness and reminders only; counts any answer asked of it. */
class CountingAssistant implements Assistant {
  answered = 0;
  constructor(private readonly inner: Assistant) {}
  answer(question: string, context?: AnswerContext): Promise<Answer> {
    this.answered += 1;
    return this.inner.answer(question, context);
  }
  lookupAgency(text: string, province?: string) { return this.inner.lookupAgency(text, province); }
  agencyName(id: string) { return this.inner.agencyName(id); }
  provinces() { return this.inner.provinces(); }
  tasksFor(query: Parameters<Assistant['tasksFor']>[0]) { return this.inner.tasksFor(query); }
  formatTasks(tasks: Parameters<Assistant['formatTasks']>[0], options: Parameters<Assistant['formatTasks']>[1]) { return this.inner.formatTasks(tasks, options); }
  reindex() { return this.inner.reindex(); }
  isReady() { return this.inner.isReady(); }
}

let h: Harness;
let local: CountingAssistant;
let reloads = 0;

beforeAll(async () => {
  const built = await fixtureAssistant();
  local = new CountingAssistant(built.assistant);
  h = await startHarness({
    assistant: local,
    dataDir: built.dataDir,
    workers: 1,
    env: { LOG_LEVEL: 'error' }, // the worker logs to stdout at the configured level
    onReindexed: async () => {
      reloads += 1;
    },
  });
});
afterAll(async () => {
  await h?.close();
});

describe('answering worker thread', () => {
  it('answers a Telegram question with its source, computed in the worker', async () => {
    expect((await postTelegram(h, tgTextUpdate('làm giấy khai sinh cần giấy tờ gì', { chatId: 801 }))).status).toBe(200);
    await h.app.queue.idle();
    const [answer] = h.telegram.sentTexts(801);
    expect(answer).toMatch(/Tờ khai đăng ký khai sinh/);
    expect(answer).toMatch(/Nguồn/);
    expect(local.answered).toBe(0);
    expect(h.stores.dedupe.pending()).toEqual([]);
  });

  it('answers a redelivered update once', async () => {
    const update = tgTextUpdate('/thutuc khai sinh', { chatId: 802 });
    await postTelegram(h, update);
    expect((await postTelegram(h, update)).body.duplicate).toBe(true);
    await h.app.queue.idle();
    expect(h.telegram.sentTexts(802)).toHaveLength(1);
  });

  it('answers /api/ask in the worker and keeps the session context there', async () => {
    const res = await postJson(`${h.url}/api/ask`, { question: 'lam giay khai sinh can giay to gi', session: 'w-1' });
    expect(res.status).toBe(200);
    expect(res.body.refused).toBe(false);
    expect(res.body.citations.length).toBeGreaterThan(0);
    expect(local.answered).toBe(0);
    expect(h.stores.conversations.get({ channel: 'web', chatId: 'w-1' }).previousQuestion).toBe('lam giay khai sinh can giay to gi');
  });

  it('exposes the answers counted in the worker on /metrics', async () => {
    const text = await (await fetch(`${h.url}/metrics`)).text();
    expect(text).toMatch(/troly_answers_total\{channel="telegram",intent="procedure"\} [1-9]/);
    expect(text).toMatch(/troly_answers_total\{channel="web",intent="procedure"\} 1/);
    expect(text).toMatch(/troly_http_requests_total\{route="\/api\/ask",status="200"\} 1/);
  });

  it('runs an admin /reindex in the worker and tells the HTTP thread to reload', async () => {
    await postTelegram(h, tgTextUpdate('/reindex', { chatId: 900 }));
    await h.app.queue.idle();
    const [started, done] = h.telegram.sentTexts(900);
    expect(started).toMatch(/Đang cập nhật chỉ mục/);
    expect(done).toMatch(/Đã cập nhật chỉ mục/);
    expect(reloads).toBe(1);
    // Still answering from the new index.
    await postTelegram(h, tgTextUpdate('làm giấy khai sinh cần giấy tờ gì', { chatId: 803 }));
    await h.app.queue.idle();
    expect(h.telegram.sentTexts(803)[0]).toMatch(/Tờ khai đăng ký khai sinh/);
  });
});
