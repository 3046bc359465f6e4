/**
 * PostgreSQL implementation of the stores, asynchronous (the `pg` client). It runs inside the
 * store thread of src/storage/postgres.ts, which gives the server the same synchronous interfaces
 * the SQLite stores have. Semantics follow src/storage/sqlite.ts statement for statement; where
 * several replicas could race (a chat's first reply, claims of due replies) a row lock or an
 * advisory lock takes the place of SQLite's single writer.
 */
import pg from 'pg';
import { fold } from '../text/normalize.js';
import { PG_MIGRATIONS } from './migrations/postgres.js';
import {
  ChannelName,
  ConversationState,
  type ChatKey,
  type ConversationStore,
  type DedupeStore,
  type FeedbackStore,
  type InboxItem,
  type OutboxItem,
  type OutboxStore,
  type ParkedItem,
  type Profile,
  type ProfileStore,
  type QuestionLog,
  type QuestionRecord,
  type QuestionStats,
  type ReminderEntry,
  type ReminderLedger,
} from './stores.js';

/** The asynchronous twin of a synchronous store interface (same methods, promised results). */
export type AsyncOf<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<R> : never;
};

/** Advisory lock key of the migrations (any constant; "tla-mig" as a number). */
const MIGRATION_LOCK = 7_473_621_001;

/** Applies pending migrations; returns the versions applied now. Refuses a newer schema. */
export async function migratePostgres(pool: pg.Pool): Promise<number[]> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL)');
    const applied = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
    const latest = Math.max(...PG_MIGRATIONS.map((m) => m.version));
    const newest = Math.max(0, ...applied);
    if (newest > latest) throw new Error(`PostgreSQL schema version ${newest} is newer than this program knows (${latest}); upgrade the program`);
    const done: number[] = [];
    for (const m of PG_MIGRATIONS) {
      if (applied.has(m.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, now())', [m.version]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw err;
      }
      done.push(m.version);
    }
    return done;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    client.release();
  }
}

/** Runs `fn` in one transaction on one connection. */
export async function inTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

interface ProfileRow {
  channel: string;
  chat_id: string;
  agency_id: string | null;
  province: string | null;
  reminders: boolean;
}

const toProfile = (row: ProfileRow): Profile => ({
  channel: ChannelName.parse(row.channel),
  chatId: row.chat_id,
  ...(row.agency_id ? { agencyId: row.agency_id } : {}),
  ...(row.province ? { province: row.province } : {}),
  reminders: row.reminders,
});

export class PgProfiles implements AsyncOf<ProfileStore> {
  constructor(private readonly pool: pg.Pool) {}
  async get(key: ChatKey): Promise<Profile | undefined> {
    const { rows } = await this.pool.query<ProfileRow>('SELECT * FROM profiles WHERE channel = $1 AND chat_id = $2', [key.channel, key.chatId]);
    return rows[0] ? toProfile(rows[0]) : undefined;
  }
  async update(key: ChatKey, patch: Partial<Omit<Profile, 'channel' | 'chatId'>>): Promise<Profile> {
    // Read and write under the row lock, so two replicas patching different fields keep both.
    return inTransaction(this.pool, async (c) => {
      await c.query(
        `INSERT INTO profiles (channel, chat_id, reminders, updated_at) VALUES ($1, $2, FALSE, now())
         ON CONFLICT (channel, chat_id) DO NOTHING`,
        [key.channel, key.chatId],
      );
      const { rows } = await c.query<ProfileRow>('SELECT * FROM profiles WHERE channel = $1 AND chat_id = $2 FOR UPDATE', [key.channel, key.chatId]);
      const next: Profile = { ...toProfile(rows[0]!), ...patch, channel: key.channel, chatId: key.chatId };
      await c.query(
        'UPDATE profiles SET agency_id = $3, province = $4, reminders = $5, updated_at = now() WHERE channel = $1 AND chat_id = $2',
        [key.channel, key.chatId, next.agencyId ?? null, next.province ?? null, next.reminders],
      );
      return next;
    });
  }
  async subscribers(): Promise<Profile[]> {
    const { rows } = await this.pool.query<ProfileRow>('SELECT * FROM profiles WHERE reminders AND agency_id IS NOT NULL ORDER BY channel, chat_id');
    return rows.map(toProfile);
  }
}

