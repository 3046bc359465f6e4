/**
 * Wires the server: stores, conversation service, channels, reply queue, reminders and routes.
 * `main.ts` builds the real parts from the environment; tests build an App on a temp DATA_DIR
 * and point the channels at the fake Telegram/Zalo servers.
 */
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { UserFromGetMe } from 'grammy/types';
import { AggregatorRegistry } from 'prom-client';
import type { AnswerContext } from '../domain/answer.js';
import type { Assistant } from '../answer/assistant.js';
import type { Config } from '../config.js';
import { userMessage } from '../errors.js';
import type { ConversationService, AskResult } from '../channels/conversation.js';
import { TelegramUpdate, type TelegramChannel } from '../channels/telegram/channel.js';
import type { ZaloClient, ZaloClientOptions } from '../channels/zalo/client.js';
import { ZaloWebhookBody, zaloDedupeKey, type ZaloChannel } from '../channels/zalo/channel.js';
import { AskRequest, WEB_COMMANDS, commandAnswer, publicAnswer, webUnsupportedCommand } from '../channels/web/api.js';
import { parseCommand } from '../channels/conversation.js';
import { documentRoutes } from './documents.js';
import { WEB_CHAT_HEADERS, WEB_CHAT_HTML } from '../channels/web/page.js';
import { ReminderScheduler, type Notifier } from '../reminders/scheduler.js';
import { boardRoutes, openChatBoard, openTaskBoard } from '../board/index.js';
import type { TaskCatalog } from '../board/tasks.js';
import type { ChannelName, ChatKey, ParkedItem, Stores } from '../storage/stores.js';
import { HttpError, createHttpServer, parseJson, readBody, secretMatches, sendJson, sendText, type Route, type RouteContext } from './http.js';
import { createMetrics, type Metrics } from './metrics.js';
import { InboxIntake } from './intake.js';
import { InboxQueue, type ReplyJob, type ReplyQueue } from './queue.js';
import { LeasedInboxQueue } from '../storage/postgres-queue.js';
import { IndexVersionFollower } from '../storage/postgres-index.js';
import { isPostgresStores } from '../storage/postgres.js';
import { currentVersion } from '../index/store.js';
import { SlidingWindowLimiter, clientAddress, compileTrust } from './rate-limit.js';
import { WorkerPool } from './worker-pool.js';
import { createChannelSet, type OutboxTuning, type TelegramClientBounds } from './channels.js';

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
  telegramRetry?: TelegramClientBounds;
  /** Zalo client tuning (timeouts, backoff, sleep). */
  zaloClient?: Partial<Omit<ZaloClientOptions, 'token' | 'logger'>>;
  /** Delivery retry tuning (delays, lease, poll); the bound is DELIVERY_MAX_HOURS. */
  outbox?: OutboxTuning;
  /**
   * Reply jobs running at once (the backlog itself is stored in SQLite). Default: 8. Starts of one
   * update that crashed the process before it is set aside (maxAttempts). Default: 3.
   */
  /** leaseMs: with DATABASE_URL, how long a replica's lease on an update holds without renewal (default 30 s). */
  queue?: { concurrency?: number; maxAttempts?: number; leaseMs?: number };
  /**
   * Answering worker threads (each loads the index from DATA_DIR). 0 = answer on this thread
   * (tests with an injected assistant). `npm start` uses one per spare core.
   */
  workers?: number;
  /** A worker finished /reindex: reload this process's assistant (reminders, readiness). */
  onReindexed?: () => Promise<void>;
  /** Workers started (before listening): e.g. the pooled assistant attaches to them. */
  onWorkersReady?: (pool: WorkerPool) => Promise<void>;
  /** Task records for the board (the pooled assistant's, so the HTTP process reads them once). */
  taskCatalog?: TaskCatalog;
  /** Start the reminder timer in start(). Default: true. */
  reminders?: boolean;
  /** Expose default process metrics. Default: false. */
  defaultMetrics?: boolean;
}

