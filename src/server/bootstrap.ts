/**
 * Shared start-up for `npm start` and the dev scripts: configuration (a bad value exits with one
 * message naming the variable), a logger that scrubs the configured secrets, SQLite, and the
 * assistant (which builds the index from KNOWLEDGE_DIR when DATA_DIR has none).
 */
import type { Assistant } from '../answer/assistant.js';
import { createAssistant, type AssistantOptions } from '../answer/index.js';
import { logOcrAvailability, runReindex } from '../reindex/pipeline.js';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { createLogger, type Logger } from '../logging.js';
import { databasePassword, openStores } from '../storage/postgres.js';
import { syncIndexAtStart } from '../storage/postgres-index.js';
import type { Stores } from '../storage/stores.js';
import { currentVersion } from '../index/store.js';
import { PooledAssistant } from './pooled-assistant.js';

/** Config or exit(2) with the variable's name; never a stack trace for a typo in .env. */
export function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}

export function loggerFor(config: Config): Logger {
  return createLogger({
    level: config.LOG_LEVEL,
    secrets: [config.TELEGRAM_BOT_TOKEN, config.ZALO_BOT_TOKEN, config.TELEGRAM_WEBHOOK_SECRET, config.ZALO_WEBHOOK_SECRET, databasePassword(config.DATABASE_URL)],
  });
}

/** The assistant's options from the configuration (the HTTP process and every answering worker). */
export function assistantOptions(config: Config, logger: Logger): AssistantOptions {
  return {
    dataDir: config.DATA_DIR,
    knowledgeDir: config.KNOWLEDGE_DIR,
    modelDir: config.MODEL_DIR,
    embeddingModel: config.EMBEDDING_MODEL,
    allowRemoteModels: config.ALLOW_REMOTE_MODELS,
    logger,
    // The composition root gives the assistant its reindex function (answer never imports reindex).
    reindex: runReindex,
    ...(config.DATABASE_URL ? { databaseUrl: config.DATABASE_URL } : {}),
  };
}

export interface Runtime {
  config: Config;
  logger: Logger;
  stores: Stores;
  assistant: Assistant;
}

export async function bootstrap(
  storeOptions: (config: Config) => { walAutoCheckpoint?: number } = () => ({}),
  /**
   * 'load': this process answers (loads the index). 'workers': answering threads load it; this
   * process only makes sure an index exists (builds one when DATA_DIR has none) and keeps none.
   */
  index: (config: Config) => 'load' | 'workers' = () => 'load',
): Promise<Runtime> {
  const config = configOrExit();
  const logger = loggerFor(config);
  // PostgreSQL when DATABASE_URL is set (replicas share state and queue), else DATA_DIR/app.db.
  const stores = openStores({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, logger, ...storeOptions(config) });
  await logOcrAvailability(logger, { lang: config.OCR_LANG });
  // A replica starts on the version the others serve (or seeds PostgreSQL with its own).
  if (config.DATABASE_URL) logger.info({ index: await syncIndexAtStart(config.DATABASE_URL, config.DATA_DIR, logger) }, 'index version synchronised with PostgreSQL');
  if (index(config) === 'workers') {
    if (!currentVersion(config.DATA_DIR)) {
      logger.info({ dataDir: config.DATA_DIR }, 'no index yet: building it from the knowledge dir');
      const options = assistantOptions(config, logger);
      await runReindex({ ...options, paths: [] });
    }
    return { config, logger, stores, assistant: new PooledAssistant({ dataDir: config.DATA_DIR, knowledgeDir: config.KNOWLEDGE_DIR }) };
  }
  const assistant = await createAssistant(assistantOptions(config, logger));
  return { config, logger, stores, assistant };
}

/** How long a graceful stop may take before the process exits anyway. Default: 10 s. */
export const SHUTDOWN_TIMEOUT_MS = 10_000;

/**
 * Runs `stop` once on SIGTERM/SIGINT (stop intake, finish in-flight replies and writes, close
 * SQLite), then exits; a stop that hangs past `timeoutMs` is logged and the process exits with 1,
 * so a supervisor (tini, systemd, Docker) never waits on it forever.
 */
export function onShutdown(logger: Logger, stop: () => Promise<void>, options: { timeoutMs?: number } = {}): void {
  let stopping = false;
  const timeoutMs = options.timeoutMs ?? SHUTDOWN_TIMEOUT_MS;
  const handler = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, timeoutMs }, 'shutting down');
    const bound = setTimeout(() => {
      logger.error({ timeoutMs }, 'shutdown did not finish in time; exiting');
      logger.flush();
      process.exit(1);
    }, timeoutMs);
    bound.unref();
    stop()
      .catch((err: unknown) => {
        logger.error({ err }, 'error during shutdown');
        process.exitCode = 1;
      })
      .finally(() => {
        clearTimeout(bound);
        logger.info('stopped');
        logger.flush();
        setTimeout(() => process.exit(), 200).unref();
      });
  };
  process.on('SIGTERM', () => handler('SIGTERM'));
  process.on('SIGINT', () => handler('SIGINT'));
}
