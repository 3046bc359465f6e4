/**
 * State of the task board: the BoardStore interface, and its embedded implementation in the same SQLite file as the rest of the server state (DATA_DIR/app.db,
 * its own connection; WAL lets it sit beside the stores' connection): board accounts, login
 * sessions, task status reported by agencies with its full history, the numbered task list a chat
 * was last shown (for /baocao <số>) and chats linked to accounts (for /tonghop).
 *
 * Its tables carry their own migration numbers (board_schema), so they never collide with the
 * numbered migrations of src/storage/sqlite.ts. With DATABASE_URL the same interface lives in
 * PostgreSQL (src/storage/postgres-board.ts, shared by replicas; migration 5 of
 * src/storage/migrations/postgres.ts); both pass test/storage/board-contract.test.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { z } from 'zod';

export const Role = z.enum(['leader', 'agency', 'admin']);
export type Role = z.infer<typeof Role>;

export const TaskStatus = z.enum(['chua_bat_dau', 'dang_thuc_hien', 'hoan_thanh']);
export type TaskStatus = z.infer<typeof TaskStatus>;

export interface BoardUser {
  login: string;
  role: Role;
  /** Registry id of the account's agency ("so-tttt@thanh-hoa"), for agency accounts. */
  agencyId?: string;
  agencyName?: string;
  province?: string;
  disabled: boolean;
  createdAt: string;
}

export interface StoredStatus {
  /** Stable task key (content fingerprint), the board's task id. */
  key: string;
  /** Record id of the task when the status was set ("<docId>#task-3"). */
  recordId: string;
  docId: string;
  title: string;
  status: TaskStatus;
  note?: string;
  by: string;
  at: string;
}

export interface StatusChange extends StoredStatus {
  /** Where the change came from: the board page, the JSON API or a chat command. */
  via: 'board' | 'api' | 'chat' | 'cli';
}

export interface ListedTask {
  key: string;
  recordId: string;
  docId: string;
  title: string;
  /** Registry ids of the lead agencies (who may report from chat). */
  leads: string[];
}

const MIGRATIONS: ReadonlyArray<{ version: number; sql: string }> = [
  {
    version: 1,
    sql: `
      CREATE TABLE IF NOT EXISTS board_users (
        login TEXT PRIMARY KEY, password_hash TEXT NOT NULL, role TEXT NOT NULL,
        agency_id TEXT, agency_name TEXT, province TEXT,
        disabled INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS board_sessions (
        token_hash TEXT PRIMARY KEY, login TEXT NOT NULL REFERENCES board_users(login),
        created_at TEXT NOT NULL, expires_at TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS board_sessions_login ON board_sessions (login);
      CREATE TABLE IF NOT EXISTS board_status (
        task_key TEXT PRIMARY KEY, record_id TEXT NOT NULL, doc_id TEXT NOT NULL, title TEXT NOT NULL,
        status TEXT NOT NULL, note TEXT, updated_by TEXT NOT NULL, updated_at TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS board_status_record ON board_status (record_id);
      CREATE TABLE IF NOT EXISTS board_status_history (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        task_key TEXT NOT NULL, record_id TEXT NOT NULL, doc_id TEXT NOT NULL, title TEXT NOT NULL,
        status TEXT NOT NULL, note TEXT, changed_by TEXT NOT NULL, changed_at TEXT NOT NULL, via TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS board_status_history_key ON board_status_history (task_key);
      CREATE TABLE IF NOT EXISTS board_chat_lists (
        channel TEXT NOT NULL, chat_id TEXT NOT NULL, tasks TEXT NOT NULL, listed_at TEXT NOT NULL,
        PRIMARY KEY (channel, chat_id));
      CREATE TABLE IF NOT EXISTS board_chat_links (
        channel TEXT NOT NULL, chat_id TEXT NOT NULL, login TEXT NOT NULL REFERENCES board_users(login),
        PRIMARY KEY (channel, chat_id));
    `,
  },
];

