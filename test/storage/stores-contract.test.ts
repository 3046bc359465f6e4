/**
 * One store suite, two backends: the embedded SQLite file and PostgreSQL (a private server started
 * by test/helpers/postgres.ts). Every behaviour a caller relies on is pinned here for both.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openPostgresStores } from '../../src/storage/postgres.js';
import { PG_MIGRATIONS } from '../../src/storage/migrations/postgres.js';
import { MIGRATIONS, openSqliteStores } from '../../src/storage/sqlite.js';
import type { ReminderEntry, Stores } from '../../src/storage/stores.js';
import { freshDatabase, PG_MISSING } from '../helpers/postgres.js';
import { pgServerUrl } from './pg-url.js';
import { tempDir } from '../server/harness.js';

interface Backend {
  /** A new, empty place to keep state. */
  create(): Promise<string>;
  open(where: string): Stores;
  /** Runs SQL directly (to plant rows a store would not write). */
  raw(where: string, sql: string, params?: unknown[]): Promise<Array<Record<string, unknown>>>;
  /** Schema versions recorded. */
  migrations: number[];
}

const sqlite: Backend = {
  create: async () => path.join(tempDir(), 'app.db'),
  open: (file) => openSqliteStores({ file }),
  raw: async (file, sql, params = []) => {
    const db = new Database(file);
    try {
      const stmt = db.prepare(sql);
      return stmt.reader ? (stmt.all(...params) as Array<Record<string, unknown>>) : (stmt.run(...params), []);
    } finally {
      db.close();
    }
  },
  migrations: MIGRATIONS.map((m) => m.version),
};

const serverUrl = pgServerUrl();
const postgres: Backend = {
  create: () => freshDatabase(serverUrl!),
  open: (url) => openPostgresStores({ url }),
  raw: async (url, sql, params = []) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query(sql.replace(/\?/g, (_, i: number) => `$${sql.slice(0, i).split('?').length}`), params)).rows as Array<Record<string, unknown>>;
    } finally {
      await client.end();
    }
  },
  migrations: PG_MIGRATIONS.map((m) => m.version),
};

if (!serverUrl) console.warn(PG_MISSING);

const tg = { channel: 'telegram' as const, chatId: '501' };
const at = new Date('2024-11-10T02:00:00Z');

