/**
 * The task board's store in PostgreSQL (DATABASE_URL), statement for statement the SQLite one
 * (src/storage/board.ts), so every replica reads and writes one board. Runs in the store thread
 * (src/storage/postgres-worker.ts) behind the synchronous BoardStore interface.
 */
import type pg from 'pg';
import { ListedTasks, TaskStatus, toStatus, toUser, type BoardStore, type BoardUser, type ListedTask, type StatusChange, type StatusRow, type StoredStatus, type UserRow } from './board.js';
import { inTransaction, type AsyncOf } from './postgres-stores.js';

export class PgBoard implements Omit<AsyncOf<BoardStore>, 'close'> {
  constructor(private readonly pool: pg.Pool) {}

  async addUser(user: Omit<BoardUser, 'disabled' | 'createdAt'> & { passwordHash: string }, at: Date): Promise<void> {
    const { rowCount } = await this.pool.query(
      `INSERT INTO board_users (login, password_hash, role, agency_id, agency_name, province, disabled, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, FALSE, $7, $7) ON CONFLICT (login) DO NOTHING`,
      [user.login, user.passwordHash, user.role, user.agencyId ?? null, user.agencyName ?? null, user.province ?? null, at.toISOString()],
    );
    if (rowCount === 0) throw new Error(`tài khoản "${user.login}" đã có`);
  }

  async user(login: string): Promise<BoardUser | undefined> {
    const { rows } = await this.pool.query<UserRow>('SELECT * FROM board_users WHERE login = $1', [login]);
    return rows[0] ? toUser(rows[0]) : undefined;
  }

