/**
 * The reply queue. Webhooks validate, dedupe and store the update in the inbox (SQLite, with its
 * payload) and return 200 at once; the stored, not-yet-done updates ARE the queue. This
 * dispatcher drains them oldest first into a runner (in-process, or a pool of worker threads)
 * with bounded concurrency, and marks each done when handled. Nothing is refused for being busy:
 * the backlog lives on disk, memory holds only the jobs running. A crash loses nothing that was
 * acknowledged: the next start drains what was left. Jobs are plain JSON (channel + update), so a
 * Redis- or PostgreSQL-backed queue can implement the same interface when replicas share work.
 *
 * One chat's updates run one at a time, oldest first (a later one waits in memory, without
 * taking a slot, until the earlier one is answered). Each start is counted in the inbox before
 * the job runs; an update started `maxAttempts` times without finishing took the process down
 * each time, and is set aside at the next start (parked, reported) instead of killing it again.
 */
import type { Logger } from 'pino';
import type { ChannelName, DedupeStore, ParkedItem } from '../storage/stores.js';

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
  /**
   * Starts of one update before it is set aside: a start that never finished means the process
   * died while handling it (a poison update would otherwise kill every restart). Default: 3.
   */
  maxAttempts?: number;
  /** Updates set aside at start-up (report them to admins). */
  onParked?: (items: ParkedItem[]) => void;
}

export const QUEUE_DEFAULTS = { concurrency: 8, maxAttempts: 3 } as const;

/** Chat of a stored update; undefined when the update names none. */
export function chatOfJob(job: ReplyJob): string | undefined {
  const u = job.update as Record<string, any> | null;
  if (!u || typeof u !== 'object') return undefined;
  if (job.channel === 'zalo') return u.message?.chat?.id !== undefined ? String(u.message.chat.id) : undefined;
  const m = u.message ?? u.edited_message ?? u.channel_post ?? u.callback_query?.message;
  const id = m?.chat?.id ?? u.callback_query?.from?.id;
  return id !== undefined ? String(id) : undefined;
}

/** Ordering key: one chat's updates run one at a time, oldest first. */
function lane(job: ReplyJob): string {
  const chat = chatOfJob(job);
  return chat !== undefined ? `${job.channel}:${chat}` : `${job.channel}#${job.key}`;
}

interface Started {
  id: string;
  lane: string;
  job: ReplyJob;
}

const jobId = (channel: string, key: string) => `${channel}\u0000${key}`;

export class InboxQueue implements ReplyQueue {
  private readonly running = new Set<string>();
  /** Running or held jobs (read from the inbox already). */
  private readonly known = new Set<string>();
  /** Lanes (chats) with a job running. */
  private readonly busy = new Set<string>();
  /** Jobs waiting behind an earlier message of their chat, in order. */
  private readonly held = new Map<string, Started[]>();
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
    const max = this.options.maxAttempts ?? QUEUE_DEFAULTS.maxAttempts;
    try {
      const parked = this.options.inbox.parkCrashed(max, this.now(), `the process stopped while handling this update ${max} times; set aside, not retried`);
      if (parked.length > 0) {
        this.options.logger.error({ updates: parked.map((p) => ({ channel: p.channel, updateId: p.key, attempts: p.attempts })) }, 'updates that crashed the process were set aside');
        this.options.onParked?.(parked);
      }
    } catch (err) {
      this.options.logger.error({ err }, 'could not check for updates that crashed the process');
    }
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
      this.options.inbox.advance(items, [], this.now());
    } catch (err) {
      this.options.logger.error({ err, count: items.length }, 'could not mark updates done');
    }
  }

  private pump(): void {
    if (this.closing) {
      this.flushDone();
      return;
    }
    const toStart: Started[] = [];
    let free = this.concurrency - this.running.size;
    // Jobs held behind an earlier message of their chat go first once that one has finished.
    for (const [key, waiting] of this.held) {
      if (free <= 0) break;
      if (this.busy.has(key)) continue;
      const next = waiting.shift()!;
      if (waiting.length === 0) this.held.delete(key);
      this.busy.add(key);
      toStart.push(next);
      free--;
    }
    // Read past what already runs or waits (it is still "not done" in the inbox).
    for (let reads = 0; free > 0 && reads < 4; reads++) {
      const batch = this.options.inbox.pendingAfter(this.cursor, free);
      if (batch.length === 0) {
        // Nothing stored past the cursor and nothing in memory: start over from the beginning
        // next time, so a sequence number reused after old rows were pruned is never skipped.
        if (this.known.size === 0 && toStart.length === 0) this.cursor = 0;
        break;
      }
      for (const item of batch) {
        this.cursor = item.seq;
        const id = jobId(item.channel, item.key);
        if (this.known.has(id)) continue;
        this.known.add(id);
        const job: ReplyJob = { channel: item.channel, key: item.key, update: item.payload };
        const started: Started = { id, lane: lane(job), job };
        if (this.busy.has(started.lane) || this.held.has(started.lane)) {
          // Strict order within a chat: wait for the running one.
          const waiting = this.held.get(started.lane);
          if (waiting) waiting.push(started);
          else this.held.set(started.lane, [started]);
          continue;
        }
        this.busy.add(started.lane);
        toStart.push(started);
        free--;
      }
    }
    // One write for the batch: handled → done, starting → one more attempt (an attempt that
    // never finishes is how a crash shows at the next start).
    const finished = this.finished;
    this.finished = [];
    if (finished.length > 0 || toStart.length > 0) {
      try {
        this.options.inbox.advance(finished, toStart.map((s) => ({ channel: s.job.channel, key: s.job.key })), this.now());
      } catch (err) {
        this.options.logger.error({ err, done: finished.length, started: toStart.length }, 'could not record queue progress');
      }
    }
    for (const s of toStart) {
      this.running.add(s.id);
      void this.run(s);
    }
    this.options.onDepth?.(this.backlog);
    if (this.backlog === 0 && this.running.size === 0) for (const w of this.idleWaiters.splice(0)) w();
  }

  private async run(started: Started): Promise<void> {
    const { id, job } = started;
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
      this.known.delete(id);
      this.busy.delete(started.lane);
      if (this.closing) {
        this.flushDone();
        if (this.running.size === 0) for (const w of this.drainWaiters.splice(0)) w();
      } else {
        this.schedule();
      }
    }
  }
}
