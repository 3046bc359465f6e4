import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../src/errors.js';
import { KnowledgeIndex } from '../../src/index/search.js';
import { EXTRACTOR_VERSION, collectFiles, isProcedureGuide, runReindex } from '../../src/reindex/pipeline.js';
import { acquireReindexLock } from '../../src/reindex/lock.js';
import { TEST_MODEL_DIR, TEST_MODEL_ID } from '../helpers/model.js';
import { copyKnowledge, memoryLogger, tempDir } from '../index/helpers.js';
import { fakeStages } from './fake-stages.js';

const withModel = { modelDir: TEST_MODEL_DIR, embeddingModel: TEST_MODEL_ID };

describe('collectFiles', () => {
  it('walks KNOWLEDGE_DIR, skipping json, README, hidden files and non-guides under procedures/', () => {
    const knowledgeDir = copyKnowledge();
    writeFileSync(path.join(knowledgeDir, '.hidden.txt'), 'x');
    const names = collectFiles(knowledgeDir).map((f) => path.relative(knowledgeDir, f.abs));
    expect(names).toEqual(['bao-cao-7-dan-so.txt', 'ke-hoach-12-chuyen-doi-so.txt', 'ke-hoach-45-giao-thong.txt', path.join('procedures', 'dang-ky-khai-sinh.md')]);
  });

  it('adds extra files and folders once', () => {
    const knowledgeDir = copyKnowledge();
    const extra = path.join(knowledgeDir, 'ke-hoach-45-giao-thong.txt');
    expect(collectFiles(knowledgeDir, [extra, knowledgeDir])).toHaveLength(4);
  });

  it('routes only front-matter guides with `ten:` under procedures/ to the guide reader', () => {
    const guide = Buffer.from('---\nten: Đăng ký kết hôn\n---\nNội dung');
    expect(isProcedureGuide('/k/procedures/ket-hon.md', guide)).toBe(true);
    expect(isProcedureGuide('/k/plans/ket-hon.md', guide)).toBe(false);
    expect(isProcedureGuide('/k/procedures/ghi-chu.md', Buffer.from('# Ghi chú\nkhông có front matter'))).toBe(false);
    expect(isProcedureGuide('/k/procedures/x.md', Buffer.from('---\ntitle: khác\n---\n'))).toBe(false);
  });
});

