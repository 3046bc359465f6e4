/**
 * npm run dev:telegram — long polling for development (no public URL needed). Removes any
 * webhook first (Telegram refuses getUpdates while one is set), then runs the same handlers as
 * the webhook server through @grammyjs/runner. The web chat is served too.
 */
import { run } from '@grammyjs/runner';
import { createApp } from '../src/server/app.js';
import { bootstrap, onShutdown } from '../src/server/bootstrap.js';

const { config, logger, stores, assistant } = await bootstrap();
if (!config.TELEGRAM_BOT_TOKEN) {
  process.stderr.write('TELEGRAM_BOT_TOKEN is not set: get one from @BotFather and put it in .env\n');
  process.exit(2);
}
const app = createApp({ config, assistant, stores, logger });
const telegram = app.telegram!;
await app.start();
await telegram.bot.api.deleteWebhook();
// Our handler never throws to grammY; the runner's sink calls handleUpdate per update.
const runner = run(telegram.bot, { runner: { fetch: { allowed_updates: ['message', 'callback_query'] } } });
process.stdout.write(`Long polling as @${telegram.bot.botInfo.username}. Ctrl+C to stop.\n`);
onShutdown(logger, async () => {
  if (runner.isRunning()) await runner.stop();
  await app.close();
  stores.close();
});
