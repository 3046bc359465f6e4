/**
 * Queue guarantees seen from the server: one chat's messages are answered strictly in order (the
 * second starts only after the first was answered), other chats are not held up, and updates
 * set aside for crashing the process are reported to the admins.
 */
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openSqliteStores } from '../../src/storage/sqlite.js';
import { postTelegram, postZalo, startHarness, tempDir, tgTextUpdate, zaloTextEvent, type Harness } from './harness.js';
import { TransportAssistant } from './transport-assistant.js';

/** Answers wait until released one by one; records the order questions started in. */
class GatedAssistant extends TransportAssistant {
  readonly startedQuestions: string[] = [];
  private gates = new Map<string, () => void>();
  private waiters: Array<() => void> = [];
  override async answer(question: string) {
    this.startedQuestions.push(question);
    for (const w of this.waiters.splice(0)) w();
    await new Promise<void>((resolve) => this.gates.set(question, resolve));
    return super.answer(question);
  }
  async waitStarted(question: string): Promise<void> {
    while (!this.startedQuestions.includes(question)) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }
  release(question: string): void {
    this.gates.get(question)?.();
  }
}

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('order within a chat', () => {
  it('starts a chat’s second message only after its first was answered; other chats go on meanwhile', async () => {
    const assistant = new GatedAssistant();
    h = await startHarness({ assistant, queue: { concurrency: 4 } });
    await postTelegram(h, tgTextUpdate('thứ nhất', { chatId: 7 }));
    await postTelegram(h, tgTextUpdate('thứ hai', { chatId: 7 }));
    await postTelegram(h, tgTextUpdate('chat khác', { chatId: 8 }));
    await assistant.waitStarted('thứ nhất');
    // The other chat's message was read after chat 7's second: once it runs, the second was seen.
    await assistant.waitStarted('chat khác');
    expect(assistant.startedQuestions).toEqual(['thứ nhất', 'chat khác']);
    assistant.release('chat khác');
    await assistant.waitStarted('thứ nhất'); // still the only one of chat 7
    expect(assistant.startedQuestions).not.toContain('thứ hai');
    assistant.release('thứ nhất');
    await assistant.waitStarted('thứ hai');
    assistant.release('thứ hai');
    await h.app.queue.idle();
    expect(h.telegram.sentTexts(7)).toEqual(['Trả lời: thứ nhất', 'Trả lời: thứ hai']);
    expect(h.telegram.sentTexts(8)).toEqual(['Trả lời: chat khác']);
  });
});

describe('updates that crashed the process', () => {
  it('are set aside at start-up and reported to the admins, never answered again; the rest is answered', async () => {
    const dataDir = tempDir();
    const stores = openSqliteStores({ file: path.join(dataDir, 'app.db') });
    const poison = tgTextUpdate('/reindex', { chatId: 900, userId: 900 });
    const normal = tgTextUpdate('câu hỏi thường', { chatId: 31 });
    stores.dedupe.claimAll([{ channel: 'telegram', key: String(poison.update_id), payload: poison }, { channel: 'telegram', key: String(normal.update_id), payload: normal }], new Date());
    // Three starts that never finished: the process died with it each time.
    for (let i = 0; i < 3; i++) stores.dedupe.advance([], [{ channel: 'telegram', key: String(poison.update_id) }], new Date());
    stores.close();

    const assistant = new TransportAssistant();
    h = await startHarness({ assistant, dataDir });
    await h.app.queue.idle();
    await vi.waitFor(() => expect(h!.telegram.sentTexts(900).length).toBeGreaterThan(0));
    const [report] = h.telegram.sentTexts(900);
    expect(report).toMatch(/dừng đột ngột 3 lần/);
    expect(report).toContain(`telegram #${poison.update_id}: "/reindex"`);
    expect(h.telegram.sentTexts(900)).toHaveLength(1); // the /reindex itself was not run again
    expect(h.telegram.sentTexts(31)).toEqual(['Trả lời: câu hỏi thường']);
    expect(h.stores.dedupe.parked().map((p) => p.key)).toEqual([String(poison.update_id)]);
  });
});

describe('typing indicators', () => {
  it('a hanging Telegram typing call does not delay the answer', async () => {
    h = await startHarness({ assistant: new TransportAssistant() });
    h.telegram.failNext('sendChatAction', { kind: 'hang' }, 10);
    const started = Date.now();
    await postTelegram(h, tgTextUpdate('nhanh', { chatId: 41 }));
    await h.telegram.waitFor(() => h!.telegram.sentTexts(41).length > 0, 10_000);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(h.telegram.callsTo('sendChatAction').length).toBeGreaterThan(0);
  });

  it('a hanging Zalo typing call does not delay the answer', async () => {
    h = await startHarness({ assistant: new TransportAssistant() });
    h.zalo.failNext('sendChatAction', { kind: 'hang' }, 10);
    const started = Date.now();
    await postZalo(h, zaloTextEvent('nhanh', { chatId: 'z-42', messageId: 'zm-42' }));
    await h.zalo.waitFor(() => h!.zalo.sentTexts('z-42').length > 0, 10_000);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('an update in flight at a crash', () => {
  it('is not answered again when its reply was already stored (sent or waiting)', async () => {
    const dataDir = tempDir();
    const stores = openSqliteStores({ file: path.join(dataDir, 'app.db') });
    const answered = tgTextUpdate('đã trả lời', { chatId: 51 });
    const waiting = tgTextUpdate('đang chờ gửi', { chatId: 52 });
    const fresh = tgTextUpdate('chưa xử lý', { chatId: 53 });
    stores.dedupe.claimAll([answered, waiting, fresh].map((u) => ({ channel: 'telegram' as const, key: String(u.update_id), payload: u })), new Date());
    // The crash came after the reply of the first was sent and the second's was stored, before
    // either update was marked done. (Before the harness clock: the waiting one's lease ran out.)
    const now = new Date('2024-11-10T01:00:00Z');
    const a = stores.outbox.add({ channel: 'telegram', chatId: '51', source: String(answered.update_id), reply: { text: 'Trả lời: đã trả lời' } }, now, now);
    stores.outbox.sent(a.id, now);
    stores.outbox.add({ channel: 'telegram', chatId: '52', source: String(waiting.update_id), reply: { text: 'Trả lời: đang chờ gửi' } }, now, now);
    stores.close();

    h = await startHarness({ assistant: new TransportAssistant(), dataDir });
    await h.app.queue.idle();
    await vi.waitFor(() => expect(h!.telegram.sentTexts(52)).toHaveLength(1), { timeout: 10_000 });
    expect(h.telegram.sentTexts(51)).toEqual([]); // sent before the crash: never again
    expect(h.telegram.sentTexts(52)).toEqual(['Trả lời: đang chờ gửi']); // stored, sent once now
    expect(h.telegram.sentTexts(53)).toEqual(['Trả lời: chưa xử lý']);
    expect(h.stores.dedupe.pendingCount()).toBe(0);
  });
});
