/**
 * kill -9 of `npm run reindex` at several points of its run: right after it takes the lock, after
 * the first file, after the last file (lexical index being built and written), during embedding.
 * Each time the previous index must still load and answer, with none of the killed run's
 * documents in it, and the next reindex must take over the dead run's lock and publish.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KnowledgeIndex } from '../../src/index/search.js';
import { currentVersion, indexRoot } from '../../src/index/store.js';
import { createLogger } from '../../src/logging.js';
import { runReindex } from '../../src/reindex/pipeline.js';
import { TEST_MODEL_DIR, TEST_MODEL_ID } from '../helpers/model.js';
import { runScript, writePlans } from './helpers.js';

const logger = createLogger({ level: 'silent' });
let root: string;
let dataDir: string;
let knowledgeDir: string;

const reindexInProcess = () =>
  runReindex({ dataDir, knowledgeDir, modelDir: TEST_MODEL_DIR, embeddingModel: TEST_MODEL_ID, logger });

async function loadIndex(): Promise<KnowledgeIndex> {
  return KnowledgeIndex.load(dataDir, { modelDir: TEST_MODEL_DIR, embeddingModel: TEST_MODEL_ID, logger });
}

/** Chunks of documents whose files carry this marker. */
function docsWithMarker(index: KnowledgeIndex, marker: string): number {
  return index.documents.filter((d) => d.file.includes(marker)).length;
}

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'troly-faults-reindex-'));
  dataDir = path.join(root, 'data');
  knowledgeDir = path.join(root, 'knowledge');
  writePlans(knowledgeDir, 12, 'goc');
  const report = await reindexInProcess();
  expect(report.published).toBe(true);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const KILL_POINTS: Array<{ name: string; at: RegExp; mustLandBeforePublish: boolean }> = [
  { name: 'right after taking the lock (scan)', at: /^\d+ tệp/, mustLandBeforePublish: true },
  { name: 'after the first file', at: /^\[1\//, mustLandBeforePublish: true },
  { name: 'after the last file (index being built and written)', at: /^\[(\d+)\/\1\]/, mustLandBeforePublish: false },
  { name: 'during embedding', at: /^tạo vector/, mustLandBeforePublish: false },
];

describe('kill -9 during reindex', () => {
  for (const [n, point] of KILL_POINTS.entries()) {
    it(`keeps the previous index live and recovers: ${point.name}`, async () => {
      const marker = `dot${n}`;
      const before = currentVersion(dataDir);
      expect(before).toBeTruthy();
      // New files this run must index (and embed), so it has real work when the kill lands.
      writePlans(path.join(knowledgeDir, marker), 30, marker, 100 + n * 50);

      let killedAtLine = false;
      const run = runScript(
        'scripts/reindex.ts',
        ['--data-dir', dataDir, '--knowledge-dir', knowledgeDir, '--full'],
        { MODEL_DIR: TEST_MODEL_DIR, EMBEDDING_MODEL: TEST_MODEL_ID, LOG_LEVEL: 'silent' },
        (line, s) => {
          if (!killedAtLine && point.at.test(line)) {
            killedAtLine = true;
            s.child.kill('SIGKILL');
          }
        },
      );
      const exit = await run.exit;
      expect(killedAtLine, `the run never printed a line matching ${point.at}: ${run.lines.join(' | ')}`).toBe(true);
      expect(exit.signal).toBe('SIGKILL');
      const published = run.lines.some((l) => l.startsWith('đã công bố'));
      if (point.mustLandBeforePublish) expect(published).toBe(false);

      // The live index still loads and answers.
      const index = await loadIndex();
      expect(index.searchLexical('nền tảng tích hợp chia sẻ dữ liệu', { k: 5 }).length).toBeGreaterThan(0);
      if (!published && currentVersion(dataDir) === before) {
        expect(docsWithMarker(index, marker)).toBe(0);
      }

      // The next reindex takes over the dead run's lock and publishes everything.
      const report = await reindexInProcess();
      expect(report.published).toBe(true);
      expect(report.errors).toEqual([]);
      const after = await loadIndex();
      expect(currentVersion(dataDir)).not.toBe(before);
      expect(docsWithMarker(after, marker)).toBe(30);
      expect(after.searchLexical(`${marker} ${100 + n * 50}`, { k: 3 }).length).toBeGreaterThan(0);
      expect(readdirSync(dataDir)).not.toContain('reindex.lock');
      // Debris of the killed run does not pile up: at most the live version and one more remain.
      const versions = readdirSync(indexRoot(dataDir)).filter((name) => name.startsWith('v'));
      expect(versions.length, versions.join(', ')).toBeLessThanOrEqual(2);
    });
  }
});