export class PgConversations implements AsyncOf<ConversationStore> {
  constructor(private readonly pool: pg.Pool, private readonly warn: (msg: string, err: unknown) => void) {}
  async get(key: ChatKey): Promise<ConversationState> {
    const { rows } = await this.pool.query<{ state: string }>('SELECT state FROM conversations WHERE channel = $1 AND chat_id = $2', [key.channel, key.chatId]);
    if (!rows[0]) return ConversationState.parse({});
    try {
      return ConversationState.parse(JSON.parse(rows[0].state));
    } catch (err) {
      // A state written by an older version must not break the chat: start a fresh conversation.
      this.warn('conversation state unreadable, reset', err);
      return ConversationState.parse({});
    }
  }
  async set(key: ChatKey, state: ConversationState): Promise<void> {
    await this.pool.query(
      `INSERT INTO conversations (channel, chat_id, state, updated_at) VALUES ($1, $2, $3, now())
       ON CONFLICT (channel, chat_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
      [key.channel, key.chatId, JSON.stringify(state)],
    );
  }
}

export class PgQuestions implements AsyncOf<QuestionLog> {
  constructor(private readonly pool: pg.Pool) {}
  async record(e: QuestionRecord): Promise<number> {
    const { rows } = await this.pool.query<{ id: string }>(
      `INSERT INTO questions (channel, chat_id, question, answer, intent, refused, reason, latency_ms, asked_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
      [e.channel, e.chatId, e.question, e.answer, e.intent, e.refused, e.reason ?? null, Math.round(e.latencyMs), e.askedAt],
    );
    return Number(rows[0]!.id);
  }
  async get(id: number): Promise<(QuestionRecord & { id: number }) | undefined> {
    if (!Number.isSafeInteger(id)) return undefined;
    const { rows } = await this.pool.query<{
      id: string; channel: string; chat_id: string; question: string; answer: string; intent: string;
      refused: boolean; reason: string | null; latency_ms: number; asked_at: Date;
    }>('SELECT * FROM questions WHERE id = $1', [id]);
    const row = rows[0];
    if (!row) return undefined;
    return {
      id: Number(row.id), channel: ChannelName.parse(row.channel), chatId: row.chat_id, question: row.question,
      answer: row.answer, intent: row.intent, refused: row.refused,
      ...(row.reason ? { reason: row.reason } : {}), latencyMs: row.latency_ms, askedAt: row.asked_at,
    };
  }
  async stats(options: { since: Date; top?: number; timezone?: string }): Promise<QuestionStats> {
    // Same grouping as the SQLite log (local day in the time zone, folded text), done here in JS.
    const dayOf = new Intl.DateTimeFormat('en-CA', { timeZone: options.timezone ?? 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit', day: '2-digit' });
    const { rows } = await this.pool.query<{ asked_at: Date; refused: boolean; question: string }>(
      'SELECT asked_at, refused, question FROM questions WHERE asked_at >= $1 ORDER BY asked_at, id',
      [options.since],
    );
    const days = new Map<string, { day: string; questions: number; refused: number }>();
    for (const row of rows) {
      const day = dayOf.format(row.asked_at);
      const d = days.get(day) ?? { day, questions: 0, refused: 0 };
      d.questions += 1;
      d.refused += row.refused ? 1 : 0;
      days.set(day, d);
    }
    const perDay = [...days.values()];
    const groups = new Map<string, { question: string; count: number }>();
    for (const { question } of rows.filter((r) => r.refused)) {
      const k = fold(question).replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
      const g = groups.get(k);
      if (g) g.count += 1;
      else groups.set(k, { question, count: 1 });
    }
    const topUnanswered = [...groups.values()].sort((a, b) => b.count - a.count).slice(0, options.top ?? 5);
    const fb = await this.pool.query<{ up: string | null; down: string | null }>(
      `SELECT SUM(CASE WHEN rating > 0 THEN 1 ELSE 0 END) AS up, SUM(CASE WHEN rating < 0 THEN 1 ELSE 0 END) AS down
       FROM feedback WHERE created_at >= $1`,
      [options.since],
    );
    const total = perDay.reduce((s, d) => s + d.questions, 0);
    const refused = perDay.reduce((s, d) => s + d.refused, 0);
    return { perDay, total, refused, topUnanswered, feedback: { up: Number(fb.rows[0]?.up ?? 0), down: Number(fb.rows[0]?.down ?? 0) } };
  }
}

export class PgFeedback implements AsyncOf<FeedbackStore> {
  constructor(private readonly pool: pg.Pool) {}
  async record(e: ChatKey & { questionId: number; rating: 1 | -1; at: Date }): Promise<boolean> {
    if (!Number.isSafeInteger(e.questionId)) return false;
    const { rowCount } = await this.pool.query(
      `INSERT INTO feedback (question_id, channel, chat_id, rating, question, answer, created_at)
       SELECT id, $2, $3, $4, question, answer, $5 FROM questions WHERE id = $1
       ON CONFLICT (question_id, channel, chat_id) DO UPDATE SET rating = excluded.rating, created_at = excluded.created_at`,
      [e.questionId, e.channel, e.chatId, e.rating, e.at],
    );
    return rowCount === 1;
  }
}

type EntryKey = [string, string, string, string, string];
const entryKey = (e: ReminderEntry): EntryKey => [e.channel, e.chatId, e.taskId, e.due, e.threshold];

export class PgReminders implements AsyncOf<ReminderLedger> {
  constructor(private readonly pool: pg.Pool) {}
  /** The primary key makes a claim once per chat, task, due date and threshold across replicas. */
  async claim(entries: ReminderEntry[], at: Date): Promise<ReminderEntry[]> {
    if (entries.length === 0) return [];
    return inTransaction(this.pool, async (c) => {
      const claimed: ReminderEntry[] = [];
      for (const e of entries) {
        const r = await c.query(
          `INSERT INTO reminder_ledger (channel, chat_id, task_id, due, threshold, status, created_at)
           VALUES ($1, $2, $3, $4, $5, 'sending', $6) ON CONFLICT DO NOTHING`,
          [...entryKey(e), at],
        );
        if (r.rowCount === 1) claimed.push(e);
      }
      return claimed;
    });
  }
  async markSent(entries: ReminderEntry[]): Promise<void> {
    await this.each(entries, `UPDATE reminder_ledger SET status = 'sent' WHERE channel = $1 AND chat_id = $2 AND task_id = $3 AND due = $4 AND threshold = $5`);
  }
  async release(entries: ReminderEntry[]): Promise<void> {
    await this.each(entries, 'DELETE FROM reminder_ledger WHERE channel = $1 AND chat_id = $2 AND task_id = $3 AND due = $4 AND threshold = $5');
  }
  private async each(entries: ReminderEntry[], sql: string): Promise<void> {
    if (entries.length === 0) return;
    await inTransaction(this.pool, async (c) => {
      for (const e of entries) await c.query(sql, entryKey(e));
    });
  }
  async getMeta(key: string): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ value: string }>('SELECT value FROM scheduler_meta WHERE key = $1', [key]);
    return rows[0]?.value;
  }
  async setMeta(key: string, value: string): Promise<void> {
    await this.pool.query('INSERT INTO scheduler_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, value]);
  }
}

type Ref = { channel: ChannelName; key: string };

const toItem = (r: { channel: string; key: string; payload: string }): InboxItem => ({
  channel: ChannelName.parse(r.channel),
  key: r.key,
  payload: JSON.parse(r.payload) as unknown,
});

export class PgDedupe implements AsyncOf<DedupeStore> {
  constructor(private readonly pool: pg.Pool) {}
  async claim(item: InboxItem, at: Date): Promise<boolean> {
    const r = await this.pool.query(
      'INSERT INTO inbox (channel, key, payload, received_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
      [item.channel, item.key, JSON.stringify(item.payload), at],
    );
    return r.rowCount === 1;
  }
  async claimAll(items: readonly InboxItem[], at: Date): Promise<boolean[]> {
    if (items.length === 0) return [];
    // One statement for the batch (one round trip on the webhook path); a key repeated within the
    // call is a duplicate of its first occurrence. Payloads are serialised first: one that cannot
    // be stored throws before anything is written.
    const first = new Map<string, number>();
    items.forEach((item, i) => {
      const id = `${item.channel}\u0000${item.key}`;
      if (!first.has(id)) first.set(id, i);
    });
    const unique = [...first.values()].map((i) => items[i]!);
    const payloads = unique.map((item) => JSON.stringify(item.payload));
    const { rows } = await this.pool.query<{ channel: string; key: string }>(
      `INSERT INTO inbox (channel, key, payload, received_at)
       SELECT channel, key, payload, $4 FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS u(channel, key, payload, n)
       ORDER BY n
       ON CONFLICT DO NOTHING RETURNING channel, key`,
      [unique.map((u) => u.channel), unique.map((u) => u.key), payloads, at],
    );
    const stored = new Set(rows.map((r) => `${r.channel}\u0000${r.key}`));
    return items.map((item, i) => {
      const id = `${item.channel}\u0000${item.key}`;
      return first.get(id) === i && stored.has(id);
    });
  }
  async unclaim(channel: ChannelName, key: string): Promise<void> {
    await this.pool.query('DELETE FROM inbox WHERE channel = $1 AND key = $2', [channel, key]);
  }
  async done(channel: ChannelName, key: string, at: Date): Promise<void> {
    await this.pool.query("UPDATE inbox SET done_at = $1, payload = 'null' WHERE channel = $2 AND key = $3", [at, channel, key]);
  }
  async doneAll(items: readonly Ref[], at: Date): Promise<void> {
    await this.advance(items, [], at);
  }
  async pending(limit = -1): Promise<InboxItem[]> {
    const { rows } = await this.pool.query<{ channel: string; key: string; payload: string }>(
      'SELECT channel, key, payload FROM inbox WHERE done_at IS NULL ORDER BY seq LIMIT $1',
      [limit < 0 ? null : limit],
    );
    return rows.map(toItem);
  }
  async pendingAfter(after: number, limit: number): Promise<Array<InboxItem & { seq: number }>> {
    const { rows } = await this.pool.query<{ seq: string; channel: string; key: string; payload: string }>(
      'SELECT seq, channel, key, payload FROM inbox WHERE done_at IS NULL AND seq > $1 ORDER BY seq LIMIT $2',
      [after, limit],
    );
    return rows.map((r) => ({ seq: Number(r.seq), ...toItem(r) }));
  }
  async pendingCount(): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>('SELECT count(*) AS n FROM inbox WHERE done_at IS NULL');
    return Number(rows[0]!.n);
  }
  async advance(done: readonly Ref[], started: readonly Ref[], at: Date): Promise<void> {
    if (done.length === 0 && started.length === 0) return;
    await inTransaction(this.pool, async (c) => {
      if (done.length > 0) {
        await c.query(
          `UPDATE inbox SET done_at = $1, payload = 'null'
           FROM unnest($2::text[], $3::text[]) AS d(channel, key) WHERE inbox.channel = d.channel AND inbox.key = d.key`,
          [at, done.map((d) => d.channel), done.map((d) => d.key)],
        );
      }
      if (started.length > 0) {
        await c.query(
          `UPDATE inbox SET attempts = attempts + 1
           FROM unnest($1::text[], $2::text[]) AS s(channel, key) WHERE inbox.channel = s.channel AND inbox.key = s.key`,
          [started.map((s) => s.channel), started.map((s) => s.key)],
        );
      }
    });
  }
  async parkCrashed(maxAttempts: number, at: Date, error: string): Promise<ParkedItem[]> {
    // Parked rows keep their payload (admins may look at what was set aside); pruned with the rest.
    const { rows } = await this.pool.query<{ seq: string; channel: string; key: string; payload: string; attempts: number }>(
      `UPDATE inbox SET done_at = $2, parked_at = $2, error = $3
       WHERE done_at IS NULL AND attempts >= $1 RETURNING seq, channel, key, payload, attempts`,
      [maxAttempts, at, error],
    );
    return rows
      .sort((a, b) => Number(a.seq) - Number(b.seq))
      .map((r) => ({ ...toItem(r), attempts: r.attempts, parkedAt: at, error }));
  }
  async parked(limit = 50): Promise<ParkedItem[]> {
    const { rows } = await this.pool.query<{ channel: string; key: string; payload: string; attempts: number; parked_at: Date; error: string | null }>(
      'SELECT channel, key, payload, attempts, parked_at, error FROM inbox WHERE parked_at IS NOT NULL ORDER BY parked_at DESC, seq DESC LIMIT $1',
      [limit],
    );
    return rows.map((r) => ({ ...toItem(r), attempts: r.attempts, parkedAt: r.parked_at, error: r.error ?? '' }));
  }
  async prune(before: Date): Promise<number> {
    const r = await this.pool.query('DELETE FROM inbox WHERE received_at < $1 AND done_at IS NOT NULL', [before]);
    return r.rowCount ?? 0;
  }
}

interface OutboxRow {
  id: string; channel: string; chat_id: string; source: string | null; reply: string; attempts: number; created_at: Date;
}

/** Advisory lock per chat: the "is an earlier reply unsent?" check and the insert are one step. */
const chatLock = 'SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))';

export class PgOutbox implements AsyncOf<OutboxStore> {
  constructor(private readonly pool: pg.Pool) {}
  async add(item: { channel: ChannelName; chatId: string; source?: string; reply: unknown }, at: Date, leaseUntil: Date): Promise<{ id: number; claimed: boolean }> {
    return inTransaction(this.pool, async (c) => {
      await c.query(chatLock, [item.channel, item.chatId]);
      const unsent = await c.query("SELECT 1 FROM outbox WHERE channel = $1 AND chat_id = $2 AND status IN ('pending', 'sending') LIMIT 1", [item.channel, item.chatId]);
      const claimed = unsent.rowCount === 0;
      const { rows } = await c.query<{ id: string }>(
        `INSERT INTO outbox (channel, chat_id, source, reply, status, attempts, next_at, lease_until, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $7) RETURNING id`,
        [item.channel, item.chatId, item.source ?? null, JSON.stringify(item.reply), claimed ? 'sending' : 'pending', claimed ? 1 : 0, at, claimed ? leaseUntil : null],
      );
      return { id: Number(rows[0]!.id), claimed };
    });
  }
  async claimDue(at: Date, leaseUntil: Date, limit: number): Promise<OutboxItem[]> {
    // The oldest unsent reply of each chat, when due; SKIP LOCKED so two replicas never claim the same row.
    return inTransaction(this.pool, async (c) => {
      const { rows } = await c.query<OutboxRow>(
        `SELECT o.id, o.channel, o.chat_id, o.source, o.reply, o.attempts, o.created_at FROM outbox o
         WHERE ((o.status = 'pending' AND o.next_at <= $1) OR (o.status = 'sending' AND o.lease_until <= $1))
           AND o.id = (SELECT min(p.id) FROM outbox p WHERE p.channel = o.channel AND p.chat_id = o.chat_id AND p.status IN ('pending', 'sending'))
         ORDER BY o.id LIMIT $2 FOR UPDATE OF o SKIP LOCKED`,
        [at, limit],
      );
      if (rows.length > 0) {
        await c.query("UPDATE outbox SET status = 'sending', lease_until = $1, attempts = attempts + 1 WHERE id = ANY($2::bigint[])", [leaseUntil, rows.map((r) => r.id)]);
      }
      return rows.map((r): OutboxItem => ({
        id: Number(r.id),
        channel: ChannelName.parse(r.channel),
        chatId: r.chat_id,
        ...(r.source !== null ? { source: r.source } : {}),
        reply: JSON.parse(r.reply) as unknown,
        attempts: r.attempts + 1,
        createdAt: r.created_at,
      }));
    });
  }
  async sent(id: number, at: Date): Promise<void> {
    await this.pool.query("UPDATE outbox SET status = 'sent', done_at = $1, lease_until = NULL, error = NULL WHERE id = $2", [at, id]);
  }
  async retry(id: number, nextAt: Date, error: string): Promise<void> {
    await this.pool.query("UPDATE outbox SET status = 'pending', next_at = $1, lease_until = NULL, error = $2 WHERE id = $3", [nextAt, error, id]);
  }
  async failed(id: number, at: Date, error: string): Promise<void> {
    await this.pool.query("UPDATE outbox SET status = 'failed', done_at = $1, lease_until = NULL, error = $2 WHERE id = $3", [at, error, id]);
  }
  async hasReplies(channel: ChannelName, source: string): Promise<boolean> {
    const r = await this.pool.query('SELECT 1 FROM outbox WHERE channel = $1 AND source = $2 LIMIT 1', [channel, source]);
    return (r.rowCount ?? 0) > 0;
  }
  async pendingCount(): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>("SELECT count(*) AS n FROM outbox WHERE status IN ('pending', 'sending')");
    return Number(rows[0]!.n);
  }
  async nextDue(): Promise<Date | undefined> {
    const { rows } = await this.pool.query<{ at: Date | null }>("SELECT min(next_at) AS at FROM outbox WHERE status = 'pending'");
    return rows[0]?.at ?? undefined;
  }
  async prune(before: Date): Promise<number> {
    const r = await this.pool.query("DELETE FROM outbox WHERE status IN ('sent', 'failed') AND done_at < $1", [before]);
    return r.rowCount ?? 0;
  }
}

