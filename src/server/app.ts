/**
 * Wires the server: stores, conversation service, channels, reply queue, reminders and routes.
 * `main.ts` builds the real parts from the environment; tests build an App on a temp DATA_DIR
 * and point the channels at the fake Telegram/Zalo servers.
 */
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Update, UserFromGetMe } from 'grammy/types';
import type { Assistant } from '../answer/assistant.js';
import type { Config } from '../config.js';
import { userMessage } from '../errors.js';
import { ConversationService } from '../channels/conversation.js';
import { TelegramChannel, TelegramUpdate, type TelegramChannelOptions } from '../channels/telegram/channel.js';
import { ZaloClient, type ZaloClientOptions } from '../channels/zalo/client.js';
import { ZaloChannel, ZaloEvent, ZaloWebhookBody, zaloDedupeKey } from '../channels/zalo/channel.js';
import { AskRequest } from '../channels/web/api.js';
import { WEB_CHAT_HEADERS, WEB_CHAT_HTML } from '../channels/web/page.js';
import { ReminderScheduler, type Notifier } from '../reminders/scheduler.js';
import type { ChannelName, Stores } from '../storage/stores.js';
import { HttpError, createHttpServer, parseJson, readBody, secretMatches, sendJson, sendText, type Route } from './http.js';
import { createMetrics, type Metrics } from './metrics.js';
import { InProcessQueue, type ReplyJob } from './queue.js';
import { SlidingWindowLimiter } from './rate-limit.js';

export interface AppOptions {
  config: Config;
  assistant: Assistant;
  stores: Stores;
  logger: Logger;
  /** Injectable clock (conversation "today", reminders, rate limit). Default: real time. */
  now?: () => Date;
  /** Skip Telegram getMe (tests, cached). */
  telegramBotInfo?: UserFromGetMe;
  /** Telegram client bounds (request timeout, retries). Defaults: TELEGRAM_CLIENT_DEFAULTS. */
  telegramRetry?: Pick<TelegramChannelOptions, 'maxRetryAttempts' | 'maxDelaySeconds' | 'timeoutSeconds' | 'maxNetworkRetries' | 'networkRetryDelayMs'>;
  /** Zalo client tuning (timeouts, backoff, sleep). */
  zaloClient?: Partial<Omit<ZaloClientOptions, 'token' | 'logger'>>;
  /** Reply queue. Defaults: 1000 waiting, 4 workers. */
  queue?: { maxSize?: number; concurrency?: number };
  /** Start the reminder timer in start(). Default: true. */
  reminders?: boolean;
  /** Expose default process metrics. Default: false. */
  defaultMetrics?: boolean;
}

export interface App {
  server: http.Server;
  conversation: ConversationService;
  queue: InProcessQueue;
  reminders: ReminderScheduler;
  metrics: Metrics;
  telegram?: TelegramChannel;
  zalo?: ZaloChannel;
  zaloClient?: ZaloClient;
  /** Which channels are on and why not. */
  channels: Record<'telegram' | 'zalo' | 'web', { on: boolean; webhook: boolean; why: string }>;
  /** Telegram getMe + commands, recover unanswered updates, start reminders, listen. Returns the base URL. */
  start(listen?: { host?: string; port?: number }): Promise<string>;
  /** Stop accepting, drain the queue, stop reminders. Does not close the stores (the owner does). */
  close(): Promise<void>;
}

