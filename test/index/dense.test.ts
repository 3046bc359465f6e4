import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Embedder } from '../../src/index/dense/embedder.js';
import { modelPresence } from '../../src/index/dense/model.js';
import { VectorIndex } from '../../src/index/dense/vectors.js';
import { KnowledgeIndex } from '../../src/index/search.js';
import { currentVersionDir } from '../../src/index/store.js';
import { runReindex } from '../../src/reindex/pipeline.js';
import { TEST_MODEL_DIR, TEST_MODEL_ID } from '../helpers/model.js';
import { fakeStages } from '../reindex/fake-stages.js';
import { WARN, copyKnowledge, memoryLogger, tempDir } from './helpers.js';

const norm = (v: ArrayLike<number>) => Math.sqrt(Array.from(v).reduce((s, x) => s + x * x, 0));
const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((s, x, i) => s + x * b[i]!, 0);

describe('generated test model', () => {
  it('is complete in MODEL_DIR/<id>/', () => {
    const presence = modelPresence(TEST_MODEL_DIR, TEST_MODEL_ID);
    expect(presence).toMatchObject({ present: true, quantized: true, missing: [] });
  });

  it('loads through transformers.js and gives normalised e5-style embeddings', async () => {
    const { logger } = memoryLogger();
    const embedder = await Embedder.load({ modelDir: TEST_MODEL_DIR, modelId: TEST_MODEL_ID, logger, batchSize: 2 });
    expect(embedder).toBeDefined();
    expect(embedder!.dim).toBe(32);
    const passages = await embedder!.embedPassages(['Lắp đặt camera tại nút giao thông', 'Sở Y tế chủ trì', 'Đăng ký khai sinh']);
    expect(passages).toHaveLength(3);
    for (const v of passages) expect(norm(v)).toBeCloseTo(1, 5);
    // Folded and accented spellings share rows in the test model, like a real multilingual model.
    const accented = await embedder!.embedQuery('đăng ký khai sinh');
    const folded = await embedder!.embedQuery('dang ky khai sinh');
    expect(dot(accented, folded)).toBeCloseTo(1, 5);
    expect(dot(accented, passages[2]!)).toBeGreaterThan(dot(accented, passages[0]!));
  });
});

describe('VectorIndex', () => {
  it('persists with writeIndex/readIndex and maps labels back to chunk ids', () => {
    const dir = tempDir();
    const dim = 4;
    const entries = [
      { id: 'x', vector: [1, 0, 0, 0] },
      { id: 'y', vector: [0, 1, 0, 0] },
      { id: 'z', vector: [0.7, 0.7, 0, 0] },
    ];
    VectorIndex.build(dim, entries).write(dir);
    const loaded = VectorIndex.read(dir, dim);
    expect(loaded.size).toBe(3);
    const hits = loaded.search([1, 0.1, 0, 0], 2);
    expect(hits.map((h) => h.id)).toEqual(['x', 'z']);
    expect(hits[0]!.similarity).toBeGreaterThan(0.99);
    expect(loaded.search([1, 0, 0, 0], 3, (id) => id !== 'x').map((h) => h.id)).toEqual(['z', 'y']);
    expect(loaded.vector('y')![1]).toBeCloseTo(1, 5);
  });
});

