/**
 * Board sessions and the failed-login limit without a server: sessions end at their expiry and
 * with a new password, only the token's hash is stored, and the limiter counts per account and,
 * more loosely, per address, forgetting failures once the window has passed.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'cookie';
import { hashPassword, LoginLimiter, SESSION_TTL_SECONDS, sessionUser, startSession, verifyPassword } from '../../src/board/auth.js';
import { BoardStore } from '../../src/storage/board.js';

describe('board sessions', () => {
  it('lives SESSION_TTL_SECONDS, stores only the token hash, and ends when the password changes', async () => {
    const store = BoardStore.open(':memory:');
    store.addUser({ login: 'lanhdao', role: 'leader', passwordHash: await hashPassword('mat-khau-lanh-dao') }, new Date());
    expect(await verifyPassword(store, 'lanhdao', 'mat-khau-lanh-dao')).toMatchObject({ login: 'lanhdao', role: 'leader' });
    expect(await verifyPassword(store, 'khong-co', 'mat-khau-lanh-dao')).toBeUndefined();
    const t0 = new Date('2024-11-10T02:00:00Z');
    const setCookie = startSession(store, 'lanhdao', t0, true);
    expect(setCookie).toMatch(/Secure/);
    const token = parse(setCookie.split(';')[0]!).board_session!;
    const header = `board_session=${token}`;
    expect(sessionUser(store, header, new Date(t0.getTime() + (SESSION_TTL_SECONDS - 1) * 1000))?.login).toBe('lanhdao');
    expect(sessionUser(store, header, new Date(t0.getTime() + SESSION_TTL_SECONDS * 1000))).toBeUndefined();
    expect(sessionUser(store, 'board_session=../../etc', t0)).toBeUndefined();

    const again = parse(startSession(store, 'lanhdao', t0, false).split(';')[0]!).board_session!;
    expect(sessionUser(store, `board_session=${again}`, t0)?.login).toBe('lanhdao');
    store.setPasswordHash('lanhdao', await hashPassword('mat-khau-moi-2024'), t0);
    expect(sessionUser(store, `board_session=${again}`, t0)).toBeUndefined();
    store.close();
  });

  it('refuses short or overlong passwords', async () => {
    await expect(hashPassword('ngan')).rejects.toThrow(/ít nhất 8/);
    await expect(hashPassword('x'.repeat(257))).rejects.toThrow(/dài quá/);
  });
});

describe('LoginLimiter', () => {
  it('blocks an account after 5 failures and an address after 30, until the window passes', () => {
    const limiter = new LoginLimiter();
    const t = 1_000_000;
    for (let i = 0; i < 5; i++) limiter.fail('lanhdao', '10.0.0.1', t + i);
    expect(limiter.blockedFor('lanhdao', '10.0.0.9', t + 10)).toBeGreaterThan(0);
    expect(limiter.blockedFor('quantri', '10.0.0.1', t + 10)).toBe(0);
    expect(limiter.blockedFor('lanhdao', '10.0.0.9', t + 15 * 60_000 + 10)).toBe(0);

    for (let i = 0; i < 30; i++) limiter.fail(`nguoi-${i}`, '10.0.0.2', t + i);
    expect(limiter.blockedFor('quantri', '10.0.0.2', t + 100)).toBeGreaterThan(0);
    expect(limiter.blockedFor('quantri', '10.0.0.3', t + 100)).toBe(0);
  });
});
