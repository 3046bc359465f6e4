/**
 * One reindex at a time per DATA_DIR: DATA_DIR/reindex.lock names its owner by PID, process
 * start time and boot id (src/ingest/process-owner.ts). A lock whose owner is gone is taken over —
 * also when its PID now belongs to another process, as it always does in a container, where the
 * server is the same low PID after every restart.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../errors.js';
import { currentOwner, ownerAlive, type ProcessOwner } from '../ingest/process-owner.js';

export const LOCK_FILE = 'reindex.lock';

/** Owner from the lock's text: JSON {pid,start,boot}, or a bare PID (older versions). */
export function parseLockOwner(text: string): ProcessOwner | undefined {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return { pid: Number(trimmed), start: '', boot: '' };
  try {
    const v = JSON.parse(trimmed) as Partial<ProcessOwner>;
    if (typeof v.pid !== 'number') return undefined;
    return { pid: v.pid, start: typeof v.start === 'string' ? v.start : '', boot: typeof v.boot === 'string' ? v.boot : '' };
  } catch {
    return undefined;
  }
}

/** Take the lock or throw AppError REINDEX_LOCKED. Returns the release function. */
export function acquireReindexLock(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, LOCK_FILE);
  const me = currentOwner();
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, `${JSON.stringify(me)}\n`);
      closeSync(fd);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        rmSync(file, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let owner: ProcessOwner | undefined;
    try {
      owner = parseLockOwner(readFileSync(file, 'utf8'));
    } catch {
      // Vanished between open and read: the other run just finished; try again.
      continue;
    }
    if (owner && ownerAlive(owner)) {
      throw new AppError('REINDEX_LOCKED', `another reindex (pid ${owner.pid}) is running on this data folder; wait for it or remove ${LOCK_FILE} if that process is not a reindex`);
    }
    // Stale lock from a dead process, a reused PID, or garbage: take it over.
    rmSync(file, { force: true });
  }
  throw new AppError('REINDEX_LOCKED', `could not take ${LOCK_FILE}`);
}
