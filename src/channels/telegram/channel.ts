/**
 * Telegram through grammY. The webhook route validates, dedupes and enqueues (fast ack); the
 * queue worker calls `handleUpdate`, which runs grammY's middleware onto the conversation
 * service and renders replies as escaped HTML split at 4096 characters.
 */
import { Bot, type Context } from 'grammy';
import type { InlineKeyboardButton, Update, UserFromGetMe } from 'grammy/types';
import { autoRetry } from '@grammyjs/auto-retry';
import type { Logger } from 'pino';
import { z } from 'zod';
import { userMessage } from '../../errors.js';
import { COMMANDS, type ConversationService, type Reply } from '../conversation.js';
import { escapeHtml, splitMessage } from '../text.js';

/** Telegram's limit on message text (after entity parsing; we measure the escaped HTML to be safe). */
export const TELEGRAM_MAX_CHARS = 4096;

/** Only what the server needs before queueing; grammY reads the rest. */
export const TelegramUpdate = z.object({ update_id: z.number().int().nonnegative() }).passthrough();

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
}

export class TelegramChannel {
  readonly bot: Bot;
  private readonly logger: Logger;

  constructor(private readonly options: TelegramChannelOptions) {
    this.logger = options.logger.child({ channel: 'telegram' });
    this.bot = new Bot(options.token, {
      client: { apiRoot: options.apiRoot ?? 'https://api.telegram.org' },
      ...(options.botInfo ? { botInfo: options.botInfo } : {}),
    });
    // 429 waits retry_after, 5xx and network errors retry; other errors reach our error boundary.
    this.bot.api.config.use(
      autoRetry({ maxRetryAttempts: options.maxRetryAttempts ?? 3, maxDelaySeconds: options.maxDelaySeconds ?? 30 }),
    );
    this.install();
  }

  /** getMe (unless botInfo was given) and the command menu with Vietnamese descriptions. */
  async init(): Promise<void> {
    await this.bot.init();
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
          typing: async () => {
            await ctx.api.sendChatAction(ctx.chat.id, 'typing');
          },
        },
        (reply) => this.sendReply(chatId, reply),
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
        (reply) => this.sendReply(chatId, reply),
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

  private async sendReply(chatId: string, reply: Reply): Promise<void> {
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
      });
    }
  }
}
