/**
 * A reindex killed with SIGKILL at any point leaves the previous index loadable and answering,
 * and the next reindex succeeds (stale lock taken over, unfinished version removed).
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KnowledgeIndex } from '../../src/index/search.js';
import { currentVersion, indexRoot } from '../../src/index/store.js';
import { runReindex } from '../../src/reindex/pipeline.js';
import { TEST_MODEL_DIR, TEST_MODEL_ID, repoRoot } from '../helpers/model.js';
import { copyKnowledge, memoryLogger, tempDir } from '../index/helpers.js';
import { fakeStages } from './fake-stages.js';

const withModel = { modelDir: TEST_MODEL_DIR, embeddingModel: TEST_MODEL_ID };
const corpus = path.resolve(repoRoot, '../shared/corpus');

/** Spawn `node --import tsx <script> …args`, SIGKILL it when `killWhen` matches its stdout. */
function runAndKill(script: string, args: string[], killWhen: (stdout: string) => boolean, env: NodeJS.ProcessEnv = {}): Promise<{ signal: NodeJS.Signals | null; code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (child.exitCode === null && !child.killed && killWhen(stdout)) child.kill('SIGKILL');
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => (signal === 'SIGKILL' ? resolve({ signal, code, stdout }) : reject(new Error(`child was not killed (code ${code}):\n${stdout}\n${stderr}`))));
  });
}

/** A knowledge folder with enough files that a run takes a while. */
function bigKnowledge(copies: number): string {
  const dir = copyKnowledge();
  const plan = path.join(dir, 'ke-hoach-12-chuyen-doi-so.txt');
  for (let i = 0; i < copies; i++) {
    writeFileSync(path.join(dir, `ke-hoach-${100 + i}.txt`), readFileSync(plan, 'utf8').replace('Số: 12/KH-UBND', `Số: ${100 + i}/KH-UBND`) + `\nPhụ lục ${i}: kế hoạch bổ sung số ${i}.\n`);
  }
  return dir;
}

async function expectPreviousServes(dataDir: string, version: string): Promise<void> {
  const { logger } = memoryLogger();
  const index = await KnowledgeIndex.load(dataDir, { ...withModel, logger });
  expect(index.manifest.version).toBe(version);
  const hits = await index.search('Ai chủ trì thí điểm Trợ lý ảo?');
  expect(hits[0]?.chunk.text).toMatch(/Trợ lý ảo/);
}

describe('reindex killed mid-run', () => {
  it('at a file and during embedding: previous index still answers, next run succeeds', async () => {
    const dataDir = tempDir();
    const knowledgeDir = bigKnowledge(30);
    const { logger } = memoryLogger();
    const first = await runReindex({ dataDir, knowledgeDir, ...withModel, logger, stages: fakeStages() });
    expect(first.published).toBe(true);
    // Give the next run real work: a changed file and new ones.
    writeFileSync(path.join(knowledgeDir, 'ke-hoach-100.txt'), `${readFileSync(path.join(knowledgeDir, 'ke-hoach-100.txt'), 'utf8')}\nBổ sung nhiệm vụ mới.\n`);
    for (let i = 0; i < 10; i++) copyFileSync(path.join(knowledgeDir, 'ke-hoach-45-giao-thong.txt'), path.join(knowledgeDir, `moi-${i}.txt`));

    const child = path.join(repoRoot, 'test/reindex/reindex-child.ts');
    for (const point of ['file:12', 'embed']) {
      const killed = await runAndKill(child, [dataDir, knowledgeDir, point], (out) => out.includes('PAUSED'));
      expect(killed.signal).toBe('SIGKILL');
      expect(killed.stdout).not.toContain('DONE');
      expect(currentVersion(dataDir)).toBe(first.version);
      // The dead run's lock is still there, with its pid.
      expect(existsSync(path.join(dataDir, 'reindex.lock'))).toBe(true);
      await expectPreviousServes(dataDir, first.version!);
    }
    // The embed-point kill left an unfinished version directory behind.
    expect(readdirSync(indexRoot(dataDir)).filter((n) => n.startsWith('v')).length).toBeGreaterThan(1);

    const next = await runReindex({ dataDir, knowledgeDir, ...withModel, logger, stages: fakeStages() });
    expect(next.published).toBe(true);
    expect(next.parsed).toBe(11);
    expect(readdirSync(indexRoot(dataDir)).sort()).toEqual(['CURRENT', next.version!].sort());
    expect(existsSync(path.join(dataDir, 'reindex.lock'))).toBe(false);
    await expectPreviousServes(dataDir, next.version!);
  });

  it.skipIf(!existsSync(corpus))('npm run reindex (scripts/reindex.ts) killed while reading the corpus', async () => {
    const dataDir = tempDir();
    const knowledgeDir = copyKnowledge();
    const { logger } = memoryLogger();
    const first = await runReindex({ dataDir, knowledgeDir, ...withModel, logger });
    expect(first.published).toBe(true);
    const env = { MODEL_DIR: TEST_MODEL_DIR, EMBEDDING_MODEL: TEST_MODEL_ID, LOG_LEVEL: 'silent' };
    const args = ['--data-dir', dataDir, '--knowledge-dir', knowledgeDir, corpus];
    for (const point of ['[1/', '[6/']) {
      const killed = await runAndKill('scripts/reindex.ts', args, (out) => out.includes(point), env);
      expect(killed.signal).toBe('SIGKILL');
      expect(currentVersion(dataDir)).toBe(first.version);
      await expectPreviousServes(dataDir, first.version!);
    }
    const next = await runReindex({ dataDir, knowledgeDir, paths: [corpus], ...withModel, logger });
    expect(next.published).toBe(true);
    expect(next.errors).toEqual([]);
  });
});
