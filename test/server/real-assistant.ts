/**
 * The real assistant over the server fixture knowledge (one plan in the corpus' style plus one
 * procedure guide), indexed into a temp DATA_DIR — what the functional server tests drive.
 */
import path from 'node:path';
import type { Assistant } from '../../src/answer/assistant.js';
import { createAssistant } from '../../src/answer/index.js';
import { runReindex } from '../../src/reindex/pipeline.js';
import { createLogger } from '../../src/logging.js';
import { fixtureKnowledge, tempDir } from './harness.js';

export async function fixtureAssistant(dataDir = tempDir()): Promise<{ assistant: Assistant; dataDir: string }> {
  const assistant = await createAssistant({ reindex: runReindex,
    dataDir,
    knowledgeDir: fixtureKnowledge,
    // No embedding model in tests: the assistant answers from the lexical index alone.
    modelDir: path.join(dataDir, 'no-models'),
    embeddingModel: 'none',
    logger: createLogger({ level: 'silent' }),
  });
  return { assistant, dataDir };
}