describe('runReindex', () => {
  it('builds tasks and procedures as searchable record chunks', async () => {
    const dataDir = tempDir();
    const { logger } = memoryLogger();
    const report = await runReindex({ dataDir, knowledgeDir: copyKnowledge(), ...withModel, logger, stages: fakeStages() });
    expect(report).toMatchObject({ published: true, full: true, files: 4, parsed: 4, reused: 0, documents: 4, procedures: 1, errors: [] });
    expect(report.tasks).toBe(8);
    const index = await KnowledgeIndex.load(dataDir, { ...withModel, logger });
    const task = index.searchLexical('Ai chủ trì thí điểm Trợ lý ảo trong cơ quan nhà nước?', { kinds: ['task'] })[0]!;
    expect(task.chunk.recordId).toBe(index.tasks.find((t) => t.action?.includes('Trợ lý ảo'))!.id);
    expect(task.chunk.text).toContain('Chủ trì: Sở Nội vụ');
    expect(task.chunk.text).toContain('Thời hạn: Tháng 11 năm 2025');
    const proc = index.searchLexical('lam giay khai sinh can giay to gi', { kinds: ['procedure'] })[0]!;
    expect(proc.chunk.recordId).toBe(index.procedures[0]!.id);
    expect(index.manifest.extractorVersion).toMatch(new RegExp(`^${EXTRACTOR_VERSION.replace(/\./g, '\\.')}\\+[0-9a-f]{16}$`));
  });

  it('is incremental: unchanged files are not re-read, changed ones replaced, deleted ones kept until --prune', async () => {
    const dataDir = tempDir();
    const knowledgeDir = copyKnowledge();
    const { logger } = memoryLogger();
    const run = async (full = false, prune = false) => {
      const stages = fakeStages();
      const report = await runReindex({ dataDir, knowledgeDir, ...withModel, logger, stages, full, prune });
      return { report, calls: stages.calls };
    };

    const first = await run();
    expect(first.calls.ingest).toHaveLength(3);
    expect(first.calls.guide).toHaveLength(1);

    const second = await run();
    expect(second.calls).toEqual({ ingest: [], guide: [] });
    expect(second.report).toMatchObject({ full: false, parsed: 0, reused: 4, embedded: 0, chunks: first.report.chunks, tasks: first.report.tasks });
    expect(second.report.vectorsReused).toBe(first.report.chunks);

    // Change one plan: only it is re-read and re-embedded.
    const plan = path.join(knowledgeDir, 'ke-hoach-45-giao-thong.txt');
    writeFileSync(plan, readFileSync(plan, 'utf8').replace('Công an tỉnh: chủ trì lắp đặt camera', 'Công an tỉnh: chủ trì lắp đặt hệ thống đèn tín hiệu và camera'));
    const third = await run();
    expect(third.calls.ingest).toEqual(['ke-hoach-45-giao-thong.txt']);
    expect(third.report.parsed).toBe(1);
    expect(third.report.embedded).toBeGreaterThan(0);
    expect(third.report.embedded).toBeLessThan(third.report.chunks);
    let index = await KnowledgeIndex.load(dataDir, { ...withModel, logger });
    expect(index.searchLexical('đèn tín hiệu')[0]?.chunk.text).toMatch(/đèn tín hiệu/);

    // Delete a file: the next run keeps its document and names it; with --prune it disappears.
    rmSync(path.join(knowledgeDir, 'bao-cao-7-dan-so.txt'));
    const keeping = await run();
    expect(keeping.report.changes.kept).toEqual([expect.stringMatching(/bao-cao-7-dan-so\.txt$/)]);
    expect(keeping.report.documents).toBe(first.report.documents);
    const fourth = await run(false, true);
    expect(fourth.report.changes.removed).toEqual([expect.stringMatching(/bao-cao-7-dan-so\.txt$/)]);
    expect(fourth.calls).toEqual({ ingest: [], guide: [] });
    index = await KnowledgeIndex.load(dataDir, { ...withModel, logger });
    expect(index.documents.map((d) => d.id)).not.toContain('bao-cao-7-dan-so.txt');
    expect(index.chunks.some((c) => c.doc.docId === 'bao-cao-7-dan-so.txt')).toBe(false);
    expect(index.tasks.some((t) => t.doc.docId === 'bao-cao-7-dan-so.txt')).toBe(false);
    expect(index.searchLexical('sàng lọc sơ sinh').some((h) => h.chunk.doc.docId === 'bao-cao-7-dan-so.txt')).toBe(false);
    expect((await index.search('sàng lọc sơ sinh')).some((h) => h.chunk.doc.docId === 'bao-cao-7-dan-so.txt')).toBe(false);

    // --full re-reads everything.
    const full = await run(true);
    expect(full.calls.ingest).toHaveLength(2);
    expect(full.report.full).toBe(true);
  });

  it('a changed embedding model forces a full rebuild', async () => {
    const dataDir = tempDir();
    const knowledgeDir = copyKnowledge();
    const { logger } = memoryLogger();
    await runReindex({ dataDir, knowledgeDir, ...withModel, logger, stages: fakeStages() });
    const stages = fakeStages();
    const report = await runReindex({ dataDir, knowledgeDir, modelDir: tempDir('tlao-models-'), embeddingModel: 'none/none', logger, stages });
    expect(report.full).toBe(true);
    expect(stages.calls.ingest).toHaveLength(3);
    expect(report.dense).toBe(false);
  });

  it('keeps the previous index when nothing can be indexed', async () => {
    const dataDir = tempDir();
    const knowledgeDir = copyKnowledge();
    const { logger } = memoryLogger();
    const good = await runReindex({ dataDir, knowledgeDir, ...withModel, logger, stages: fakeStages() });
    const broken = { ...fakeStages(), ingestFile: async (file: string) => ({ ok: false as const, file, code: 'INGEST_UNREADABLE' as const, detail: 'nope' }) };
    rmSync(path.join(knowledgeDir, 'procedures'), { recursive: true });
    const report = await runReindex({ dataDir, knowledgeDir, ...withModel, logger, stages: broken, full: true });
    expect(report.published).toBe(false);
    expect(report.errors).toHaveLength(3);
    const index = await KnowledgeIndex.load(dataDir, { ...withModel, logger });
    expect(index.manifest.version).toBe(good.version);
  });

  it('reports a given path that does not exist', async () => {
    const dataDir = tempDir();
    const { logger } = memoryLogger();
    const missing = path.join(tempDir(), 'khong-co.docx');
    const report = await runReindex({ dataDir, knowledgeDir: copyKnowledge(), paths: [missing], ...withModel, logger, stages: fakeStages() });
    expect(report.published).toBe(true);
    expect(report.errors).toEqual([{ file: missing, code: 'INGEST_UNREADABLE', detail: 'no such file or folder' }]);
  });

  it('an extractor that throws on one file is that file’s error only', async () => {
    const dataDir = tempDir();
    const { logger } = memoryLogger();
    const stages = fakeStages();
    const report = await runReindex({
      dataDir,
      knowledgeDir: copyKnowledge(),
      ...withModel,
      logger,
      stages: { ...stages, extractTasks: (doc, registry) => {
        if (doc.meta.id.startsWith('bao-cao')) throw new Error('table parser crashed');
        return stages.extractTasks(doc, registry);
      } },
    });
    expect(report.published).toBe(true);
    expect(report.documents).toBe(3);
    expect(report.errors).toEqual([{ file: expect.stringContaining('bao-cao-7-dan-so.txt'), code: 'INGEST_UNREADABLE', detail: 'extraction failed: table parser crashed' }]);
  });
});

