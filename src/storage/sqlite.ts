/**
 * SQLite implementation of the stores (DATA_DIR/app.db, WAL). Every write is a single statement
 * or a transaction, so a crash never leaves half a change; WAL + synchronous=NORMAL keeps
 * committed rows across a process crash.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { fold } from '../text/normalize.js';
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
  type Stores,
} from './stores.js';

/** Numbered migrations; a number is never reused or edited once released. */
export const MIGRATIONS: ReadonlyArray<{ version: number; sql: string }> = [
  {
    version: 1,
    sql: `
      CREATE TABLE profiles (
        channel TEXT NOT NULL, chat_id TEXT NOT NULL,
        agency_id TEXT, province TEXT, reminders INTEGER NOT NULL DEFAULT 0,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (channel, chat_id));
      CREATE TABLE conversations (
        channel TEXT NOT NULL, chat_id TEXT NOT NULL, state TEXT NOT NULL, updated_at TEXT NOT NULL,
        PRIMARY KEY (channel, chat_id));
      CREATE TABLE questions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        channel TEXT NOT NULL, chat_id TEXT NOT NULL,
        question TEXT NOT NULL, answer TEXT NOT NULL, intent TEXT NOT NULL,
        refused INTEGER NOT NULL, reason TEXT, latency_ms INTEGER NOT NULL, asked_at TEXT NOT NULL);
      CREATE INDEX questions_asked_at ON questions (asked_at);
      CREATE TABLE feedback (
        question_id INTEGER NOT NULL REFERENCES questions(id),
        channel TEXT NOT NULL, chat_id TEXT NOT NULL,
        rating INTEGER NOT NULL, question TEXT NOT NULL, answer TEXT NOT NULL, created_at TEXT NOT NULL,
        PRIMARY KEY (question_id, channel, chat_id));
      CREATE TABLE reminder_ledger (
        channel TEXT NOT NULL, chat_id TEXT NOT NULL, task_id TEXT NOT NULL, due TEXT NOT NULL,
        threshold TEXT NOT NULL, status TEXT NOT NULL, created_at TEXT NOT NULL,
        PRIMARY KEY (channel, chat_id, task_id, due, threshold));
      CREATE TABLE scheduler_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE inbox (
        channel TEXT NOT NULL, key TEXT NOT NULL, payload TEXT NOT NULL,
        received_at TEXT NOT NULL, done_at TEXT,
        PRIMARY KEY (channel, key));
      CREATE INDEX inbox_received_at ON inbox (received_at);
    `,
  },
  {
    // The inbox is the reply queue's backlog, read often as "not done yet, oldest first"
    // (index entries are ordered by rowid within one done_at value).
    version: 2,
    sql: `CREATE INDEX inbox_pending ON inbox (done_at);`,
  },
  {
    // Poison-loop guard: how often an update was started (a start that never finished means the
    // process died with it), and when it was set aside instead of being started again.
    version: 3,
    sql: `
      ALTER TABLE inbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE inbox ADD COLUMN parked_at TEXT;
      ALTER TABLE inbox ADD COLUMN error TEXT;
    `,
  },
  {
    // Replies stored before sending (status: pending → sending → sent | failed).
    version: 4,
    sql: `
      CREATE TABLE outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        channel TEXT NOT NULL, chat_id TEXT NOT NULL, source TEXT,
        reply TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
        next_at TEXT NOT NULL, lease_until TEXT, created_at TEXT NOT NULL, done_at TEXT, error TEXT);
      CREATE INDEX outbox_chat ON outbox (channel, chat_id, status);
      CREATE INDEX outbox_status ON outbox (status, next_at);
      CREATE INDEX outbox_source ON outbox (channel, source);
    `,
  },
];

export interface SqliteStoresOptions {
  /** File path, or ':memory:' for tests. */
  file: string;
  logger?: Logger;
  /**
   * WAL pages before this connection checkpoints on commit (SQLite default: 1000); 0 = never.
   * The webhook thread sets 0 when answering workers (other connections) do the checkpoints,
   * so it never stalls in a checkpoint's fsync while acknowledging.
   */
  walAutoCheckpoint?: number;
}

