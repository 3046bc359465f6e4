/**
 * The reply queue shared by replicas: the PostgreSQL inbox, leased row by row.
 *
 * Any replica's webhook stores the update (the PostgreSQL DedupeStore, one row per update; a
 * platform redelivering it to another replica hits the primary key and is dropped). Every replica
 * runs this queue: it leases the updates that are the oldest not-done one of their chat and not
 * leased by a live replica (`FOR UPDATE SKIP LOCKED`, so two replicas never take the same row),
 * renews the leases of what it runs, and marks each done when handled. A replica killed with
 * kill -9 stops renewing: its leases run out (`leaseMs`) and another replica takes those updates;
 * the handler skips an update whose replies were stored already (OutboxStore.hasReplies), so the
 * answer is not stored twice. One chat's updates start one at a time, oldest first, on whichever
 * replica: a later update is not leased while an earlier one of its chat is not done.
 *
 * Each lease counts one attempt; an update leased `maxAttempts` times without finishing took its
 * replicas down each time and is parked (set aside, reported) instead of leased again.
 * New rows wake the replicas through LISTEN/NOTIFY; a poll (`pollMs`) picks up expired leases.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import pg from 'pg';
import type { Logger } from 'pino';
import type { JobHandler, ReplyJob, ReplyQueue } from '../server/queue.js';
import { ChannelName, type ParkedItem } from './stores.js';

export interface LeasedQueueOptions {
  url: string;
  handler: JobHandler;
  logger: Logger;
  /** Jobs this replica runs at once. Default: 8 */
  concurrency?: number;
  /** How long a lease holds without renewal (a dead replica's updates wait this long). Default: 30 s */
  leaseMs?: number;
  /** Poll for expired leases and missed notifications. Default: 1 s */
  pollMs?: number;
  /** Leases of one update before it is parked. Default: 3 */
  maxAttempts?: number;
  onParked?: (items: ParkedItem[]) => void;
  onDepth?: (depth: number) => void;
  /** Name of this replica in the leases (default: host name + pid + random). */
  owner?: string;
}

interface LeasedRow {
  seq: string;
  channel: string;
  key: string;
  payload: string;
  attempts: number;
}

export class LeasedInboxQueue implements ReplyQueue {
  private readonly pool: pg.Pool;
  private readonly owner: string;
  private readonly concurrency: number;
  private readonly leaseMs: number;
  private readonly maxAttempts: number;
  /** seq → job running here. */
  private readonly running = new Map<string, ReplyJob>();
  private finished: string[] = [];
  private listener: pg.Client | undefined;
  private timers: NodeJS.Timeout[] = [];
  private pumping = false;
  private again = false;
  private closing = false;
  private backlog = 0;
  private idleWaiters: Array<() => void> = [];
  private drainWaiters: Array<() => void> = [];

