/** The real documents end to end: ingest → extract → index → search (skipped without the corpus). */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KnowledgeIndex } from '../../src/index/search.js';
import { runReindex } from '../../src/reindex/pipeline.js';
import { repoRoot } from '../helpers/model.js';
import { memoryLogger, tempDir } from '../index/helpers.js';

const corpus = path.resolve(repoRoot, '../shared/corpus');
const present = existsSync(corpus);
if (!present) console.warn(`corpus tests skipped: ${corpus} not found`);

describe.skipIf(!present)('corpus reindex', () => {
  it('indexes the four corpus files without errors and finds 114/KH-UBND II.7 first', async () => {
    const dataDir = tempDir();
    const { logger } = memoryLogger();
    const noModel = { modelDir: tempDir('tlao-models-'), embeddingModel: 'none/none' };
    const report = await runReindex({ dataDir, knowledgeDir: tempDir('tlao-empty-'), paths: [corpus], ...noModel, logger });
    expect(report.errors).toEqual([]);
    expect(report.files).toBe(4);
    expect(report.documents).toBe(4);
    expect(report.tasks).toBeGreaterThan(20);

    const index = await KnowledgeIndex.load(dataDir, { ...noModel, logger });
    const numbers = index.documents.map((d) => d.number).sort();
    expect(numbers).toEqual(['114/KH-UBND', '1118/QĐ-UBND', '150-BC/BCSĐ', '292/KH-UBND'].sort());

    for (const q of ['Ai chủ trì thí điểm Trợ lý ảo trong cơ quan nhà nước?', 'ai chu tri thi diem tro ly ao trong co quan nha nuoc']) {
      const top = index.searchLexical(q)[0]!;
      expect(top.chunk.doc.number).toBe('114/KH-UBND');
      expect(top.chunk.sectionPath).toEqual(['II', '7']);
      expect(top.lexicalScore).toBeGreaterThan(0);
    }
    // The document number alone pulls that plan.
    expect(index.searchLexical('KH 114')[0]!.chunk.doc.number).toBe('114/KH-UBND');
  });
});
