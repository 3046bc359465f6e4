/**
 * Mutable state of the bot server behind small interfaces, so a PostgreSQL implementation can
 * replace the embedded SQLite one when several replicas share the work (see DESIGN.md).
 */
import { z } from 'zod';
import { AnswerContext, Citation } from '../domain/answer.js';

export const ChannelName = z.enum(['telegram', 'zalo', 'web']);
export type ChannelName = z.infer<typeof ChannelName>;

export interface ChatKey {
  channel: ChannelName;
  chatId: string;
}

export interface Profile extends ChatKey {
  agencyId?: string;
  province?: string;
  reminders: boolean;
}

/** One option the user was asked to choose from (agency for /donvi, or a follow-up query). */
export const PendingOption = z.object({ label: z.string(), value: z.string(), province: z.string().optional() });
export type PendingOption = z.infer<typeof PendingOption>;

/** What a chat carries between turns; persisted as JSON so a restart keeps follow-ups working. */
export const ConversationState = AnswerContext.pick({
  previousQuestion: true,
  subjectQuestion: true,
  previousAnswer: true,
  previousIntent: true,
  taskIds: true,
  docIds: true,
}).extend({
  /** Citations of the last answer, for /nguon. */
  citations: z.array(Citation).default([]),
  pending: z
    .object({ kind: z.enum(['agency', 'query']), options: z.array(PendingOption) })
    .optional(),
});
export type ConversationState = z.infer<typeof ConversationState>;

export interface ProfileStore {
  get(key: ChatKey): Profile | undefined;
  /** Creates the profile when missing; only the given fields change. */
  update(key: ChatKey, patch: Partial<Omit<Profile, 'channel' | 'chatId'>>): Profile;
  /** Profiles with reminders on and an agency set. */
  subscribers(): Profile[];
}

export interface ConversationStore {
  get(key: ChatKey): ConversationState;
  set(key: ChatKey, state: ConversationState): void;
}

export interface QuestionRecord extends ChatKey {
  question: string;
  answer: string;
  intent: string;
  refused: boolean;
  reason?: string;
  latencyMs: number;
  askedAt: Date;
}

export interface QuestionStats {
  perDay: Array<{ day: string; questions: number; refused: number }>;
  total: number;
  refused: number;
  /** Most frequent refused questions (normalized text), most frequent first. */
  topUnanswered: Array<{ question: string; count: number }>;
  feedback: { up: number; down: number };
}

export interface QuestionLog {
  /** Returns the id used by feedback buttons. */
  record(entry: QuestionRecord): number;
  get(id: number): (QuestionRecord & { id: number }) | undefined;
  /** Days are local days in `timezone` (default: Asia/Ho_Chi_Minh). */
  stats(options: { since: Date; top?: number; timezone?: string }): QuestionStats;
}

export interface FeedbackStore {
  /** One vote per chat and question; a second press changes the vote. Returns false for unknown ids. */
  record(entry: ChatKey & { questionId: number; rating: 1 | -1; at: Date }): boolean;
}

export type ReminderThreshold = '7' | '3' | '1' | 'overdue';

export interface ReminderEntry extends ChatKey {
  taskId: string;
  /** Due date of this occurrence, so a recurring deadline's next occurrence is a new entry. */
  due: string;
  threshold: ReminderThreshold;
}

export interface ReminderLedger {
  /**
   * Atomically claims the entries not claimed before and returns them (status "sending").
   * A claimed entry is never returned again, so a crash after claiming means at-most-once.
   */
  claim(entries: ReminderEntry[], at: Date): ReminderEntry[];
  markSent(entries: ReminderEntry[]): void;
  /** The send failed for sure (API error): release so the next run retries. */
  release(entries: ReminderEntry[]): void;
  /** Key/value memory of the scheduler (last run day). */
  getMeta(key: string): string | undefined;
  setMeta(key: string, value: string): void;
}

export interface InboxItem {
  channel: ChannelName;
  key: string;
  payload: unknown;
}

export interface ParkedItem extends InboxItem {
  attempts: number;
  parkedAt: Date;
  error: string;
}

/**
 * Dedupe keys double as a durable inbox: an update is stored with its payload when first seen
 * and marked done once handled, so a platform's redelivery is dropped and a crash before the
 * reply is recovered at the next start.
 */