describe('KnowledgeIndex hybrid search', () => {
  it('fuses a chunk only the dense side finds', async () => {
    const dataDir = tempDir();
    const { logger } = memoryLogger();
    const report = await runReindex({ dataDir, knowledgeDir: copyKnowledge(), modelDir: TEST_MODEL_DIR, embeddingModel: TEST_MODEL_ID, logger, stages: fakeStages() });
    expect(report.dense).toBe(true);
    expect(report.embedded).toBe(report.chunks);
    expect(existsSync(path.join(currentVersionDir(dataDir), 'vectors.hnsw'))).toBe(true);

    const index = await KnowledgeIndex.load(dataDir, { modelDir: TEST_MODEL_DIR, embeddingModel: TEST_MODEL_ID, logger });
    expect(index.hasDense).toBe(true);
    // "quay phim" shares no syllable with "Lắp đặt camera …"; the test model makes them synonyms.
    const query = 'quay phim';
    expect(index.searchLexical(query)).toEqual([]);
    const hits = await index.search(query, { k: 5 });
    const camera = hits.find((h) => /camera/.test(h.chunk.text));
    expect(camera).toBeDefined();
    expect(camera!.denseRank).toBeDefined();
    expect(camera!.lexicalRank).toBeUndefined();
    expect(hits[0]!.chunk.text).toMatch(/camera/);
  });

  it('keeps lexical ranks and raw BM25 scores in hybrid hits, and honours kinds/docIds', async () => {
    const dataDir = tempDir();
    const { logger } = memoryLogger();
    await runReindex({ dataDir, knowledgeDir: copyKnowledge(), modelDir: TEST_MODEL_DIR, embeddingModel: TEST_MODEL_ID, logger, stages: fakeStages() });
    const index = await KnowledgeIndex.load(dataDir, { modelDir: TEST_MODEL_DIR, embeddingModel: TEST_MODEL_ID, logger });
    const hits = await index.search('Ai chủ trì thí điểm Trợ lý ảo?', { k: 5 });
    const top = hits[0]!;
    expect(top.chunk.text).toMatch(/Trợ lý ảo/);
    expect(top.lexicalRank).toBe(1);
    expect(top.lexicalScore).toBeGreaterThan(0);
    const tasksOnly = await index.search('Trợ lý ảo', { kinds: ['task'] });
    expect(tasksOnly.length).toBeGreaterThan(0);
    expect(tasksOnly.every((h) => h.chunk.kind === 'task')).toBe(true);
    const inOneDoc = await index.search('chủ trì', { docIds: ['ke-hoach-45-giao-thong.txt'] });
    expect(inOneDoc.length).toBeGreaterThan(0);
    expect(inOneDoc.every((h) => h.chunk.doc.docId === 'ke-hoach-45-giao-thong.txt')).toBe(true);
  });

  it('without a model: one warning, lexical-only index and search', async () => {
    const dataDir = tempDir();
    const emptyModels = tempDir('tlao-models-');
    const { logger, lines } = memoryLogger();
    const report = await runReindex({ dataDir, knowledgeDir: copyKnowledge(), modelDir: emptyModels, embeddingModel: 'Xenova/multilingual-e5-small', logger, stages: fakeStages() });
    expect(report.dense).toBe(false);
    expect(report.published).toBe(true);
    const index = await KnowledgeIndex.load(dataDir, { modelDir: emptyModels, embeddingModel: 'Xenova/multilingual-e5-small', logger });
    expect(index.hasDense).toBe(false);
    expect(index.manifest.model).toBeNull();
    const hits = await index.search('lam giay khai sinh');
    expect(hits[0]?.chunk.doc.type).toBe('Thủ tục hành chính');
    expect(hits.slice(0, 3).some((h) => h.chunk.kind === 'procedure')).toBe(true);
    const warnings = lines.filter((l) => l.level === WARN);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.msg).toMatch(/no embedding model in MODEL_DIR .* running lexical-only; run npm run fetch-model/);
  });

  it('an index built with a model answers lexically when the model has gone, with one warning', async () => {
    const dataDir = tempDir();
    const { logger } = memoryLogger();
    await runReindex({ dataDir, knowledgeDir: copyKnowledge(), modelDir: TEST_MODEL_DIR, embeddingModel: TEST_MODEL_ID, logger, stages: fakeStages() });
    const quiet = memoryLogger();
    const index = await KnowledgeIndex.load(dataDir, { modelDir: tempDir('tlao-models-'), embeddingModel: TEST_MODEL_ID, logger: quiet.logger });
    expect(index.hasDense).toBe(false);
    expect((await index.search('camera giam sat'))[0]?.chunk.text).toMatch(/camera/);
    expect(quiet.lines.filter((l) => l.level === WARN)).toHaveLength(1);
  });
});
