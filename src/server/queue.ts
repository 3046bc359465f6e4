/**
 * The reply queue: webhooks enqueue and return 200 at once; workers compute answers and send
 * replies. Jobs are plain JSON (channel + update) so a Redis-backed queue (BullMQ) can implement
 * the same interface when replicas share the work.
 */
import type { Logger } from 'pino';
import type { ChannelName } from '../storage/stores.js';

export interface ReplyJob {
  channel: ChannelName;
  /** Dedupe key of the update (Telegram update_id, Zalo message id). */
  key: string;
  /** The validated platform update, as received. */
  update: unknown;
}

export type JobHandler = (job: ReplyJob) => Promise<void>;

export interface ReplyQueue {
  /** False when the queue is full or closing (the webhook then answers 503 so the platform retries). */
  enqueue(job: ReplyJob): boolean;
  depth(): number;
  /** Stop accepting jobs and wait for queued and running ones to finish. */
  drain(): Promise<void>;
}

export interface InProcessQueueOptions {
  handler: JobHandler;
  logger: Logger;
  /** Jobs waiting (not running). Default: 1000. */
  maxSize?: number;
  /** Jobs running at once. Default: 4. */
  concurrency?: number;
  /** Called whenever depth changes (metrics gauge). */
  onDepth?: (depth: number) => void;
}

export const QUEUE_DEFAULTS = { maxSize: 1000, concurrency: 4 } as const;

export class InProcessQueue implements ReplyQueue {
  private readonly waiting: ReplyJob[] = [];
  private running = 0;
  private closing = false;
  private idleWaiters: Array<() => void> = [];
  private readonly maxSize: number;
  private readonly concurrency: number;

  constructor(private readonly options: InProcessQueueOptions) {
    this.maxSize = options.maxSize ?? QUEUE_DEFAULTS.maxSize;
    this.concurrency = options.concurrency ?? QUEUE_DEFAULTS.concurrency;
  }

  enqueue(job: ReplyJob): boolean {
    if (this.closing || this.waiting.length >= this.maxSize) return false;
    this.waiting.push(job);
    this.changed();
    this.pump();
    return true;
  }

  depth(): number {
    return this.waiting.length + this.running;
  }

  async drain(): Promise<void> {
    this.closing = true;
    if (this.depth() === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  /** Resolves when nothing is queued or running (tests wait on it instead of sleeping). */
  async idle(): Promise<void> {
    if (this.depth() === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    while (this.running < this.concurrency && this.waiting.length > 0) {
      const job = this.waiting.shift()!;
      this.running += 1;
      void this.run(job);
    }
  }

  private async run(job: ReplyJob): Promise<void> {
    try {
      await this.options.handler(job);
    } catch (err) {
      // Handlers reply politely themselves; reaching here is a bug, never a reason to stop the worker.
      this.options.logger.error({ err, channel: job.channel, updateId: job.key }, 'reply job failed');
    } finally {
      this.running -= 1;
      this.changed();
      this.pump();
      if (this.depth() === 0) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const w of waiters) w();
      }
    }
  }

  private changed(): void {
    this.options.onDepth?.(this.depth());
  }
}