  async passwordHash(login: string): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ password_hash: string }>('SELECT password_hash FROM board_users WHERE login = $1 AND NOT disabled', [login]);
    return rows[0]?.password_hash;
  }

  async users(): Promise<BoardUser[]> {
    // COLLATE "C": the same byte order as SQLite's ORDER BY, whatever the database's locale.
    return (await this.pool.query<UserRow>('SELECT * FROM board_users ORDER BY login COLLATE "C"')).rows.map(toUser);
  }

  async setDisabled(login: string, disabled: boolean, at: Date): Promise<boolean> {
    return inTransaction(this.pool, async (c) => {
      const { rowCount } = await c.query('UPDATE board_users SET disabled = $2, updated_at = $3 WHERE login = $1', [login, disabled, at.toISOString()]);
      if (disabled) await c.query('DELETE FROM board_sessions WHERE login = $1', [login]);
      return (rowCount ?? 0) > 0;
    });
  }

  async setPasswordHash(login: string, hash: string, at: Date): Promise<boolean> {
    return inTransaction(this.pool, async (c) => {
      const { rowCount } = await c.query('UPDATE board_users SET password_hash = $2, updated_at = $3 WHERE login = $1', [login, hash, at.toISOString()]);
      await c.query('DELETE FROM board_sessions WHERE login = $1', [login]);
      return (rowCount ?? 0) > 0;
    });
  }

  async createSession(tokenHash: string, login: string, at: Date, expires: Date): Promise<void> {
    await inTransaction(this.pool, async (c) => {
      await c.query('DELETE FROM board_sessions WHERE expires_at <= $1', [at.toISOString()]);
      await c.query('INSERT INTO board_sessions (token_hash, login, created_at, expires_at) VALUES ($1, $2, $3, $4)', [tokenHash, login, at.toISOString(), expires.toISOString()]);
    });
  }

  async sessionUser(tokenHash: string, at: Date): Promise<BoardUser | undefined> {
    const { rows } = await this.pool.query<UserRow>(
      `SELECT u.* FROM board_sessions s JOIN board_users u ON u.login = s.login
       WHERE s.token_hash = $1 AND s.expires_at > $2 AND NOT u.disabled`,
      [tokenHash, at.toISOString()],
    );
    return rows[0] ? toUser(rows[0]) : undefined;
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.pool.query('DELETE FROM board_sessions WHERE token_hash = $1', [tokenHash]);
  }

  async statuses(): Promise<StoredStatus[]> {
    return (await this.pool.query<StatusRow>('SELECT * FROM board_status')).rows.map(toStatus);
  }

  async status(key: string): Promise<StoredStatus | undefined> {
    const { rows } = await this.pool.query<StatusRow>('SELECT * FROM board_status WHERE task_key = $1', [key]);
    return rows[0] ? toStatus(rows[0]) : undefined;
  }

  async setStatus(change: StatusChange, replaces: readonly string[] = []): Promise<void> {
    const values = [change.key, change.recordId, change.docId, change.title, change.status, change.note ?? null, change.by, change.at];
    await inTransaction(this.pool, async (c) => {
      await c.query(
        `INSERT INTO board_status (task_key, record_id, doc_id, title, status, note, updated_by, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (task_key) DO UPDATE SET record_id = excluded.record_id, doc_id = excluded.doc_id,
           title = excluded.title, status = excluded.status, note = excluded.note,
           updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
        values,
      );
      await c.query(
        `INSERT INTO board_status_history (task_key, record_id, doc_id, title, status, note, changed_by, changed_at, via)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [...values, change.via],
      );
      const retire = replaces.filter((old) => old !== change.key);
      if (retire.length > 0) await c.query('DELETE FROM board_status WHERE task_key = ANY($1::text[])', [retire]);
    });
  }

  async history(key: string): Promise<StatusChange[]> {
    const { rows } = await this.pool.query<{
      task_key: string; record_id: string; doc_id: string; title: string; status: string; note: string | null;
      changed_by: string; changed_at: string; via: string;
    }>('SELECT * FROM board_status_history WHERE task_key = $1 ORDER BY id', [key]);
    return rows.map((r) => ({
      key: r.task_key, recordId: r.record_id, docId: r.doc_id, title: r.title, status: TaskStatus.parse(r.status),
      ...(r.note ? { note: r.note } : {}), by: r.changed_by, at: r.changed_at, via: r.via as StatusChange['via'],
    }));
  }

  async setChatList(channel: string, chatId: string, tasks: ListedTask[], at: Date): Promise<void> {
    await this.pool.query(
      `INSERT INTO board_chat_lists (channel, chat_id, tasks, listed_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (channel, chat_id) DO UPDATE SET tasks = excluded.tasks, listed_at = excluded.listed_at`,
      [channel, chatId, JSON.stringify(tasks), at.toISOString()],
    );
  }

  async chatList(channel: string, chatId: string): Promise<ListedTask[]> {
    const { rows } = await this.pool.query<{ tasks: string }>('SELECT tasks FROM board_chat_lists WHERE channel = $1 AND chat_id = $2', [channel, chatId]);
    if (!rows[0]) return [];
    const parsed = ListedTasks.safeParse(JSON.parse(rows[0].tasks));
    return parsed.success ? parsed.data : [];
  }

  async linkChat(channel: string, chatId: string, login: string): Promise<void> {
    if (!(await this.user(login))) throw new Error(`không có tài khoản "${login}"`);
    await this.pool.query(
      `INSERT INTO board_chat_links (channel, chat_id, login) VALUES ($1, $2, $3)
       ON CONFLICT (channel, chat_id) DO UPDATE SET login = excluded.login`,
      [channel, chatId, login],
    );
  }

  async chatUser(channel: string, chatId: string): Promise<BoardUser | undefined> {
    const { rows } = await this.pool.query<UserRow>(
      `SELECT u.* FROM board_chat_links l JOIN board_users u ON u.login = l.login
       WHERE l.channel = $1 AND l.chat_id = $2 AND NOT u.disabled`,
      [channel, chatId],
    );
    return rows[0] ? toUser(rows[0]) : undefined;
  }
}
