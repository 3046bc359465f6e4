/**
 * Test harness: a real App on a temp DATA_DIR with the fake Telegram/Zalo APIs, logs captured
 * in memory (for the secrets test), and helpers to post webhooks.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { UserFromGetMe } from 'grammy/types';
import type { Assistant } from '../../src/answer/assistant.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createLogger, type Logger } from '../../src/logging.js';
import { createApp, type App, type AppOptions } from '../../src/server/app.js';
import { openSqliteStores } from '../../src/storage/sqlite.js';
import type { Stores } from '../../src/storage/stores.js';
import { fakeTelegram, fakeZalo, type FakeBotApi } from '../fakes/bot-api.js';

export const repoRoot = path.resolve(import.meta.dirname, '../..');
export const fixtureKnowledge = path.join(repoRoot, 'test/fixtures/server/knowledge');

export const TOKENS = {
  telegram: '123456:AAEtelegramTOKENforTESTSonly_xyz',
  telegramSecret: 'tg_webhook_SECRET_abc123',
  zalo: '98765:zaloBOTtokenFORtestsONLY',
  zaloSecret: 'zalo-webhook-SECRET-456',
} as const;

export const BOT_INFO: UserFromGetMe = {
  id: 4242, is_bot: true, first_name: 'Trợ lý ảo', username: 'troly_test_bot',
  can_join_groups: false, can_read_all_group_messages: false, supports_inline_queries: false,
  can_connect_to_business: false, has_main_web_app: false,
} as UserFromGetMe;

export function tempDir(prefix = 'troly-server-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Captures every log line (already scrubbed by createLogger) for assertions. */
export class LogSink {
  readonly lines: string[] = [];
  readonly stream = new Writable({
    write: (chunk: Buffer, _enc, cb) => {
      this.lines.push(chunk.toString('utf8'));
      cb();
    },
  });
  parsed(): Array<Record<string, unknown>> {
    return this.lines.flatMap((l) => l.split('\n').filter(Boolean).map((x) => JSON.parse(x) as Record<string, unknown>));
  }
}

export interface Harness {
  app: App;
  url: string;
  stores: Stores;
  config: Config;
  logs: LogSink;
  logger: Logger;
  telegram: FakeBotApi;
  zalo: FakeBotApi;
  dataDir: string;
  /** Current fake time; tests move it. */
  clock: { now: Date };
  close(options?: { keepFakes?: boolean }): Promise<void>;
}

export interface HarnessOptions {
  assistant: Assistant;
  dataDir?: string;
  env?: Record<string, string>;
  now?: Date;
  telegram?: FakeBotApi;
  zalo?: FakeBotApi;
  queue?: { concurrency?: number };
  /** Answering worker threads (0 = answer in the test's thread with the injected assistant). */
  workers?: number;
  onReindexed?: () => Promise<void>;
  /** Passed to createApp (the pooled assistant attaches to the started workers). */
  onWorkersReady?: AppOptions['onWorkersReady'];
  taskCatalog?: AppOptions['taskCatalog'];
  /** Overrides of the Telegram client bounds (timeouts, retries). */
  telegramRetry?: AppOptions['telegramRetry'];
}