/** Opens (creating when needed) DATA_DIR/app.db and applies pending migrations. */
export function openSqliteStores(options: SqliteStoresOptions): Stores {
  if (options.file !== ':memory:') fs.mkdirSync(path.dirname(options.file), { recursive: true });
  const db = new Database(options.file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  if (options.walAutoCheckpoint !== undefined) db.pragma(`wal_autocheckpoint = ${Math.max(0, Math.floor(options.walAutoCheckpoint))}`);
  migrate(db, options.logger);
  return {
    profiles: new SqliteProfiles(db),
    conversations: new SqliteConversations(db, options.logger),
    questions: new SqliteQuestions(db),
    feedback: new SqliteFeedback(db),
    reminders: new SqliteReminders(db),
    dedupe: new SqliteDedupe(db),
    outbox: new SqliteOutbox(db),
    close: () => db.close(),
  };
}

function migrate(db: Database.Database, logger?: Logger): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as Array<{ version: number }>).map((r) => r.version),
  );
  const latest = Math.max(...MIGRATIONS.map((m) => m.version));
  const newest = Math.max(0, ...applied);
  if (newest > latest) {
    throw new Error(`app.db schema version ${newest} is newer than this program knows (${latest}); upgrade the program`);
  }
  for (const m of MIGRATIONS) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(m.version, new Date().toISOString());
    })();
    logger?.info({ version: m.version }, 'app.db migration applied');
  }
}

const iso = (d: Date) => d.toISOString();

class SqliteProfiles implements ProfileStore {
  private readonly getStmt;
  private readonly upsert;
  private readonly subs;
  constructor(db: Database.Database) {
    this.getStmt = db.prepare('SELECT * FROM profiles WHERE channel = ? AND chat_id = ?');
    this.upsert = db.prepare(
      `INSERT INTO profiles (channel, chat_id, agency_id, province, reminders, updated_at)
       VALUES (@channel, @chatId, @agencyId, @province, @reminders, @updatedAt)
       ON CONFLICT (channel, chat_id) DO UPDATE SET agency_id = excluded.agency_id,
         province = excluded.province, reminders = excluded.reminders, updated_at = excluded.updated_at`,
    );
    this.subs = db.prepare('SELECT * FROM profiles WHERE reminders = 1 AND agency_id IS NOT NULL');
  }
  get(key: ChatKey): Profile | undefined {
    const row = this.getStmt.get(key.channel, key.chatId) as ProfileRow | undefined;
    return row ? toProfile(row) : undefined;
  }
  update(key: ChatKey, patch: Partial<Omit<Profile, 'channel' | 'chatId'>>): Profile {
    const current = this.get(key) ?? { ...key, reminders: false };
    const next: Profile = { ...current, ...patch, channel: key.channel, chatId: key.chatId };
    this.upsert.run({
      channel: key.channel,
      chatId: key.chatId,
      agencyId: next.agencyId ?? null,
      province: next.province ?? null,
      reminders: next.reminders ? 1 : 0,
      updatedAt: iso(new Date()),
    });
    return next;
  }
  subscribers(): Profile[] {
    return (this.subs.all() as ProfileRow[]).map(toProfile);
  }
}

interface ProfileRow {
  channel: string;
  chat_id: string;
  agency_id: string | null;
  province: string | null;
  reminders: number;
}

function toProfile(row: ProfileRow): Profile {
  return {
    channel: ChannelName.parse(row.channel),
    chatId: row.chat_id,
    ...(row.agency_id ? { agencyId: row.agency_id } : {}),
    ...(row.province ? { province: row.province } : {}),
    reminders: row.reminders === 1,
  };
}