export function createApp(options: AppOptions): App {
  const { config, assistant, stores, logger } = options;
  const now = options.now ?? (() => new Date());
  const metrics = createMetrics({ defaultMetrics: options.defaultMetrics ?? false });
  const conversation = new ConversationService({
    assistant,
    stores,
    logger,
    metrics,
    rateLimiter: new SlidingWindowLimiter(config.RATE_LIMIT_PER_MINUTE),
    admins: { telegram: config.TELEGRAM_ADMIN_IDS, zalo: config.ZALO_ADMIN_IDS },
    timezone: config.TIMEZONE,
    now,
  });

  const channels: App['channels'] = {
    telegram: { on: false, webhook: false, why: 'TELEGRAM_BOT_TOKEN is not set' },
    zalo: { on: false, webhook: false, why: 'ZALO_BOT_TOKEN is not set' },
    web: { on: true, webhook: false, why: 'always on' },
  };

  let telegram: TelegramChannel | undefined;
  if (config.TELEGRAM_BOT_TOKEN) {
    telegram = new TelegramChannel({
      token: config.TELEGRAM_BOT_TOKEN,
      apiRoot: config.TELEGRAM_API_ROOT,
      conversation,
      logger,
      ...(options.telegramBotInfo ? { botInfo: options.telegramBotInfo } : {}),
      ...options.telegramRetry,
    });
    channels.telegram = {
      on: true,
      webhook: Boolean(config.TELEGRAM_WEBHOOK_SECRET),
      why: config.TELEGRAM_WEBHOOK_SECRET ? 'token and webhook secret set' : 'token set; webhook refuses calls until TELEGRAM_WEBHOOK_SECRET is set',
    };
  }

  let zaloClient: ZaloClient | undefined;
  let zalo: ZaloChannel | undefined;
  if (config.ZALO_BOT_TOKEN) {
    zaloClient = new ZaloClient({ token: config.ZALO_BOT_TOKEN, baseUrl: config.ZALO_API_BASE, logger: logger.child({ channel: 'zalo' }), ...options.zaloClient });
    zalo = new ZaloChannel({ client: zaloClient, conversation, logger });
    channels.zalo = {
      on: true,
      webhook: Boolean(config.ZALO_WEBHOOK_SECRET),
      why: config.ZALO_WEBHOOK_SECRET ? 'token and webhook secret set' : 'token set; webhook refuses calls until ZALO_WEBHOOK_SECRET is set',
    };
  }

  const handleJob = async (job: ReplyJob): Promise<void> => {
    try {
      if (job.channel === 'telegram' && telegram) {
        if (!telegram.bot.isInited()) await telegram.bot.init();
        await telegram.handleUpdate(job.update as Update);
      } else if (job.channel === 'zalo' && zalo) {
        await zalo.handleEvent(ZaloEvent.parse(job.update), job.key);
      } else {
        logger.warn({ channel: job.channel, updateId: job.key }, 'update for a channel that is off; dropped');
      }
    } finally {
      // Done even on failure: the handler already answered politely; re-answering is worse.
      stores.dedupe.done(job.channel, job.key, now());
    }
  };

  const queue = new InProcessQueue({
    handler: handleJob,
    logger,
    ...options.queue,
    onDepth: (d) => metrics.queueDepth.set(d),
  });

  const notifiers: Partial<Record<ChannelName, Notifier>> = {};
  if (telegram) notifiers.telegram = telegram;
  if (zalo) notifiers.zalo = zalo;
  const reminders = new ReminderScheduler({
    assistant,
    profiles: stores.profiles,
    ledger: stores.reminders,
    notifiers,
    logger,
    hour: config.REMINDER_HOUR,
    timezone: config.TIMEZONE,
    now,
  });

  /** Validate → dedupe → enqueue → 200 at once. */
  const accept = (channel: ChannelName, key: string, update: unknown, log: Logger, res: http.ServerResponse): void => {
    if (!stores.dedupe.claim({ channel, key, payload: update }, now())) {
      log.info({ updateId: key }, 'duplicate update dropped');
      return sendJson(res, 200, { ok: true, duplicate: true });
    }
    if (!queue.enqueue({ channel, key, update })) {
      stores.dedupe.unclaim(channel, key);
      metrics.webhookRejects.inc({ channel, reason: 'queue_full' });
      log.warn({ updateId: key, depth: queue.depth() }, 'queue full; asking the platform to retry');
      return sendJson(res, 503, { ok: false, error: 'BUSY' });
    }
    sendJson(res, 200, { ok: true });
  };

  const reject = (channel: ChannelName, reason: string, status: number): never => {
    metrics.webhookRejects.inc({ channel, reason });
    throw new HttpError(status, reason.toUpperCase(), `webhook rejected: ${reason}`);
  };

  const webhookBody = async (channel: ChannelName, req: http.IncomingMessage): Promise<Buffer> => {
    try {
      return await readBody(req);
    } catch (err) {
      if (err instanceof HttpError) reject(channel, 'too_large', 413);
      throw err;
    }
  };

  const routes: Route[] = [
    {
      method: 'POST', path: '/telegram/webhook', channel: 'telegram',
      handler: async ({ req, res, log }) => {
        if (!telegram) { req.resume(); return sendJson(res, 404, { error: 'CHANNEL_OFF' }); }
        if (!secretMatches(req.headers['x-telegram-bot-api-secret-token'], config.TELEGRAM_WEBHOOK_SECRET)) {
          req.resume();
          reject('telegram', 'bad_secret', 401);
        }
        const body = await webhookBody('telegram', req);
        let update;
        try {
          update = parseJson(body, TelegramUpdate);
        } catch (err) {
          metrics.webhookRejects.inc({ channel: 'telegram', reason: 'invalid' });
          throw err;
        }
        accept('telegram', String(update.update_id), update, log.child({ updateId: update.update_id }), res);
      },
    },
    {
      method: 'POST', path: '/zalo/webhook', channel: 'zalo',
      handler: async ({ req, res, log }) => {
        if (!zalo) { req.resume(); return sendJson(res, 404, { error: 'CHANNEL_OFF' }); }
        if (!secretMatches(req.headers['x-bot-api-secret-token'], config.ZALO_WEBHOOK_SECRET)) {
          req.resume();
          reject('zalo', 'bad_secret', 401);
        }
        const body = await webhookBody('zalo', req);
        let event;
        try {
          event = parseJson(body, ZaloWebhookBody);
        } catch (err) {
          metrics.webhookRejects.inc({ channel: 'zalo', reason: 'invalid' });
          throw err;
        }
        const key = zaloDedupeKey(event);
        accept('zalo', key, event, log.child({ updateId: key }), res);
      },
    },
    {
      method: 'POST', path: '/api/ask', channel: 'web',
      handler: async ({ req, res, log, requestId }) => {
        const ask = parseJson(await readBody(req), AskRequest);
        const chatId = ask.session ?? `anon-${requestId}`;
        const chat = { channel: 'web' as const, chatId };
        // Rate limit per session, or per client address for session-less callers.
        const gated = conversation.gate(ask.session ? chat : { channel: 'web', chatId: `ip-${req.socket.remoteAddress ?? '?'}` }, ask.question);
        if (gated) throw new HttpError(gated.code === 'RATE_LIMITED' ? 429 : 400, gated.code, userMessage(gated.code));
        if (!assistant.isReady()) throw new HttpError(503, 'INDEX_MISSING', userMessage('INDEX_MISSING'));
        const { answer } = await conversation.ask(chat, ask.question, log, {
          ...(ask.agency ? { agency: ask.agency } : {}),
          ...(ask.province ? { province: ask.province } : {}),
          ...(ask.today ? { today: ask.today } : {}),
        });
        sendJson(res, 200, answer);
      },
    },
    {
      method: 'GET', path: '/', channel: 'web',
      handler: async ({ res }) => sendText(res, 200, WEB_CHAT_HTML, 'text/html; charset=utf-8', WEB_CHAT_HEADERS),
    },
    { method: 'GET', path: '/healthz', channel: 'ops', handler: async ({ res }) => sendJson(res, 200, { ok: true }) },
    {
      method: 'GET', path: '/readyz', channel: 'ops',
      handler: async ({ res }) => {
        const ready = assistant.isReady();
        sendJson(res, ready ? 200 : 503, { ready, queueDepth: queue.depth() });
      },
    },
    {
      method: 'GET', path: '/metrics', channel: 'ops',
      handler: async ({ res }) => sendText(res, 200, await metrics.registry.metrics(), metrics.registry.contentType),
    },
  ];

  const server = createHttpServer({
    routes,
    logger,
    onResponse: (route, status) => metrics.requests.inc({ route, status: String(status) }),
  });

  let pruneTimer: NodeJS.Timeout | undefined;

  return {
    server, conversation, queue, reminders, metrics, channels,
    ...(telegram ? { telegram } : {}),
    ...(zalo ? { zalo, zaloClient } : {}),
    async start(listen = {}) {
      for (const [name, state] of Object.entries(channels)) {
        logger.info({ channel: name, on: state.on, webhook: state.webhook, why: state.why }, `channel ${name} ${state.on ? 'on' : 'off'}`);
      }
      if (telegram) {
        await telegram.init().catch((err: unknown) => {
          // Start anyway: the web chat works, and the queue retries init on the next update.
          logger.error({ err, channel: 'telegram' }, 'telegram init failed (getMe/setMyCommands); will retry on the next update');
        });
      }
      const pending = stores.dedupe.pending();
      for (const item of pending) queue.enqueue({ channel: item.channel, key: item.key, update: item.payload });
      if (pending.length > 0) logger.info({ count: pending.length }, 'recovered updates received before the last stop');
      const pruneOld = () => stores.dedupe.prune(new Date(now().getTime() - 7 * 86_400_000));
      pruneOld();
      pruneTimer = setInterval(pruneOld, 3_600_000);
      pruneTimer.unref();
      if (options.reminders ?? true) reminders.start();
      await new Promise<void>((resolve, rejectListen) => {
        server.once('error', rejectListen);
        server.listen(listen.port ?? config.PORT, listen.host ?? config.HOST, () => resolve());
      });
      const address = server.address() as AddressInfo;
      const url = `http://${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}`;
      logger.info({ url }, 'server listening');
      return url;
    },
    async close() {
      if (pruneTimer) clearInterval(pruneTimer);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await reminders.stop();
      await queue.drain();
    },
  };
}
