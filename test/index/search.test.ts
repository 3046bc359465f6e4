import { describe, expect, it } from 'vitest';
import type { Chunk } from '../../src/domain/records.js';
import { KnowledgeIndex, diversify, type SearchHit } from '../../src/index/search.js';
import { runReindex } from '../../src/reindex/pipeline.js';
import { TEST_MODEL_DIR, TEST_MODEL_ID } from '../helpers/model.js';
import { fakeStages } from '../reindex/fake-stages.js';
import { WARN, copyKnowledge, memoryLogger, tempDir } from './helpers.js';

function hit(id: string, docId: string, section: string[], score: number): SearchHit {
  const chunk = { id, doc: { docId, type: 'Kế hoạch', title: docId, file: `${docId}.txt` }, sectionPath: section, sectionTitle: section.join('.'), text: id, lines: [1, 1], kind: 'prose', confidence: 1 } as Chunk;
  return { chunk, score };
}

describe('diversify', () => {
  it('lets another section through when one section fills the top with near-equal scores', () => {
    const sorted = [hit('a1', 'kh', ['II', '1'], 1.0), hit('a2', 'kh', ['II', '1'], 0.99), hit('a3', 'kh', ['II', '1'], 0.98), hit('b1', 'kh', ['II', '2'], 0.9)];
    expect(diversify(sorted, 3).map((h) => h.chunk.id)).toEqual(['a1', 'b1', 'a2']);
  });

  it('keeps a clearly better hit first and never returns more than k', () => {
    const sorted = [hit('a1', 'kh', ['I'], 1.0), hit('a2', 'kh', ['I'], 0.2), hit('b1', 'bc', ['I'], 0.1)];
    const out = diversify(sorted, 2);
    expect(out.map((h) => h.chunk.id)).toEqual(['a1', 'a2']);
    expect(out[0]!.score).toBe(1.0);
  });
});

describe('KnowledgeIndex.load', () => {
  it('answers lexically, with one warning, when EMBEDDING_MODEL differs from the model the vectors came from', async () => {
    const dataDir = tempDir();
    const { logger } = memoryLogger();
    await runReindex({ dataDir, knowledgeDir: copyKnowledge(), modelDir: TEST_MODEL_DIR, embeddingModel: TEST_MODEL_ID, logger, stages: fakeStages() });
    const other = memoryLogger();
    const index = await KnowledgeIndex.load(dataDir, { modelDir: TEST_MODEL_DIR, embeddingModel: 'Xenova/multilingual-e5-small', logger: other.logger });
    expect(index.hasDense).toBe(false);
    expect(other.lines.filter((l) => l.level === WARN)).toHaveLength(1);
    expect((await index.search('trợ lý ảo'))[0]?.chunk.text).toMatch(/Trợ lý ảo/);
    expect(index.chunk(index.chunks[0]!.id)).toBe(index.chunks[0]);
    expect(index.chunk('nope')).toBeUndefined();
  });
});
