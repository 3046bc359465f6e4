/**
 * Telegram through grammY. The webhook route validates, dedupes and enqueues (fast ack); the
 * queue worker calls `handleUpdate`, which runs grammY's middleware onto the conversation
 * service and renders replies as escaped HTML split at 4096 characters.
 */
import { Bot, GrammyError, HttpError, type Context, type Transformer } from 'grammy';
import type { InlineKeyboardButton, Update, UserFromGetMe } from 'grammy/types';
import { autoRetry } from '@grammyjs/auto-retry';
import type { Logger } from 'pino';
import { z } from 'zod';
import { userMessage } from '../../errors.js';
import { COMMANDS, type ConversationService, type Reply } from '../conversation.js';
import type { ReplyOutbox } from '../outbox.js';
import { escapeHtml, splitMessage } from '../text.js';

/** Telegram's limit on message text (after entity parsing; we measure the escaped HTML to be safe). */
export const TELEGRAM_MAX_CHARS = 4096;

/** A message-like object must name its chat: grammY's handlers (ctx.chat.id) rely on it. */
const MessageLike = z.object({ chat: z.object({ id: z.number().int() }).passthrough() }).passthrough();

/** Only what the server needs before queueing (and what grammY's handlers rely on); grammY reads the rest. */
export const TelegramUpdate = z
  .object({
    update_id: z.number().int().nonnegative(),
    message: MessageLike.optional(),
    edited_message: MessageLike.optional(),
    channel_post: MessageLike.optional(),
    edited_channel_post: MessageLike.optional(),
    business_message: MessageLike.optional(),
  })
  .passthrough();

export interface TelegramChannelOptions {
  token: string;
  /** Default: https://api.telegram.org */
  apiRoot?: string;
  conversation: ConversationService;
  logger: Logger;
  /** Skip getMe at start (tests, or a cached value). */
  botInfo?: UserFromGetMe;
  /** auto-retry: give up after this many retries. Default: 3. */
  maxRetryAttempts?: number;
  /** auto-retry: longest retry_after honoured, seconds. Default: 30. */
  maxDelaySeconds?: number;
  /** One Bot API request gives up after this many seconds (grammY's default is 500). Default: 15. */
  timeoutSeconds?: number;
  /** Network errors and timeouts: retries before giving up. Default: 2. */
  maxNetworkRetries?: number;
  /** Pause before a network retry, ms. Default: 1000. */
  networkRetryDelayMs?: number;
  /** Give up getMe at start (or before the first update) after this long, ms. Default: 30 000. */
  initTimeoutMs?: number;
  /**
   * Where answers go: stored, then sent, retried for hours when Telegram fails (src/server/outbox.ts).
   * Default: none — sent directly, an error reaches the error boundary.
   */
  outbox?: ReplyOutbox;
  /** Longest wait for a "typing…" call, ms; it never delays the answer. Default: 3000. */
  typingTimeoutMs?: number;
}

/**
 * Whether a failed Bot API send may succeed later: 429 (with its retry_after), 5xx, 401 (a token
 * being fixed) and network errors or timeouts yes; other 4xx (chat not found, bot blocked,
 * message invalid) no.
 */
export function classifyTelegramError(err: unknown): { retry: false; reason: string } | { retry: true; reason: string; retryAfterMs?: number } {
  if (err instanceof GrammyError) {
    const retryAfter = err.parameters?.retry_after;
    const reason = `${err.error_code} ${err.description}`.slice(0, 200);
    if (err.error_code === 429) return { retry: true, reason, ...(retryAfter ? { retryAfterMs: retryAfter * 1000 } : {}) };
    if (err.error_code >= 500 || err.error_code === 401) return { retry: true, reason };
    return { retry: false, reason };
  }
  if (err instanceof HttpError) return { retry: true, reason: `network: ${err.message}`.replace(/\/bot[^/\s]+/g, '/bot<redacted>').slice(0, 200) };
  return { retry: true, reason: err instanceof Error ? err.message.slice(0, 200) : String(err) };
}

