import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logging.js';
import { openSqliteStores } from '../../src/storage/sqlite.js';
import { DELIVERY_APOLOGY, Outbox, type ReplySender } from '../../src/server/outbox.js';

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
