/**
 * No server paths in any output: with KNOWLEDGE_DIR outside the working directory, every
 * record's `file` (what citations and /api/ask show) and the report's error list name files
 * relative to the knowledge folder, never by their absolute path.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { currentVersion, indexRoot, readRecords } from '../../src/index/store.js';
import { runReindex } from '../../src/reindex/pipeline.js';
import { publicPath } from '../../src/reindex/public-path.js';
import { TEST_MODEL_DIR, TEST_MODEL_ID } from '../helpers/model.js';
import { copyKnowledge, memoryLogger, tempDir } from '../index/helpers.js';

describe('paths shown to users', () => {
  it('records never carry the absolute path of a knowledge folder outside the working directory', async () => {
    const knowledgeDir = copyKnowledge(); // under os.tmpdir(), outside the repo
    expect(path.relative(process.cwd(), knowledgeDir).startsWith('..')).toBe(true);
    writeFileSync(path.join(knowledgeDir, 'hong.pdf'), 'not a pdf');
    const dataDir = tempDir();
    const { logger } = memoryLogger();
    const report = await runReindex({ dataDir, knowledgeDir, modelDir: TEST_MODEL_DIR, embeddingModel: TEST_MODEL_ID, logger });
    expect(report.published).toBe(true);
    // The report is the operator's (CLI, logs): it keeps the path; chat summaries show names only.
    expect(report.errors.map((e) => path.basename(e.file))).toEqual(['hong.pdf']);
    const records = readRecords(path.join(indexRoot(dataDir), currentVersion(dataDir)!));
    const files = [...records.documents.map((d) => d.file), ...records.chunks.map((c) => c.doc.file), ...records.tasks.map((t) => t.doc.file)];
    expect(files.length).toBeGreaterThan(0);
    const absolute = files.filter((f) => path.isAbsolute(f) || f.includes(knowledgeDir));
    expect(absolute).toEqual([]);
    expect(records.documents.every((d) => d.file.startsWith('knowledge/'))).toBe(true);
  });

  it('shows a file outside any root by its folder and name only', () => {
    expect(publicPath('/srv/data/van-ban/kh-12.txt')).toBe('van-ban/kh-12.txt');
    expect(publicPath('/srv/tro-ly/knowledge/ke-hoach/kh-12.txt', '/srv/tro-ly/knowledge')).toBe('knowledge/ke-hoach/kh-12.txt');
    expect(publicPath('knowledge/kh-12.txt', '/srv')).toBe('knowledge/kh-12.txt');
  });
});