/** Board accounts, sessions, task status with history, chat lists and chat links. Synchronous, like the other stores. */
export interface BoardStore {
  addUser(user: Omit<BoardUser, 'disabled' | 'createdAt'> & { passwordHash: string }, at: Date): void;
  user(login: string): BoardUser | undefined;
  /** Hash of an enabled account's password. */
  passwordHash(login: string): string | undefined;
  users(): BoardUser[];
  /** Disabling also ends the account's sessions. False when there is no such account. */
  setDisabled(login: string, disabled: boolean, at: Date): boolean;
  /** A new password ends the account's sessions. False when there is no such account. */
  setPasswordHash(login: string, hash: string, at: Date): boolean;
  createSession(tokenHash: string, login: string, at: Date, expires: Date): void;
  /** The enabled account a live session belongs to. */
  sessionUser(tokenHash: string, at: Date): BoardUser | undefined;
  deleteSession(tokenHash: string): void;
  /** Every stored status (a few thousand rows at most: one per task ever reported). */
  statuses(): StoredStatus[];
  status(key: string): StoredStatus | undefined;
  /**
   * Sets a task's status and appends the change to its history, in one transaction. `replaces`
   * names stored statuses of an earlier text of the same task (flagged for review): confirming the
   * new text retires them.
   */
  setStatus(change: StatusChange, replaces?: readonly string[]): void;
  /** Changes of one task, oldest first. */
  history(key: string): StatusChange[];
  setChatList(channel: string, chatId: string, tasks: ListedTask[], at: Date): void;
  chatList(channel: string, chatId: string): ListedTask[];
  /** Throws when there is no such account. */
  linkChat(channel: string, chatId: string, login: string): void;
  /** The enabled account a chat is linked to. */
  chatUser(channel: string, chatId: string): BoardUser | undefined;
  close(): void;
}

/** The embedded board store (the default when no DATABASE_URL is set). */
export const BoardStore = {
  /** Opens (creating when needed) the board tables in `file` (DATA_DIR/app.db, or ':memory:'). */
  open: (file: string): BoardStore => SqliteBoardStore.open(file),
};

export const ListedTasks = z.array(z.object({ key: z.string(), recordId: z.string(), docId: z.string(), title: z.string(), leads: z.array(z.string()) }));

/** An account row; `disabled` is 0/1 in SQLite and a boolean in PostgreSQL. */
export interface UserRow {
  login: string; password_hash: string; role: string; agency_id: string | null; agency_name: string | null;
  province: string | null; disabled: number | boolean; created_at: string;
}
export interface StatusRow {
  task_key: string; record_id: string; doc_id: string; title: string; status: string; note: string | null;
  updated_by: string; updated_at: string;
}

export const toUser = (r: UserRow): BoardUser => ({
  login: r.login,
  role: Role.parse(r.role),
  ...(r.agency_id ? { agencyId: r.agency_id } : {}),
  ...(r.agency_name ? { agencyName: r.agency_name } : {}),
  ...(r.province ? { province: r.province } : {}),
  disabled: r.disabled === 1 || r.disabled === true,
  createdAt: r.created_at,
});

export const toStatus = (r: StatusRow): StoredStatus => ({
  key: r.task_key, recordId: r.record_id, docId: r.doc_id, title: r.title, status: TaskStatus.parse(r.status),
  ...(r.note ? { note: r.note } : {}), by: r.updated_by, at: r.updated_at,
});

export class SqliteBoardStore implements BoardStore {
  private constructor(private readonly db: Database.Database) {}

  static open(file: string): SqliteBoardStore {
    if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db);
    return new SqliteBoardStore(db);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  // --- accounts -------------------------------------------------------------------------------

