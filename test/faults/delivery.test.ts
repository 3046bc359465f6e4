/**
 * Delivery guarantees (issue 15 #4, #5): an acknowledged update's answer is delivered however
 * long the platform fails within DELIVERY_MAX_HOURS — 429 (honouring retry_after), 500, a
 * refused connection — across a restart, exactly once, and in order per chat; only past the
 * bound is it given up, with one apology. Delays are shortened here; production: 5 s doubling to
 * 5 min, 6 h bound.
 */
import http from 'node:http';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logging.js';
import { createApp, type App } from '../../src/server/app.js';
import { DELIVERY_APOLOGY } from '../../src/server/outbox.js';
import { openSqliteStores } from '../../src/storage/sqlite.js';
import type { Stores } from '../../src/storage/stores.js';
import { fakeTelegram, fakeZalo, type FakeBotApi } from '../fakes/bot-api.js';
import { BOT_INFO, TOKENS, tempDir, tgTextUpdate, zaloTextEvent } from '../server/harness.js';
import { TransportAssistant } from '../server/transport-assistant.js';
import { freePort } from './helpers.js';

/**
 * Stands between the app and a fake Bot API on a fixed port: 'down' = nothing listens
 * (connection refused), 'error' = every call answers 500, 'up' = forwards to the fake.
 */
class Gate {
  private server: http.Server | undefined;
  mode: 'down' | 'error' | 'up' = 'down';
  constructor(readonly port: number, private readonly target: () => string) {}
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }
  async set(mode: 'down' | 'error' | 'up'): Promise<void> {
    this.mode = mode;
    if (mode === 'down' && this.server) {
      const s = this.server;
      this.server = undefined;
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    }
    if (mode !== 'down' && !this.server) {
      const server = http.createServer((req, res) => {
        if (this.mode === 'error') {
          req.resume();
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ ok: false, error_code: 500, description: 'Internal Server Error' }));
          return;
        }
        const target = new URL(req.url ?? '/', this.target());
        const out = http.request(target, { method: req.method, headers: req.headers }, (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        });
        out.on('error', () => res.destroy());
        req.pipe(out);
      });
      await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
      this.server = server;
    }
  }
}

interface Running {
  app: App;
  stores: Stores;
  url: string;
  close(): Promise<void>;
}

const fakes: FakeBotApi[] = [];
const gates: Gate[] = [];
const running: Running[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) await r.close().catch(() => undefined);
  for (const g of gates.splice(0)) await g.set('down');
  for (const f of fakes.splice(0)) await f.close();
});

async function startApp(dataDir: string, env: Record<string, string>): Promise<Running> {
  const config = loadConfig({
    DATA_DIR: dataDir,
    TELEGRAM_BOT_TOKEN: TOKENS.telegram,
    TELEGRAM_WEBHOOK_SECRET: TOKENS.telegramSecret,
    ZALO_BOT_TOKEN: TOKENS.zalo,
    ZALO_WEBHOOK_SECRET: TOKENS.zaloSecret,
    RATE_LIMIT_PER_MINUTE: '100000',
    ...env,
  });
  const logger = createLogger({ level: process.env.DEBUG_LOG ? 'debug' : 'silent' });
  const stores = openSqliteStores({ file: path.join(dataDir, 'app.db'), logger });
  const app = createApp({
    config, assistant: new TransportAssistant(), stores, logger, telegramBotInfo: BOT_INFO, reminders: false,
    // In-call retries kept short: the outbox does the long-term retrying.
    telegramRetry: { maxRetryAttempts: 1, maxDelaySeconds: 1, timeoutSeconds: 2, maxNetworkRetries: 0, networkRetryDelayMs: 10 },
    zaloClient: { maxRetries: 0, timeoutMs: 2000, sleep: async () => {} },
    outbox: { baseDelayMs: 100, maxDelayMs: 400, pollMs: 50 },
  });
  const url = await app.start({ host: '127.0.0.1', port: 0 });
  const r: Running = {
    app, stores, url,
    async close() {
      await app.close();
      stores.close();
    },
  };
  running.push(r);
  return r;
}

const post = (r: Running, channel: 'telegram' | 'zalo', body: unknown) =>
  fetch(`${r.url}/${channel}/webhook`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(channel === 'telegram' ? { 'x-telegram-bot-api-secret-token': TOKENS.telegramSecret } : { 'x-bot-api-secret-token': TOKENS.zaloSecret }),
    },
    body: JSON.stringify(body),
  }).then((res) => res.status);

async function fakeBehindGate(kind: 'telegram' | 'zalo'): Promise<{ fake: FakeBotApi; gate: Gate }> {
  const fake = kind === 'telegram' ? fakeTelegram(TOKENS.telegram) : fakeZalo(TOKENS.zalo);
  await fake.start();
  fakes.push(fake);
  const gate = new Gate(await freePort(), () => fake.url);
  gates.push(gate);
  return { fake, gate };
}

