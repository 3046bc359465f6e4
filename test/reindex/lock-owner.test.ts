/**
 * The reindex lock and the OCR temp folders name their owner by PID + process start time + boot
 * id, so a PID reused by another process (a container's server is the same PID on every start)
 * does not keep a dead run's lock or temp folder alive.
 */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../src/errors.js';
import { bootId, currentOwner, ownerTag, processStartTime, removeOrphanTempDirs } from '../../src/ingest/process-owner.js';
import { acquireReindexLock } from '../../src/reindex/lock.js';

const tmp = (p = 'tlao-lock-') => mkdtempSync(path.join(os.tmpdir(), p));
const hasProc = processStartTime(process.pid) !== undefined;

describe('reindex lock ownership', () => {
  it.skipIf(!hasProc)('takes over a lock whose PID is alive but now belongs to another process (PID reuse)', () => {
    const dataDir = tmp();
    // The parent (vitest) is alive; the lock says its owner started at another time: a reused PID.
    const ppidStart = processStartTime(process.ppid)!;
    writeFileSync(path.join(dataDir, 'reindex.lock'), JSON.stringify({ pid: process.ppid, start: String(Number(ppidStart) + 12345), boot: bootId() }));
    const release = acquireReindexLock(dataDir);
    release();
    expect(existsSync(path.join(dataDir, 'reindex.lock'))).toBe(false);
  });

  it.skipIf(!hasProc)('takes over a lock written before a reboot', () => {
    const dataDir = tmp();
    writeFileSync(path.join(dataDir, 'reindex.lock'), JSON.stringify({ pid: process.ppid, start: processStartTime(process.ppid), boot: '00000000-0000-0000-0000-000000000000' }));
    acquireReindexLock(dataDir)();
  });

  it('refuses while the very process that wrote the lock runs', () => {
    const dataDir = tmp();
    writeFileSync(path.join(dataDir, 'reindex.lock'), JSON.stringify({ pid: process.ppid, start: processStartTime(process.ppid) ?? '', boot: bootId() }));
    let caught: unknown;
    try {
      acquireReindexLock(dataDir);
    } catch (err) {
      caught = err;
    }
    expect(isAppError(caught, 'REINDEX_LOCKED')).toBe(true);
    // No server path in the message (it reaches admins' chats).
    expect((caught as Error).message).not.toContain(dataDir);
  });

  it('writes its own identity', () => {
    const dataDir = tmp();
    const release = acquireReindexLock(dataDir);
    let caught: unknown;
    try {
      acquireReindexLock(dataDir);
    } catch (err) {
      caught = err;
    }
    release();
    expect(isAppError(caught, 'REINDEX_LOCKED')).toBe(true);
    expect(currentOwner().pid).toBe(process.pid);
  });
});

describe('temp folders of killed runs', () => {
  it.skipIf(!hasProc)('removes folders whose owner is gone or whose PID was reused, keeps live ones', () => {
    const root = tmp('tlao-tmproot-');
    const mine = path.join(root, `trolyao-ocr-${ownerTag()}-abc123`);
    const dead = path.join(root, `trolyao-ocr-${ownerTag({ pid: 4194999, start: '1', boot: bootId() })}-def456`);
    const reused = path.join(root, `trolyao-ocr-${ownerTag({ pid: process.ppid, start: '7', boot: bootId() })}-ghi789`);
    const legacy = path.join(root, 'trolyao-ocr-XyZ123');
    const other = path.join(root, 'not-ours-123');
    for (const d of [mine, dead, reused, legacy, other]) {
      mkdirSync(d);
      writeFileSync(path.join(d, 'input.pdf'), 'x');
    }
    const removed = removeOrphanTempDirs(root);
    expect(removed.sort()).toEqual([dead, legacy, reused].sort());
    expect(existsSync(mine)).toBe(true);
    expect(existsSync(other)).toBe(true);
  });
});
