/**
 * Fast ack and the durable reply queue: webhooks return before the answer is computed and are
 * never refused for being busy (the stored updates are the backlog, drained with bounded
 * concurrency), an update received before a crash is answered after the restart, and shutdown
 * finishes the running answers and keeps the rest for the next start.
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
  it('acknowledges before answering, never refuses when busy, and drains the backlog in order', async () => {
    const assistant = new GatedAssistant();
    h = await startHarness({ assistant, queue: { concurrency: 1 } });
    const local = h;
    const { app, url } = h;
    const first = await postTelegram(local, tgTextUpdate('một', { chatId: 11 }));
    expect(first.status).toBe(200); // acknowledged while the answer is still pending
    await assistant.waitStarted(1);
    expect(h.telegram.sentTexts(11)).toEqual([]);
    // One answer runs; many more arrive: all acknowledged and stored, none refused.
    const more = await Promise.all(Array.from({ length: 20 }, (_, i) => postTelegram(local, tgTextUpdate(`số ${i}`, { chatId: 100 + i }))));
    expect(more.map((r) => r.status)).toEqual(more.map(() => 200));
    expect(assistant.started).toBe(1); // bounded: only `concurrency` jobs in memory
    expect(app.queue.depth()).toBe(21);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/troly_queue_depth 21/);
    expect(metrics).not.toMatch(/reason="queue_full"/);
    for (let n = 1; n <= 21; n++) {
      await assistant.waitStarted(n);
      assistant.release();
    }
    await app.queue.idle();
    expect(h.telegram.sentTexts(11)).toEqual(['Trả lời: một']);
    for (let i = 0; i < 20; i++) expect(h.telegram.sentTexts(100 + i)).toEqual([`Trả lời: số ${i}`]);
    // Oldest first.
    const order = h.telegram.callsTo('sendMessage').map((c) => Number(c.params.chat_id));
    expect(order).toEqual([11, ...Array.from({ length: 20 }, (_, i) => 100 + i)]);
    expect(app.queue.depth()).toBe(0);
  });

  it('answers updates stored after old ones were pruned (sequence numbers reused) ', async () => {
    h = await startHarness({ assistant: new TransportAssistant() });
    for (const [i, chatId] of [41, 42].entries()) {
      await postTelegram(h, tgTextUpdate(`lượt ${i}`, { chatId, updateId: 990_000 + i }));
      await h.app.queue.idle();
      // Every handled row goes: the next one stored gets a sequence number used before.
      expect(h.stores.dedupe.prune(new Date('2100-01-01T00:00:00Z'))).toBe(1);
    }
    expect(h.telegram.sentTexts(41)).toEqual(['Trả lời: lượt 0']);
    expect(h.telegram.sentTexts(42)).toEqual(['Trả lời: lượt 1']);
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

  it('finishes the running answer on close and answers the stored rest after the restart', async () => {
    const assistant = new GatedAssistant();
    const dataDir = tempDir();
    h = await startHarness({ assistant, dataDir, queue: { concurrency: 1 }, telegram: fakeTelegram(TOKENS.telegram), zalo: fakeZalo(TOKENS.zalo) });
    await postTelegram(h, tgTextUpdate('đang xử lý', { chatId: 31 }));
    await assistant.waitStarted(1);
    await postTelegram(h, tgTextUpdate('chờ đến lần sau', { chatId: 32 }));
    const closing = h.app.close();
    assistant.release();
    await closing;
    expect(h.telegram.sentTexts(31)).toEqual(['Trả lời: đang xử lý']);
    expect(h.telegram.sentTexts(32)).toEqual([]);
    expect(h.stores.dedupe.pending().map((p) => p.key)).toHaveLength(1);
    h.stores.close();
    const telegram = h.telegram;
    await h.zalo.close();
    h = await startHarness({ assistant: new TransportAssistant(), dataDir, telegram });
    await h.app.queue.idle();
    expect(h.telegram.sentTexts(32)).toEqual(['Trả lời: chờ đến lần sau']);
    expect(h.telegram.sentTexts(31)).toEqual(['Trả lời: đang xử lý']);
  });
});
