/**
 * `npm run reindex -- <path>` then a plain `npm run reindex`: the added plan stays indexed and
 * answerable, and the admin reads one Vietnamese summary (what was added, changed, failed with a
 * hint), without a JSON log line or an English detail repeating it.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { FAILURE_HINTS } from '../../src/reindex/summary.js';

const run = promisify(execFile);
const repoRoot = path.resolve(import.meta.dirname, '../..');

async function cli(script: string, args: string[], env: Record<string, string>): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, ['--import', 'tsx', script, ...args], { cwd: repoRoot, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 90_000 });
}

describe('npm run reindex', () => {
  it('keeps a document added by path across a plain reindex; one summary, hints in Vietnamese', { timeout: 180_000 }, async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'tlao-cli-'));
    const knowledge = path.join(root, 'knowledge');
    mkdirSync(knowledge);
    cpSync(path.join(repoRoot, 'test/fixtures/unseen/tayninh-kh88-2024-cchc.txt'), path.join(knowledge, 'kh88.txt'));
    const extra = path.join(root, 'them');
    mkdirSync(extra);
    cpSync(path.join(repoRoot, 'test/fixtures/unseen/nghean-kh345-2024-giam-ngheo.txt'), path.join(extra, 'kh345.txt'));
    writeFileSync(path.join(extra, 'cu.wpd'), 'WordPerfect, not read');
    const env = { DATA_DIR: path.join(root, 'data'), KNOWLEDGE_DIR: knowledge, MODEL_DIR: path.join(root, 'models'), EMBEDDING_MODEL: 'none' };

    const first = await cli('scripts/reindex.ts', [extra], env);
    expect(first.stdout).toMatch(/Thêm mới \(2\): .*kh345\.txt/);
    expect(first.stdout.match(/cu\.wpd/g)).toHaveLength(2); // its progress line and its one summary line
    expect(first.stdout).toContain(FAILURE_HINTS.INGEST_UNSUPPORTED);
    expect(first.stdout + first.stderr).not.toMatch(/unsupported extension|"level"/);

    const second = await cli('scripts/reindex.ts', [], env);
    expect(second.stdout).toContain('Không có tệp nào thay đổi');
    expect(second.stdout).not.toMatch(/Giữ lại|Đã gỡ/);
    const ask = await cli('scripts/ask.ts', ['--json', 'Nghệ An: kế hoạch 345 gồm những nhiệm vụ gì?'], env);
    const answer = JSON.parse(ask.stdout) as { refused: boolean; citations: Array<{ document: string }> };
    expect(answer.refused).toBe(false);
    expect(answer.citations.map((c) => c.document)).toContain('Kế hoạch 345/KH-UBND');
  });
});
