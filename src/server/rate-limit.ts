/**
 * Per-chat rate limit (sliding one-minute window). In memory: a limit that resets on restart is
 * harmless, and several replicas would share a Redis implementation of the same interface.
 */
import type http from 'node:http';
import proxyaddr from 'proxy-addr';
import type { RateLimiter } from '../channels/ports.js';

export type { RateLimiter };

export class SlidingWindowLimiter implements RateLimiter {
  private readonly hits = new Map<string, { times: number[]; warned: boolean }>();
  constructor(
    private readonly perMinute: number,
    private readonly windowMs = 60_000,
  ) {}

  hit(key: string, now: number): 'ok' | 'limited' | 'silent' {
    let entry = this.hits.get(key);
    if (!entry) {
      entry = { times: [], warned: false };
      this.hits.set(key, entry);
    }
    while (entry.times.length > 0 && entry.times[0]! <= now - this.windowMs) entry.times.shift();
    if (entry.times.length < this.perMinute) {
      entry.times.push(now);
      entry.warned = false;
      if (this.hits.size > 10_000) this.sweep(now);
      return 'ok';
    }
    if (entry.warned) return 'silent';
    entry.warned = true;
    return 'limited';
  }

  private sweep(now: number): void {
    for (const [key, entry] of this.hits) {
      if (entry.times.every((t) => t <= now - this.windowMs)) this.hits.delete(key);
    }
  }
}

/**
 * The client's address for rate limiting. Behind a reverse proxy every request comes from the
 * proxy, so X-Forwarded-For is read — but only from proxies listed in TRUSTED_PROXY (anyone can
 * send that header). proxy-addr (Express's own) walks the header from the nearest hop and stops
 * at the first address not trusted; it understands CIDR ranges and the names "loopback",
 * "linklocal" and "uniquelocal".
 */

export type TrustProxy = (addr: string, hop: number) => boolean;

/** Compiles TRUSTED_PROXY entries; throws on an entry that is not an address, range or name. */
export function compileTrust(entries: readonly string[]): TrustProxy {
  return entries.length === 0 ? () => false : proxyaddr.compile([...entries]);
}

export function clientAddress(req: http.IncomingMessage, trust: TrustProxy): string {
  if (!req.socket.remoteAddress) return '?';
  try {
    return proxyaddr(req, trust).replace(/^::ffff:/, '');
  } catch {
    return req.socket.remoteAddress.replace(/^::ffff:/, '');
  }
}
