/**
 * Delivery of replies. A reply is stored in the outbox before it is sent and marked sent after
 * the platform confirmed it; one that could not be sent (429, 5xx, connection refused, timeout)
 * waits and is tried again — honouring retry_after, else with doubling backoff — by the pump
 * that runs in the HTTP process, across restarts, for up to DELIVERY_MAX_HOURS (default 6 h).
 * Only past that bound is the reply given up and an apology sent (a few quick tries). A refusal that retrying
 * cannot fix (400/403: chat gone, bot blocked) is given up at once, logged.
 *
 * One chat's replies go out in the order they were stored: a reply waits while an earlier one of
 * its chat is unsent.
 *
 * Exactly once where the platform lets us know: a confirmed send is recorded and never repeated,
 * and an update whose replies were stored is not answered again after a crash. The one case
 * that can duplicate: the request reached the platform but no answer came back (client timeout,
 * connection cut after sending) — unknown whether it was accepted. We retry then (at least once):
 * a lost answer leaves a user waiting with nothing, a repeated one costs a glance.
 */
import type { Logger } from 'pino';
import type { ChannelName, OutboxItem, OutboxStore } from '../storage/stores.js';
import type { Reply } from '../channels/conversation.js';

export type DeliveryVerdict = { retry: false; reason: string } | { retry: true; reason: string; retryAfterMs?: number };

export interface ReplySender {
  /** Sends; `signal` aborts the whole send (every part and every retry inside the client) at the deadline. */
  send(chatId: string, reply: Reply, signal?: AbortSignal): Promise<void>;
  /** Whether a failed send may succeed later, and after how long the platform asked us to wait. */
  classify(err: unknown): DeliveryVerdict;
}

export interface OutboxOptions {
  store: OutboxStore;
  senders: Partial<Record<ChannelName, ReplySender>>;
  logger: Logger;
  now?: () => Date;
  /** How long an undelivered reply is retried, ms. Default: 6 h. */
  maxAgeMs?: number;
  /** First retry delay (doubled each time, up to maxDelayMs). Default: 5 s. */
  baseDelayMs?: number;
  /** Longest backoff between retries (retry_after is honoured whatever it says). Default: 5 min. */
  maxDelayMs?: number;
  /**
   * Hard bound on one send (all its parts and the client's own retries), enforced by an abort
   * signal; past it the send fails and is retried with backoff like any transient fault.
   * Default: 60 s; src/server/channels.ts derives it from the clients' bounds (deliveryBoundMs).
   */
  sendDeadlineMs?: number;
  /**
   * How long a send in progress owns its reply before a pump (of any replica) may take it over:
   * the send deadline plus the store write after it, so a live sender is never overtaken and a
   * dead replica's claimed reply waits about a deadline, not minutes. Default: sendDeadlineMs + 10 s.
   */
  leaseMs?: number;
  /** Pump period when idle, ms. Default: 1000. */
  pollMs?: number;
}

export const OUTBOX_DEFAULTS = { maxAgeMs: 6 * 3_600_000, baseDelayMs: 5_000, maxDelayMs: 300_000, sendDeadlineMs: 60_000, pollMs: 1_000 } as const;

/** Time a lease keeps past the send deadline: recording the outcome (one store write). */
export const LEASE_MARGIN_MS = 10_000;

const APOLOGY_ATTEMPTS = 3;

/** Sent once, best effort, when a reply could not be delivered within the bound. */
export const DELIVERY_APOLOGY = 'Xin lỗi, câu trả lời cho tin nhắn trước của bạn không gửi được do lỗi kết nối kéo dài. Vui lòng hỏi lại.';

