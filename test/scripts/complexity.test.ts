/**
 * The size/complexity meter (scripts/complexity.ts) on snippets whose counts are worked out by hand, so the
 * before/after figures reported for the answering code mean what the script's header says.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { countLines, formatReport, measurePaths, measureSource } from '../../scripts/complexity.js';

const repoRoot = path.resolve(import.meta.dirname, '../..');

// f: 1 + if + && + ?: + else-if + for-of + 2 cases (default not counted) + catch + while + || = 11.
// The arrow bound to g is its own function: 1 + ?? = 2, and adds nothing to f.
const SNIPPET = `export function f(a: number, b?: string): string | number {
  if (a > 0 && b) {
    return a ? 1 : 2;
  } else if (a < 0) {
    for (const x of [1]) void x;
  }
  switch (b) {
    case 'x':
      break;
    case 'y':
      break;
    default:
  }
  try {
    JSON.parse('1');
  } catch {
    a = 0;
  }
  const g = (): string => b ?? 'z';
  while (a-- > 10) g();
  return b || '';
}

class Box {
  private v = 0;
  constructor(x: number) {
    this.v = x;
  }
  get value(): number {
    return this.v > 0 ? this.v : 0;
  }
  check = (y: boolean): boolean => y && this.v > 1;
  plain(): number {
    return [this.v].map((n) => (n > 0 ? n : 0))[0] ?? 0;
  }
}
export const box = new Box(1);
`;

describe('complexity meter', () => {
  const report = measureSource('snippet.ts', SNIPPET);
  const byName = new Map(report.functions.map((f) => [f.name, f]));

  it('counts every decision point of a function once, nested functions apart', () => {
    expect(byName.get('f')?.complexity).toBe(11);
    expect(byName.get('g')?.complexity).toBe(2);
  });

  it('names class members after their class and counts them on their own', () => {
    expect(byName.get('Box.constructor')?.complexity).toBe(1);
    expect(byName.get('Box.get value')?.complexity).toBe(2);
    expect(byName.get('Box.check')?.complexity).toBe(2);
    expect(byName.get('Box.plain')?.complexity).toBe(2);
    expect(byName.get('Box.plain/<anonymous>')?.complexity).toBe(2);
    expect(report.functions).toHaveLength(7);
  });

  it('reports lines of the file, of each function and of each class', () => {
    expect(report.lines).toBe(37);
    expect(byName.get('f')).toMatchObject({ line: 1, lines: 22 });
    expect(report.classes).toEqual([{ name: 'Box', line: 24, lines: 13 }]);
    expect(countLines('a\nb\n')).toBe(2);
    expect(countLines('a\nb')).toBe(2);
    expect(countLines('')).toBe(0);
  });

  it('sorts functions by complexity, highest first', () => {
    expect(report.functions[0]?.name).toBe('f');
    const c = report.functions.map((x) => x.complexity);
    expect([...c].sort((a, b) => b - a)).toEqual(c);
  });

  describe('over a folder', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'complexity-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    mkdirSync(path.join(dir, 'sub'));
    writeFileSync(path.join(dir, 'a.ts'), SNIPPET);
    writeFileSync(path.join(dir, 'sub', 'b.ts'), 'export const h = (x: number): number => (x > 1 ? x : -x);\n');
    writeFileSync(path.join(dir, 'types.d.ts'), 'declare const z: number;\n');
    writeFileSync(path.join(dir, 'notes.md'), '# not code\n');

    it('reads .ts files below it (not .d.ts), and the text report leads with the most complex function', () => {
      const reports = measurePaths([dir]);
      expect(reports.map((r) => path.relative(dir, r.file))).toEqual(['a.ts', path.join('sub', 'b.ts')]);
      const text = formatReport(reports, 3);
      const top = text.split('top 3 functions by complexity:\n')[1]?.split('\n')[0] ?? '';
      expect(top).toMatch(/^\s+11\s+f\s/);
      expect(text).toContain('class Box  13 lines');
      expect(text).toMatch(/2 files, 38 lines, 8 functions, 1 with complexity > 10/);
    });

    it('runs as a CLI, and a missing path is a clear error', { timeout: 60_000 }, async () => {
      const run = (args: string[]): Promise<{ code: number | null; out: string; err: string }> =>
        new Promise((resolve, reject) => {
          const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/complexity.ts', ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
          let out = '';
          let err = '';
          child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
          child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
          child.on('error', reject);
          child.on('close', (code) => resolve({ code, out, err }));
        });
      const ok = await run([dir, '--json']);
      expect(ok.code, ok.err).toBe(0);
      const parsed = JSON.parse(ok.out) as { functions: { name: string; complexity: number }[] }[];
      expect(parsed[0]?.functions[0]).toMatchObject({ name: 'f', complexity: 11 });
      const bad = await run([path.join(dir, 'nope')]);
      expect(bad.code).toBe(2);
      expect(bad.err).toContain('not found');
    });
  });
});
