/**
 * Fast ack and the bounded reply queue: webhooks return before the answer is computed, a full
 * queue answers 503 (and forgets the dedupe key so the platform's retry is accepted), an update
 * received before a crash is answered after the restart, and shutdown drains the queue.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStores } from '../../src/storage/sqlite.js';
import { fakeTelegram, fakeZalo } from '../fakes/bot-api.js';
import { TOKENS, postTelegram, startHarness, tempDir, tgTextUpdate, type Harness } from './harness.js';
import { TransportAssistant } from './transport-assistant.js';

/** An assistant whose answers wait until released, to hold jobs in the queue. */
class GatedAssistant extends TransportAssistant {
  private gates: Array<() => void> = [];
  private startWaiters: Array<() => void> = [];
  started = 0;
  override async answer(question: string) {
    this.started += 1;
    for (const w of this.startWaiters.splice(0)) w();
    await new Promise<void>((resolve) => this.gates.push(resolve));
    return super.answer(question);
  }
  /** Resolves once `n` answers have started. */
  async waitStarted(n: number): Promise<void> {
    while (this.started < n) await new Promise<void>((resolve) => this.startWaiters.push(resolve));
  }
  release(): void {
    for (const g of this.gates.splice(0)) g();
  }
}

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('reply queue', () => {
  it('acknowledges before answering, and answers 503 when full', async () => {
    const assistant = new GatedAssistant();
    // One running, one waiting.
    h = await startHarness({ assistant, queue: { maxSize: 1, concurrency: 1 } });
    const local = h;
    const { app, url } = h;
    const first = await postTelegram(local, tgTextUpdate('một', { chatId: 11 }));
    expect(first.status).toBe(200); // acknowledged while the answer is still pending
    await assistant.waitStarted(1);
    expect(h.telegram.sentTexts(11)).toEqual([]);
    expect((await postTelegram(local, tgTextUpdate('hai', { chatId: 12 }))).status).toBe(200);
    const third = tgTextUpdate('ba', { chatId: 13 });
    const full = await postTelegram(local, third);
    expect(full.status).toBe(503);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/troly_queue_depth 2/);
    expect(metrics).toMatch(/troly_webhook_rejects_total\{channel="telegram",reason="queue_full"\} 1/);
    assistant.release();
    await assistant.waitStarted(2);
    assistant.release();
    await app.queue.idle();
    // The platform retries the refused update: it is accepted, not taken for a duplicate.
    const retried = postTelegram(local, third);
    await assistant.waitStarted(3);
    assistant.release();
    expect((await retried).status).toBe(200);
    await app.queue.idle();
    expect(h.telegram.sentTexts(13)).toEqual(['Trả lời: ba']);
  });

  it('answers after a restart an update that was acknowledged but not answered before a crash', async () => {
    const dataDir = tempDir();
    // The "crashed" server stored the update and never replied.
    const before = openSqliteStores({ file: path.join(dataDir, 'app.db') });
    before.dedupe.claim({ channel: 'telegram', key: '880001', payload: tgTextUpdate('trước khi sập', { chatId: 21, updateId: 880001 }) }, new Date());
    before.close();
    h = await startHarness({ assistant: new TransportAssistant(), dataDir });
    await h.app.queue.idle();
    expect(h.telegram.sentTexts(21)).toEqual(['Trả lời: trước khi sập']);
    expect(h.stores.dedupe.pending()).toEqual([]);
    // Telegram redelivering it now is a duplicate.
    expect((await postTelegram(h, tgTextUpdate('trước khi sập', { chatId: 21, updateId: 880001 }))).body.duplicate).toBe(true);
  });

  it('drains queued answers on close', async () => {
    const assistant = new GatedAssistant();
    h = await startHarness({ assistant, telegram: fakeTelegram(TOKENS.telegram), zalo: fakeZalo(TOKENS.zalo) });
    await postTelegram(h, tgTextUpdate('đang xử lý', { chatId: 31 }));
    await assistant.waitStarted(1);
    const closing = h.app.close();
    assistant.release();
    await closing;
    expect(h.telegram.sentTexts(31)).toEqual(['Trả lời: đang xử lý']);
    h.stores.close();
    await h.telegram.close();
    await h.zalo.close();
    h = undefined;
  });
});
