/**
 * Answering worker threads, seen from the HTTP process. Jobs of one chat always go to the same
 * worker (per-chat rate limit and conversation order stay consistent); a /reindex done in one
 * worker makes the others (and the HTTP process, through `onReindexed`) reload the new index.
 * A worker that dies fails its running jobs (logged; marked done, as handlers never re-answer)
 * and is replaced.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import type { UserFromGetMe } from 'grammy/types';
import type { AnswerContext } from '../domain/answer.js';
import type { AskResult } from '../channels/conversation.js';
import type { Config } from '../config.js';
import type { ChatKey } from '../storage/stores.js';
import type { OutboxTuning, TelegramClientBounds } from './channels.js';
import { chatOfJob, type ReplyJob } from './queue.js';

export interface WorkerInit {
  config: Config;
  index: number;
  /** Nice value of the answering thread (Linux: per thread). Default: 10. */
  nice?: number;
  telegramBotInfo?: UserFromGetMe;
  telegramRetry?: TelegramClientBounds;
  /** Zalo client numbers (timeouts, retries); functions cannot cross threads. */
  zaloClient?: { maxRetries?: number; backoffMs?: number; maxDelayMs?: number; timeoutMs?: number };
  /** Delivery retry tuning (numbers only). */
  outbox?: OutboxTuning;
}

export type ToWorker =
  | { type: 'job'; id: number; job: ReplyJob }
  | { type: 'ask'; id: number; chat: ChatKey; question: string; overrides: Partial<AnswerContext> }
  | { type: 'reload' }
  | { type: 'metrics'; id: number }
  | { type: 'assistant'; id: number; method: AssistantCall; args: unknown[] }
  | { type: 'close' };

/** What the HTTP process asks a worker's assistant when it holds no index of its own. */
export type AssistantCall = 'answer' | 'documentView' | 'reindex' | 'provinces';

type FromWorker =
  | { type: 'ready' }
  | { type: 'failed'; message: string }
  | { type: 'done'; id: number; error?: string }
  | { type: 'asked'; id: number; result?: AskResult; error?: string }
  | { type: 'metrics'; id: number; data: MetricObjectWithValues<MetricValue<string>>[] }
  | { type: 'assisted'; id: number; value?: unknown; error?: string }
  | { type: 'reindexed' }
  | { type: 'closed' };

export interface WorkerPoolOptions {
  size: number;
  init: Omit<WorkerInit, 'index'>;
  logger: Logger;
  /** A worker finished /reindex: reload the HTTP process's own assistant. */
  onReindexed?: () => Promise<void>;
}

interface Slot {
  worker: Worker;
  ready: Promise<void>;
  pending: Map<number, { resolve: (value: any) => void; reject: (err: Error) => void }>;
}

/**
 * Worker threads do not get tsx's loader from --import (Node 20 loads the entry first), so the
 * thread starts from a tiny CommonJS script that registers tsx, then imports the TypeScript entry.
 */
function workerBootstrap(entry: URL): string {
  // require.resolve gives the CommonJS build (index.cjs); the ESM one sits beside it.
  const tsxApi = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  return `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`;
}

/** Chat of a stored update, for sharding; undefined spreads by key. */
export { chatOfJob };

function shard(text: string, size: number): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return (h >>> 0) % size;
}

export class WorkerPool {
  private readonly slots: Slot[] = [];
  private nextId = 1;
  private closing = false;

  constructor(private readonly options: WorkerPoolOptions) {}

  get size(): number {
    return this.options.size;
  }

  /** Spawns the workers and waits until each has loaded the index. */
  async start(botInfo?: UserFromGetMe): Promise<void> {
    // The HTTP process already asked getMe: workers need not ask again.
    if (botInfo) this.options.init.telegramBotInfo = botInfo;
    for (let i = 0; i < this.options.size; i++) this.slots.push(this.spawn(i));
    await Promise.all(this.slots.map((s) => s.ready));
    this.options.logger.info({ workers: this.options.size }, 'answering workers ready');
  }

  run(job: ReplyJob): Promise<void> {
    const chat = chatOfJob(job);
    const slot = this.slots[shard(`${job.channel}:${chat ?? job.key}`, this.slots.length)]!;
    return this.call<void>(slot, (id) => ({ type: 'job', id, job }));
  }

