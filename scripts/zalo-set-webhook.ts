/**
 * npm run zalo:set-webhook — registers PUBLIC_URL + "/zalo/webhook" with ZALO_WEBHOOK_SECRET
 * (Zalo then sends it in X-Bot-Api-Secret-Token) and prints getWebhookInfo.
 * `-- --delete` removes the webhook (needed before `npm run dev:zalo`).
 */
import { ZaloClient } from '../src/channels/zalo/client.js';
import { configOrExit, loggerFor } from '../src/server/bootstrap.js';

const config = configOrExit();
const missing = (name: string, hint: string) => {
  process.stderr.write(`${name} is not set: ${hint}\n`);
  process.exit(2);
};
if (!config.ZALO_BOT_TOKEN) missing('ZALO_BOT_TOKEN', 'create a bot in Zalo Bot Manager and copy its token');
const client = new ZaloClient({ token: config.ZALO_BOT_TOKEN!, baseUrl: config.ZALO_API_BASE, logger: loggerFor(config) });
if (process.argv.includes('--delete')) {
  await client.deleteWebhook();
  process.stdout.write('Webhook removed.\n');
} else {
  if (!config.PUBLIC_URL) missing('PUBLIC_URL', 'the public https address of this server, e.g. https://bot.example.gov.vn');
  if (!config.ZALO_WEBHOOK_SECRET) missing('ZALO_WEBHOOK_SECRET', '8-256 characters (e.g. openssl rand -hex 32)');
  const url = new URL('/zalo/webhook', config.PUBLIC_URL).toString();
  await client.setWebhook({ url, secret_token: config.ZALO_WEBHOOK_SECRET! });
  process.stdout.write(`Webhook set: ${url}\n`);
}
process.stdout.write(`${JSON.stringify(await client.getWebhookInfo(), null, 2)}\n`);
