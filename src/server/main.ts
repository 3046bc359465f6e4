/**
 * `npm start`: configuration → logger → SQLite → assistant (builds the index first when DATA_DIR
 * has none) → HTTP server with the channels whose tokens are set. SIGTERM/SIGINT drain the reply
 * queue and close the database.
 */
import path from 'node:path';
import { createAssistant } from '../answer/index.js';
import { ConfigError, loadConfig } from '../config.js';
import { createLogger } from '../logging.js';
import { openSqliteStores } from '../storage/sqlite.js';
import { createApp } from './app.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger({
    level: config.LOG_LEVEL,
    secrets: [config.TELEGRAM_BOT_TOKEN, config.ZALO_BOT_TOKEN, config.TELEGRAM_WEBHOOK_SECRET, config.ZALO_WEBHOOK_SECRET],
  });
  const stores = openSqliteStores({ file: path.join(config.DATA_DIR, 'app.db'), logger });
  const assistant = await createAssistant({
    dataDir: config.DATA_DIR,
    knowledgeDir: config.KNOWLEDGE_DIR,
    modelDir: config.MODEL_DIR,
    embeddingModel: config.EMBEDDING_MODEL,
    allowRemoteModels: config.ALLOW_REMOTE_MODELS,
    logger,
  });
  const app = createApp({ config, assistant, stores, logger, defaultMetrics: true });
  await app.start();

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: draining the reply queue');
    try {
      await app.close();
      stores.close();
      logger.info('stopped');
    } catch (err) {
      logger.error({ err }, 'error during shutdown');
      process.exitCode = 1;
    }
    logger.flush();
    setTimeout(() => process.exit(), 200).unref();
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`Start-up failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
