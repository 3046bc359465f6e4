/**
 * `npm start`: configuration → logger → SQLite → assistant (builds the index first when DATA_DIR
 * has none; with answering workers only they load it, see src/server/pooled-assistant.ts) → HTTP server with the channels whose tokens are set (web chat + API always).
 * Answers are computed in worker threads (ANSWER_WORKERS, default: cores − 1, at least 1; 0 answers
 * on the HTTP thread). SIGTERM/SIGINT stop accepting, finish the running replies (the stored
 * backlog is answered after the next start), then close the database.
 */
import os from 'node:os';
import type { Config } from '../config.js';
import { DocumentAssistant } from '../answer/index.js';
import { bootstrap, onShutdown } from './bootstrap.js';
import { createApp } from './app.js';
import { PooledAssistant } from './pooled-assistant.js';

/** Answering threads: one per core left after the HTTP thread (at least one). */
function workerCount(config: Config): number {
  return config.ANSWER_WORKERS ?? Math.max(1, os.availableParallelism() - 1);
}

async function main(): Promise<void> {
  // With workers, their connections checkpoint the WAL; this thread only appends and acknowledges.
  // With workers, only they load the index: this process acknowledges webhooks without it.
  const { config, logger, stores, assistant } = await bootstrap(
    (config) => (workerCount(config) > 0 ? { walAutoCheckpoint: 0 } : {}),
    (config) => (workerCount(config) > 0 ? 'workers' : 'load'),
  );
  const workers = workerCount(config);
  const app = createApp({
    config, assistant, stores, logger, defaultMetrics: true,
    // Answers are computed in worker threads so this event loop only acknowledges webhooks.
    workers,
    ...(assistant instanceof PooledAssistant
      ? { onWorkersReady: (pool) => assistant.attach(pool), taskCatalog: assistant.catalog }
      : {}),
    onReindexed: async () => {
      // Reminders and /readyz use this thread's assistant: load the index the worker just built
      // (or, without an index here, the new version's provinces; task records follow by themselves).
      if (assistant instanceof DocumentAssistant) await assistant.load();
      if (assistant instanceof PooledAssistant) await assistant.refresh();
    },
  });
  await app.start();
  onShutdown(logger, async () => {
    await app.close();
    stores.close();
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`Start-up failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