/**
 * The sliding one-minute window of src/server/rate-limit.ts, kept in PostgreSQL so the limit
 * holds across replicas: 'ok' to process, 'limited' the first time over the limit in a window
 * (reply politely), 'silent' afterwards.
 */
export class PgRateLimits {
  private calls = 0;
  constructor(private readonly pool: pg.Pool) {}
  async hit(key: string, nowMs: number, perMinute: number, windowMs: number): Promise<'ok' | 'limited' | 'silent'> {
    const result = await inTransaction(this.pool, async (c) => {
      await c.query("INSERT INTO rate_limits (key, hits, warned, updated_at) VALUES ($1, '{}', FALSE, now()) ON CONFLICT DO NOTHING", [key]);
      const { rows } = await c.query<{ hits: string[]; warned: boolean }>('SELECT hits, warned FROM rate_limits WHERE key = $1 FOR UPDATE', [key]);
      const hits = rows[0]!.hits.map(Number).filter((t) => t > nowMs - windowMs);
      let warned = rows[0]!.warned;
      let verdict: 'ok' | 'limited' | 'silent';
      if (hits.length < perMinute) {
        hits.push(nowMs);
        warned = false;
        verdict = 'ok';
      } else {
        verdict = warned ? 'silent' : 'limited';
        warned = true;
      }
      await c.query('UPDATE rate_limits SET hits = $2::bigint[], warned = $3, updated_at = now() WHERE key = $1', [key, hits, warned]);
      return verdict;
    });
    // Now and then drop keys idle for an hour (the in-memory limiter sweeps the same way).
    if (++this.calls % 1000 === 0) await this.pool.query("DELETE FROM rate_limits WHERE updated_at < now() - interval '1 hour'").catch(() => undefined);
    return result;
  }
}