describe('Telegram failing in every way the issue lists', () => {
  it('429 four times, 429 with a long retry_after, 500 four times: delivered once, no apology', async () => {
    const { fake, gate } = await fakeBehindGate('telegram');
    await gate.set('up');
    const r = await startApp(tempDir('troly-deliv-'), { TELEGRAM_API_ROOT: gate.url });
    const toChat = (p: Record<string, unknown>) => String(p.chat_id) === '8101';
    fake.failNext('sendMessage', { kind: '429', retryAfter: 0 }, 4, toChat);
    fake.failNext('sendMessage', { kind: '429', retryAfter: 2 }, 1, toChat); // longer than the client waits: the outbox honours it
    fake.failNext('sendMessage', { kind: '500' }, 4, toChat);
    const started = Date.now();
    expect(await post(r, 'telegram', tgTextUpdate('xin chào', { chatId: 8101 }))).toBe(200);
    await fake.waitFor(() => fake.sentTexts(8101).length >= 1, 120_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000); // retry_after 2 s was waited
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(fake.sentTexts(8101)).toEqual(['Trả lời: xin chào']);
    expect(r.stores.outbox.pendingCount()).toBe(0);
  });

  it('connection refused for 3 s: delivered once the API is back', async () => {
    const { fake, gate } = await fakeBehindGate('telegram');
    const r = await startApp(tempDir('troly-deliv-'), { TELEGRAM_API_ROOT: gate.url });
    expect(await post(r, 'telegram', tgTextUpdate('mạng mất', { chatId: 8201 }))).toBe(200);
    await r.app.queue.idle();
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(r.stores.outbox.pendingCount()).toBe(1); // stored, waiting, not given up
    await gate.set('up');
    await fake.waitFor(() => fake.sentTexts(8201).length >= 1, 90_000);
    expect(fake.sentTexts(8201)).toEqual(['Trả lời: mạng mất']);
  });

  it('20 chats while the API answers 500 for 5 s: every chat gets its answers once, in order', async () => {
    const { fake, gate } = await fakeBehindGate('telegram');
    await gate.set('error');
    const r = await startApp(tempDir('troly-deliv-'), { TELEGRAM_API_ROOT: gate.url });
    for (let i = 0; i < 20; i++) {
      expect(await post(r, 'telegram', tgTextUpdate(`một ${i}`, { chatId: 8300 + i }))).toBe(200);
      expect(await post(r, 'telegram', tgTextUpdate(`hai ${i}`, { chatId: 8300 + i }))).toBe(200);
    }
    await new Promise((resolve) => setTimeout(resolve, 5000));
    await gate.set('up');
    await fake.waitFor(() => fake.sentTexts().length >= 40, 120_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (let i = 0; i < 20; i++) expect(fake.sentTexts(8300 + i), `chat ${8300 + i}`).toEqual([`Trả lời: một ${i}`, `Trả lời: hai ${i}`]);
  });
});

describe('Zalo failing', () => {
  it('connection refused for 4 s, then 429 and 500: delivered once', async () => {
    const { fake, gate } = await fakeBehindGate('zalo');
    const r = await startApp(tempDir('troly-deliv-'), { ZALO_API_BASE: gate.url });
    expect(await post(r, 'zalo', zaloTextEvent('xin chào', { chatId: 'z-8401', messageId: 'zm-8401' }))).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 4000));
    fake.failNext('sendMessage', { kind: '429', retryAfter: 1 });
    fake.failNext('sendMessage', { kind: '500' }, 2);
    await gate.set('up');
    await fake.waitFor(() => fake.sentTexts('z-8401').length >= 1, 90_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(fake.sentTexts('z-8401')).toEqual(['Trả lời: xin chào']);
  });
});

describe('across a restart', () => {
  it('an answer stored while the API was down is delivered by the next process, once', async () => {
    const { fake, gate } = await fakeBehindGate('telegram');
    const dataDir = tempDir('troly-deliv-');
    const first = await startApp(dataDir, { TELEGRAM_API_ROOT: gate.url });
    expect(await post(first, 'telegram', tgTextUpdate('trước khi tắt', { chatId: 8501 }))).toBe(200);
    await first.app.queue.idle();
    expect(first.stores.outbox.pendingCount()).toBe(1);
    await first.close();
    running.splice(running.indexOf(first), 1);
    await gate.set('up');
    const second = await startApp(dataDir, { TELEGRAM_API_ROOT: gate.url });
    await fake.waitFor(() => fake.sentTexts(8501).length >= 1, 90_000);
    await second.app.queue.idle();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(fake.sentTexts(8501)).toEqual(['Trả lời: trước khi tắt']);
  });
});

describe('past the delivery bound', () => {
  it('gives the answer up and apologises once', { timeout: 180_000 }, async () => {
    const { fake, gate } = await fakeBehindGate('telegram');
    await gate.set('up');
    // 0.0005 h = 1.8 s.
    const r = await startApp(tempDir('troly-deliv-'), { TELEGRAM_API_ROOT: gate.url, DELIVERY_MAX_HOURS: '0.0005' });
    const isAnswer = (p: Record<string, unknown>) => String(p.chat_id) === '8601' && String(p.text).startsWith('Trả lời');
    fake.failNext('sendMessage', { kind: '500' }, 1000, isAnswer);
    expect(await post(r, 'telegram', tgTextUpdate('không tới', { chatId: 8601 }))).toBe(200);
    // Each failed call costs grammY's own 5xx pause (3 s) first: allow for a loaded machine.
    await fake.waitFor(() => fake.sentTexts(8601).length >= 1, 120_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(fake.sentTexts(8601)).toEqual([DELIVERY_APOLOGY]);
    expect(r.stores.outbox.pendingCount()).toBe(0);
  });
});
