/**
 * npm run telegram:set-webhook — registers PUBLIC_URL + "/telegram/webhook" with
 * TELEGRAM_WEBHOOK_SECRET (Telegram then sends it in X-Telegram-Bot-Api-Secret-Token), sets the
 * command menu, and prints getWebhookInfo. `-- --delete` removes the webhook.
 */
import { Bot } from 'grammy';
import { COMMANDS } from '../src/channels/conversation.js';
import { configOrExit } from '../src/server/bootstrap.js';

const config = configOrExit();
const missing = (name: string, hint: string) => {
  process.stderr.write(`${name} is not set: ${hint}\n`);
  process.exit(2);
};
if (!config.TELEGRAM_BOT_TOKEN) missing('TELEGRAM_BOT_TOKEN', 'get one from @BotFather');
const bot = new Bot(config.TELEGRAM_BOT_TOKEN!, { client: { apiRoot: config.TELEGRAM_API_ROOT } });
if (process.argv.includes('--delete')) {
  await bot.api.deleteWebhook();
  process.stdout.write('Webhook removed.\n');
} else {
  if (!config.PUBLIC_URL) missing('PUBLIC_URL', 'the public https address of this server, e.g. https://bot.example.gov.vn');
  if (!config.TELEGRAM_WEBHOOK_SECRET) missing('TELEGRAM_WEBHOOK_SECRET', 'a random string of A-Z a-z 0-9 _ - (e.g. openssl rand -hex 32)');
  const url = new URL('/telegram/webhook', config.PUBLIC_URL).toString();
  await bot.api.setWebhook(url, {
    secret_token: config.TELEGRAM_WEBHOOK_SECRET!,
    allowed_updates: ['message', 'callback_query'],
  });
  await bot.api.setMyCommands(COMMANDS);
  process.stdout.write(`Webhook set: ${url}\n`);
}
const info = await bot.api.getWebhookInfo();
process.stdout.write(`${JSON.stringify({ url: info.url, pending_update_count: info.pending_update_count, last_error_message: info.last_error_message }, null, 2)}\n`);
