/**
 * One board store suite, two backends: the embedded SQLite tables (DATA_DIR/app.db) and
 * PostgreSQL (DATABASE_URL, shared by replicas; a private server from test/helpers/postgres.ts).
 * Accounts, sessions, task status with history, chat lists and chat links behave the same.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BoardStore, type StatusChange } from '../../src/storage/board.js';
import { openPostgresStores } from '../../src/storage/postgres.js';
import { freshDatabase, PG_MISSING } from '../helpers/postgres.js';
import { pgServerUrl } from './pg-url.js';
import { tempDir } from '../server/harness.js';

interface Backend {
  create(): Promise<string>;
  open(where: string): BoardStore;
}

const sqlite: Backend = {
  create: async () => path.join(tempDir(), 'app.db'),
  open: (file) => BoardStore.open(file),
};

const serverUrl = pgServerUrl();
const postgres: Backend = {
  create: () => freshDatabase(serverUrl!),
  open: (url) => {
    const stores = openPostgresStores({ url });
    // The board closes with the stores that own its connection thread.
    return new Proxy(stores.board, { get: (board, key) => (key === 'close' ? () => stores.close() : Reflect.get(board, key)) });
  },
};

if (!serverUrl) console.warn(PG_MISSING);

const at = new Date('2024-11-10T02:00:00Z');
const later = (minutes: number) => new Date(at.getTime() + minutes * 60_000);

const change = (over: Partial<StatusChange> = {}): StatusChange => ({
  key: 'k1', recordId: 'kh-77#task-3', docId: 'kh-77', title: 'Triển khai nền tảng số', status: 'dang_thuc_hien',
  by: 'so-tttt', at: at.toISOString(), via: 'board', ...over,
});

describe.each([
  { name: 'sqlite', backend: sqlite, skip: false },
  { name: 'postgres', backend: postgres, skip: !serverUrl },
])('board store on $name', ({ backend, skip }) => {
  const test = it.skipIf(skip);
  const withStore = async (fn: (s: BoardStore, where: string) => void) => {
    const where = await backend.create();
    const s = backend.open(where);
    try {
      fn(s, where);
    } finally {
      s.close();
    }
  };

  test('accounts: add once, list in login order, disable and re-enable, a new password', () =>
    withStore((s) => {
      s.addUser({ login: 'so-tttt', role: 'agency', agencyId: 'so-tttt@thanh-hoa', agencyName: 'Sở Thông tin và Truyền thông', province: 'Thanh Hóa', passwordHash: 'h1' }, at);
      s.addUser({ login: 'lanh-dao', role: 'leader', passwordHash: 'h2' }, at);
      expect(() => s.addUser({ login: 'so-tttt', role: 'admin', passwordHash: 'x' }, at)).toThrow(/đã có/);
      expect(s.users().map((u) => u.login)).toEqual(['lanh-dao', 'so-tttt']);
      expect(s.user('so-tttt')).toEqual({
        login: 'so-tttt', role: 'agency', agencyId: 'so-tttt@thanh-hoa', agencyName: 'Sở Thông tin và Truyền thông', province: 'Thanh Hóa',
        disabled: false, createdAt: at.toISOString(),
      });
      expect(s.user('nobody')).toBeUndefined();
      expect(s.passwordHash('so-tttt')).toBe('h1');
      expect(s.setDisabled('so-tttt', true, later(1))).toBe(true);
      expect(s.user('so-tttt')!.disabled).toBe(true);
      expect(s.passwordHash('so-tttt')).toBeUndefined();
      expect(s.setDisabled('so-tttt', false, later(2))).toBe(true);
      expect(s.setDisabled('nobody', true, later(2))).toBe(false);
      expect(s.setPasswordHash('so-tttt', 'h3', later(3))).toBe(true);
      expect(s.passwordHash('so-tttt')).toBe('h3');
      expect(s.setPasswordHash('nobody', 'h3', later(3))).toBe(false);
    }));

  test('sessions: live until they expire; disabling or a new password ends them; logout deletes one', () =>
    withStore((s) => {
      s.addUser({ login: 'lanh-dao', role: 'leader', passwordHash: 'h' }, at);
      s.createSession('t1', 'lanh-dao', at, later(60));
      s.createSession('t2', 'lanh-dao', at, later(60));
      expect(s.sessionUser('t1', later(30))?.login).toBe('lanh-dao');
      expect(s.sessionUser('t1', later(61))).toBeUndefined();
      expect(s.sessionUser('nope', later(1))).toBeUndefined();
      s.deleteSession('t1');
      expect(s.sessionUser('t1', later(1))).toBeUndefined();
      expect(s.sessionUser('t2', later(1))?.login).toBe('lanh-dao');
      s.setDisabled('lanh-dao', true, later(2));
      s.setDisabled('lanh-dao', false, later(3));
      expect(s.sessionUser('t2', later(4))).toBeUndefined();
      s.createSession('t3', 'lanh-dao', later(4), later(64));
      s.setPasswordHash('lanh-dao', 'h2', later(5));
      expect(s.sessionUser('t3', later(6))).toBeUndefined();
      // A session of an unknown account is refused (the account must exist).
      expect(() => s.createSession('t4', 'nobody', at, later(60))).toThrow();
    }));

  test('task status: upsert with full history in order; confirming a new text retires the old key', () =>
    withStore((s) => {
      expect(s.status('k1')).toBeUndefined();
      s.setStatus(change());
      s.setStatus(change({ status: 'hoan_thanh', note: 'Đã xong 100%', at: later(5).toISOString(), via: 'chat' }));
      expect(s.status('k1')).toEqual({
        key: 'k1', recordId: 'kh-77#task-3', docId: 'kh-77', title: 'Triển khai nền tảng số', status: 'hoan_thanh', note: 'Đã xong 100%',
        by: 'so-tttt', at: later(5).toISOString(),
      });
      expect(s.history('k1').map((h) => [h.status, h.via])).toEqual([['dang_thuc_hien', 'board'], ['hoan_thanh', 'chat']]);
      expect(s.history('k1')[0]!.note).toBeUndefined();
      s.setStatus(change({ key: 'k2', recordId: 'kh-77#task-4' }));
      s.setStatus(change({ key: 'k3', recordId: 'kh-78#task-3', status: 'chua_bat_dau', via: 'api' }), ['k1', 'k3']);
      expect(s.statuses().map((x) => x.key).sort()).toEqual(['k2', 'k3']);
      // The history of a retired key stays (who reported what, when).
      expect(s.history('k1')).toHaveLength(2);
      expect(s.history('none')).toEqual([]);
    }));

  test('chat lists: the last list per chat, replaced; an unreadable one reads as empty; links to enabled accounts', () =>
    withStore((s) => {
      const listed = [{ key: 'k1', recordId: 'kh-77#task-3', docId: 'kh-77', title: 'Triển khai', leads: ['so-tttt@thanh-hoa'] }];
      expect(s.chatList('telegram', '501')).toEqual([]);
      s.setChatList('telegram', '501', listed, at);
      expect(s.chatList('telegram', '501')).toEqual(listed);
      s.setChatList('telegram', '501', [], later(1));
      expect(s.chatList('telegram', '501')).toEqual([]);
      expect(s.chatList('zalo', '501')).toEqual([]);
      s.setChatList('zalo', '501', [{ bad: true } as never], at);
      expect(s.chatList('zalo', '501')).toEqual([]);

      expect(() => s.linkChat('telegram', '501', 'nobody')).toThrow(/không có tài khoản/);
      s.addUser({ login: 'lanh-dao', role: 'leader', passwordHash: 'h' }, at);
      s.addUser({ login: 'pho-ct', role: 'leader', passwordHash: 'h' }, at);
      s.linkChat('telegram', '501', 'lanh-dao');
      expect(s.chatUser('telegram', '501')?.login).toBe('lanh-dao');
      s.linkChat('telegram', '501', 'pho-ct');
      expect(s.chatUser('telegram', '501')?.login).toBe('pho-ct');
      s.setDisabled('pho-ct', true, later(1));
      expect(s.chatUser('telegram', '501')).toBeUndefined();
      expect(s.chatUser('zalo', '501')).toBeUndefined();
    }));

  test('state survives a reopen (a restart, or another replica on the same database)', async () => {
    const where = await backend.create();
    const a = backend.open(where);
    a.addUser({ login: 'lanh-dao', role: 'leader', passwordHash: 'h' }, at);
    a.createSession('t1', 'lanh-dao', at, later(60));
    a.setStatus(change());
    const b = backend.open(where);
    try {
      expect(b.sessionUser('t1', later(1))?.login).toBe('lanh-dao');
      expect(b.status('k1')?.status).toBe('dang_thuc_hien');
      b.setStatus(change({ status: 'hoan_thanh', at: later(2).toISOString() }));
      expect(a.status('k1')?.status).toBe('hoan_thanh');
    } finally {
      b.close();
      a.close();
    }
  });
});
