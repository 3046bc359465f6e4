/**
 * Board accounts: argon2id password hashes (@node-rs/argon2: a maintained binding whose prebuilt
 * binary ships inside the npm package), random session tokens kept only as their sha256 in SQLite,
 * an HttpOnly SameSite=Strict cookie (the `cookie` package builds and reads it), and a limit on
 * failed logins per account and per client address.
 */
import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { parse as parseCookie, serialize as serializeCookie } from 'cookie';
import type { BoardStore, BoardUser } from '../storage/board.js';

export const SESSION_COOKIE = 'board_session';
/** A session lasts a working day and a half. */
export const SESSION_TTL_SECONDS = 12 * 3600;
/** Longest password accepted (argon2 time grows with it; nobody types more). */
export const MAX_PASSWORD_CHARS = 256;
export const MIN_PASSWORD_CHARS = 8;

export async function hashPassword(password: string): Promise<string> {
  if (password.length < MIN_PASSWORD_CHARS) throw new Error(`mật khẩu cần ít nhất ${MIN_PASSWORD_CHARS} ký tự`);
  if (password.length > MAX_PASSWORD_CHARS) throw new Error(`mật khẩu dài quá ${MAX_PASSWORD_CHARS} ký tự`);
  return hash(password);
}

/** A fixed hash to verify against for unknown logins, so both paths take the same time. */
let decoy: Promise<string> | undefined;

export async function verifyPassword(store: BoardStore, login: string, password: string): Promise<BoardUser | undefined> {
  if (password.length > MAX_PASSWORD_CHARS || login.length > 100) return undefined;
  const stored = store.passwordHash(login);
  decoy ??= hash(randomBytes(16).toString('hex'));
  const ok = await verify(stored ?? (await decoy), password).catch(() => false);
  return ok && stored ? store.user(login) : undefined;
}

const tokenHash = (token: string): string => createHash('sha256').update(token).digest('hex');

/** A new session for the account; returns the Set-Cookie value. */
export function startSession(store: BoardStore, login: string, now: Date, secure: boolean): string {
  const token = randomBytes(32).toString('base64url');
  store.createSession(tokenHash(token), login, now, new Date(now.getTime() + SESSION_TTL_SECONDS * 1000));
  return serializeCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', path: '/', maxAge: SESSION_TTL_SECONDS, secure });
}

function sessionToken(cookieHeader: string | undefined): string | undefined {
  if (!cookieHeader) return undefined;
  const token = parseCookie(cookieHeader)[SESSION_COOKIE];
  return token && /^[A-Za-z0-9_-]{20,100}$/.test(token) ? token : undefined;
}

/** The account of the request's session cookie, when it is live and the account enabled. */
export function sessionUser(store: BoardStore, cookieHeader: string | undefined, now: Date): BoardUser | undefined {
  const token = sessionToken(cookieHeader);
  return token ? store.sessionUser(tokenHash(token), now) : undefined;
}

/** Ends the request's session; returns the Set-Cookie value that clears the cookie. */
export function endSession(store: BoardStore, cookieHeader: string | undefined, secure: boolean): string {
  const token = sessionToken(cookieHeader);
  if (token) store.deleteSession(tokenHash(token));
  return serializeCookie(SESSION_COOKIE, '', { httpOnly: true, sameSite: 'strict', path: '/', maxAge: 0, secure });
}

/**
 * Failed logins in a sliding window, per account name (guessing one password) and, more loosely,
 * per client address (trying many accounts; an office behind one NAT shares an address): past
 * either limit, logins are refused (429) until the window moves on, even with the right password.
 * In memory: a restart clears it, which an attacker cannot cause from outside.
 */
export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();
  constructor(
    private readonly perLogin = 5,
    private readonly perAddress = 30,
    private readonly windowMs = 15 * 60_000,
  ) {}

  private recent(key: string, now: number): number[] {
    const list = (this.failures.get(key) ?? []).filter((t) => t > now - this.windowMs);
    if (list.length > 0) this.failures.set(key, list);
    else this.failures.delete(key);
    return list;
  }

  /** Seconds until the next attempt is allowed for this login/address (0 = allowed now). */
  blockedFor(login: string, address: string, now: number): number {
    let wait = 0;
    for (const [key, max] of [[`l:${login.toLowerCase()}`, this.perLogin], [`a:${address}`, this.perAddress]] as const) {
      const list = this.recent(key, now);
      if (list.length >= max) wait = Math.max(wait, Math.ceil((list[0]! + this.windowMs - now) / 1000));
    }
    return wait;
  }

  fail(login: string, address: string, now: number): void {
    for (const key of [`l:${login.toLowerCase()}`, `a:${address}`]) {
      const list = this.recent(key, now);
      list.push(now);
      this.failures.set(key, list);
    }
    if (this.failures.size > 10_000) {
      for (const key of [...this.failures.keys()]) this.recent(key, now);
    }
  }

  succeed(login: string): void {
    this.failures.delete(`l:${login.toLowerCase()}`);
  }
}