describe('reindex lock', () => {
  it('refuses a second concurrent run with REINDEX_LOCKED', async () => {
    const dataDir = tempDir();
    const knowledgeDir = copyKnowledge();
    const { logger } = memoryLogger();
    const first = runReindex({ dataDir, knowledgeDir, ...withModel, logger, stages: fakeStages() });
    const second = runReindex({ dataDir, knowledgeDir, ...withModel, logger, stages: fakeStages() });
    const [a, b] = await Promise.allSettled([first, second]);
    expect(a.status).toBe('fulfilled');
    expect(b.status).toBe('rejected');
    expect(isAppError((b as PromiseRejectedResult).reason, 'REINDEX_LOCKED')).toBe(true);
    // The lock is released afterwards.
    await expect(runReindex({ dataDir, knowledgeDir, ...withModel, logger, stages: fakeStages() })).resolves.toMatchObject({ published: true });
  });

  it('takes over a stale lock left by a dead process', () => {
    const dataDir = tempDir();
    // pid 2^22+ is above Linux's default pid_max: certainly not running.
    writeFileSync(path.join(dataDir, 'reindex.lock'), '4194999\n');
    const release = acquireReindexLock(dataDir);
    expect(JSON.parse(readFileSync(path.join(dataDir, 'reindex.lock'), 'utf8')).pid).toBe(process.pid);
    release();
    expect(() => readFileSync(path.join(dataDir, 'reindex.lock'))).toThrow();
  });

  it('refuses while a live process holds the lock', () => {
    const dataDir = tempDir();
    writeFileSync(path.join(dataDir, 'reindex.lock'), `${process.ppid}\n`);
    expect(() => acquireReindexLock(dataDir)).toThrow(/REINDEX_LOCKED: another reindex \(pid \d+\) is running/);
  });
});