/** Defaults that bound one reply: worst case ≈ (1 + retries) × timeout + pauses, never minutes. */
export const TELEGRAM_CLIENT_DEFAULTS = {
  timeoutSeconds: 15,
  maxNetworkRetries: 2,
  networkRetryDelayMs: 1000,
  maxRetryAttempts: 3,
  maxDelaySeconds: 30,
} as const;

/**
 * Retries network errors and timeouts (grammY HttpError) a bounded number of times. auto-retry
 * would retry them forever, which blocks a worker and shutdown while the Bot API is unreachable.
 */
export function boundedNetworkRetry(options: { retries: number; delayMs: number; logger?: Logger }): Transformer {
  return async (prev, method, payload, signal) => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await prev(method, payload, signal);
      } catch (err) {
        if (!(err instanceof HttpError) || attempt >= options.retries || signal?.aborted) throw err;
        options.logger?.warn({ method, attempt: attempt + 1, err: err.message }, 'telegram network error; retrying');
        await new Promise((resolve) => setTimeout(resolve, options.delayMs));
      }
    }
  };
}

export class TelegramChannel {
  readonly bot: Bot;
  private readonly logger: Logger;

  constructor(private readonly options: TelegramChannelOptions) {
    this.logger = options.logger.child({ channel: 'telegram' });
    const d = TELEGRAM_CLIENT_DEFAULTS;
    this.bot = new Bot(options.token, {
      client: { apiRoot: options.apiRoot ?? 'https://api.telegram.org', timeoutSeconds: options.timeoutSeconds ?? d.timeoutSeconds },
      ...(options.botInfo ? { botInfo: options.botInfo } : {}),
    });
    // 429 waits retry_after and 5xx retry (bounded by auto-retry); network errors and timeouts are
    // rethrown by auto-retry and retried a bounded number of times here; after that the error
    // reaches our error boundary / the caller, which log it.
    this.bot.api.config.use(
      autoRetry({
        maxRetryAttempts: options.maxRetryAttempts ?? d.maxRetryAttempts,
        maxDelaySeconds: options.maxDelaySeconds ?? d.maxDelaySeconds,
        rethrowHttpErrors: true,
      }),
    );
    this.bot.api.config.use(
      boundedNetworkRetry({
        retries: options.maxNetworkRetries ?? d.maxNetworkRetries,
        delayMs: options.networkRetryDelayMs ?? d.networkRetryDelayMs,
        logger: this.logger,
      }),
    );
    this.install();
  }

  /**
   * getMe unless known. grammY's init retries getMe forever; bounded here so start-up and a
   * reply job fail (logged) instead of waiting for an unreachable Bot API.
   */
  async ensureInit(): Promise<void> {
    // grammY types its signal with the abort-controller polyfill; the platform one works at run time.
    if (!this.bot.isInited()) await this.bot.init(AbortSignal.timeout(this.options.initTimeoutMs ?? 30_000) as Parameters<Bot["init"]>[0]);
  }

  /** getMe (unless botInfo was given) and the command menu with Vietnamese descriptions. */
  async init(): Promise<void> {
    await this.ensureInit();
    await this.bot.api.setMyCommands(COMMANDS);
    this.logger.info({ username: this.bot.botInfo.username }, 'telegram bot ready');
  }

  /** Processes one update (queue worker). Never throws: the error boundary answers politely. */
  async handleUpdate(update: Update): Promise<void> {
    try {
      await this.bot.handleUpdate(update);
    } catch (err) {
      // Only reachable when the boundary itself failed (e.g. bot not initialised).
      this.logger.error({ err, updateId: update.update_id }, 'telegram update failed');
    }
  }

  /** Plain text to a chat (reminders). Throws when Telegram refuses after retries. */
  async notify(chatId: string, text: string): Promise<void> {
    await this.sendReply(chatId, { text });
  }

