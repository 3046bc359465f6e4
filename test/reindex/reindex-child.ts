/**
 * Child process for the kill tests: runs a reindex with the fake stages and the generated model,
 * prints one line per progress event, and at the requested point prints "PAUSED" and blocks, so
 * the test can SIGKILL it at an exact stage without sleeping.
 *   node --import tsx test/reindex/reindex-child.ts <dataDir> <knowledgeDir> <file:N|embed>
 */
import { writeSync } from 'node:fs';
import pino from 'pino';
import { runReindex } from '../../src/reindex/pipeline.js';
import { TEST_MODEL_DIR, TEST_MODEL_ID } from '../helpers/model.js';
import { fakeStages } from './fake-stages.js';

const [dataDir, knowledgeDir, pauseAt] = process.argv.slice(2);
if (!dataDir || !knowledgeDir || !pauseAt) throw new Error('usage: reindex-child <dataDir> <knowledgeDir> <file:N|embed>');

function pause(): void {
  writeSync(1, 'PAUSED\n');
  // Block the event loop for good: the parent kills us here.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
}

await runReindex({
  dataDir,
  knowledgeDir,
  modelDir: TEST_MODEL_DIR,
  embeddingModel: TEST_MODEL_ID,
  logger: pino({ level: 'silent' }),
  stages: fakeStages(),
  onProgress: (e) => {
    writeSync(1, `${JSON.stringify(e)}\n`);
    if (e.phase === 'file' && pauseAt === `file:${e.index}`) pause();
    if (e.phase === 'embed' && e.done > 0 && pauseAt === 'embed') pause();
  },
});
writeSync(1, 'DONE\n');
