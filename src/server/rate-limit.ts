/**
 * Per-chat rate limit (sliding one-minute window). In memory: a limit that resets on restart is
 * harmless, and several replicas would share a Redis implementation of the same interface.
 */
export interface RateLimiter {
  /** 'ok' to process; 'limited' the first time in a window (reply politely); 'silent' afterwards. */
  hit(key: string, now: number): 'ok' | 'limited' | 'silent';
}

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
