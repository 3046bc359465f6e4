/**
 * Documents added by path stay indexed: `reindex -- <path>` registers the path in DATA_DIR, a
 * plain reindex (CLI or the admin's /reindex) keeps it, a file that is gone is kept and named until
 * --prune, and the summary says what changed once, in Vietnamese, with a hint per failure code.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DocumentAssistant } from '../../src/answer/index.js';
import { KnowledgeIndex } from '../../src/index/search.js';
import { runReindex, type ReindexOptions } from '../../src/reindex/pipeline.js';
import { SOURCES_FILE, loadSources, nextSources } from '../../src/reindex/registry.js';
import { FAILURE_HINTS, reindexSummary } from '../../src/reindex/summary.js';
import { USER_MESSAGES } from '../../src/errors.js';
import { copyKnowledge, memoryLogger, tempDir } from '../index/helpers.js';

const PLAN = [
  'ỦY BAN NHÂN DÂN TỈNH NINH THUẬN',
  'Số: 77/KH-UBND',
  'Ninh Thuận, ngày 02 tháng 02 năm 2026',
  'KẾ HOẠCH',
  'Phát triển du lịch cộng đồng năm 2026',
  'II. NHIỆM VỤ',
  '1. Xây dựng bản đồ số các điểm du lịch cộng đồng.',
  '- Sở Văn hóa, Thể thao và Du lịch chủ trì, phối hợp với UBND cấp huyện.',
  '- Thời gian hoàn thành: Quý III/2026.',
  '',
].join('\n');

function setup() {
  const dataDir = tempDir('tlao-registry-');
  const knowledgeDir = copyKnowledge();
  const extra = path.join(tempDir('tlao-extra-'), 'ke-hoach');
  mkdirSync(extra);
  writeFileSync(path.join(extra, 'kh77-du-lich.txt'), PLAN);
  const { logger } = memoryLogger();
  const base: ReindexOptions = { dataDir, knowledgeDir, modelDir: path.join(dataDir, 'no-models'), embeddingModel: 'none', logger, sandbox: false };
  const docIds = async () => (await KnowledgeIndex.load(dataDir, { modelDir: base.modelDir, embeddingModel: 'none', logger })).documents.map((d) => d.file);
  return { dataDir, knowledgeDir, extra, base, logger, docIds };
}

describe('documents added by path', () => {
  it('are registered and kept by every later reindex, from the CLI pipeline and from /reindex', async () => {
    const { dataDir, knowledgeDir, extra, base, logger, docIds } = setup();
    const first = await runReindex({ ...base, paths: [extra] });
    expect(first.published).toBe(true);
    expect(first.changes.added).toEqual(expect.arrayContaining([expect.stringMatching(/kh77-du-lich\.txt$/)]));
    expect(loadSources(dataDir).map((s) => s.path)).toEqual([extra]);
    expect(readFileSync(path.join(dataDir, SOURCES_FILE), 'utf8')).toContain('"schemaVersion": 1');

    // A plain reindex: nothing given, nothing dropped, nothing changed.
    const second = await runReindex(base);
    expect(second.documents).toBe(first.documents);
    expect(second.changes).toEqual({ added: [], changed: [], removed: [], kept: [] });
    expect(await docIds()).toContainEqual(expect.stringMatching(/kh77-du-lich\.txt$/));

    // The admin's /reindex goes through the assistant with no paths: the plan is still answerable.
    const assistant = new DocumentAssistant({ reindex: runReindex, dataDir, knowledgeDir, modelDir: base.modelDir, embeddingModel: 'none', logger });
    const summary = await assistant.reindex();
    expect(summary.documents).toBe(first.documents);
    const answer = await assistant.answer('Ai chủ trì xây dựng bản đồ số các điểm du lịch cộng đồng?');
    expect(answer.refused).toBe(false);
    expect(answer.answer).toContain('Sở Văn hóa, Thể thao và Du lịch');
    expect(answer.citations[0]?.document).toBe('Kế hoạch 77/KH-UBND');
  });

  it('a changed file is "changed"; a file that is gone is kept and named until --prune', async () => {
    const { extra, base, docIds } = setup();
    const file = path.join(extra, 'kh77-du-lich.txt');
    await runReindex({ ...base, paths: [extra] });
    writeFileSync(file, PLAN.replace('Quý III/2026', 'Quý IV/2026'));
    const changed = await runReindex(base);
    expect(changed.changes.changed).toEqual([expect.stringMatching(/kh77-du-lich\.txt$/)]);

    rmSync(file);
    const kept = await runReindex(base);
    expect(kept.published).toBe(true);
    expect(kept.changes.kept).toEqual([expect.stringMatching(/kh77-du-lich\.txt$/)]);
    expect(kept.documents).toBe(changed.documents);
    expect(await docIds()).toContainEqual(expect.stringMatching(/kh77-du-lich\.txt$/));
    // Still kept on the run after (the kept entry stays in the manifest).
    expect((await runReindex(base)).changes.kept).toHaveLength(1);

    const pruned = await runReindex({ ...base, prune: true });
    expect(pruned.changes.removed).toEqual([expect.stringMatching(/kh77-du-lich\.txt$/)]);
    expect(pruned.documents).toBe(changed.documents - 1);
    expect(await docIds()).not.toContainEqual(expect.stringMatching(/kh77-du-lich\.txt$/));
  });

  it('a registered folder that is gone keeps its documents; --prune drops it from the registry', async () => {
    const { dataDir, extra, base } = setup();
    await runReindex({ ...base, paths: [extra] });
    rmSync(extra, { recursive: true });
    expect((await runReindex(base)).changes.kept).toHaveLength(1);
    expect(loadSources(dataDir)).toHaveLength(1);
    await runReindex({ ...base, prune: true });
    expect(loadSources(dataDir)).toEqual([]);
  });

  it('a broken registry stops the run with a code instead of dropping what it lists', async () => {
    const { dataDir, base } = setup();
    writeFileSync(path.join(dataDir, SOURCES_FILE), '{ not json');
    await expect(runReindex(base)).rejects.toMatchObject({ code: 'INDEX_CORRUPT' });
    writeFileSync(path.join(dataDir, SOURCES_FILE), JSON.stringify({ schemaVersion: 99, sources: [] }));
    await expect(runReindex(base)).rejects.toMatchObject({ code: 'INDEX_VERSION' });
  });
});

describe('nextSources', () => {
  const k = '/srv/knowledge';
  it('skips paths inside KNOWLEDGE_DIR or a registered folder, and a folder replaces its files', () => {
    const prev = [{ path: '/data/plans/a.pdf', addedAt: 't' }];
    const out = nextSources(prev, ['/srv/knowledge/x.txt', '/'], { knowledgeDir: k, prune: false });
    expect(out.map((s) => s.path)).toEqual(['/']);
    expect(nextSources(out, ['/tmp'], { knowledgeDir: k, prune: false }).map((s) => s.path)).toEqual(['/']);
  });
});

describe('reindexSummary', () => {
  const base = { published: true, files: 5, documents: 4, tasks: 9, procedures: 0, durationMs: 1200 };
  it('names each change once and each failure with its Vietnamese text; one hint per code; no English detail', () => {
    const text = reindexSummary({
      ...base,
      changes: { added: ['plans/kh-1.docx'], changed: [], removed: [], kept: ['/old/kh-2.pdf'] },
      errors: [
        { file: 'plans/cu.wpd', code: 'INGEST_UNSUPPORTED' },
        { file: 'plans/cu2.wpd', code: 'INGEST_UNSUPPORTED' },
        { file: 'plans/scan.pdf', code: 'INGEST_NEEDS_OCR' },
      ],
    });
    expect(text.match(/kh-1\.docx/g)).toHaveLength(1);
    expect(text).toMatch(/Thêm mới \(1\)/);
    expect(text).toMatch(/Giữ lại .*\(1\): \/old\/kh-2\.pdf/);
    expect(text).toContain('--prune');
    expect(text).toContain(`${USER_MESSAGES.INGEST_UNSUPPORTED.replace(/\.$/, '')}: plans/cu.wpd, plans/cu2.wpd`);
    expect(text.split(FAILURE_HINTS.INGEST_UNSUPPORTED!)).toHaveLength(2);
    expect(text).toContain(FAILURE_HINTS.INGEST_NEEDS_OCR);
    expect(text).not.toMatch(/unsupported|extension|INGEST_/);
  });
  it('file names only for chat', () => {
    const text = reindexSummary({ ...base, changes: { added: ['/srv/data/plans/kh-1.docx'], changed: [], removed: [], kept: [] }, errors: [] }, { names: 'basename' });
    expect(text).toContain('kh-1.docx');
    expect(text).not.toContain('/srv/');
  });
  it('every failure code the pipeline reports has Vietnamese text and a hint', () => {
    for (const code of ['INGEST_UNSUPPORTED', 'INGEST_CONVERTER_MISSING', 'INGEST_UNREADABLE', 'INGEST_ENCRYPTED', 'INGEST_NO_TEXT', 'INGEST_NEEDS_OCR', 'INGEST_TOO_LARGE', 'INGEST_TIMEOUT', 'INGEST_RESOURCE_LIMIT', 'INGEST_INVALID_FRONT_MATTER', 'INDEX_DUPLICATE_DOCUMENT']) {
      expect(FAILURE_HINTS[code], code).toBeTruthy();
      expect(reindexSummary({ ...base, changes: { added: [], changed: [], removed: [], kept: [] }, errors: [{ file: 'f', code }] })).not.toContain('Không đọc được tệp.\n');
    }
  });
});
