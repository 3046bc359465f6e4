/** CLI conversation sessions: the AnswerContext between two `npm run ask` calls, in DATA_DIR/sessions. */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AnswerContext } from '../../domain/answer.js';

function sessionFile(dataDir: string, name: string): string {
  if (!/^[\p{L}\p{N}_.-]{1,64}$/u.test(name)) throw new Error(`invalid session name "${name}" (letters, digits, _ . - up to 64)`);
  return path.join(dataDir, 'sessions', `${name}.json`);
}

export function loadSession(dataDir: string, name: string): AnswerContext {
  try {
    return AnswerContext.parse(JSON.parse(readFileSync(sessionFile(dataDir, name), 'utf8')));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { taskIds: [], docIds: [] };
    // A damaged session file only loses the conversation, never the question.
    return { taskIds: [], docIds: [] };
  }
}

export function saveSession(dataDir: string, name: string, context: AnswerContext): void {
  const file = sessionFile(dataDir, name);
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(context));
  renameSync(tmp, file);
}