export interface App {
  server: http.Server;
  conversation: ConversationService;
  queue: ReplyQueue;
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
  // The queue is built below; the gauge reads its depth when scraped.
  let queueRef: ReplyQueue | undefined;
  const metrics = createMetrics({ defaultMetrics: options.defaultMetrics ?? false, queueDepth: () => queueRef?.depth() });
  // The HTTP process's own channels: Telegram start-up (getMe, commands), reminders, the web
  // gate, and answering itself when no worker threads are asked for (tests, small setups).
  // Task board (accounts, sessions, reported status) in DATA_DIR/app.db beside the stores.
  // With DATABASE_URL the board's tables live in PostgreSQL too: one board for every replica.
  const taskBoard = openTaskBoard({
    dataDir: config.DATA_DIR, knowledgeDir: config.KNOWLEDGE_DIR,
    ...(isPostgresStores(stores) ? { store: stores.board } : {}),
    ...(options.taskCatalog ? { catalog: options.taskCatalog } : {}),
  });
  const chatBoard = openChatBoard({ dataDir: config.DATA_DIR, knowledgeDir: config.KNOWLEDGE_DIR, now, opened: taskBoard, ...(config.PUBLIC_URL ? { publicUrl: config.PUBLIC_URL } : {}) }).port;
  const set = createChannelSet({
    config, assistant, stores, logger, metrics, now, board: chatBoard,
    ...(options.telegramBotInfo ? { telegramBotInfo: options.telegramBotInfo } : {}),
    ...(options.telegramRetry ? { telegramRetry: options.telegramRetry } : {}),
    ...(options.zaloClient ? { zaloClient: options.zaloClient } : {}),
    ...(options.outbox ? { outbox: options.outbox } : {}),
  });
  const { conversation, telegram, zalo, zaloClient } = set;

  const channels: App['channels'] = {
    telegram: { on: false, webhook: false, why: 'TELEGRAM_BOT_TOKEN is not set' },
    zalo: { on: false, webhook: false, why: 'ZALO_BOT_TOKEN is not set' },
    web: { on: true, webhook: false, why: 'always on' },
  };
  if (telegram) {
    channels.telegram = {
      on: true,
      webhook: Boolean(config.TELEGRAM_WEBHOOK_SECRET),
      why: config.TELEGRAM_WEBHOOK_SECRET ? 'token and webhook secret set' : 'token set; webhook refuses calls until TELEGRAM_WEBHOOK_SECRET is set',
    };
  }
  if (zalo) {
    channels.zalo = {
      on: true,
      webhook: Boolean(config.ZALO_WEBHOOK_SECRET),
      why: config.ZALO_WEBHOOK_SECRET ? 'token and webhook secret set' : 'token set; webhook refuses calls until ZALO_WEBHOOK_SECRET is set',
    };
  }

  const workerCount = options.workers ?? 0;
  const pool = workerCount > 0
    ? new WorkerPool({
        size: workerCount,
        logger,
        init: {
          config,
          ...(options.telegramBotInfo ? { telegramBotInfo: options.telegramBotInfo } : {}),
          ...(options.telegramRetry ? { telegramRetry: options.telegramRetry } : {}),
          ...(options.zaloClient ? { zaloClient: numbersOnly(options.zaloClient) } : {}),
          ...(options.outbox ? { outbox: options.outbox } : {}),
        },
        ...(options.onReindexed ? { onReindexed: options.onReindexed } : {}),
      })
    : undefined;

  // With DATABASE_URL the replicas share one queue in PostgreSQL (leases, chat order across
  // replicas); otherwise the embedded queue over the SQLite inbox.
  // Replicas (DATABASE_URL): follow the index version any replica published; reload the workers
  // and this process's assistant when it changes.
  const indexFollower = config.DATABASE_URL
    ? new IndexVersionFollower({
        url: config.DATABASE_URL, dataDir: config.DATA_DIR, logger,
        onVersion: async (version) => {
          pool?.reloadAll();
          await options.onReindexed?.();
          logger.info({ version }, 'serving the index version another replica published');
        },
      })
    : undefined;
  const versionField = (): { indexVersion?: string } => {
    const v = currentVersion(config.DATA_DIR);
    return v ? { indexVersion: v } : {};
  };
  const queueOptions = {
    handler: pool ? (job: ReplyJob) => pool.run(job) : (job: ReplyJob) => set.handle(job),
    logger,
    ...(options.queue?.concurrency ? { concurrency: options.queue.concurrency } : {}),
    ...(options.queue?.maxAttempts ? { maxAttempts: options.queue.maxAttempts } : {}),
    onParked: (items: ParkedItem[]) => void reportParked(items),
  };
  const queue: ReplyQueue & { start(): void | Promise<void> } = config.DATABASE_URL
    ? new LeasedInboxQueue({ url: config.DATABASE_URL, ...queueOptions, ...(options.queue?.leaseMs ? { leaseMs: options.queue.leaseMs } : {}) })
    : new InboxQueue({
    inbox: stores.dedupe,
    handler: pool ? (job) => pool.run(job) : (job) => set.handle(job),
    logger,
    now,
    ...(options.queue?.concurrency ? { concurrency: options.queue.concurrency } : {}),
    ...(options.queue?.maxAttempts ? { maxAttempts: options.queue.maxAttempts } : {}),
    // An update that took the process down again and again is set aside: tell the admins.
    onParked: (items) => void reportParked(items),
  });
  queueRef = queue;
  const reportParked = async (items: ParkedItem[]): Promise<void> => {
    const list = items.map((p) => `• ${p.channel} #${p.key}${describeUpdate(p)}`).join('\n');
    const text = `⚠️ Máy chủ đã dừng đột ngột ${items[0]!.attempts} lần khi xử lý ${items.length} tin nhắn dưới đây; các tin này được gác lại, không xử lý lại nữa:\n${list}\nXem nhật ký máy chủ (log) để biết nguyên nhân.`;
    const targets: Array<[Notifier | undefined, readonly string[]]> = [[telegram, config.TELEGRAM_ADMIN_IDS], [zalo, config.ZALO_ADMIN_IDS]];
    for (const [notifier, ids] of targets) {
      if (!notifier) continue;
      for (const id of ids) {
        await notifier.notify(id, text).catch((err: unknown) => logger.error({ err, admin: id }, 'could not tell an admin about set-aside updates'));
      }
    }
  };