export class Outbox {
  private readonly o: Required<Omit<OutboxOptions, 'store' | 'senders' | 'logger' | 'now'>>;
  private readonly now: () => Date;
  private timer: NodeJS.Timeout | undefined;
  private pumping: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: OutboxOptions) {
    const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
    const merged: typeof OUTBOX_DEFAULTS & { leaseMs?: number } = { ...OUTBOX_DEFAULTS, ...defined };
    this.o = { ...merged, leaseMs: merged.leaseMs ?? merged.sendDeadlineMs + LEASE_MARGIN_MS } as Outbox['o'];
    if (this.o.leaseMs <= this.o.sendDeadlineMs) throw new Error(`outbox lease (${this.o.leaseMs} ms) must outlast the send deadline (${this.o.sendDeadlineMs} ms)`);
    this.now = options.now ?? (() => new Date());
  }

  /**
   * Stores a reply and, unless an earlier reply of the chat is still unsent, sends it now.
   * Resolves once it is sent or safely stored for a retry; throws only when it cannot be stored.
   */
  async enqueue(channel: ChannelName, chatId: string, reply: Reply, source?: string): Promise<void> {
    const at = this.now();
    const { id, claimed } = this.options.store.add({ channel, chatId, reply, ...(source !== undefined ? { source } : {}) }, at, new Date(at.getTime() + this.o.leaseMs));
    if (claimed) await this.attempt({ id, channel, chatId, reply, attempts: 1, createdAt: at, ...(source !== undefined ? { source } : {}) });
  }

  /** Start the retry pump (the HTTP process only: one pump per DATA_DIR). */
  start(): void {
    this.stopped = false;
    const tick = () => {
      if (this.stopped) return;
      this.pumping = this.pumpOnce()
        .then(() => undefined)
        .catch((err: unknown) => this.options.logger.error({ err }, 'outbox pump failed'))
        .finally(() => {
          this.pumping = undefined;
          if (!this.stopped) this.timer = setTimeout(tick, this.o.pollMs).unref();
        });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.pumping;
  }

  /** Sends every reply due now (one per chat at a time, chats in parallel). */
  async pumpOnce(): Promise<number> {
    let total = 0;
    for (;;) {
      const at = this.now();
      const due = this.options.store.claimDue(at, new Date(at.getTime() + this.o.leaseMs), 32);
      if (due.length === 0) return total;
      total += due.length;
      await Promise.all(due.map((item) => this.attempt(item)));
      if (this.stopped) return total;
    }
  }

  /**
   * The apology is best effort but must not be lost to one transient fault (a keep-alive socket
   * the server closed during the backoff answers "socket hang up"): a few quick tries, bounded.
   */
  private async apologise(sender: ReplySender, chatId: string, log: Logger): Promise<void> {
    for (let attempt = 1; attempt <= APOLOGY_ATTEMPTS; attempt++) {
      try {
        await sender.send(chatId, { text: DELIVERY_APOLOGY }, AbortSignal.timeout(this.o.sendDeadlineMs));
        return;
      } catch (err) {
        const verdict = sender.classify(err);
        if (!verdict.retry || attempt === APOLOGY_ATTEMPTS || this.stopped) {
          log.warn({ reason: verdict.reason, attempt }, 'apology not delivered either');
          return;
        }
        const waitMs = Math.min(verdict.retryAfterMs ?? this.o.baseDelayMs, this.o.baseDelayMs);
        await new Promise((resolve) => setTimeout(resolve, waitMs));
      }
    }
  }

  private async attempt(item: OutboxItem): Promise<void> {
    const { store, logger } = this.options;
    const log = logger.child({ channel: item.channel, outboxId: item.id, ...(item.source ? { updateId: item.source } : {}) });
    const sender = this.options.senders[item.channel];
    if (!sender) {
      store.failed(item.id, this.now(), 'channel is off');
      log.warn('reply for a channel that is off; dropped');
      return;
    }
    try {
      await sender.send(item.chatId, item.reply as Reply, AbortSignal.timeout(this.o.sendDeadlineMs));
      store.sent(item.id, this.now());
      if (item.attempts > 1) log.info({ attempts: item.attempts, delayedMs: this.now().getTime() - item.createdAt.getTime() }, 'reply delivered after retries');
      return;
    } catch (err) {
      const verdict = sender.classify(err);
      const now = this.now();
      if (!verdict.retry) {
        store.failed(item.id, now, verdict.reason);
        log.warn({ reason: verdict.reason }, 'reply refused by the platform for good; not retried');
        return;
      }
      const backoff = Math.min(this.o.maxDelayMs, this.o.baseDelayMs * 2 ** Math.max(0, item.attempts - 1));
      const next = new Date(now.getTime() + (verdict.retryAfterMs ?? backoff));
      if (next.getTime() - item.createdAt.getTime() > this.o.maxAgeMs) {
        store.failed(item.id, now, `not delivered within ${Math.round(this.o.maxAgeMs / 60_000)} min: ${verdict.reason}`);
        log.error({ attempts: item.attempts, reason: verdict.reason }, 'reply not delivered within the bound; given up, apology tried once');
        await this.apologise(sender, item.chatId, log);
        return;
      }
      store.retry(item.id, next, verdict.reason);
      log.warn({ attempts: item.attempts, reason: verdict.reason, retryAt: next.toISOString() }, 'reply not delivered; will retry');
    }
  }
}
