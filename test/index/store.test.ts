import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../src/errors.js';
import { KnowledgeIndex } from '../../src/index/search.js';
import { createVersionDir, currentVersion, currentVersionDir, indexRoot, publishVersion, readManifest } from '../../src/index/store.js';
import { runReindex } from '../../src/reindex/pipeline.js';
import { repoRoot } from '../helpers/model.js';
import { fakeStages } from '../reindex/fake-stages.js';
import { copyKnowledge, memoryLogger, tempDir } from './helpers.js';

const noModel = () => ({ modelDir: tempDir('tlao-models-'), embeddingModel: 'none/none' });

async function expectCode(p: Promise<unknown>, code: string): Promise<void> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(isAppError(err) ? err.code : String(err)).toBe(code);
}

describe('index store', () => {
  it('INDEX_MISSING when DATA_DIR has no index', async () => {
    const { logger } = memoryLogger();
    await expectCode(KnowledgeIndex.load(tempDir(), { ...noModel(), logger }), 'INDEX_MISSING');
  });

  it('INDEX_VERSION for the frozen old-format index (schemaVersion 0)', async () => {
    const { logger } = memoryLogger();
    const dataDir = path.join(repoRoot, 'test/fixtures/index/old-format');
    await expectCode(KnowledgeIndex.load(dataDir, { ...noModel(), logger }), 'INDEX_VERSION');
  });

  it('INDEX_CORRUPT for a manifest that is not JSON', async () => {
    const dataDir = tempDir();
    const { name, dir } = createVersionDir(dataDir);
    writeFileSync(path.join(dir, 'manifest.json'), '{ half');
    publishVersion(dataDir, name);
    expect(() => readManifest(currentVersionDir(dataDir))).toThrow(/INDEX_CORRUPT/);
  });

  it('publishes by pointer swap and removes old and unfinished versions', async () => {
    const dataDir = tempDir();
    const { logger } = memoryLogger();
    const knowledgeDir = copyKnowledge();
    const first = await runReindex({ dataDir, knowledgeDir, ...noModel(), logger, stages: fakeStages() });
    expect(currentVersion(dataDir)).toBe(first.version);
    // A killed run leaves a version dir without a manifest and a temp pointer behind.
    const leftover = createVersionDir(dataDir, new Date('2030-01-01T00:00:00Z'));
    writeFileSync(path.join(indexRoot(dataDir), 'CURRENT.999.tmp'), 'garbage\n');
    // Loading ignores them: only CURRENT counts.
    const loaded = await KnowledgeIndex.load(dataDir, { ...noModel(), logger });
    expect(loaded.manifest.version).toBe(first.version);

    const second = await runReindex({ dataDir, knowledgeDir, ...noModel(), logger, stages: fakeStages(), full: true });
    expect(second.version).not.toBe(first.version);
    expect(readFileSync(path.join(indexRoot(dataDir), 'CURRENT'), 'utf8').trim()).toBe(second.version);
    expect(readdirSync(indexRoot(dataDir)).sort()).toEqual(['CURRENT', second.version].sort());
    expect(existsSync(leftover.dir)).toBe(false);
  });

  it('manifest records model, hashes and per-file entries', async () => {
    const dataDir = tempDir();
    const { logger } = memoryLogger();
    const knowledgeDir = copyKnowledge();
    mkdirSync(path.join(knowledgeDir, 'broken'));
    writeFileSync(path.join(knowledgeDir, 'broken', 'scan.txt'), '%BROKEN');
    const report = await runReindex({ dataDir, knowledgeDir, ...noModel(), logger, stages: fakeStages() });
    const manifest = readManifest(currentVersionDir(dataDir));
    expect(manifest.schemaVersion).toBe(1);
    expect(manifest.model).toBeNull();
    expect(manifest.abbreviationsHash).toMatch(/^[0-9a-f]{64}$/);
    const byName = new Map(manifest.files.map((f) => [path.basename(f.path), f]));
    expect([...byName.keys()].sort()).toEqual(['bao-cao-7-dan-so.txt', 'dang-ky-khai-sinh.md', 'ke-hoach-12-chuyen-doi-so.txt', 'ke-hoach-45-giao-thong.txt', 'scan.txt']);
    expect(byName.get('ke-hoach-12-chuyen-doi-so.txt')).toMatchObject({ docId: 'ke-hoach-12-chuyen-doi-so.txt', tasks: 4, errors: [] });
    expect(byName.get('scan.txt')).toMatchObject({ docId: null, errors: [{ code: 'INGEST_UNREADABLE', detail: 'broken fixture' }] });
    expect(report.errors).toEqual([{ file: byName.get('scan.txt')!.path, code: 'INGEST_UNREADABLE', detail: 'broken fixture' }]);
  });
});
