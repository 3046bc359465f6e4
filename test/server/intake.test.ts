/**
 * Group commit on the webhook thread: updates whose bodies finish in the same event-loop turn are
 * stored in one transaction, and each caller learns only after the commit whether its update is
 * new; a failed write fails every caller of the batch and keeps nothing.
 */
import { describe, expect, it } from 'vitest';
import { InboxIntake } from '../../src/server/intake.js';
import { openSqliteStores } from '../../src/storage/sqlite.js';
import type { DedupeStore, InboxItem } from '../../src/storage/stores.js';

const at = new Date('2024-11-10T02:00:00Z');
const tg = (key: string): InboxItem => ({ channel: 'telegram', key, payload: { update_id: Number(key) } });

/** The SQLite inbox, counting transactions (claimAll calls) and their sizes. */
function countingInbox(inbox: DedupeStore) {
  const batches: number[] = [];
  const store: DedupeStore = Object.assign(Object.create(inbox) as DedupeStore, {
    claimAll(items: readonly InboxItem[], when: Date) {
      batches.push(items.length);
      return inbox.claimAll(items, when);
    },
  });
  return { store, batches };
}

describe('InboxIntake', () => {
  it('stores the updates of one turn in one transaction and resolves each only once stored', async () => {
    const stores = openSqliteStores({ file: ':memory:' });
    const { store, batches } = countingInbox(stores.dedupe);
    const intake = new InboxIntake(store, () => at);
    const claims = ['1', '2', '1', '3'].map((k) => intake.claim(tg(k)));
    // Nothing is written before the turn ends.
    expect(stores.dedupe.pendingCount()).toBe(0);
    expect(intake.pending).toBe(4);
    expect(await Promise.all(claims)).toEqual([true, true, false, true]);
    expect(batches).toEqual([4]);
    expect(stores.dedupe.pending().map((p) => p.key)).toEqual(['1', '2', '3']);
    // A later turn is another transaction; a key stored earlier is a duplicate.
    expect(await Promise.all([intake.claim(tg('3')), intake.claim(tg('4'))])).toEqual([false, true]);
    expect(batches).toEqual([4, 2]);
    stores.close();
  });

  it('fails every update of a batch whose write failed, and keeps none of them', async () => {
    const stores = openSqliteStores({ file: ':memory:' });
    const intake = new InboxIntake(stores.dedupe, () => at);
    const results = await Promise.allSettled([intake.claim(tg('1')), intake.claim({ channel: 'telegram', key: '2', payload: { big: 10n } })]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(stores.dedupe.pendingCount()).toBe(0);
    // The next turn starts afresh: the retried update is stored.
    expect(await intake.claim(tg('1'))).toBe(true);
    stores.close();
  });
});