  private install(): void {
    const conversation = this.options.conversation;
    const logFor = (ctx: Context) => this.logger.child({ updateId: ctx.update.update_id });
    // One boundary for webhook and long-polling paths: log with the update id, reply politely.
    const bot = this.bot.errorBoundary(async (err) => {
      const ctx = err.ctx;
      logFor(ctx).error({ err: err.error }, 'telegram update failed');
      const chatId = ctx.chat?.id;
      if (chatId !== undefined) {
        await this.bot.api.sendMessage(chatId, escapeHtml(userMessage('INTERNAL'))).catch((sendErr: unknown) => {
          logFor(ctx).error({ err: sendErr }, 'could not send the error message');
        });
      }
    });

    bot.on('message:text', async (ctx) => {
      const log = logFor(ctx);
      const chatId = String(ctx.chat.id);
      await conversation.handleText(
        {
          chat: { channel: 'telegram', chatId },
          userId: String(ctx.from?.id ?? chatId),
          text: ctx.message.text,
          // Fire and forget, bounded: a hanging typing call never delays the answer.
          typing: async () => {
            void ctx.api
              .sendChatAction(ctx.chat.id, 'typing', undefined, AbortSignal.timeout(this.options.typingTimeoutMs ?? 3000) as never)
              .catch((err: unknown) => log.debug({ err: err instanceof Error ? err.message : String(err) }, 'typing indicator failed'));
          },
        },
        (reply) => this.reply(chatId, reply, String(ctx.update.update_id)),
        log,
      );
    });

    bot.on('callback_query:data', async (ctx) => {
      const log = logFor(ctx);
      const chatId = String(ctx.callbackQuery.message?.chat.id ?? ctx.from.id);
      const toast = await conversation.handleCallback(
        { channel: 'telegram', chatId },
        String(ctx.from.id),
        ctx.callbackQuery.data,
        (reply) => this.reply(chatId, reply, String(ctx.update.update_id)),
        log,
      );
      await ctx.answerCallbackQuery(toast ? { text: toast } : undefined).catch((err: unknown) => log.warn({ err }, 'answerCallbackQuery failed'));
    });

    // Photos, stickers, voice…: a short polite reply.
    bot.on('message', async (ctx) => {
      logFor(ctx).info('unsupported message type');
      await ctx.reply(escapeHtml(userMessage('UNSUPPORTED_MESSAGE')));
    });
  }

  /** An answer to an update: through the outbox when there is one. */
  private reply(chatId: string, reply: Reply, source: string): Promise<void> {
    return this.options.outbox ? this.options.outbox.enqueue('telegram', chatId, reply, source) : this.sendReply(chatId, reply);
  }

  /** Sends now (the outbox's sender); throws the Bot API error. `signal` ends every part and retry at the deadline. */
  deliver(chatId: string, reply: Reply, signal?: AbortSignal): Promise<void> {
    return this.sendReply(chatId, reply, signal);
  }

  private async sendReply(chatId: string, reply: Reply, signal?: AbortSignal): Promise<void> {
    const parts = splitMessage(reply.text, TELEGRAM_MAX_CHARS, (s) => escapeHtml(s).length);
    const keyboard: InlineKeyboardButton[][] | undefined = reply.buttons?.length
      ? reply.buttons.map((row) => row.map((b) => ({ text: b.label.slice(0, 64), callback_data: b.data })))
      : undefined;
    for (const [i, part] of parts.entries()) {
      const last = i === parts.length - 1;
      await this.bot.api.sendMessage(chatId, escapeHtml(part), {
        parse_mode: 'HTML',
        link_preview_options: { is_disabled: true },
        ...(last && keyboard ? { reply_markup: { inline_keyboard: keyboard } } : {}),
      }, signal as Parameters<Bot['api']['sendMessage']>[3]);
    }
  }
}
