import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logging.js';
import { openSqliteStores } from '../../src/storage/sqlite.js';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DELIVERY_APOLOGY, LEASE_MARGIN_MS, Outbox, type ReplySender } from '../../src/server/outbox.js';
import { ZaloApiError, ZaloClient, classifyZaloError } from '../../src/channels/zalo/client.js';

/** A sender whose answers always fail (5xx) and whose first `apologyFailures` apologies hit a dropped socket. */
function flakySender(apologyFailures: number): ReplySender & { delivered: string[]; tries: number } {
  const state = { delivered: [] as string[], tries: 0 };
  return Object.assign(state, {
    async send(_chatId: string, reply: { text: string }) {
      state.tries++;
      if (reply.text !== DELIVERY_APOLOGY) throw new Error('500');
      if (apologyFailures-- > 0) throw new Error('socket hang up');
      state.delivered.push(reply.text);
    },
    classify: (err: unknown) => ({ retry: true as const, reason: String(err) }),
  });
}

describe('outbox past the delivery bound', () => {
  it('retries the apology after a transient fault and sends it once', async () => {
    const stores = openSqliteStores({ file: ':memory:', logger: createLogger({ level: 'silent' }) });
    const sender = flakySender(2);
    const outbox = new Outbox({ store: stores.outbox, senders: { telegram: sender }, logger: createLogger({ level: 'silent' }), maxAgeMs: 1, baseDelayMs: 5 });
    await outbox.enqueue('telegram', '42', { text: 'Trả lời' });
    expect(sender.delivered).toEqual([DELIVERY_APOLOGY]);
    expect(sender.tries).toBe(4); // the answer once, the apology three times
    expect(stores.outbox.pendingCount()).toBe(0);
    stores.close();
  });

  it('gives the apology up after a bounded number of tries', async () => {
    const stores = openSqliteStores({ file: ':memory:', logger: createLogger({ level: 'silent' }) });
    const sender = flakySender(100);
    const outbox = new Outbox({ store: stores.outbox, senders: { telegram: sender }, logger: createLogger({ level: 'silent' }), maxAgeMs: 1, baseDelayMs: 5 });
    await outbox.enqueue('telegram', '42', { text: 'Trả lời' });
    expect(sender.delivered).toEqual([]);
    expect(sender.tries).toBe(4);
    expect(stores.outbox.pendingCount()).toBe(0);
    stores.close();
  });
});

describe('send deadline and lease', () => {
  it('derives the deadline from the clients\' bounds (Telegram 47 s, Zalo 63.5 s by default; the slowest configured wins)', async () => {
    const { deliveryBoundMs } = await import('../../src/server/channels.js');
    expect(deliveryBoundMs({ telegram: {} })).toBe(47_000);
    expect(deliveryBoundMs({ zalo: {} })).toBe(63_500);
    expect(deliveryBoundMs({ telegram: {}, zalo: {} })).toBe(63_500);
    expect(deliveryBoundMs({ telegram: { timeoutSeconds: 2, maxNetworkRetries: 1, networkRetryDelayMs: 100 } })).toBe(4_100);
  });

  it('cuts a hung send at the deadline, keeps the reply for a retry, and lets another pump take a claim over only after deadline + margin', async () => {
    const stores = openSqliteStores({ file: ':memory:', logger: createLogger({ level: 'silent' }) });
    const logger = createLogger({ level: 'silent' });
    let clock = new Date('2024-11-10T02:00:00Z');
    const aborted: string[] = [];
    const hung: ReplySender = {
      // Never answers on its own: only the outbox's deadline ends it.
      send: (_chatId, _reply, signal) => new Promise((_, reject) => signal?.addEventListener('abort', () => { aborted.push('abort'); reject(new Error('aborted')); })),
      classify: (err) => ({ retry: true, reason: String(err) }),
    };
    const outbox = new Outbox({ store: stores.outbox, senders: { telegram: hung }, logger, now: () => clock, sendDeadlineMs: 50, baseDelayMs: 1_000 });
    const started = Date.now();
    await outbox.enqueue('telegram', '42', { text: 'Trả lời' });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(aborted).toEqual(['abort']);
    expect(stores.outbox.pendingCount()).toBe(1);

    // A reply claimed by a sender that then died: another pump may take it only once the lease
    // (deadline 50 ms + margin 10 s) ran out.
    const sent: string[] = [];
    const ok: ReplySender = { send: async (_c, r) => void sent.push(r.text), classify: () => ({ retry: true, reason: '' }) };
    const claimed = stores.outbox.add({ channel: 'telegram', chatId: '43', reply: { text: 'Bị bỏ dở' } }, clock, new Date(clock.getTime() + 50 + LEASE_MARGIN_MS));
    expect(claimed.claimed).toBe(true);
    const other = new Outbox({ store: stores.outbox, senders: { telegram: ok }, logger, now: () => clock, sendDeadlineMs: 50 });
    clock = new Date(clock.getTime() + LEASE_MARGIN_MS - 1_000);
    await other.pumpOnce();
    expect(sent).not.toContain('Bị bỏ dở');
    clock = new Date(clock.getTime() + 2_000);
    await other.pumpOnce();
    expect(sent).toContain('Bị bỏ dở');
    stores.close();
  });

  it('refuses a lease that does not outlast the send deadline', () => {
    const stores = openSqliteStores({ file: ':memory:', logger: createLogger({ level: 'silent' }) });
    expect(() => new Outbox({ store: stores.outbox, senders: {}, logger: createLogger({ level: 'silent' }), sendDeadlineMs: 5_000, leaseMs: 5_000 })).toThrow(/must outlast/);
    stores.close();
  });

  it('a Zalo send against an API that keeps failing ends at the deadline, retries included', async () => {
    const server = http.createServer((req, res) => {
      req.resume();
      res.writeHead(502, { 'content-type': 'application/json' }).end('{"ok":false,"error_code":502,"description":"bad gateway"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const client = new ZaloClient({ token: 't', baseUrl: `http://127.0.0.1:${port}`, logger: createLogger({ level: 'silent' }), maxRetries: 1_000, backoffMs: 20, maxDelayMs: 20 });
      const started = Date.now();
      const err = await client.sendMessage('u1', 'Xin chào', AbortSignal.timeout(300)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ZaloApiError);
      expect(String((err as Error).message)).toMatch(/deadline/);
      expect(classifyZaloError(err).retry).toBe(true);
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      server.close();
    }
  });
});
