/**
 * The platform API misbehaves: 429 with retry_after, then 500, then a request that never answers.
 * Each reply must still be delivered exactly once after the retries, and while the API is stuck
 * webhooks are still acknowledged (the stored updates are the backlog; only `concurrency` jobs
 * run at once) — every update ends up answered once, none lost, none twice.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logging.js';
import { createApp, type App } from '../../src/server/app.js';
import { openSqliteStores } from '../../src/storage/sqlite.js';
import type { Stores } from '../../src/storage/stores.js';
import { fakeTelegram, fakeZalo, type FakeBotApi } from '../fakes/bot-api.js';
import { BOT_INFO, TOKENS, postTelegram, postZalo, startHarness, tempDir, tgTextUpdate, zaloTextEvent, type Harness } from '../server/harness.js';
import { TransportAssistant } from '../server/transport-assistant.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const delivered = (api: FakeBotApi, chatId: string | number) => api.sentTexts(chatId).length;
const attempts = (api: FakeBotApi, chatId: string | number) => api.callsTo('sendMessage').filter((c) => String(c.params.chat_id) === String(chatId)).length;

describe('Zalo Bot API: 429, then 500, then a timeout', () => {
  it('delivers the reply once, after the retries', async () => {
    harness = await startHarness({ assistant: new TransportAssistant(), env: { LOG_LEVEL: 'silent' } });
    const h = harness;
    h.zalo.failNext('sendMessage', { kind: '429', retryAfter: 1 });
    h.zalo.failNext('sendMessage', { kind: '500' });
    h.zalo.failNext('sendMessage', { kind: 'hang' });
    expect((await postZalo(h, zaloTextEvent('xin chào', { chatId: 'z-fault-1' }))).status).toBe(200);
    await h.zalo.waitFor(() => delivered(h.zalo, 'z-fault-1') >= 1, 30_000);
    await h.app.queue.idle();
    expect(delivered(h.zalo, 'z-fault-1')).toBe(1);
    expect(attempts(h.zalo, 'z-fault-1')).toBe(4);
    expect(h.app.queue.depth()).toBe(0);
  });
});

describe('Telegram Bot API: 429, then 500', () => {
  it('delivers the reply once, after the retries', async () => {
    harness = await startHarness({ assistant: new TransportAssistant(), env: { LOG_LEVEL: 'silent' } });
    const h = harness;
    h.telegram.failNext('sendMessage', { kind: '429', retryAfter: 1 });
    h.telegram.failNext('sendMessage', { kind: '500' });
    expect((await postTelegram(h, tgTextUpdate('xin chào', { chatId: 7101 }))).status).toBe(200);
    await h.telegram.waitFor(() => delivered(h.telegram, 7101) >= 1, 30_000);
    await h.app.queue.idle();
    expect(delivered(h.telegram, 7101)).toBe(1);
    expect(attempts(h.telegram, 7101)).toBe(3);
  });
});

describe('Telegram Bot API that never answers', () => {
  it('bounds each attempt, keeps the reply for a later retry (no apology), keeps answering other chats, and close() returns', async () => {
    harness = await startHarness({
      assistant: new TransportAssistant(),
      // Small bounds so the test is short; production defaults are 15 s and 2 network retries.
      telegramRetry: { timeoutSeconds: 0.3, maxNetworkRetries: 1, networkRetryDelayMs: 10 },
    });
    const h = harness;
    const toStuckChat = (p: Record<string, unknown>) => String(p.chat_id) === '7201';
    h.telegram.failNext('sendMessage', { kind: 'hang' }, 100, toStuckChat);
    h.telegram.failNext('sendChatAction', { kind: 'hang' }, 100, toStuckChat);
    expect((await postTelegram(h, tgTextUpdate('xin chào', { chatId: 7201 }))).status).toBe(200);
    expect((await postTelegram(h, tgTextUpdate('chat khác', { chatId: 7202 }))).status).toBe(200);
    await h.app.queue.idle();
    expect(delivered(h.telegram, 7202)).toBe(1);
    expect(delivered(h.telegram, 7201)).toBe(0);
    // One attempt and one network retry, then stored for a later retry — not given up, no apology.
    expect(attempts(h.telegram, 7201)).toBeLessThanOrEqual(2);
    expect(h.stores.outbox.pendingCount()).toBe(1);
    const logs = h.logs.parsed();
    expect(logs.some((l) => l.msg === 'reply not delivered; will retry')).toBe(true);
    expect(logs.some((l) => l.msg === 'telegram network error; retrying')).toBe(true);
    expect(logs.some((l) => l.msg === 'telegram update failed')).toBe(false);
    // Stuck chat again, then close: close() must come back (the test would time out otherwise).
    expect((await postTelegram(h, tgTextUpdate('lần nữa', { chatId: 7201 }))).status).toBe(200);
    await h.close();
    harness = undefined;
  });
});

describe('reply queue while the platform API is stuck', () => {
  let app: App | undefined;
  let stores: Stores | undefined;
  let zalo: FakeBotApi | undefined;
  let dataDir: string | undefined;
  afterEach(async () => {
    await app?.close();
    stores?.close();
    await zalo?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps acknowledging (no 503), runs only `concurrency` jobs at once, then answers every update exactly once', async () => {
    zalo = fakeZalo(TOKENS.zalo);
    const telegram = fakeTelegram(TOKENS.telegram);
    await zalo.start();
    await telegram.start();
    dataDir = tempDir('troly-faults-queue-');
    const config = loadConfig({
      DATA_DIR: dataDir,
      ZALO_BOT_TOKEN: TOKENS.zalo,
      ZALO_WEBHOOK_SECRET: TOKENS.zaloSecret,
      ZALO_API_BASE: zalo.url,
      RATE_LIMIT_PER_MINUTE: '100000',
    });
    const logger = createLogger({ level: 'silent' });
    stores = openSqliteStores({ file: path.join(dataDir, 'app.db'), logger });
    const concurrency = 2;
    app = createApp({
      config, assistant: new TransportAssistant(), stores, logger, telegramBotInfo: BOT_INFO, reminders: false,
      // Each stuck attempt ends after 1.5 s; the retry then succeeds.
      zaloClient: { sleep: async () => {}, timeoutMs: 1500 },
      queue: { concurrency },
    });
    const url = await app.start({ host: '127.0.0.1', port: 0 });
    // The first replies hang: both workers are stuck while the updates arrive.
    zalo.failNext('sendMessage', { kind: 'hang' }, concurrency);

    const post = (i: number) =>
      fetch(`${url}/zalo/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-bot-api-secret-token': TOKENS.zaloSecret },
        body: JSON.stringify(zaloTextEvent(`câu hỏi ${i}`, { chatId: `q-${i}`, messageId: `qm-${i}` })),
      }).then((r) => r.status);
    const total = 40;
    const first = await Promise.all(Array.from({ length: total }, (_, i) => post(i)));
    expect(first).toEqual(first.map(() => 200));
    await zalo.waitFor((calls) => calls.filter((c) => c.method === 'sendMessage' && c.status === 0).length === concurrency);
    // Both slots are stuck: no third job started; the rest waits on disk, not in memory.
    expect(zalo.callsTo('sendMessage')).toHaveLength(concurrency);
    expect(app.queue.depth()).toBe(total);
    // Redelivery of an acknowledged update is a duplicate, not a second answer.
    expect(await post(5)).toBe(200);
    await app.queue.idle();
    for (let i = 0; i < total; i++) expect(delivered(zalo, `q-${i}`), `chat q-${i}`).toBe(1);
    await telegram.close();
  });
});