  constructor(private readonly options: LeasedQueueOptions) {
    this.pool = new pg.Pool({ connectionString: options.url, max: 3, application_name: 'tro-ly-ao queue' });
    this.pool.on('error', (err) => options.logger.warn({ err }, 'queue: idle PostgreSQL connection lost'));
    this.owner = options.owner ?? `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.concurrency = options.concurrency ?? 8;
    this.leaseMs = options.leaseMs ?? 30_000;
    this.maxAttempts = options.maxAttempts ?? 3;
  }

  /** Listen for new updates, then drain what is stored (other replicas' expired leases included). */
  async start(): Promise<void> {
    await this.listen();
    const poll = setInterval(() => this.notify(false), this.options.pollMs ?? 1_000);
    // Renew well before the lease runs out, so a slow answer is never taken over by a live peer.
    const renew = setInterval(() => void this.renew(), Math.max(100, Math.floor(this.leaseMs / 3)));
    poll.unref();
    renew.unref();
    this.timers.push(poll, renew);
    this.notify(false);
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.options.url, application_name: 'tro-ly-ao queue listener' });
    client.on('notification', () => this.notify(false));
    client.on('error', (err) => {
      // The poll still drains; reconnect the listener for prompt wake-ups.
      this.options.logger.warn({ err }, 'queue: PostgreSQL listener lost; polling until it is back');
      this.listener = undefined;
      if (!this.closing) setTimeout(() => void this.listen().catch(() => undefined), 1_000).unref();
    });
    await client.connect();
    await client.query('LISTEN tla_inbox');
    this.listener = client;
  }

  /** A new update was stored (by this replica's webhook; peers' arrive by NOTIFY). */
  notify(local = true): void {
    if (local) this.backlog += 1;
    if (this.closing) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    setImmediate(() => void this.pump());
  }

  depth(): number {
    return this.backlog;
  }

  /** Resolves when no update of any replica waits and nothing runs here. */
  async idle(): Promise<void> {
    const done = new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    this.notify(false);
    await done;
  }

  /** Stop leasing, finish what runs, mark it done, give up the connections. Unstarted updates stay for the peers. */
  async drain(): Promise<void> {
    this.closing = true;
    for (const t of this.timers) clearInterval(t);
    if (this.running.size > 0) await new Promise<void>((resolve) => this.drainWaiters.push(resolve));
    await this.flushDone().catch((err: unknown) => this.options.logger.error({ err }, 'queue: could not mark updates done'));
    await this.listener?.end().catch(() => undefined);
    await this.pool.end().catch(() => undefined);
  }

  private async pump(): Promise<void> {
    try {
      do {
        this.again = false;
        await this.flushDone();
        if (this.closing) break;
        await this.parkCrashed();
        const free = this.concurrency - this.running.size;
        if (free > 0) {
          for (const row of await this.lease(free)) this.start1(row);
        }
        const { rows } = await this.pool.query<{ n: string }>('SELECT count(*) AS n FROM inbox WHERE done_at IS NULL');
        this.backlog = Number(rows[0]!.n);
        this.options.onDepth?.(this.backlog);
        if (this.backlog === 0 && this.running.size === 0) for (const w of this.idleWaiters.splice(0)) w();
      } while (this.again && !this.closing);
    } catch (err) {
      this.options.logger.error({ err }, 'queue: could not read or lease updates; retrying at the next poll');
    } finally {
      this.pumping = false;
      // A wake-up that came after the loop's last check must not wait for the poll.
      if (this.again && !this.closing) this.notify(false);
    }
  }

  private async lease(limit: number): Promise<LeasedRow[]> {
    // Heads of their chats only, not leased by a live replica; SKIP LOCKED: a row another replica
    // is leasing right now is left to it.
    const { rows } = await this.pool.query<LeasedRow>(
      `WITH heads AS (
         SELECT i.seq FROM inbox i
         WHERE i.done_at IS NULL AND (i.lease_until IS NULL OR i.lease_until < now())
           AND NOT EXISTS (SELECT 1 FROM inbox e WHERE e.done_at IS NULL AND e.lane = i.lane AND e.seq < i.seq)
         ORDER BY i.seq LIMIT $2
         FOR UPDATE OF i SKIP LOCKED)
       UPDATE inbox SET lease_owner = $1, lease_until = now() + $3 * interval '1 millisecond', attempts = attempts + 1
       FROM heads WHERE inbox.seq = heads.seq
       RETURNING inbox.seq, inbox.channel, inbox.key, inbox.payload, inbox.attempts`,
      [this.owner, limit, this.leaseMs],
    );
    return rows.sort((a, b) => Number(a.seq) - Number(b.seq));
  }

  private start1(row: LeasedRow): void {
    const job: ReplyJob = { channel: ChannelName.parse(row.channel), key: row.key, update: JSON.parse(row.payload) as unknown };
    this.running.set(row.seq, job);
    void this.run(row.seq, job);
  }

  private async run(seq: string, job: ReplyJob): Promise<void> {
    try {
      await this.options.handler(job);
    } catch (err) {
      // Handlers reply politely themselves; reaching here is a bug or a dead worker.
      this.options.logger.error({ err, channel: job.channel, updateId: job.key }, 'reply job failed');
    } finally {
      // Done even on failure, as in the embedded queue: re-answering is worse.
      this.finished.push(seq);
      this.running.delete(seq);
      if (this.closing) {
        if (this.running.size === 0) for (const w of this.drainWaiters.splice(0)) w();
      } else {
        // Marked done before the next lease, so the chat's next update becomes its head.
        this.notify(false);
      }
    }
  }

  private async flushDone(): Promise<void> {
    if (this.finished.length === 0) return;
    const seqs = this.finished;
    this.finished = [];
    try {
      await this.pool.query(
        `UPDATE inbox SET done_at = now(), payload = 'null', lease_owner = NULL, lease_until = NULL WHERE seq = ANY($1::bigint[])`,
        [seqs],
      );
    } catch (err) {
      this.finished.push(...seqs);
      throw err;
    }
  }

  private async renew(): Promise<void> {
    if (this.running.size === 0) return;
    try {
      await this.pool.query(
        `UPDATE inbox SET lease_until = now() + $3 * interval '1 millisecond' WHERE seq = ANY($1::bigint[]) AND lease_owner = $2 AND done_at IS NULL`,
        [[...this.running.keys()], this.owner, this.leaseMs],
      );
    } catch (err) {
      this.options.logger.warn({ err }, 'queue: could not renew leases');
    }
  }

  private async parkCrashed(): Promise<void> {
    const error = `leased ${this.maxAttempts} times and never finished (the replica handling it stopped each time); set aside, not retried`;
    const { rows } = await this.pool.query<LeasedRow & { parked_at: Date }>(
      `UPDATE inbox SET done_at = now(), parked_at = now(), error = $2, lease_owner = NULL, lease_until = NULL
       WHERE done_at IS NULL AND attempts >= $1 AND lease_until < now()
       RETURNING seq, channel, key, payload, attempts, parked_at`,
      [this.maxAttempts, error],
    );
    if (rows.length === 0) return;
    const parked = rows.map((r): ParkedItem => ({
      channel: ChannelName.parse(r.channel), key: r.key, payload: JSON.parse(r.payload) as unknown, attempts: r.attempts, parkedAt: r.parked_at, error,
    }));
    this.options.logger.error({ updates: parked.map((p) => ({ channel: p.channel, updateId: p.key, attempts: p.attempts })) }, 'updates that stopped replicas were set aside');
    this.options.onParked?.(parked);
  }
}
