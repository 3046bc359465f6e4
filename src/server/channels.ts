/**
 * The answering side of the server: conversation service, Telegram and Zalo channels, and the
 * handler of one stored update. Built once in the HTTP process (reminders, web chat, in-process
 * answering) and once per answering worker thread (src/server/worker.ts), from the same config.
 */
import type { Logger } from 'pino';
import type { Update, UserFromGetMe } from 'grammy/types';
import type { Assistant } from '../answer/assistant.js';
import { openChatBoard, type TaskStatusPort } from '../board/index.js';
import type { Config } from '../config.js';
import { ConversationService } from '../channels/conversation.js';
import { TELEGRAM_CLIENT_DEFAULTS, TelegramChannel, classifyTelegramError, type TelegramChannelOptions } from '../channels/telegram/channel.js';
import { ZALO_CLIENT_DEFAULTS, ZaloClient, classifyZaloError, type ZaloClientOptions } from '../channels/zalo/client.js';
import { ZaloChannel, ZaloEvent } from '../channels/zalo/channel.js';
import type { Stores } from '../storage/stores.js';
import type { Metrics } from './metrics.js';
import { Outbox, type OutboxOptions } from './outbox.js';
import type { ReplyJob } from './queue.js';
import { SlidingWindowLimiter } from './rate-limit.js';
import { isPostgresStores } from '../storage/postgres.js';
import { reindexSummary } from '../reindex/summary.js';

export type TelegramClientBounds = Pick<
  TelegramChannelOptions,
  'maxRetryAttempts' | 'maxDelaySeconds' | 'timeoutSeconds' | 'maxNetworkRetries' | 'networkRetryDelayMs' | 'initTimeoutMs'
>;

export interface ChannelSetOptions {
  config: Config;
  assistant: Assistant;
  stores: Stores;
  logger: Logger;
  metrics?: Metrics;
  now: () => Date;
  telegramBotInfo?: UserFromGetMe;
  telegramRetry?: TelegramClientBounds;
  zaloClient?: Partial<Omit<ZaloClientOptions, 'token' | 'logger'>>;
  /** Delivery retry tuning (delays, lease); the bound itself comes from DELIVERY_MAX_HOURS. */
  outbox?: OutboxTuning;
  /** Task board for /baocao, /tonghop and task status. Default: the board tables in DATA_DIR/app.db. */
  board?: TaskStatusPort;
}

export type OutboxTuning = Partial<Pick<OutboxOptions, 'baseDelayMs' | 'maxDelayMs' | 'leaseMs' | 'sendDeadlineMs' | 'pollMs' | 'maxAgeMs'>>;

/**
 * How long one send may take under the clients' own bounds: an unreachable API costs every
 * attempt's timeout plus the pauses between them — Telegram (1 + maxNetworkRetries) × timeout +
 * maxNetworkRetries × delay (47 s by default), Zalo (1 + maxRetries) × timeout + the backoffs
 * (63.5 s). The outbox aborts a send at this deadline (a long 429/5xx wait is cut too and retried
 * later with backoff), and its lease is this plus a margin: a reply a dead replica had claimed is
 * taken over after ~1 min instead of the former fixed 5 min.
 */
