/**
 * The inbox queue shared by replicas (src/storage/postgres-queue.ts) on a real PostgreSQL: two
 * queues on one database stand for two replicas.
 */
import pg from 'pg';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { openPostgresStores } from '../../src/storage/postgres.js';
import { LeasedInboxQueue } from '../../src/storage/postgres-queue.js';
import type { ReplyJob } from '../../src/server/queue.js';
import type { ParkedItem, Stores } from '../../src/storage/stores.js';
import { freshDatabase, PG_MISSING } from '../helpers/postgres.js';
import { pgServerUrl } from './pg-url.js';

const serverUrl = pgServerUrl();
if (!serverUrl) console.warn(PG_MISSING);
const logger = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const update = (id: number, chat: number) => ({ update_id: id, message: { message_id: id, chat: { id: chat, type: 'private' }, text: `câu ${id}` } });

let cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function setup(): Promise<{ url: string; stores: Stores }> {
  const url = await freshDatabase(serverUrl!);
  const stores = openPostgresStores({ url });
  cleanup.push(() => stores.close());
  return { url, stores };
}

function replica(url: string, name: string, handled: Array<{ by: string; job: ReplyJob }>, extra: Partial<ConstructorParameters<typeof LeasedInboxQueue>[0]> = {}): LeasedInboxQueue {
  const q = new LeasedInboxQueue({
    url, logger, owner: name, concurrency: 4, pollMs: 100,
    handler: async (job) => {
      handled.push({ by: name, job });
      await sleep(Math.random() * 5);
    },
    ...extra,
  });
  cleanup.push(() => q.drain());
  return q;
}

const chatOf = (job: ReplyJob) => String((job.update as { message: { chat: { id: number } } }).message.chat.id);

describe.skipIf(!serverUrl)('LeasedInboxQueue on PostgreSQL', () => {
  it('two replicas answer every stored update exactly once, one chat in order', async () => {
    const { url, stores } = await setup();
    const handled: Array<{ by: string; job: ReplyJob }> = [];
    const a = replica(url, 'a', handled);
    const b = replica(url, 'b', handled);
    await Promise.all([a.start(), b.start()]);
    // 300 updates over 12 chats, stored in batches the way webhooks do; some delivered twice.
    for (let i = 1; i <= 300; i += 10) {
      const batch = Array.from({ length: 10 }, (_, j) => ({ channel: 'telegram' as const, key: String(i + j), payload: update(i + j, (i + j) % 12) }));
      const fresh = stores.dedupe.claimAll([...batch, batch[0]!], new Date());
      expect(fresh.filter(Boolean)).toHaveLength(10);
      (i % 20 === 1 ? a : b).notify();
    }
    await Promise.all([a.idle(), b.idle()]);
    const keys = handled.map((h) => Number(h.job.key));
    expect(keys.length).toBe(300);
    expect(new Set(keys).size).toBe(300);
    for (const chat of new Set(handled.map((h) => chatOf(h.job)))) {
      const seen = handled.filter((h) => chatOf(h.job) === chat).map((h) => Number(h.job.key));
      expect(seen).toEqual([...seen].sort((x, y) => x - y));
    }
    expect(handled.some((h) => h.by === 'a') && handled.some((h) => h.by === 'b')).toBe(true);
    expect(stores.dedupe.pendingCount()).toBe(0);
  });

  it('takes over updates leased by a replica that died once the lease runs out, still in chat order; parks one that kept failing', async () => {
    const { url, stores } = await setup();
    const at = new Date();
    stores.dedupe.claimAll(
      [1, 2, 3, 4, 5].map((i) => ({ channel: 'telegram' as const, key: String(i), payload: update(i, i <= 3 ? 7 : 8) })),
      at,
    );
    stores.dedupe.claim({ channel: 'telegram', key: '99', payload: update(99, 9) }, at);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    cleanup.push(() => client.end());
    // A dead replica holds update 1 (chat 7) for 1.5 s more; update 99 was leased 3 times and never finished.
    await client.query("UPDATE inbox SET lease_owner = 'dead', lease_until = now() + interval '1500 ms', attempts = 1 WHERE key = '1'");
    await client.query("UPDATE inbox SET lease_owner = 'dead', lease_until = now() - interval '1 ms', attempts = 3 WHERE key = '99'");
    const handled: Array<{ by: string; job: ReplyJob }> = [];
    const parked: ParkedItem[] = [];
    const b = replica(url, 'b', handled, { onParked: (items) => parked.push(...items) });
    const started = Date.now();
    await b.start();
    await sleep(600);
    // Chat 8 goes on; chat 7 waits behind the update the dead replica holds.
    expect(handled.map((h) => h.job.key)).toEqual(['4', '5']);
    await b.idle();
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
    expect(handled.map((h) => h.job.key)).toEqual(['4', '5', '1', '2', '3']);
    expect(parked.map((p) => [p.key, p.attempts])).toEqual([['99', 3]]);
    expect(stores.dedupe.parked().map((p) => p.key)).toEqual(['99']);
    const { rows } = await client.query("SELECT attempts FROM inbox WHERE key = '1'");
    expect(rows[0].attempts).toBe(2);
  });
});