  const askAssistant = (chat: ChatKey, question: string, log: Logger, overrides: Partial<AnswerContext>): Promise<AskResult> =>
    pool ? pool.ask(chat, question, overrides) : conversation.ask(chat, question, log, overrides);

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
    doneTasks: (tasks, today) => chatBoard.doneIds(tasks, today),
  });

  /**
   * Validate → dedupe + store (the stored update is the queue) → 200 at once. Answering happens
   * later, off this path; nothing is refused for being busy.
   */
  const intake = new InboxIntake(stores.dedupe, now);
  const accept = async (channel: ChannelName, key: string, update: unknown, ctx: RouteContext): Promise<void> => {
    if (!(await intake.claim({ channel, key, payload: update }))) {
      ctx.log.info({ updateId: key }, 'duplicate update dropped');
      return sendJson(ctx.res, 200, { ok: true, duplicate: true });
    }
    sendJson(ctx.res, 200, { ok: true });
    queue.notify();
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

  const trustProxy = compileTrust(config.TRUSTED_PROXY);
  const webClientLimiter = isPostgresStores(stores) ? stores.rateLimiter(config.WEB_RATE_LIMIT_PER_IP, 'web-client') : new SlidingWindowLimiter(config.WEB_RATE_LIMIT_PER_IP);

  const routes: Route[] = [
    {
      method: 'POST', path: '/telegram/webhook', channel: 'telegram',
      // ctx.log is made on first use: only a rejected or duplicate update logs.
      handler: async (ctx) => {
        const { req, res } = ctx;
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
        await accept('telegram', String(update.update_id), update, ctx);
      },
    },
    {
      method: 'POST', path: '/zalo/webhook', channel: 'zalo',
      // ctx.log is made on first use: only a rejected or duplicate update logs.
      handler: async (ctx) => {
        const { req, res } = ctx;
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
        await accept('zalo', key, event, ctx);
      },
    },
    {
      method: 'POST', path: '/api/ask', channel: 'web',
      handler: async ({ req, res, log, requestId }) => {
        // JSON only: a cross-site form or text/plain POST (no CORS preflight) is refused unread.
        if (!isJsonContentType(req.headers['content-type'])) {
          req.resume();
          throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Content-Type must be application/json');
        }
        const ask = parseJson(await readBody(req), AskRequest);
        const chatId = ask.session ?? `anon-${requestId}`;
        const chat = { channel: 'web' as const, chatId };
        // Rate limit per client address (behind TRUSTED_PROXY: the forwarded one) whatever the
        // session — new session ids buy nothing — and per session or per address as before.
        const client = clientAddress(req, trustProxy);
        if (webClientLimiter.hit(client, now().getTime()) !== 'ok') throw new HttpError(429, 'RATE_LIMITED', userMessage('RATE_LIMITED'));
        const gated = conversation.gate(ask.session ? chat : { channel: 'web', chatId: `ip-${client}` }, ask.question);
        if (gated) throw new HttpError(gated.code === 'RATE_LIMITED' ? 429 : 400, gated.code, userMessage(gated.code));
        if (!assistant.isReady()) throw new HttpError(503, 'INDEX_MISSING', userMessage('INDEX_MISSING'));
        // Chat commands work on the web too (on this thread: they read profiles, not the index
        // much); those that need a bot channel (reminders, admin) say where they work.
        const command = parseCommand(ask.question);
        if (command && !WEB_COMMANDS.has(command.name)) return sendJson(res, 200, commandAnswer(ask.question, [{ text: webUnsupportedCommand(command.name) }], false));
        if (command || /^\d{1,2}$/.test(ask.question)) {
          const replies: Array<{ text: string; buttons?: Array<Array<{ label: string; kind?: string }>> }> = [];
          if (await conversation.command({ chat, userId: chatId, text: ask.question }, async (r) => void replies.push(r), log)) {
            return sendJson(res, 200, commandAnswer(ask.question, replies));
          }
        }
        const { answer } = await askAssistant(chat, ask.question, log, {
          ...(ask.agency ? { agency: ask.agency } : {}),
          ...(ask.province ? { province: ask.province } : {}),
          ...(ask.today ? { today: ask.today } : {}),
        });
        // Cleaned of document markdown, citations as links to this server's document pages.
        sendJson(res, 200, publicAnswer(answer));
      },
    },
    {
      method: 'GET', path: '/', channel: 'web',
      handler: async ({ res }) => sendText(res, 200, WEB_CHAT_HTML, 'text/html; charset=utf-8', WEB_CHAT_HEADERS),
    },
    ...documentRoutes(assistant),
    { method: 'GET', path: '/healthz', channel: 'ops', handler: async ({ res }) => sendJson(res, 200, { ok: true }) },
    {
      method: 'GET', path: '/readyz', channel: 'ops',
      handler: async ({ res }) => {
        const ready = assistant.isReady();
        sendJson(res, ready ? 200 : 503, { ready, queueDepth: queue.depth(), ...versionField() });
      },
    },
    {
      method: 'GET', path: '/metrics', channel: 'ops',
      handler: async ({ res }) => {
        // Answer counters live where answers are computed: sum the workers' with ours.
        const text = pool
          ? await AggregatorRegistry.aggregate([await metrics.registry.getMetricsAsJSON(), ...(await pool.metrics())]).metrics()
          : await metrics.registry.metrics();
        sendText(res, 200, text, metrics.registry.contentType);
      },
    },
    ...boardRoutes({
      board: taskBoard.board, store: taskBoard.store, logger, now, timezone: config.TIMEZONE,
      secureCookies: config.PUBLIC_URL?.startsWith('https:') ?? false,
      ...(config.PUBLIC_URL ? { publicUrl: config.PUBLIC_URL.replace(/\/$/, '') } : {}),
    }),
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
      if (pool) {
        await pool.start(telegram?.bot.isInited() ? telegram.bot.botInfo : undefined);
        await options.onWorkersReady?.(pool);
      }
      const pending = stores.dedupe.pendingCount();
      if (pending > 0) logger.info({ count: pending }, 'answering updates received before the last stop');
      await queue.start();
      await indexFollower?.start();
      // Replies stored but not sent before the last stop (or waiting for a retry) go out now.
      set.outbox.start();
      const pruneOld = () => {
        const weekAgo = new Date(now().getTime() - 7 * 86_400_000);
        stores.dedupe.prune(weekAgo);
        stores.outbox.prune(weekAgo);
      };
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
      await indexFollower?.stop();
      await queue.drain();
      await pool?.close();
      await set.outbox.stop();
      taskBoard.close();
    },
  };
}

/** application/json, with or without parameters (charset). */
function isJsonContentType(value: string | undefined): boolean {
  return typeof value === 'string' && /^application\/json\s*(;|$)/i.test(value.trim());
}

/** A short, safe hint of what a set-aside update was (its command or the start of its text). */
function describeUpdate(item: ParkedItem): string {
  const u = item.payload as Record<string, any> | null;
  const text = u?.message?.text ?? u?.edited_message?.text;
  return typeof text === 'string' && text ? `: "${text.slice(0, 60)}${text.length > 60 ? '…' : ''}"` : '';
}

/** The numeric Zalo client settings (functions such as an injected sleep stay in this thread). */
function numbersOnly(o: Partial<Omit<ZaloClientOptions, 'token' | 'logger'>>): { maxRetries?: number; backoffMs?: number; maxDelayMs?: number; timeoutMs?: number } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => typeof v === 'number'));
}
