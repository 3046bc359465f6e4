/** Shared bits of the fault tests: generated plan files in the corpus' style, child processes. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const repoRoot = path.resolve(import.meta.dirname, '../..');
const TEMPLATE = readFileSync(path.join(repoRoot, 'test/fixtures/faults/plan-template.txt'), 'utf8');
const PROVINCES = ['Thanh Hóa', 'Sơn La', 'Nghệ An', 'Lào Cai', 'Quảng Ninh', 'Gia Lai', 'Cà Mau', 'Bắc Ninh'];

export interface PlanFields {
  province: string;
  number: number;
  day: number;
  month: number;
  year: number;
  quarter: string;
  percent: number;
  marker: string;
}

/** One plan in the corpus' style (KH with tasks, leads, cooperating agencies, deadlines). */
export function renderPlan(f: PlanFields): string {
  return TEMPLATE.replaceAll('{{PROVINCE_UPPER}}', f.province.toUpperCase())
    .replaceAll('{{PROVINCE}}', f.province)
    .replaceAll('{{NUMBER}}', String(f.number))
    .replaceAll('{{DAY}}', String(f.day))
    .replaceAll('{{MONTH}}', String(f.month))
    .replaceAll('{{YEAR}}', String(f.year))
    .replaceAll('{{QUARTER}}', f.quarter)
    .replaceAll('{{PERCENT}}', String(f.percent))
    .replaceAll('{{MARKER}}', f.marker);
}

/** Writes `count` distinct plans into dir; `marker` is a word only these files contain. */
export function writePlans(dir: string, count: number, marker: string, start = 0): string[] {
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (let i = start; i < start + count; i++) {
    const text = renderPlan({
      province: PROVINCES[i % PROVINCES.length]!,
      number: 100 + i,
      day: (i % 27) + 1,
      month: (i % 12) + 1,
      year: 2022 + (i % 4),
      quarter: ['I', 'II', 'III', 'IV'][i % 4]!,
      percent: 60 + (i % 40),
      marker: `${marker} ${i}`,
    });
    const file = path.join(dir, `kh-${String(i).padStart(3, '0')}-${marker}.txt`);
    writeFileSync(file, text);
    files.push(file);
  }
  return files;
}

export interface Spawned {
  child: ChildProcess;
  lines: string[];
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs a repo script with tsx; collects stdout lines; `onLine` may kill the child. */
export function runScript(script: string, args: string[], env: Record<string, string>, onLine?: (line: string, s: Spawned) => void): Spawned {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, script), ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const spawned: Spawned = {
    child,
    lines,
    exit: new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal }))),
  };
  let buffer = '';
  child.stdout!.on('data', (d: Buffer) => {
    buffer += d.toString('utf8');
    let at: number;
    while ((at = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, at);
      buffer = buffer.slice(at + 1);
      lines.push(line);
      onLine?.(line, spawned);
    }
  });
  child.stderr!.resume();
  return spawned;
}

/** A free loopback port (bound, read, released). */
export async function freePort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