describe.each([
  { name: 'sqlite', backend: sqlite, skip: false },
  { name: 'postgres', backend: postgres, skip: !serverUrl },
])('stores on $name', ({ backend, skip }) => {
  const test = it.skipIf(skip);

  const withStores = async (fn: (s: Stores, where: string) => void | Promise<void>) => {
    const where = await backend.create();
    const s = backend.open(where);
    try {
      await fn(s, where);
    } finally {
      s.close();
    }
  };

  test('applies numbered migrations once and records them; refuses a newer schema', async () => {
    const where = await backend.create();
    backend.open(where).close();
    backend.open(where).close();
    const versions = await backend.raw(where, 'SELECT version FROM schema_migrations ORDER BY version');
    expect(versions.map((v) => Number(v.version))).toEqual(backend.migrations);
    await backend.raw(where, 'INSERT INTO schema_migrations (version, applied_at) VALUES (99, ?)', [new Date().toISOString()]);
    expect(() => backend.open(where)).toThrow(/schema version 99 is newer than this program knows/);
  });

  test('keeps profiles, conversations and the question log across a reopen', async () => {
    const where = await backend.create();
    const a = backend.open(where);
    a.profiles.update(tg, { agencyId: 'so-tttt@quang-ninh', province: 'Quảng Ninh' });
    a.profiles.update(tg, { reminders: true });
    a.profiles.update({ channel: 'zalo', chatId: 'z1' }, { province: 'Nghệ An' });
    a.conversations.set(tg, { previousQuestion: 'Ai chủ trì?', taskIds: ['t1'], docIds: [], citations: [] });
    const qid = a.questions.record({ ...tg, question: 'Ai chủ trì?', answer: 'Sở TT&TT', intent: 'who_leads', refused: false, reason: 'x', latencyMs: 12.4, askedAt: at });
    a.close();
    const b = backend.open(where);
    expect(b.profiles.get(tg)).toEqual({ ...tg, agencyId: 'so-tttt@quang-ninh', province: 'Quảng Ninh', reminders: true });
    expect(b.profiles.get({ channel: 'web', chatId: 'none' })).toBeUndefined();
    expect(b.profiles.subscribers().map((p) => p.chatId)).toEqual(['501']);
    expect(b.conversations.get(tg).taskIds).toEqual(['t1']);
    expect(b.conversations.get({ channel: 'web', chatId: 'new' })).toEqual({ taskIds: [], docIds: [], citations: [] });
    expect(b.questions.get(qid)).toEqual({ id: qid, ...tg, question: 'Ai chủ trì?', answer: 'Sở TT&TT', intent: 'who_leads', refused: false, reason: 'x', latencyMs: 12, askedAt: at });
    expect(b.questions.get(qid + 1000)).toBeUndefined();
    b.close();
  });

  test('resets an unreadable conversation state instead of failing the chat', async () => {
    const where = await backend.create();
    backend.open(where).close();
    await backend.raw(where, "INSERT INTO conversations VALUES ('telegram', '501', '{\"taskIds\": 5}', ?)", [at.toISOString()]);
    await withStoresAt(backend, where, (s) => expect(s.conversations.get(tg)).toEqual({ taskIds: [], docIds: [], citations: [] }));
  });

  test('dedupe: claims a key once, keeps the payload until done, lists undone ones, prunes handled old ones', () =>
    withStores((s) => {
      expect(s.dedupe.claim({ channel: 'telegram', key: '1', payload: { update_id: 1 } }, at)).toBe(true);
      expect(s.dedupe.claim({ channel: 'telegram', key: '1', payload: { update_id: 1 } }, at)).toBe(false);
      expect(s.dedupe.claim({ channel: 'zalo', key: '1', payload: { x: 1 } }, at)).toBe(true);
      s.dedupe.done('zalo', '1', at);
      expect(s.dedupe.pending()).toEqual([{ channel: 'telegram', key: '1', payload: { update_id: 1 } }]);
      s.dedupe.unclaim('telegram', '1');
      expect(s.dedupe.claim({ channel: 'telegram', key: '1', payload: {} }, at)).toBe(true);
      expect(s.dedupe.prune(new Date('2024-11-11T00:00:00Z'))).toBe(1);
      expect(s.dedupe.claim({ channel: 'zalo', key: '1', payload: {} }, at)).toBe(true);
    }));

  test('dedupe as the backlog: oldest first, batches after a sequence number, counts', () =>
    withStores((s) => {
      for (let i = 1; i <= 5; i++) s.dedupe.claim({ channel: 'telegram', key: String(i), payload: { update_id: i } }, at);
      s.dedupe.done('telegram', '2', at);
      expect(s.dedupe.pendingCount()).toBe(4);
      expect(s.dedupe.pending(2).map((p) => p.key)).toEqual(['1', '3']);
      const first = s.dedupe.pendingAfter(0, 2);
      expect(first.map((p) => p.key)).toEqual(['1', '3']);
      expect(first[0]!.payload).toEqual({ update_id: 1 });
      const next = s.dedupe.pendingAfter(first[1]!.seq, 10);
      expect(next.map((p) => p.key)).toEqual(['4', '5']);
      expect(s.dedupe.pendingAfter(next[1]!.seq, 10)).toEqual([]);
    }));

  test('dedupe group commit: order kept, repeats are duplicates, all or nothing', () =>
    withStores((s) => {
      expect(s.dedupe.claim({ channel: 'telegram', key: '7', payload: { update_id: 7 } }, at)).toBe(true);
      const fresh = s.dedupe.claimAll(
        [
          { channel: 'telegram', key: '8', payload: { update_id: 8 } },
          { channel: 'telegram', key: '7', payload: { update_id: 7 } },
          { channel: 'zalo', key: '8', payload: { x: 8 } },
          { channel: 'telegram', key: '8', payload: { update_id: 8 } },
        ],
        at,
      );
      expect(fresh).toEqual([true, false, true, false]);
      expect(s.dedupe.pending().map((p) => `${p.channel}:${p.key}`)).toEqual(['telegram:7', 'telegram:8', 'zalo:8']);
      expect(s.dedupe.claimAll([], at)).toEqual([]);
      s.dedupe.doneAll([{ channel: 'telegram', key: '7' }, { channel: 'zalo', key: '8' }], at);
      expect(s.dedupe.pending().map((p) => `${p.channel}:${p.key}`)).toEqual(['telegram:8']);
      // A payload JSON cannot hold makes the third insert throw after two succeeded: none kept.
      const batch = [
        { channel: 'web' as const, key: '1', payload: { n: 1 } },
        { channel: 'web' as const, key: '2', payload: { n: 2 } },
        { channel: 'web' as const, key: '3', payload: { big: 10n } },
      ];
      expect(() => s.dedupe.claimAll(batch, at)).toThrow();
      expect(s.dedupe.pendingCount()).toBe(1);
      expect(s.dedupe.claimAll(batch.slice(0, 2), at)).toEqual([true, true]);
    }));

  test('dedupe: counts starts, parks an update started too often, lists parked ones', () =>
    withStores((s) => {
      for (const key of ['1', '2', '3']) s.dedupe.claim({ channel: 'telegram', key, payload: { update_id: Number(key) } }, at);
      const ref = (key: string) => ({ channel: 'telegram' as const, key });
      s.dedupe.advance([], [ref('1'), ref('2')], at);
      s.dedupe.advance([ref('2')], [ref('1'), ref('3')], at);
      s.dedupe.advance([], [ref('1')], at);
      expect(s.dedupe.parkCrashed(3, new Date('2024-11-10T03:00:00Z'), 'crashed 3 times')).toEqual([
        { channel: 'telegram', key: '1', payload: { update_id: 1 }, attempts: 3, parkedAt: new Date('2024-11-10T03:00:00Z'), error: 'crashed 3 times' },
      ]);
      expect(s.dedupe.parkCrashed(3, at, 'again')).toEqual([]);
      expect(s.dedupe.pending().map((p) => p.key)).toEqual(['3']);
      expect(s.dedupe.parked().map((p) => [p.key, p.attempts, p.error])).toEqual([['1', 3, 'crashed 3 times']]);
    }));

  test('outbox: per-chat order, claim at once when nothing earlier is unsent, retries and leases', () =>
    withStores((s) => {
      const t0 = new Date('2024-11-10T02:00:00Z');
      const lease = new Date('2024-11-10T02:01:00Z');
      const a = s.outbox.add({ channel: 'telegram', chatId: '1', source: 'u1', reply: { text: 'một' } }, t0, lease);
      const b = s.outbox.add({ channel: 'telegram', chatId: '1', source: 'u2', reply: { text: 'hai' } }, t0, lease);
      const c = s.outbox.add({ channel: 'telegram', chatId: '2', reply: { text: 'ba' } }, t0, lease);
      expect([a.claimed, b.claimed, c.claimed]).toEqual([true, false, true]);
      expect(s.outbox.hasReplies('telegram', 'u2')).toBe(true);
      expect(s.outbox.hasReplies('telegram', 'u9')).toBe(false);
      expect(s.outbox.pendingCount()).toBe(3);
      // Nothing due: the first of chat 1 is being sent under its lease, the second waits behind it.
      expect(s.outbox.claimDue(t0, lease, 10)).toEqual([]);
      s.outbox.retry(a.id, new Date('2024-11-10T02:00:30Z'), '429');
      expect(s.outbox.nextDue()).toEqual(new Date('2024-11-10T02:00:00Z'));
      const due = s.outbox.claimDue(new Date('2024-11-10T02:00:30Z'), new Date('2024-11-10T02:02:00Z'), 10);
      expect(due.map((d) => [d.id, d.attempts, d.source])).toEqual([[a.id, 2, 'u1']]);
      expect(due[0]!.reply).toEqual({ text: 'một' });
      s.outbox.sent(a.id, new Date('2024-11-10T02:00:31Z'));
      // The dead sender of chat 2: its lease ran out, so it is claimed again.
      const next = s.outbox.claimDue(new Date('2024-11-10T02:01:30Z'), new Date('2024-11-10T02:03:00Z'), 10);
      expect(next.map((d) => d.id)).toEqual([b.id, c.id]);
      s.outbox.failed(b.id, new Date('2024-11-10T02:01:31Z'), 'blocked');
      s.outbox.sent(c.id, new Date('2024-11-10T02:01:31Z'));
      expect(s.outbox.pendingCount()).toBe(0);
      expect(s.outbox.nextDue()).toBeUndefined();
      expect(s.outbox.prune(new Date('2024-11-10T02:01:31Z'))).toBe(1);
      expect(s.outbox.prune(new Date('2024-11-11T00:00:00Z'))).toBe(2);
    }));

  test('reminders: each task/threshold/due claimed once; release lets the next run retry; meta', () =>
    withStores((s) => {
      const e = (taskId: string, threshold: ReminderEntry['threshold'], due = '2024-11-14'): ReminderEntry => ({ ...tg, taskId, due, threshold });
      expect(s.reminders.claim([e('a', '7'), e('b', '3')], at)).toHaveLength(2);
      expect(s.reminders.claim([e('a', '7'), e('a', '3'), e('a', '7', '2024-12-14')], at)).toEqual([e('a', '3'), e('a', '7', '2024-12-14')]);
      s.reminders.markSent([e('a', '7')]);
      s.reminders.release([e('b', '3')]);
      expect(s.reminders.claim([e('b', '3'), e('a', '7')], at)).toEqual([e('b', '3')]);
      expect(s.reminders.claim([], at)).toEqual([]);
      expect(s.reminders.getMeta('reminders.lastRunDay')).toBeUndefined();
      s.reminders.setMeta('reminders.lastRunDay', '2024-11-10');
      s.reminders.setMeta('reminders.lastRunDay', '2024-11-11');
      expect(s.reminders.getMeta('reminders.lastRunDay')).toBe('2024-11-11');
    }));

  test('question stats per local day, refusals, top unanswered folded together, votes', () =>
    withStores((s) => {
      const ask = (question: string, refused: boolean, day: string) =>
        s.questions.record({ ...tg, question, answer: '…', intent: 'fact', refused, latencyMs: 5, askedAt: new Date(`${day}T03:00:00Z`) });
      const q1 = ask('Ai chủ trì SOC?', false, '2024-11-09');
      ask('giấy phép lái xe đổi ở đâu', true, '2024-11-09');
      ask('giay phep lai xe doi o dau?', true, '2024-11-10');
      ask('lịch nghỉ tết', true, '2024-11-10');
      ask('cũ quá', true, '2024-10-01');
      // 23:30 UTC on 10/11 is 06:30 on 11/11 in Hà Nội: counted on the local day.
      s.questions.record({ ...tg, question: 'sáng sớm', answer: '…', intent: 'fact', refused: false, latencyMs: 5, askedAt: new Date('2024-11-10T23:30:00Z') });
      expect(s.feedback.record({ ...tg, questionId: q1, rating: 1, at: new Date('2024-11-10T04:00:00Z') })).toBe(true);
      expect(s.feedback.record({ ...tg, questionId: q1, rating: -1, at: new Date('2024-11-10T04:01:00Z') })).toBe(true);
      expect(s.feedback.record({ channel: 'zalo', chatId: 'z', questionId: q1, rating: 1, at: new Date('2024-11-10T04:02:00Z') })).toBe(true);
      expect(s.feedback.record({ ...tg, questionId: 9999, rating: 1, at: new Date() })).toBe(false);
      const stats = s.questions.stats({ since: new Date('2024-11-03T00:00:00Z') });
      expect(stats.perDay).toEqual([
        { day: '2024-11-09', questions: 2, refused: 1 },
        { day: '2024-11-10', questions: 2, refused: 2 },
        { day: '2024-11-11', questions: 1, refused: 0 },
      ]);
      expect([stats.total, stats.refused]).toEqual([5, 3]);
      expect(stats.topUnanswered[0]).toEqual({ question: 'giấy phép lái xe đổi ở đâu', count: 2 });
      expect(stats.feedback).toEqual({ up: 1, down: 1 });
    }));
});

async function withStoresAt(backend: Backend, where: string, fn: (s: Stores) => void): Promise<void> {
  const s = backend.open(where);
  try {
    fn(s);
  } finally {
    s.close();
  }
}
