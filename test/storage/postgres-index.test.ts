/**
 * Index versions through PostgreSQL (src/storage/postgres-index.ts): replicas with their own
 * DATA_DIR serve the version any of them published, without a shared filesystem.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isAppError } from '../../src/errors.js';
import { KnowledgeIndex } from '../../src/index/search.js';
import { currentVersion, indexRoot } from '../../src/index/store.js';
import { runReindex } from '../../src/reindex/pipeline.js';
import {
  fetchIndexVersion,
  IndexVersionFollower,
  liveIndexVersion,
  publishIndexVersion,
  syncIndexAtStart,
  withReindexLock,
} from '../../src/storage/postgres-index.js';
import { freshDatabase, PG_MISSING } from '../helpers/postgres.js';
import { TEST_MODEL_DIR, TEST_MODEL_ID } from '../helpers/model.js';
import { copyKnowledge, memoryLogger, tempDir } from '../index/helpers.js';
import { fakeStages } from '../reindex/fake-stages.js';
import { pgServerUrl } from './pg-url.js';

const serverUrl = pgServerUrl();
if (!serverUrl) console.warn(PG_MISSING);
const withModel = { modelDir: TEST_MODEL_DIR, embeddingModel: TEST_MODEL_ID };

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

/** Every file of a version folder with its bytes, relative paths. */
function tree(dir: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = path.join(prefix, e.name);
    if (e.isDirectory()) Object.assign(out, tree(dir, rel));
    else out[rel] = readFileSync(path.join(dir, rel)).toString('base64');
  }
  return out;
}

describe.skipIf(!serverUrl)('index versions through PostgreSQL', () => {
  it('carries a version folder byte for byte: parts of a large file, subfolders, an empty file', async () => {
    const url = await freshDatabase(serverUrl!);
    const a = tempDir();
    const name = 'v20261204t000000000z-abcdef';
    const dir = path.join(indexRoot(a), name);
    mkdirSync(path.join(dir, 'dense'), { recursive: true });
    writeFileSync(path.join(dir, 'dense', 'vectors.bin'), randomBytes(9 * 1024 * 1024 + 17));
    writeFileSync(path.join(dir, 'empty.json'), '');
    writeFileSync(path.join(dir, 'manifest.json'), '{"schemaVersion":1}');
    await publishIndexVersion(url, a, name);
    expect(await liveIndexVersion(url)).toBe(name);
    const b = tempDir();
    await fetchIndexVersion(url, b, name);
    expect(currentVersion(b)).toBe(name);
    expect(tree(path.join(indexRoot(b), name))).toEqual(tree(dir));
    // Nothing but the version is left in B's index folder (no temp download folder).
    expect(readdirSync(indexRoot(b)).sort()).toEqual(['CURRENT', name]);
    await expect(fetchIndexVersion(url, b, 'v-missing')).rejects.toThrow(/not \(or no longer\) in PostgreSQL/);
    await expect(fetchIndexVersion(url, b, '../etc')).rejects.toThrow(/unexpected index version name/);
  });

  it('a reindex on one replica takes the lock, publishes, and the other replica serves it; a second reindex meanwhile is refused', async () => {
    const url = await freshDatabase(serverUrl!);
    const { logger } = memoryLogger();
    const a = tempDir();
    const b = tempDir();
    const knowledgeDir = copyKnowledge();
    // B starts first with an empty DATA_DIR: nothing to fetch yet.
    expect(await syncIndexAtStart(url, b, logger)).toBe('none');
    const first = await runReindex({ dataDir: a, knowledgeDir, ...withModel, logger, stages: fakeStages(), databaseUrl: url });
    expect(first.published).toBe(true);
    expect(await liveIndexVersion(url)).toBe(first.version);
    expect(await syncIndexAtStart(url, b, logger)).toBe('fetched');
    expect(await syncIndexAtStart(url, b, logger)).toBe('same');
    const served = await KnowledgeIndex.load(b, { ...withModel, logger });
    expect(served.manifest.version).toBe(first.version);
    expect(served.tasks.length).toBeGreaterThan(0);

    // B follows: A reindexes a changed knowledge folder; B swaps to it within seconds, no restart.
    const seen: string[] = [];
    const follower = new IndexVersionFollower({ url, dataDir: b, logger, pollMs: 200, onVersion: async (v) => void seen.push(v) });
    cleanup.push(() => follower.stop());
    await follower.start();
    writeFileSync(path.join(knowledgeDir, 'ke-hoach-45-giao-thong.txt'), `${readFileSync(path.join(knowledgeDir, 'ke-hoach-45-giao-thong.txt'), 'utf8')}\nBổ sung: rà soát biển báo.\n`);
    const second = await runReindex({ dataDir: a, knowledgeDir, ...withModel, logger, stages: fakeStages(), databaseUrl: url });
    const t0 = Date.now();
    while (currentVersion(b) !== second.version && Date.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 100));
    expect(currentVersion(b)).toBe(second.version);
    expect(Date.now() - t0).toBeLessThan(30_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(seen).toEqual([second.version]);
    const reloaded = await KnowledgeIndex.load(b, { ...withModel, logger });
    expect(reloaded.chunks.some((c) => c.text.includes('rà soát biển báo'))).toBe(true);

    // While a replica holds the lock, another reindex is refused with REINDEX_LOCKED, and nothing is published.
    let refused: unknown;
    await withReindexLock(url, async () => {
      refused = await runReindex({ dataDir: b, knowledgeDir, ...withModel, logger, stages: fakeStages(), databaseUrl: url }).catch((err: unknown) => err);
    });
    expect(isAppError(refused, 'REINDEX_LOCKED')).toBe(true);
    expect(await liveIndexVersion(url)).toBe(second.version);
  });
});
