/** The port channels deliver answers through (implemented by src/server/outbox.ts). */
import type { Reply } from './conversation.js';

export interface ReplyOutbox {
  /** Stores the reply, then sends it (or leaves it for a retry); throws only when it cannot be stored. */
  enqueue(channel: 'telegram' | 'zalo', chatId: string, reply: Reply, source?: string): Promise<void>;
}