class SqliteConversations implements ConversationStore {
  private readonly getStmt;
  private readonly setStmt;
  constructor(db: Database.Database, private readonly logger?: Logger) {
    this.getStmt = db.prepare('SELECT state FROM conversations WHERE channel = ? AND chat_id = ?');
    this.setStmt = db.prepare(
      `INSERT INTO conversations (channel, chat_id, state, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (channel, chat_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
    );
  }
  get(key: ChatKey): ConversationState {
    const row = this.getStmt.get(key.channel, key.chatId) as { state: string } | undefined;
    if (!row) return ConversationState.parse({});
    try {
      return ConversationState.parse(JSON.parse(row.state));
    } catch (err) {
      // A state written by an older version must not break the chat: start a fresh conversation.
      this.logger?.warn({ err, channel: key.channel }, 'conversation state unreadable, reset');
      return ConversationState.parse({});
    }
  }
  set(key: ChatKey, state: ConversationState): void {
    this.setStmt.run(key.channel, key.chatId, JSON.stringify(state), iso(new Date()));
  }
}

class SqliteQuestions implements QuestionLog {
  private readonly insert;
  private readonly getStmt;
  constructor(private readonly db: Database.Database) {
    this.insert = db.prepare(
      `INSERT INTO questions (channel, chat_id, question, answer, intent, refused, reason, latency_ms, asked_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.getStmt = db.prepare('SELECT * FROM questions WHERE id = ?');
  }
  record(e: QuestionRecord): number {
    const info = this.insert.run(
      e.channel, e.chatId, e.question, e.answer, e.intent, e.refused ? 1 : 0, e.reason ?? null,
      Math.round(e.latencyMs), iso(e.askedAt),
    );
    return Number(info.lastInsertRowid);
  }
  get(id: number): (QuestionRecord & { id: number }) | undefined {
    const row = this.getStmt.get(id) as
      | { id: number; channel: string; chat_id: string; question: string; answer: string; intent: string;
          refused: number; reason: string | null; latency_ms: number; asked_at: string }
      | undefined;
    if (!row) return undefined;
    return {
      id: row.id, channel: ChannelName.parse(row.channel), chatId: row.chat_id, question: row.question,
      answer: row.answer, intent: row.intent, refused: row.refused === 1,
      ...(row.reason ? { reason: row.reason } : {}), latencyMs: row.latency_ms, askedAt: new Date(row.asked_at),
    };
  }
  stats(options: { since: Date; top?: number; timezone?: string }): QuestionStats {
    const since = iso(options.since);
    // Group by the local day (a question at 06:00 in Hà Nội is 23:00 UTC the day before).
    const dayOf = new Intl.DateTimeFormat('en-CA', { timeZone: options.timezone ?? 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit', day: '2-digit' });
    const rows = this.db
      .prepare('SELECT asked_at, refused, question FROM questions WHERE asked_at >= ? ORDER BY asked_at')
      .all(since) as Array<{ asked_at: string; refused: number; question: string }>;
    const days = new Map<string, { day: string; questions: number; refused: number }>();
    for (const row of rows) {
      const day = dayOf.format(new Date(row.asked_at));
      const d = days.get(day) ?? { day, questions: 0, refused: 0 };
      d.questions += 1;
      d.refused += row.refused;
      days.set(day, d);
    }
    const perDay = [...days.values()];
    const refusedRows = rows.filter((r) => r.refused === 1);
    // Group unanswered questions by folded text so "giay khai sinh" and "giấy khai sinh" count together.
    const groups = new Map<string, { question: string; count: number }>();
    for (const { question } of refusedRows) {
      const k = fold(question).replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
      const g = groups.get(k);
      if (g) g.count += 1;
      else groups.set(k, { question, count: 1 });
    }
    const topUnanswered = [...groups.values()].sort((a, b) => b.count - a.count).slice(0, options.top ?? 5);
    const fb = this.db
      .prepare(
        `SELECT SUM(CASE WHEN rating > 0 THEN 1 ELSE 0 END) AS up, SUM(CASE WHEN rating < 0 THEN 1 ELSE 0 END) AS down
         FROM feedback WHERE created_at >= ?`,
      )
      .get(since) as { up: number | null; down: number | null };
    const total = perDay.reduce((s, d) => s + d.questions, 0);
    const refused = perDay.reduce((s, d) => s + d.refused, 0);
    return { perDay, total, refused, topUnanswered, feedback: { up: fb.up ?? 0, down: fb.down ?? 0 } };
  }
}

class SqliteFeedback implements FeedbackStore {
  private readonly upsert;
  private readonly question;
  constructor(db: Database.Database) {
    this.question = db.prepare('SELECT question, answer FROM questions WHERE id = ?');
    this.upsert = db.prepare(
      `INSERT INTO feedback (question_id, channel, chat_id, rating, question, answer, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (question_id, channel, chat_id) DO UPDATE SET rating = excluded.rating, created_at = excluded.created_at`,
    );
  }
  record(e: ChatKey & { questionId: number; rating: 1 | -1; at: Date }): boolean {
    const q = this.question.get(e.questionId) as { question: string; answer: string } | undefined;
    if (!q) return false;
    this.upsert.run(e.questionId, e.channel, e.chatId, e.rating, q.question, q.answer, iso(e.at));
    return true;
  }
}

class SqliteReminders implements ReminderLedger {
  private readonly insert;
  private readonly setStatus;
  private readonly remove;
  private readonly getMetaStmt;
  private readonly setMetaStmt;
  constructor(private readonly db: Database.Database) {
    this.insert = db.prepare(
      `INSERT OR IGNORE INTO reminder_ledger (channel, chat_id, task_id, due, threshold, status, created_at)
       VALUES (?, ?, ?, ?, ?, 'sending', ?)`,
    );
    this.setStatus = db.prepare(
      `UPDATE reminder_ledger SET status = ? WHERE channel = ? AND chat_id = ? AND task_id = ? AND due = ? AND threshold = ?`,
    );
    this.remove = db.prepare(
      `DELETE FROM reminder_ledger WHERE channel = ? AND chat_id = ? AND task_id = ? AND due = ? AND threshold = ?`,
    );
    this.getMetaStmt = db.prepare('SELECT value FROM scheduler_meta WHERE key = ?');
    this.setMetaStmt = db.prepare(
      'INSERT INTO scheduler_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    );
  }
  claim(entries: ReminderEntry[], at: Date): ReminderEntry[] {
    return this.db.transaction(() =>
      entries.filter((e) => this.insert.run(e.channel, e.chatId, e.taskId, e.due, e.threshold, iso(at)).changes === 1),
    )();
  }
  markSent(entries: ReminderEntry[]): void {
    this.db.transaction(() => {
      for (const e of entries) this.setStatus.run('sent', e.channel, e.chatId, e.taskId, e.due, e.threshold);
    })();
  }
  release(entries: ReminderEntry[]): void {
    this.db.transaction(() => {
      for (const e of entries) this.remove.run(e.channel, e.chatId, e.taskId, e.due, e.threshold);
    })();
  }
  getMeta(key: string): string | undefined {
    return (this.getMetaStmt.get(key) as { value: string } | undefined)?.value;
  }
  setMeta(key: string, value: string): void {
    this.setMetaStmt.run(key, value);
  }
}

class SqliteDedupe implements DedupeStore {
  private readonly insert;
  private readonly remove;
  private readonly markDone;
  private readonly pendingStmt;
  private readonly countStmt;
  private readonly afterStmt;
  private readonly pruneStmt;
  private readonly claimTx;
  private readonly doneTx;
  private readonly startStmt;
  private readonly advanceTx;
  private readonly crashedStmt;
  private readonly parkStmt;
  private readonly parkTx;
  private readonly parkedStmt;
  constructor(db: Database.Database) {
    this.insert = db.prepare(
      'INSERT OR IGNORE INTO inbox (channel, key, payload, received_at) VALUES (?, ?, ?, ?)',
    );
    this.remove = db.prepare('DELETE FROM inbox WHERE channel = ? AND key = ?');
    this.markDone = db.prepare('UPDATE inbox SET done_at = ?, payload = \'null\' WHERE channel = ? AND key = ?');
    this.pendingStmt = db.prepare('SELECT channel, key, payload FROM inbox WHERE done_at IS NULL ORDER BY rowid LIMIT ?');
    this.afterStmt = db.prepare('SELECT rowid AS seq, channel, key, payload FROM inbox WHERE done_at IS NULL AND rowid > ? ORDER BY rowid LIMIT ?');
    this.countStmt = db.prepare('SELECT count(*) AS n FROM inbox WHERE done_at IS NULL');
    this.pruneStmt = db.prepare('DELETE FROM inbox WHERE received_at < ? AND done_at IS NOT NULL');
    this.claimTx = db.transaction((items: readonly InboxItem[], at: string) =>
      items.map((item) => this.insert.run(item.channel, item.key, JSON.stringify(item.payload), at).changes === 1),
    );
    this.doneTx = db.transaction((items: ReadonlyArray<{ channel: ChannelName; key: string }>, at: string) => {
      for (const item of items) this.markDone.run(at, item.channel, item.key);
    });
    this.startStmt = db.prepare('UPDATE inbox SET attempts = attempts + 1 WHERE channel = ? AND key = ?');
    this.advanceTx = db.transaction((done: ReadonlyArray<{ channel: ChannelName; key: string }>, started: ReadonlyArray<{ channel: ChannelName; key: string }>, at: string) => {
      for (const item of done) this.markDone.run(at, item.channel, item.key);
      for (const item of started) this.startStmt.run(item.channel, item.key);
    });
    this.crashedStmt = db.prepare('SELECT channel, key, payload, attempts FROM inbox WHERE done_at IS NULL AND attempts >= ? ORDER BY rowid');
    // Parked rows keep their payload (admins may look at what was set aside); pruned with the rest.
    this.parkStmt = db.prepare('UPDATE inbox SET done_at = ?, parked_at = ?, error = ? WHERE channel = ? AND key = ?');
    this.parkTx = db.transaction((items: ReadonlyArray<{ channel: string; key: string }>, at: string, error: string) => {
      for (const item of items) this.parkStmt.run(at, at, error, item.channel, item.key);
    });
    this.parkedStmt = db.prepare('SELECT channel, key, payload, attempts, parked_at, error FROM inbox WHERE parked_at IS NOT NULL ORDER BY parked_at DESC LIMIT ?');
  }
  advance(done: ReadonlyArray<{ channel: ChannelName; key: string }>, started: ReadonlyArray<{ channel: ChannelName; key: string }>, at: Date): void {
    if (done.length > 0 || started.length > 0) this.advanceTx.immediate(done, started, iso(at));
  }
  parkCrashed(maxAttempts: number, at: Date, error: string): ParkedItem[] {
    const rows = this.crashedStmt.all(maxAttempts) as Array<{ channel: string; key: string; payload: string; attempts: number }>;
    if (rows.length === 0) return [];
    this.parkTx.immediate(rows, iso(at), error);
    return rows.map((r) => ({ channel: ChannelName.parse(r.channel), key: r.key, payload: JSON.parse(r.payload) as unknown, attempts: r.attempts, parkedAt: at, error }));
  }
  parked(limit = 50): ParkedItem[] {
    return (this.parkedStmt.all(limit) as Array<{ channel: string; key: string; payload: string; attempts: number; parked_at: string; error: string | null }>).map((r) => ({
      channel: ChannelName.parse(r.channel),
      key: r.key,
      payload: JSON.parse(r.payload) as unknown,
      attempts: r.attempts,
      parkedAt: new Date(r.parked_at),
      error: r.error ?? '',
    }));
  }
  claim(item: InboxItem, at: Date): boolean {
    return this.insert.run(item.channel, item.key, JSON.stringify(item.payload), iso(at)).changes === 1;
  }
  claimAll(items: readonly InboxItem[], at: Date): boolean[] {
    if (items.length === 0) return [];
    // IMMEDIATE: take the write lock up front, so a busy wait happens before any work, not as a
    // failed lock upgrade halfway through.
    return this.claimTx.immediate(items, iso(at));
  }
  doneAll(items: ReadonlyArray<{ channel: ChannelName; key: string }>, at: Date): void {
    if (items.length > 0) this.doneTx.immediate(items, iso(at));
  }
  unclaim(channel: ChannelName, key: string): void {
    this.remove.run(channel, key);
  }
  done(channel: ChannelName, key: string, at: Date): void {
    this.markDone.run(iso(at), channel, key);
  }
  pending(limit = -1): InboxItem[] {
    return (this.pendingStmt.all(limit) as Array<{ channel: string; key: string; payload: string }>).map((r) => ({
      channel: ChannelName.parse(r.channel),
      key: r.key,
      payload: JSON.parse(r.payload) as unknown,
    }));
  }
  pendingAfter(after: number, limit: number): Array<InboxItem & { seq: number }> {
    return (this.afterStmt.all(after, limit) as Array<{ seq: number; channel: string; key: string; payload: string }>).map((r) => ({
      seq: r.seq,
      channel: ChannelName.parse(r.channel),
      key: r.key,
      payload: JSON.parse(r.payload) as unknown,
    }));
  }
  pendingCount(): number {
    return (this.countStmt.get() as { n: number }).n;
  }
  prune(before: Date): number {
    return this.pruneStmt.run(iso(before)).changes;
  }
}

class SqliteOutbox implements OutboxStore {
  private readonly unsentInChat;
  private readonly insert;
  private readonly dueStmt;
  private readonly claimStmt;
  private readonly sentStmt;
  private readonly retryStmt;
  private readonly failedStmt;
  private readonly sourceStmt;
  private readonly countStmt;
  private readonly nextStmt;
  private readonly pruneStmt;
  private readonly addTx;
  private readonly claimTx;
  constructor(db: Database.Database) {
    this.unsentInChat = db.prepare("SELECT 1 FROM outbox WHERE channel = ? AND chat_id = ? AND status IN ('pending', 'sending') LIMIT 1");
    this.insert = db.prepare('INSERT INTO outbox (channel, chat_id, source, reply, status, attempts, next_at, lease_until, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    // The oldest unsent reply of each chat, when due: order within a chat is kept.
    this.dueStmt = db.prepare(`
      SELECT o.id, o.channel, o.chat_id, o.source, o.reply, o.attempts, o.created_at FROM outbox o
      WHERE ((o.status = 'pending' AND o.next_at <= ?) OR (o.status = 'sending' AND o.lease_until <= ?))
        AND o.id = (SELECT min(p.id) FROM outbox p WHERE p.channel = o.channel AND p.chat_id = o.chat_id AND p.status IN ('pending', 'sending'))
      ORDER BY o.id LIMIT ?`);
    this.claimStmt = db.prepare("UPDATE outbox SET status = 'sending', lease_until = ?, attempts = attempts + 1 WHERE id = ?");
    this.sentStmt = db.prepare("UPDATE outbox SET status = 'sent', done_at = ?, lease_until = NULL, error = NULL WHERE id = ?");
    this.retryStmt = db.prepare("UPDATE outbox SET status = 'pending', next_at = ?, lease_until = NULL, error = ? WHERE id = ?");
    this.failedStmt = db.prepare("UPDATE outbox SET status = 'failed', done_at = ?, lease_until = NULL, error = ? WHERE id = ?");
    this.sourceStmt = db.prepare('SELECT 1 FROM outbox WHERE channel = ? AND source = ? LIMIT 1');
    this.countStmt = db.prepare("SELECT count(*) AS n FROM outbox WHERE status IN ('pending', 'sending')");
    this.nextStmt = db.prepare("SELECT min(next_at) AS at FROM outbox WHERE status = 'pending'");
    this.pruneStmt = db.prepare("DELETE FROM outbox WHERE status IN ('sent', 'failed') AND done_at < ?");
    this.addTx = db.transaction((item: { channel: ChannelName; chatId: string; source?: string; reply: unknown }, at: string, lease: string) => {
      const claimed = this.unsentInChat.get(item.channel, item.chatId) === undefined;
      const info = this.insert.run(item.channel, item.chatId, item.source ?? null, JSON.stringify(item.reply), claimed ? 'sending' : 'pending', claimed ? 1 : 0, at, claimed ? lease : null, at);
      return { id: Number(info.lastInsertRowid), claimed };
    });
    this.claimTx = db.transaction((at: string, lease: string, limit: number) => {
      const rows = this.dueStmt.all(at, at, limit) as Array<{ id: number; channel: string; chat_id: string; source: string | null; reply: string; attempts: number; created_at: string }>;
      for (const r of rows) this.claimStmt.run(lease, r.id);
      return rows.map((r): OutboxItem => ({
        id: r.id,
        channel: ChannelName.parse(r.channel),
        chatId: r.chat_id,
        ...(r.source !== null ? { source: r.source } : {}),
        reply: JSON.parse(r.reply) as unknown,
        attempts: r.attempts + 1,
        createdAt: new Date(r.created_at),
      }));
    });
  }
  add(item: { channel: ChannelName; chatId: string; source?: string; reply: unknown }, at: Date, leaseUntil: Date): { id: number; claimed: boolean } {
    return this.addTx.immediate(item, iso(at), iso(leaseUntil));
  }
  claimDue(at: Date, leaseUntil: Date, limit: number): OutboxItem[] {
    return this.claimTx.immediate(iso(at), iso(leaseUntil), limit);
  }
  sent(id: number, at: Date): void {
    this.sentStmt.run(iso(at), id);
  }
  retry(id: number, nextAt: Date, error: string): void {
    this.retryStmt.run(iso(nextAt), error, id);
  }
  failed(id: number, at: Date, error: string): void {
    this.failedStmt.run(iso(at), error, id);
  }
  hasReplies(channel: ChannelName, source: string): boolean {
    return this.sourceStmt.get(channel, source) !== undefined;
  }
  pendingCount(): number {
    return (this.countStmt.get() as { n: number }).n;
  }
  nextDue(): Date | undefined {
    const at = (this.nextStmt.get() as { at: string | null }).at;
    return at ? new Date(at) : undefined;
  }
  prune(before: Date): number {
    return this.pruneStmt.run(iso(before)).changes;
  }
}