export function deliveryBoundMs(clients: {
  telegram?: Partial<TelegramClientBounds>;
  zalo?: { maxRetries?: number; backoffMs?: number; maxDelayMs?: number; timeoutMs?: number };
}): number {
  const bounds: number[] = [];
  if (clients.telegram) {
    const t = { ...TELEGRAM_CLIENT_DEFAULTS, ...definedOnly(clients.telegram) };
    bounds.push((1 + t.maxNetworkRetries) * t.timeoutSeconds * 1000 + t.maxNetworkRetries * t.networkRetryDelayMs);
  }
  if (clients.zalo) {
    const z = { ...ZALO_CLIENT_DEFAULTS, ...definedOnly(clients.zalo) };
    let pauses = 0;
    for (let i = 0; i < z.maxRetries; i++) pauses += Math.min(z.backoffMs * 2 ** i, z.maxDelayMs);
    bounds.push((1 + z.maxRetries) * z.timeoutMs + pauses);
  }
  return bounds.length > 0 ? Math.max(...bounds) : 60_000;
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export interface ChannelSet {
  /** Answers stored before sending and retried for hours; the HTTP process runs its pump. */
  outbox: Outbox;
  conversation: ConversationService;
  telegram?: TelegramChannel;
  zalo?: ZaloChannel;
  zaloClient?: ZaloClient;
  /** Answers one stored update (marking it done is the queue's job). Never throws for user input. */
  handle(job: ReplyJob): Promise<void>;
}

export function createChannelSet(options: ChannelSetOptions): ChannelSet {
  const { config, assistant, stores, logger, metrics, now } = options;
  const board = options.board ?? openChatBoard({
    dataDir: config.DATA_DIR, knowledgeDir: config.KNOWLEDGE_DIR, now,
    ...(isPostgresStores(stores) ? { store: stores.board } : {}),
    ...(config.PUBLIC_URL ? { publicUrl: config.PUBLIC_URL } : {}),
  }).port;
  const conversation = new ConversationService({
    assistant,
    stores,
    logger,
    ...(metrics ? { metrics } : {}),
    // Replicas on PostgreSQL count a chat's messages together; one server counts in memory.
    rateLimiter: isPostgresStores(stores) ? stores.rateLimiter(config.RATE_LIMIT_PER_MINUTE) : new SlidingWindowLimiter(config.RATE_LIMIT_PER_MINUTE),
    // The same Vietnamese summary as the CLI (added, changed, removed, kept, failed + hints), file names only.
    reindexText: (s) => reindexSummary(s, { names: 'basename', pruneHint: 'Muốn gỡ hẳn: chạy npm run reindex -- --prune trên máy chủ.' }),
    admins: { telegram: config.TELEGRAM_ADMIN_IDS, zalo: config.ZALO_ADMIN_IDS },
    timezone: config.TIMEZONE,
    now,
    board,
    // Answers and /nguon link to this server's document pages.
    ...(config.PUBLIC_URL ? { publicUrl: config.PUBLIC_URL } : {}),
  });
  let telegram: TelegramChannel | undefined;
  let zalo: ZaloChannel | undefined;
  // Answers are stored before they are sent and retried for hours (src/server/outbox.ts).
  const outbox = new Outbox({
    store: stores.outbox,
    senders: {
      ...(config.TELEGRAM_BOT_TOKEN ? { telegram: { send: (chatId, reply, signal) => telegram!.deliver(chatId, reply, signal), classify: classifyTelegramError } } : {}),
      ...(config.ZALO_BOT_TOKEN ? { zalo: { send: (chatId, reply, signal) => zalo!.deliver(chatId, reply, signal), classify: classifyZaloError } } : {}),
    },
    logger,
    now,
    maxAgeMs: config.DELIVERY_MAX_HOURS * 3_600_000,
    // Each send is cut at what the clients' bounds allow; the lease follows (src/server/outbox.ts).
    sendDeadlineMs: deliveryBoundMs({
      ...(config.TELEGRAM_BOT_TOKEN ? { telegram: options.telegramRetry ?? {} } : {}),
      ...(config.ZALO_BOT_TOKEN ? { zalo: options.zaloClient ?? {} } : {}),
    }),
    ...options.outbox,
  });
  if (config.TELEGRAM_BOT_TOKEN) {
    telegram = new TelegramChannel({
      outbox,
      token: config.TELEGRAM_BOT_TOKEN,
      apiRoot: config.TELEGRAM_API_ROOT,
      conversation,
      logger,
      ...(options.telegramBotInfo ? { botInfo: options.telegramBotInfo } : {}),
      ...options.telegramRetry,
    });
  }
  let zaloClient: ZaloClient | undefined;
  if (config.ZALO_BOT_TOKEN) {
    zaloClient = new ZaloClient({ token: config.ZALO_BOT_TOKEN, baseUrl: config.ZALO_API_BASE, logger: logger.child({ channel: 'zalo' }), ...options.zaloClient });
    zalo = new ZaloChannel({ client: zaloClient, conversation, logger, outbox });
  }
  const handle = async (job: ReplyJob): Promise<void> => {
    // Answered before a crash (its replies were stored): the outbox sends what is left; never twice.
    if (stores.outbox.hasReplies(job.channel, job.key)) {
      logger.info({ channel: job.channel, updateId: job.key }, 'update already answered before a restart; not answering again');
      return;
    }
    if (job.channel === 'telegram' && telegram) {
      await telegram.ensureInit();
      await telegram.handleUpdate(job.update as Update);
    } else if (job.channel === 'zalo' && zalo) {
      await zalo.handleEvent(ZaloEvent.parse(job.update), job.key);
    } else {
      logger.warn({ channel: job.channel, updateId: job.key }, 'update for a channel that is off; dropped');
    }
  };
  return {
    conversation,
    outbox,
    handle,
    ...(telegram ? { telegram } : {}),
    ...(zalo ? { zalo, zaloClient } : {}),
  };
}
