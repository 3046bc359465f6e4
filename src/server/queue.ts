/**
 * The reply queue. Webhooks validate, dedupe and store the update in the inbox (SQLite, with its
 * payload) and return 200 at once; the stored, not-yet-done updates ARE the queue. This
 * dispatcher drains them oldest first into a runner (in-process, or a pool of worker threads)
 * with bounded concurrency, and marks each done when handled. Nothing is refused for being busy:
 * the backlog lives on disk, memory holds only the jobs running. A crash loses nothing that was
 * acknowledged: the next start drains what was left. Jobs are plain JSON (channel + update), so a
 * Redis- or PostgreSQL-backed queue can implement the same interface when replicas share work.
 */
import type { Logger } from 'pino';
import type { ChannelName, DedupeStore } from '../storage/stores.js';

export interface ReplyJob {
  channel: ChannelName;
  /** Dedupe key of the update (Telegram update_id, Zalo message id). */
  key: string;
  /** The validated platform update, as received. */
  update: unknown;
}

export type JobHandler = (job: ReplyJob) => Promise<void>;

export interface ReplyQueue {
  /** A new update was stored in the backlog: start it when a slot is free. */
  notify(): void;
  /** Updates stored and not answered yet (waiting + running). */
  depth(): number;
  /** Resolves when the backlog is empty and nothing runs (tests wait on it instead of sleeping). */
  idle(): Promise<void>;
  /** Stop starting jobs and wait for the running ones; the rest stays stored for the next start. */
  drain(): Promise<void>;
}

export interface InboxQueueOptions {
  inbox: DedupeStore;
  handler: JobHandler;
  logger: Logger;
  /** Jobs running at once. Default: 8. */
  concurrency?: number;
  now?: () => Date;
  /** Called whenever depth may have changed (metrics gauge). */
  onDepth?: (depth: number) => void;
}

export const QUEUE_DEFAULTS = { concurrency: 8 } as const;

const jobId = (channel: string, key: string) => `${channel}\u0000${key}`;

export class InboxQueue implements ReplyQueue {
  private readonly running = new Set<string>();
  private closing = false;
  private scheduled = false;
  private idleWaiters: Array<() => void> = [];
  private drainWaiters: Array<() => void> = [];
  private readonly concurrency: number;
  private readonly now: () => Date;
  /** Stored and not done (running included); counted here so depth costs no query per job. */
  private backlog = 0;
  /** Sequence number of the newest stored update already started. */
  private cursor = 0;
  /** Handled, to be marked done in the inbox at the next pump (one transaction for all). */
  private finished: Array<{ channel: ChannelName; key: string }> = [];

  constructor(private readonly options: InboxQueueOptions) {
    this.concurrency = options.concurrency ?? QUEUE_DEFAULTS.concurrency;
    this.now = options.now ?? (() => new Date());
  }

  /** Begin draining what is stored (updates left by a previous run included). */
  start(): void {
    this.backlog = this.options.inbox.pendingCount();
    this.schedule();
  }

  /** One new update was stored (webhook accepted it). */
  notify(): void {
    this.backlog += 1;
    this.schedule();
  }

  depth(): number {
    return this.backlog;
  }

  async idle(): Promise<void> {
    if (this.running.size === 0 && this.backlog === 0) return;
    const done = new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    this.schedule();
    await done;
  }

  async drain(): Promise<void> {
    this.closing = true;
    this.flushDone();
    if (this.running.size === 0) return;
    await new Promise<void>((resolve) => this.drainWaiters.push(resolve));
  }

  private schedule(): void {
    // Coalesced: a burst of webhooks costs one backlog read, after the responses are written.
    if (this.scheduled || this.closing) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  /**
   * Marks the handled updates done, in one transaction: a commit per answer on the webhook
   * thread made acknowledgements wait for it. Until then the update is still "not done" in the
   * inbox (a crash in between answers it again, as a crash between handling and marking did).
   */
  private flushDone(): void {
    if (this.finished.length === 0) return;
    const items = this.finished;
    this.finished = [];
    try {
      this.options.inbox.doneAll(items, this.now());
    } catch (err) {
      this.options.logger.error({ err, count: items.length }, 'could not mark updates done');
    }
  }

  private pump(): void {
    this.flushDone();
    if (this.closing) return;
    const free = this.concurrency - this.running.size;
    if (free > 0) {
      // Read past what already runs (it is still "not done" in the inbox).
      const batch = this.options.inbox.pendingAfter(this.cursor, free);
      for (const item of batch) {
        this.cursor = item.seq;
        const id = jobId(item.channel, item.key);
        if (this.running.has(id)) continue;
        this.running.add(id);
        void this.run(id, { channel: item.channel, key: item.key, update: item.payload });
      }
      // Nothing stored and nothing running: start over from the beginning next time, so a
      // sequence number reused after old rows were pruned is never skipped.
      if (batch.length === 0 && this.running.size === 0) this.cursor = 0;
    }
    this.options.onDepth?.(this.backlog);
    if (this.backlog === 0 && this.running.size === 0) for (const w of this.idleWaiters.splice(0)) w();
  }

  private async run(id: string, job: ReplyJob): Promise<void> {
    try {
      await this.options.handler(job);
    } catch (err) {
      // Handlers reply politely themselves; reaching here is a bug or a dead worker.
      this.options.logger.error({ err, channel: job.channel, updateId: job.key }, 'reply job failed');
    } finally {
      // Done even on failure: the handler already answered politely; re-answering is worse.
      this.finished.push({ channel: job.channel, key: job.key });
      this.backlog = Math.max(0, this.backlog - 1);
      this.running.delete(id);
      if (this.closing) {
        this.flushDone();
        if (this.running.size === 0) for (const w of this.drainWaiters.splice(0)) w();
      } else {
        this.schedule();
      }
    }
  }
}
