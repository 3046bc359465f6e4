/**
 * Who owns a lock or a temp folder, in a form that survives PID reuse. A container starts its
 * server as the same low PID every time, so "is PID n alive?" says yes for a dead owner; the
 * kernel's boot id plus the process start time (in clock ticks since boot, /proc/<pid>/stat
 * field 22) name one process once. Off Linux (no /proc), both are empty and the PID alone decides.
 */
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface ProcessOwner {
  pid: number;
  /** Start time of the process in clock ticks since boot; '' when unknown. */
  start: string;
  /** /proc/sys/kernel/random/boot_id; '' when unknown. */
  boot: string;
}

export function bootId(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return '';
  }
}

/** Field 22 of /proc/<pid>/stat; undefined when the process does not exist or /proc is absent. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count from the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19];
  } catch {
    return undefined;
  }
}

export function currentOwner(): ProcessOwner {
  return { pid: process.pid, start: processStartTime(process.pid) ?? '', boot: bootId() };
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Is the process that wrote this owner record still the one running under its PID? */
export function ownerAlive(owner: ProcessOwner): boolean {
  if (!Number.isInteger(owner.pid) || owner.pid <= 0) return false;
  const boot = bootId();
  if (owner.boot && boot && owner.boot !== boot) return false; // written before a reboot
  if (!pidAlive(owner.pid)) return false;
  if (owner.start) {
    const start = processStartTime(owner.pid);
    if (start !== undefined && start !== owner.start) return false; // PID reused by another process
  }
  return true;
}

/** Compact owner tag for file names: "<pid>.<start>.<boot prefix>". */
export function ownerTag(owner: ProcessOwner = currentOwner()): string {
  return `${owner.pid}.${owner.start || '0'}.${owner.boot.replace(/-/g, '').slice(0, 8) || '0'}`;
}

export function parseOwnerTag(tag: string): ProcessOwner | undefined {
  const m = /^(\d+)\.(\d+)\.([0-9a-f]{1,8})$/.exec(tag);
  if (!m) return undefined;
  const boot = m[3] === '0' ? '' : m[3]!;
  const current = bootId().replace(/-/g, '');
  // Only a prefix of the boot id is in the tag: compare prefixes.
  return { pid: Number(m[1]), start: m[2] === '0' ? '' : m[2]!, boot: boot && current && !current.startsWith(boot) ? boot : '' };
}

/** Temp folders of OCR runs are named `${OCR_TEMP_PREFIX}<owner tag>-XXXXXX` under os.tmpdir(). */
export const OCR_TEMP_PREFIX = 'trolyao-ocr-';

/**
 * Removes temp folders left by killed runs (their owner is gone). Returns the removed paths.
 * Folders of live processes (another reindex, a test in parallel) are left alone.
 */
export function removeOrphanTempDirs(dir = os.tmpdir(), prefix = OCR_TEMP_PREFIX): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const tag = name.slice(prefix.length).replace(/-[^-]*$/, '');
    const owner = parseOwnerTag(tag);
    if (owner && ownerAlive(owner)) continue;
    const full = path.join(dir, name);
    try {
      rmSync(full, { recursive: true, force: true });
      removed.push(full);
    } catch {
      /* not ours to remove (permissions): leave it */
    }
  }
  return removed;
}
