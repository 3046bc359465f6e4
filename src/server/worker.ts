/**
 * An answering worker thread. Answers are CPU work (search, ranking, composing); computing them
 * on the event loop that acknowledges webhooks made acknowledgements wait behind answers. Each
 * worker builds its own assistant over the same DATA_DIR (the HTTP process built the index
 * first), its own SQLite connection (WAL: concurrent readers, short writes) and its own channels,
 * and answers the jobs the HTTP process dispatches to it. Protocol: src/server/worker-pool.ts.
 */
import os from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import type { Answer, AnswerContext } from '../domain/answer.js';
import type { AgencyChoice, AgencyTaskQuery, AgencyTasks, Assistant, ReindexSummary } from '../answer/assistant.js';
import { DocumentAssistant } from '../answer/index.js';
import { openStores } from '../storage/postgres.js';
import { assistantOptions, loggerFor } from './bootstrap.js';
import { createChannelSet } from './channels.js';
import { createMetrics } from './metrics.js';
import type { ToWorker, WorkerInit } from './worker-pool.js';

/** Forwards to the worker's assistant and tells the pool when a /reindex finished here. */
class ReportingAssistant implements Assistant {
  constructor(
    private readonly inner: DocumentAssistant,
    private readonly onReindexed: () => void,
  ) {}
  answer(question: string, context?: AnswerContext): Promise<Answer> {
    return this.inner.answer(question, context);
  }
  lookupAgency(text: string, province?: string): AgencyChoice[] {
    return this.inner.lookupAgency(text, province);
  }
  agencyName(id: string): string | undefined {
    return this.inner.agencyName(id);
  }
  provinces(): string[] {
    return this.inner.provinces();
  }
  tasksFor(query: AgencyTaskQuery): AgencyTasks {
    return this.inner.tasksFor(query);
  }
  formatTasks(tasks: AgencyTasks, options: { title: string; today: string; limit?: number }): string {
    return this.inner.formatTasks(tasks, options);
  }
  async reindex(): Promise<ReindexSummary> {
    const summary = await this.inner.reindex();
    this.onReindexed();
    return summary;
  }
  isReady(): boolean {
    return this.inner.isReady();
  }
}

const port = parentPort!;
const init = workerData as WorkerInit;
// Acknowledging webhooks comes first: on Linux the nice value is per thread, and pid 0 means
// "this thread", so only the answering thread yields the CPU to the HTTP thread under load.
try {
  os.setPriority(0, init.nice ?? 10);
} catch {
  /* not permitted here: answering still works, only without the priority hint */
}
const { config } = init;
const logger = loggerFor(config).child({ worker: init.index });
// PostgreSQL with DATABASE_URL (a small pool per thread), else DATA_DIR/app.db.
const stores = openStores({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, poolSize: 2 });
const metrics = createMetrics();
const inner = new DocumentAssistant({
  ...assistantOptions(config, logger),
  // The HTTP process built the index before starting workers; never build a second one here.
  autoIndex: false,
});
const assistant = new ReportingAssistant(inner, () => port.postMessage({ type: 'reindexed' }));
const channels = createChannelSet({
  config,
  assistant,
  stores,
  logger,
  metrics,
  now: () => new Date(),
  ...(init.telegramBotInfo ? { telegramBotInfo: init.telegramBotInfo } : {}),
  ...(init.telegramRetry ? { telegramRetry: init.telegramRetry } : {}),
  ...(init.zaloClient ? { zaloClient: init.zaloClient } : {}),
  ...(init.outbox ? { outbox: init.outbox } : {}),
});

const ready = inner.load().then(
  () => port.postMessage({ type: 'ready' }),
  (err: unknown) => {
    port.postMessage({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
    throw err;
  },
);

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

port.on('message', (message: ToWorker) => {
  void (async () => {
    try {
      await ready;
    } catch {
      return;
    }
    switch (message.type) {
      case 'job':
        try {
          await channels.handle(message.job);
          port.postMessage({ type: 'done', id: message.id });
        } catch (err) {
          logger.error({ err, channel: message.job.channel, updateId: message.job.key }, 'reply job failed in worker');
          port.postMessage({ type: 'done', id: message.id, error: errorText(err) });
        }
        return;
      case 'ask':
        try {
          const result = await channels.conversation.ask(message.chat, message.question, logger.child({ channel: message.chat.channel }), message.overrides);
          port.postMessage({ type: 'asked', id: message.id, result });
        } catch (err) {
          logger.error({ err }, 'ask failed in worker');
          port.postMessage({ type: 'asked', id: message.id, error: errorText(err) });
        }
        return;
      case 'reload':
        try {
          await inner.load();
          logger.info('index reloaded after a reindex in another process or thread');
        } catch (err) {
          logger.error({ err }, 'index reload failed; answering from the previous index');
        }
        return;
      case 'metrics':
        port.postMessage({ type: 'metrics', id: message.id, data: await metrics.registry.getMetricsAsJSON() });
        return;
      case 'assistant':
        try {
          const [a0, a1] = message.args as [string, AnswerContext | undefined];
          const value =
            message.method === 'answer' ? await assistant.answer(a0, a1)
            : message.method === 'documentView' ? inner.documentView(a0)
            : message.method === 'reindex' ? await assistant.reindex()
            : assistant.provinces();
          port.postMessage({ type: 'assisted', id: message.id, value });
        } catch (err) {
          logger.error({ err, method: message.method }, 'assistant call failed in worker');
          port.postMessage({ type: 'assisted', id: message.id, error: errorText(err) });
        }
        return;
      case 'close':
        stores.close();
        logger.flush();
        port.postMessage({ type: 'closed' });
        port.close();
        return;
    }
  })();
});