  addUser(user: Omit<BoardUser, 'disabled' | 'createdAt'> & { passwordHash: string }, at: Date): void {
    const exists = this.db.prepare('SELECT 1 FROM board_users WHERE login = ?').get(user.login);
    if (exists) throw new Error(`tài khoản "${user.login}" đã có`);
    this.db
      .prepare(`INSERT INTO board_users (login, password_hash, role, agency_id, agency_name, province, disabled, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)`)
      .run(user.login, user.passwordHash, user.role, user.agencyId ?? null, user.agencyName ?? null, user.province ?? null, at.toISOString(), at.toISOString());
  }

  user(login: string): BoardUser | undefined {
    const row = this.db.prepare('SELECT * FROM board_users WHERE login = ?').get(login) as UserRow | undefined;
    return row ? toUser(row) : undefined;
  }

  passwordHash(login: string): string | undefined {
    const row = this.db.prepare('SELECT password_hash FROM board_users WHERE login = ? AND disabled = 0').get(login) as { password_hash: string } | undefined;
    return row?.password_hash;
  }

  users(): BoardUser[] {
    return (this.db.prepare('SELECT * FROM board_users ORDER BY login').all() as UserRow[]).map(toUser);
  }

  /** Disabling also ends the account's sessions. False when there is no such account. */
  setDisabled(login: string, disabled: boolean, at: Date): boolean {
    return this.db.transaction(() => {
      const changed = this.db.prepare('UPDATE board_users SET disabled = ?, updated_at = ? WHERE login = ?').run(disabled ? 1 : 0, at.toISOString(), login).changes;
      if (disabled) this.db.prepare('DELETE FROM board_sessions WHERE login = ?').run(login);
      return changed > 0;
    })();
  }

  /** A new password ends the account's sessions. False when there is no such account. */
  setPasswordHash(login: string, hash: string, at: Date): boolean {
    return this.db.transaction(() => {
      const changed = this.db.prepare('UPDATE board_users SET password_hash = ?, updated_at = ? WHERE login = ?').run(hash, at.toISOString(), login).changes;
      this.db.prepare('DELETE FROM board_sessions WHERE login = ?').run(login);
      return changed > 0;
    })();
  }

  // --- sessions -------------------------------------------------------------------------------

  createSession(tokenHash: string, login: string, at: Date, expires: Date): void {
    this.db.prepare('DELETE FROM board_sessions WHERE expires_at <= ?').run(at.toISOString());
    this.db.prepare('INSERT INTO board_sessions (token_hash, login, created_at, expires_at) VALUES (?, ?, ?, ?)')
      .run(tokenHash, login, at.toISOString(), expires.toISOString());
  }

  /** The enabled account a live session belongs to. */
  sessionUser(tokenHash: string, at: Date): BoardUser | undefined {
    const row = this.db
      .prepare(`SELECT u.* FROM board_sessions s JOIN board_users u ON u.login = s.login
                WHERE s.token_hash = ? AND s.expires_at > ? AND u.disabled = 0`)
      .get(tokenHash, at.toISOString()) as UserRow | undefined;
    return row ? toUser(row) : undefined;
  }

  deleteSession(tokenHash: string): void {
    this.db.prepare('DELETE FROM board_sessions WHERE token_hash = ?').run(tokenHash);
  }

  // --- task status ----------------------------------------------------------------------------

  /** Every stored status (a few thousand rows at most: one per task ever reported). */
  statuses(): StoredStatus[] {
    return (this.db.prepare('SELECT * FROM board_status').all() as StatusRow[]).map(toStatus);
  }

  status(key: string): StoredStatus | undefined {
    const row = this.db.prepare('SELECT * FROM board_status WHERE task_key = ?').get(key) as StatusRow | undefined;
    return row ? toStatus(row) : undefined;
  }

