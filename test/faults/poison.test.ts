/**
 * No poison loop: an update that kills the process while it is handled (as the /reindex of a
 * zip bomb did) is started again at most `maxAttempts` (3) times across restarts, then set aside
 * with its error — the next start answers the rest of the backlog, each update once.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteStores } from '../../src/storage/sqlite.js';
import { runScript } from './helpers.js';

const update = (id: number, chat: number, text: string) => ({ update_id: id, message: { message_id: id, date: 0, chat: { id: chat, type: 'private' }, from: { id: chat, is_bot: false, first_name: 'A' }, text } });

describe('an update that crashes the process every time', () => {
  it('is set aside after 3 starts; the others are answered once each', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'tlao-poison-')), 'app.db');
    const stores = openSqliteStores({ file });
    stores.dedupe.claimAll(
      [
        { channel: 'telegram', key: '1', payload: update(1, 11, 'trước') },
        { channel: 'telegram', key: '2', payload: update(2, 12, 'poison') },
        { channel: 'telegram', key: '3', payload: update(3, 13, 'sau') },
      ],
      new Date(),
    );
    stores.close();

    const runs: Array<{ lines: string[]; signal: NodeJS.Signals | null; code: number | null }> = [];
    for (let i = 0; i < 6; i++) {
      const child = runScript('test/faults/poison-child.ts', [file], {});
      const { code, signal } = await child.exit;
      runs.push({ lines: child.lines, code, signal });
      if (code === 0) break;
    }
    // Three starts die with it; the fourth sets it aside and finishes the backlog.
    expect(runs.map((r) => r.signal ?? r.code)).toEqual(['SIGKILL', 'SIGKILL', 'SIGKILL', 0]);
    const all = runs.flatMap((r) => r.lines);
    expect(all.filter((l) => l.startsWith('ANSWERED')).sort()).toEqual(['ANSWERED 1', 'ANSWERED 3']);
    expect(all.filter((l) => l.startsWith('PARKED'))).toEqual(['PARKED 2 3']);

    const after = openSqliteStores({ file });
    expect(after.dedupe.pendingCount()).toBe(0);
    expect(after.dedupe.parked().map((p) => ({ key: p.key, attempts: p.attempts, error: p.error }))).toEqual([
      { key: '2', attempts: 3, error: expect.stringMatching(/stopped while handling this update 3 times/) },
    ]);
    // Kept for admins to look at.
    expect((after.dedupe.parked()[0]!.payload as { message: { text: string } }).message.text).toBe('poison');
    after.close();

    // A further start neither parks nor answers anything again.
    const again = runScript('test/faults/poison-child.ts', [file], {});
    expect((await again.exit).code).toBe(0);
    expect(again.lines).toEqual(['IDLE']);
  });
});