  ask(chat: ChatKey, question: string, overrides: Partial<AnswerContext>): Promise<AskResult> {
    const slot = this.slots[shard(`${chat.channel}:${chat.chatId}`, this.slots.length)]!;
    return this.call<AskResult>(slot, (id) => ({ type: 'ask', id, chat, question, overrides }));
  }

  /** Every worker's metrics (answers, refusals, latency), for aggregation with the HTTP process's. */
  async metrics(): Promise<Array<MetricObjectWithValues<MetricValue<string>>[]>> {
    return Promise.all(this.slots.map((s) => this.call<MetricObjectWithValues<MetricValue<string>>[]>(s, (id) => ({ type: 'metrics', id }))));
  }

  /**
   * One call to a worker's assistant (the HTTP process keeps no search index when workers answer).
   * `key` picks the worker (a question's chat, a document id) so calls spread over the pool.
   */
  assistant<T>(method: AssistantCall, args: unknown[], key = ''): Promise<T> {
    const slot = this.slots[shard(`${method}:${key}`, this.slots.length)];
    if (!slot) return Promise.reject(new Error('answering workers are not started'));
    return this.call<T>(slot, (id) => ({ type: 'assistant', id, method, args }));
  }

  /** Every worker reloads the live index (a version another replica published, already swapped in). */
  reloadAll(): void {
    for (const slot of this.slots) slot.worker.postMessage({ type: 'reload' } satisfies ToWorker);
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(
      this.slots.map(async (slot) => {
        const exited = new Promise<void>((resolve) => slot.worker.once('exit', () => resolve()));
        slot.worker.postMessage({ type: 'close' } satisfies ToWorker);
        const timer = setTimeout(() => void slot.worker.terminate(), 5000);
        await exited;
        clearTimeout(timer);
      }),
    );
  }

  private call<T>(slot: Slot, message: (id: number) => ToWorker): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      slot.worker.postMessage(message(id));
    });
  }

  private spawn(index: number): Slot {
    const worker = new Worker(workerBootstrap(new URL('./worker.ts', import.meta.url)), {
      eval: true,
      workerData: { ...this.options.init, index } satisfies WorkerInit,
      execArgv: [],
    });
    let markReady!: () => void;
    let markFailed!: (err: Error) => void;
    const ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      markFailed = reject;
    });
    ready.catch(() => undefined); // start() awaits it; a replacement's failure is logged below
    const slot: Slot = { worker, ready, pending: new Map() };
    worker.on('message', (message: FromWorker) => {
      switch (message.type) {
        case 'ready':
          return markReady();
        case 'failed':
          return markFailed(new Error(`answering worker ${index} failed to start: ${message.message}`));
        case 'done':
        case 'asked':
        case 'assisted':
        case 'metrics': {
          const waiter = slot.pending.get(message.id);
          slot.pending.delete(message.id);
          if (!waiter) return;
          if ('error' in message && message.error !== undefined) return waiter.reject(new Error(message.error));
          return waiter.resolve(message.type === 'asked' ? message.result : message.type === 'metrics' ? message.data : message.type === 'assisted' ? message.value : undefined);
        }
        case 'reindexed':
          for (const other of this.slots) if (other !== slot) other.worker.postMessage({ type: 'reload' } satisfies ToWorker);
          void this.options.onReindexed?.().catch((err: unknown) => this.options.logger.error({ err }, 'reload after reindex failed'));
          return;
        case 'closed':
          return;
      }
    });
    worker.on('error', (err) => {
      this.options.logger.error({ err, worker: index }, 'answering worker crashed');
      markFailed(err);
    });
    worker.on('exit', (code) => {
      const lost = [...slot.pending.values()];
      slot.pending.clear();
      for (const w of lost) w.reject(new Error(`answering worker ${index} exited (${code})`));
      if (this.closing) return;
      this.options.logger.error({ worker: index, code, jobs: lost.length }, 'answering worker exited; starting a new one');
      const at = this.slots.indexOf(slot);
      if (at >= 0) this.slots[at] = this.spawn(index);
    });
    return slot;
  }
}
