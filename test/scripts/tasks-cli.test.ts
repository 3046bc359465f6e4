/**
 * `npm run tasks -- --json` piped into another program must deliver the whole JSON: Node writes to
 * a pipe asynchronously, and exiting right after the write used to cut it at ~64 KB.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const fixtures = ['test/fixtures/unseen', 'test/fixtures/extract'].flatMap((dir) =>
  readdirSync(path.join(repoRoot, dir)).filter((f) => /\.(txt|html)$/.test(f)).map((f) => path.join(dir, f)),
);

/** Runs the script into a shell pipe whose reader starts late, like `… | jq` on a big output. */
function runPiped(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const quoted = [process.execPath, '--import', 'tsx', 'scripts/tasks.ts', ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return new Promise((resolve, reject) => {
    // `set -o pipefail` is not in dash: report the script's own status through fd 3.
    const child = spawn('sh', ['-c', `{ ${quoted}; echo $? >&3; } 3>&2 2>/dev/null | { sleep 2; cat; }`], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', () => resolve({ code: Number(stderr.trim().split('\n').pop()), stdout, stderr }));
  });
}

describe('npm run tasks -- --json through a pipe', () => {
  it('writes the whole JSON document before exiting, however long', { timeout: 120_000 }, async () => {
    const { code, stdout, stderr } = await runPiped(['--json', ...fixtures]);
    expect(code, stderr).toBe(0);
    expect(stdout.length).toBeGreaterThan(80 * 1024); // past one 64 KB pipe buffer
    const parsed = JSON.parse(stdout) as { tasks: unknown[] };
    expect(parsed.tasks.length).toBeGreaterThan(30);
  });
});
