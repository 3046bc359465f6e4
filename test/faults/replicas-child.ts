/**
 * One replica of the replicas fault test: the real start-up (bootstrap: configuration from the
 * environment, PostgreSQL stores with DATABASE_URL, index synchronised with PostgreSQL, the real
 * assistant) and the real app, answering on this thread. The queue lease is shortened and the
 * outbox lease follows short client bounds, so a killed peer's work is taken over in seconds. Answers to questions tagged "[n] …" start with "[n]", so the test
 * can tell which update each reply answers. Prints "READY <url>" when listening.
 *   DATABASE_URL=… DATA_DIR=… node --import tsx test/faults/replicas-child.ts
 */
import { writeSync } from 'node:fs';
import { DocumentAssistant } from '../../src/answer/index.js';
import type { Assistant } from '../../src/answer/assistant.js';
import { createApp } from '../../src/server/app.js';
import { bootstrap } from '../../src/server/bootstrap.js';
import { BOT_INFO } from '../server/harness.js';

const { config, logger, stores, assistant } = await bootstrap();

const tagged = new Proxy(assistant, {
  get(target, prop, receiver) {
    if (prop === 'answer') {
      return async (...args: Parameters<Assistant['answer']>) => {
        const a = await target.answer(...args);
        const tag = /^\[(\d+)\]/.exec(args[0])?.[1];
        return tag ? { ...a, answer: `[${tag}] ${a.answer}` } : a;
      };
    }
    const value = Reflect.get(target, prop, receiver) as unknown;
    return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
  },
});

const app = createApp({
  config, assistant: tagged, stores, logger, workers: 0, telegramBotInfo: BOT_INFO, reminders: false,
  queue: { leaseMs: 2_000, concurrency: 8 },
  // The outbox lease is not set here: it is derived from the Telegram client's bounds (one try of
  // 5 s → a 5 s send deadline, 15 s lease), as in production (src/server/channels.ts deliveryBoundMs).
  telegramRetry: { timeoutSeconds: 5, maxNetworkRetries: 0 },
  outbox: { pollMs: 100, baseDelayMs: 100, maxDelayMs: 400 },
  onReindexed: async () => {
    if (assistant instanceof DocumentAssistant) await assistant.load();
  },
});
const url = await app.start({ host: '127.0.0.1', port: 0 });
writeSync(1, `READY ${url}\n`);
process.on('SIGTERM', () => {
  void app.close().finally(() => {
    stores.close();
    process.exit(0);
  });
});
