/**
 * `npm start`: configuration → logger → SQLite → assistant (builds the index first when DATA_DIR
 * has none) → HTTP server with the channels whose tokens are set (web chat + API always).
 * SIGTERM/SIGINT stop accepting, drain the reply queue, then close the database.
 */
import { bootstrap, onShutdown } from './bootstrap.js';
import { createApp } from './app.js';

async function main(): Promise<void> {
  const { config, logger, stores, assistant } = await bootstrap();
  const app = createApp({ config, assistant, stores, logger, defaultMetrics: true });
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