export interface DedupeStore {
  /** False when the key was seen before (duplicate delivery). */
  claim(item: InboxItem, at: Date): boolean;
  /**
   * `claim` for several updates in one transaction (one commit for all: the webhook thread's
   * group commit). Same order as `items`; a key repeated within the call is a duplicate too.
   * All or nothing: throws without keeping any of them.
   */
  claimAll(items: readonly InboxItem[], at: Date): boolean[];
  /** Forget a claim (the update could not be kept, so the platform's retry must be accepted). */
  unclaim(channel: ChannelName, key: string): void;
  done(channel: ChannelName, key: string, at: Date): void;
  /** `done` for several updates in one transaction. */
  doneAll(items: ReadonlyArray<{ channel: ChannelName; key: string }>, at: Date): void;
  /**
   * Claimed but not marked done yet, oldest first: the durable backlog the reply workers drain
   * (and, after a crash, what was acknowledged but never answered). `limit` bounds the batch.
   */
  pending(limit?: number): InboxItem[];
  /**
   * Like `pending`, only items stored after the one with sequence number `after` (0 = from the
   * start), each with its sequence number: the queue reads past the jobs it already runs.
   */
  pendingAfter(after: number, limit: number): Array<InboxItem & { seq: number }>;
  /** How many updates wait in the backlog (claimed, not done). */
  pendingCount(): number;
  /**
   * Marks `done` handled and counts one more attempt for each of `started`, in one transaction
   * (the dispatcher's one write per batch). An attempt never finished means the process died.
   */
  advance(done: ReadonlyArray<{ channel: ChannelName; key: string }>, started: ReadonlyArray<{ channel: ChannelName; key: string }>, at: Date): void;
  /**
   * Sets aside, with `error`, every update not done that was started `maxAttempts` times or more
   * (it took the process down each time): it is never started again. Returns what was parked.
   */
  parkCrashed(maxAttempts: number, at: Date, error: string): ParkedItem[];
  /** Parked updates, newest first. */
  parked(limit?: number): ParkedItem[];
  /** Drop keys older than the given date. */
  prune(before: Date): number;
}

/** A reply stored for delivery (src/server/outbox.ts). */
export interface OutboxItem {
  id: number;
  channel: ChannelName;
  chatId: string;
  /** Inbox key of the update this answers; undefined for messages not answering one. */
  source?: string;
  /** The reply as given to the channel ({ text, buttons }). */
  reply: unknown;
  /** Send attempts started (this one included). */
  attempts: number;
  createdAt: Date;
}

/**
 * Replies stored before they are sent, sent oldest first per chat, retried until sent or given
 * up, so an acknowledged update's answer survives a platform outage and a restart.
 */
export interface OutboxStore {
  /**
   * Stores a reply. When no earlier reply of the chat is still unsent it is claimed at once
   * (status "sending" until `leaseUntil`) and `claimed` is true: the caller sends it now.
   */
  add(item: { channel: ChannelName; chatId: string; source?: string; reply: unknown }, at: Date, leaseUntil: Date): { id: number; claimed: boolean };
  /**
   * Claims replies due by `at` — waiting ones whose retry time has come, and "sending" ones whose
   * lease ran out (the process sending them died) — each the oldest unsent of its chat.
   */
  claimDue(at: Date, leaseUntil: Date, limit: number): OutboxItem[];
  sent(id: number, at: Date): void;
  /** Back to waiting, to be tried again at `nextAt`. */
  retry(id: number, nextAt: Date, error: string): void;
  /** Given up (refused for good, or past the delivery bound). */
  failed(id: number, at: Date, error: string): void;
  /** Whether replies to this update were stored already (a restart must not answer it again). */
  hasReplies(channel: ChannelName, source: string): boolean;
  /** Replies not sent yet (waiting or being sent). */
  pendingCount(): number;
  /** Earliest retry time among waiting replies. */
  nextDue(): Date | undefined;
  /** Drop sent/failed replies older than the given date. */
  prune(before: Date): number;
}

export interface Stores {
  profiles: ProfileStore;
  conversations: ConversationStore;
  questions: QuestionLog;
  feedback: FeedbackStore;
  reminders: ReminderLedger;
  dedupe: DedupeStore;
  outbox: OutboxStore;
  close(): void;
}