export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const telegram = options.telegram ?? fakeTelegram(TOKENS.telegram);
  const zalo = options.zalo ?? fakeZalo(TOKENS.zalo);
  if (!telegram.url) await telegram.start();
  if (!zalo.url) await zalo.start();
  const dataDir = options.dataDir ?? tempDir();
  const config = loadConfig({
    DATA_DIR: dataDir,
    KNOWLEDGE_DIR: fixtureKnowledge,
    TELEGRAM_BOT_TOKEN: TOKENS.telegram,
    TELEGRAM_WEBHOOK_SECRET: TOKENS.telegramSecret,
    TELEGRAM_API_ROOT: telegram.url,
    ZALO_BOT_TOKEN: TOKENS.zalo,
    ZALO_WEBHOOK_SECRET: TOKENS.zaloSecret,
    ZALO_API_BASE: zalo.url,
    TELEGRAM_ADMIN_IDS: '900',
    ZALO_ADMIN_IDS: 'zalo-admin',
    LOG_LEVEL: 'debug',
    ...options.env,
  });
  const logs = new LogSink();
  const logger = createLogger({
    level: 'debug',
    secrets: [config.TELEGRAM_BOT_TOKEN, config.TELEGRAM_WEBHOOK_SECRET, config.ZALO_BOT_TOKEN, config.ZALO_WEBHOOK_SECRET],
    destination: logs.stream,
  });
  const stores = openSqliteStores({ file: path.join(dataDir, 'app.db'), logger });
  const clock = { now: options.now ?? new Date('2024-11-10T02:00:00Z') };
  const app = createApp({
    config,
    assistant: options.assistant,
    stores,
    logger,
    now: () => clock.now,
    telegramBotInfo: BOT_INFO,
    telegramRetry: { maxRetryAttempts: 2, maxDelaySeconds: 2, ...options.telegramRetry },
    zaloClient: { sleep: async () => {}, timeoutMs: 2000 },
    reminders: false,
    ...(options.queue ? { queue: options.queue } : {}),
    ...(options.workers ? { workers: options.workers } : {}),
    ...(options.onReindexed ? { onReindexed: options.onReindexed } : {}),
    ...(options.onWorkersReady ? { onWorkersReady: options.onWorkersReady } : {}),
    ...(options.taskCatalog ? { taskCatalog: options.taskCatalog } : {}),
  });
  const url = await app.start({ host: '127.0.0.1', port: 0 });
  return {
    app, url, stores, config, logs, logger, telegram, zalo, dataDir, clock,
    async close(closeOptions = {}) {
      await app.close();
      stores.close();
      if (!closeOptions.keepFakes) {
        await telegram.close();
        await zalo.close();
      }
    },
  };
}

let updateCounter = 1000;

export function tgTextUpdate(text: string, options: { chatId?: number; userId?: number; updateId?: number } = {}) {
  const chatId = options.chatId ?? 501;
  const updateId = options.updateId ?? updateCounter++;
  const entities = text.startsWith('/') ? [{ type: 'bot_command', offset: 0, length: text.split(/\s/)[0]!.length }] : undefined;
  return {
    update_id: updateId,
    message: {
      message_id: updateId,
      date: 1731200000,
      chat: { id: chatId, type: 'private', first_name: 'Lan' },
      from: { id: options.userId ?? chatId, is_bot: false, first_name: 'Lan', language_code: 'vi' },
      text,
      ...(entities ? { entities } : {}),
    },
  };
}

export function tgCallbackUpdate(data: string, options: { chatId?: number; userId?: number } = {}) {
  const chatId = options.chatId ?? 501;
  const updateId = updateCounter++;
  return {
    update_id: updateId,
    callback_query: {
      id: `cb${updateId}`,
      chat_instance: 'ci1',
      data,
      from: { id: options.userId ?? chatId, is_bot: false, first_name: 'Lan' },
      message: { message_id: 7, date: 1731200000, chat: { id: chatId, type: 'private', first_name: 'Lan' }, text: '…' },
    },
  };
}

let zaloCounter = 1;

export function zaloTextEvent(text: string, options: { chatId?: string; userId?: string; messageId?: string; event?: string; wrapped?: boolean } = {}) {
  const chatId = options.chatId ?? 'zchat-1';
  const event = {
    event_name: options.event ?? 'message.text.received',
    message: {
      from: { id: options.userId ?? chatId, display_name: 'Ngọc', is_bot: false },
      chat: { id: chatId, chat_type: 'PRIVATE' },
      ...(options.event && options.event !== 'message.text.received' ? {} : { text }),
      message_id: options.messageId ?? `zm${zaloCounter++}`,
      date: 1731200000000,
    },
  };
  return options.wrapped ? { ok: true, result: event } : event;
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: parsed };
}

/** `secret: null` sends no secret header at all. */
export const postTelegram = (h: Harness, update: unknown, secret: string | null = TOKENS.telegramSecret) =>
  postJson(`${h.url}/telegram/webhook`, update, secret === null ? {} : { 'x-telegram-bot-api-secret-token': secret });

export const postZalo = (h: Harness, body: unknown, secret: string | null = TOKENS.zaloSecret) =>
  postJson(`${h.url}/zalo/webhook`, body, secret === null ? {} : { 'x-bot-api-secret-token': secret });
