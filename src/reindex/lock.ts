/**
 * One reindex at a time per DATA_DIR: DATA_DIR/reindex.lock holds the owner's pid. A lock whose
 * pid is no longer running (a killed reindex) is taken over.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../errors.js';

export const LOCK_FILE = 'reindex.lock';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Take the lock or throw AppError REINDEX_LOCKED. Returns the release function. */
export function acquireReindexLock(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, `${process.pid}\n`);
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
    let owner = NaN;
    try {
      owner = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
    } catch {
      // Vanished between open and read: the other run just finished; try again.
      continue;
    }
    if (Number.isInteger(owner) && owner > 0 && alive(owner)) {
      throw new AppError('REINDEX_LOCKED', `another reindex (pid ${owner}) is running on ${dataDir}; wait for it or remove ${file} if that process is not a reindex`);
    }
    // Stale lock from a dead process (or garbage): take it over.
    rmSync(file, { force: true });
  }
  throw new AppError('REINDEX_LOCKED', `could not take ${file}`);
}
