/**
 * Zalo Bot: webhook payloads (wrapped in `{ ok, result }` or at top level) → conversation
 * service → plain-text replies split at 2000 characters. Choices are shown as a numbered list
 * the user answers with the number (Zalo Bot messages have no buttons).
 */
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { z } from 'zod';
import { userMessage } from '../../errors.js';
import type { ConversationService, Reply } from '../conversation.js';
import type { ReplyOutbox } from '../outbox.js';
import { splitMessage } from '../text.js';
import { ZALO_MAX_CHARS, type ZaloClient } from './client.js';

const Id = z.union([z.string().min(1), z.number()]).transform(String);

export const ZaloEvent = z
  .object({
    event_name: z.string().min(1),
    message: z
      .object({
        from: z.object({ id: Id, display_name: z.string().optional(), is_bot: z.boolean().optional() }).passthrough(),
        chat: z.object({ id: Id, chat_type: z.string().optional() }).passthrough(),
        text: z.string().optional(),
        message_id: Id.optional(),
        /** Milliseconds since epoch. */
        date: z.number().optional(),
      })
      .passthrough(),
  })
  .passthrough();
export type ZaloEvent = z.infer<typeof ZaloEvent>;

const ZaloWrapped = z.object({ ok: z.boolean().optional(), result: ZaloEvent }).transform((w) => w.result);
const ZaloEither = z.union([ZaloWrapped, ZaloEvent]);

/**
 * Zalo documents both shapes; accept either (the wrapped one first). The shape is picked by the
 * `result` key before parsing: a union tried in order built the failed branch's issues (and
 * their messages) for every bare event, on the webhook thread. Anything that does not parse
 * that way goes through the whole union, so what is accepted and the error reported are as before.
 */
export const ZaloWebhookBody: z.ZodType<ZaloEvent, z.ZodTypeDef, unknown> = z.unknown().transform((value, ctx): ZaloEvent => {
  const likely = value !== null && typeof value === 'object' && 'result' in value ? ZaloWrapped : ZaloEvent;
  const quick = likely.safeParse(value);
  if (quick.success) return quick.data;
  const full = ZaloEither.safeParse(value);
  if (full.success) return full.data;
  for (const issue of full.error.issues) ctx.addIssue(issue);
  return z.NEVER;
});

/** message_id, or a hash of chat + date + text when Zalo leaves it out. */
export function zaloDedupeKey(event: ZaloEvent): string {
  const m = event.message;
  if (m.message_id) return m.message_id;
  return createHash('sha256').update(`${m.chat.id}\u0000${m.date ?? ''}\u0000${m.text ?? ''}\u0000${event.event_name}`).digest('hex').slice(0, 32);
}

export interface ZaloChannelOptions {
  client: ZaloClient;
  conversation: ConversationService;
  logger: Logger;
  /** Where answers go (stored, sent, retried for hours). Default: none — sent directly. */
  outbox?: ReplyOutbox;
}

export class ZaloChannel {
  private readonly logger: Logger;

  constructor(private readonly options: ZaloChannelOptions) {
    this.logger = options.logger.child({ channel: 'zalo' });
  }

  /** Processes one event (queue worker / getUpdates loop). Never throws. */
  async handleEvent(event: ZaloEvent, updateId: string): Promise<void> {
    const log = this.logger.child({ updateId });
    const chatId = event.message.chat.id;
    const send = (reply: Reply) => (this.options.outbox ? this.options.outbox.enqueue('zalo', chatId, reply, updateId) : this.sendReply(chatId, reply));
    try {
      if (event.message.from.is_bot) return;
      if (event.event_name === 'message.text.received' && event.message.text !== undefined) {
        await this.options.conversation.handleText(
          {
            chat: { channel: 'zalo', chatId },
            userId: event.message.from.id,
            text: event.message.text,
            // Fire and forget (the client bounds it at 3 s, no retries): never delays the answer.
            typing: async () => {
              void this.options.client.sendChatAction(chatId).catch((err: unknown) => log.debug({ err: err instanceof Error ? err.message : String(err) }, 'typing indicator failed'));
            },
          },
          send,
          log,
        );
      } else if (event.event_name.startsWith('message.')) {
        log.info({ event: event.event_name }, 'unsupported message type');
        await send({ text: userMessage('UNSUPPORTED_MESSAGE') });
      } else {
        log.info({ event: event.event_name }, 'event ignored');
      }
    } catch (err) {
      log.error({ err }, 'zalo event failed');
      await this.options.client.sendMessage(chatId, userMessage('INTERNAL')).catch((sendErr: unknown) => {
        log.error({ err: sendErr }, 'could not send the error message');
      });
    }
  }

  /** Plain text to a chat (reminders). Throws when Zalo refuses after retries. */
  async notify(chatId: string, text: string): Promise<void> {
    await this.sendReply(chatId, { text });
  }

  /** Sends now (the outbox's sender); throws ZaloApiError. `signal` ends every part and retry at the deadline. */
  deliver(chatId: string, reply: Reply, signal?: AbortSignal): Promise<void> {
    return this.sendReply(chatId, reply, signal);
  }

  private async sendReply(chatId: string, reply: Reply, signal?: AbortSignal): Promise<void> {
    await sendPlain(this.options.client, chatId, renderPlain(reply), signal);
  }
}

/** Choice buttons become "1. …" lines; feedback buttons are dropped (no buttons on Zalo). */
export function renderPlain(reply: Reply): string {
  const choices = (reply.buttons ?? []).flat().filter((b) => b.kind === 'choice');
  if (choices.length === 0) return reply.text;
  return [reply.text, '', ...choices.map((b, i) => `${i + 1}. ${b.label}`), '', 'Trả lời bằng số thứ tự để chọn.'].join('\n');
}

export async function sendPlain(client: ZaloClient, chatId: string, text: string, signal?: AbortSignal): Promise<void> {
  for (const part of splitMessage(text, ZALO_MAX_CHARS)) await client.sendMessage(chatId, part, signal);
}