  /**
   * Sets a task's status and appends the change to its history, in one transaction. `replaces`
   * names stored statuses of an earlier text of the same task (flagged for review): confirming the
   * new text retires them.
   */
  setStatus(change: StatusChange, replaces: readonly string[] = []): void {
    this.db.transaction(() => {
      this.db
        .prepare(`INSERT INTO board_status (task_key, record_id, doc_id, title, status, note, updated_by, updated_at)
                  VALUES (@key, @recordId, @docId, @title, @status, @note, @by, @at)
                  ON CONFLICT (task_key) DO UPDATE SET record_id = excluded.record_id, doc_id = excluded.doc_id,
                    title = excluded.title, status = excluded.status, note = excluded.note,
                    updated_by = excluded.updated_by, updated_at = excluded.updated_at`)
        .run({ ...change, note: change.note ?? null });
      this.db
        .prepare(`INSERT INTO board_status_history (task_key, record_id, doc_id, title, status, note, changed_by, changed_at, via)
                  VALUES (@key, @recordId, @docId, @title, @status, @note, @by, @at, @via)`)
        .run({ ...change, note: change.note ?? null });
      const retire = this.db.prepare('DELETE FROM board_status WHERE task_key = ?');
      for (const old of replaces) if (old !== change.key) retire.run(old);
    })();
  }

  /** Changes of one task, oldest first. */
  history(key: string): StatusChange[] {
    const rows = this.db.prepare('SELECT * FROM board_status_history WHERE task_key = ? ORDER BY id').all(key) as Array<{
      task_key: string; record_id: string; doc_id: string; title: string; status: string; note: string | null;
      changed_by: string; changed_at: string; via: string;
    }>;
    return rows.map((r) => ({
      key: r.task_key, recordId: r.record_id, docId: r.doc_id, title: r.title, status: TaskStatus.parse(r.status),
      ...(r.note ? { note: r.note } : {}), by: r.changed_by, at: r.changed_at, via: r.via as StatusChange['via'],
    }));
  }

  // --- chat -----------------------------------------------------------------------------------

  setChatList(channel: string, chatId: string, tasks: ListedTask[], at: Date): void {
    this.db
      .prepare(`INSERT INTO board_chat_lists (channel, chat_id, tasks, listed_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (channel, chat_id) DO UPDATE SET tasks = excluded.tasks, listed_at = excluded.listed_at`)
      .run(channel, chatId, JSON.stringify(tasks), at.toISOString());
  }

  chatList(channel: string, chatId: string): ListedTask[] {
    const row = this.db.prepare('SELECT tasks FROM board_chat_lists WHERE channel = ? AND chat_id = ?').get(channel, chatId) as { tasks: string } | undefined;
    if (!row) return [];
    const parsed = ListedTasks.safeParse(JSON.parse(row.tasks));
    return parsed.success ? parsed.data : [];
  }

  linkChat(channel: string, chatId: string, login: string): void {
    if (!this.user(login)) throw new Error(`không có tài khoản "${login}"`);
    this.db
      .prepare(`INSERT INTO board_chat_links (channel, chat_id, login) VALUES (?, ?, ?)
                ON CONFLICT (channel, chat_id) DO UPDATE SET login = excluded.login`)
      .run(channel, chatId, login);
  }

  /** The enabled account a chat is linked to. */
  chatUser(channel: string, chatId: string): BoardUser | undefined {
    const row = this.db
      .prepare(`SELECT u.* FROM board_chat_links l JOIN board_users u ON u.login = l.login
                WHERE l.channel = ? AND l.chat_id = ? AND u.disabled = 0`)
      .get(channel, chatId) as UserRow | undefined;
    return row ? toUser(row) : undefined;
  }
}

function migrate(db: Database.Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS board_schema (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
  const applied = new Set((db.prepare('SELECT version FROM board_schema').all() as Array<{ version: number }>).map((r) => r.version));
  const latest = Math.max(...MIGRATIONS.map((m) => m.version));
  if (Math.max(0, ...applied) > latest) throw new Error(`board tables in app.db are newer (${Math.max(...applied)}) than this program knows (${latest}); upgrade the program`);
  for (const m of MIGRATIONS) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT OR IGNORE INTO board_schema (version, applied_at) VALUES (?, ?)').run(m.version, new Date().toISOString());
    })();
  }
}
