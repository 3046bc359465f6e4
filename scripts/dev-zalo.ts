/**
 * npm run dev:zalo — getUpdates polling for development. Removes the webhook first (Zalo serves
 * getUpdates only without one), dedupes by message id like the webhook, and answers through the
 * same Zalo channel code. The web chat is served too.
 */
import { z } from 'zod';
import { ZaloEvent, zaloDedupeKey } from '../src/channels/zalo/channel.js';
import { createApp } from '../src/server/app.js';
import { bootstrap, onShutdown } from '../src/server/bootstrap.js';

const { config, logger, stores, assistant } = await bootstrap();
if (!config.ZALO_BOT_TOKEN) {
  process.stderr.write('ZALO_BOT_TOKEN is not set: create a bot in Zalo Bot Manager and put its token in .env\n');
  process.exit(2);
}
const app = createApp({ config, assistant, stores, logger });
const client = app.zaloClient!;
const zalo = app.zalo!;
await app.start();
await client.deleteWebhook().catch((err: unknown) => logger.warn({ err }, 'deleteWebhook failed'));
const me = await client.getMe();
process.stdout.write(`Polling Zalo Bot ${JSON.stringify(me)}. Ctrl+C to stop.\n`);

// getUpdates answers one event or a list, depending on the API version.
const Updates = z.union([z.array(z.unknown()), z.unknown().transform((u) => (u ? [u] : []))]);
let running = true;
onShutdown(logger, async () => {
  running = false;
  await app.close();
  stores.close();
});
while (running) {
  try {
    const updates = Updates.parse(await client.call('getUpdates', { timeout: 30 }, { timeoutMs: 40_000 }));
    for (const raw of updates) {
      const parsed = ZaloEvent.safeParse(raw);
      if (!parsed.success) {
        logger.warn({ channel: 'zalo', issue: parsed.error.issues[0]?.message }, 'getUpdates: unexpected event shape');
        continue;
      }
      const key = zaloDedupeKey(parsed.data);
      if (!stores.dedupe.claim({ channel: 'zalo', key, payload: parsed.data }, new Date())) continue;
      await zalo.handleEvent(parsed.data, key);
      stores.dedupe.done('zalo', key, new Date());
    }
  } catch (err) {
    if (!running) break;
    logger.error({ err, channel: 'zalo' }, 'getUpdates failed; retrying in 5 s');
    await new Promise((resolve) => setTimeout(resolve, 5000));
  }
}
