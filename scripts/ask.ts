/**
 * npm run ask -- "câu hỏi"            → the chat message a user would see
 * npm run ask -- --json "câu hỏi"     → one JSON object (question, answer, intent, refused, reason, citations, passages, tasks, choices)
 * npm run ask -- --jsonl < questions   → one JSON object per input line, index loaded once
 * Options: --data-dir, --session NAME (keeps follow-up context), --agency, --province, --today YYYY-MM-DD
 */
import { createInterface } from 'node:readline';
import { Command } from 'commander';
import { createAssistant, nextContext } from '../src/answer/index.js';
import { runReindex } from '../src/reindex/pipeline.js';
import { loadSession, saveSession } from '../src/channels/cli/session.js';
import { ConfigError, loadConfig } from '../src/config.js';
import type { AnswerContext } from '../src/domain/answer.js';
import { AppError, isAppError } from '../src/errors.js';
import { createLogger } from '../src/logging.js';
import { exitWhenFlushed } from './exit.js';

const program = new Command()
  .name('ask')
  .description('Hỏi trợ lý từ dòng lệnh')
  .argument('[question...]', 'câu hỏi')
  .option('--json', 'print one JSON object')
  .option('--jsonl', 'read one question per line on stdin, write one JSON object per line')
  .option('--data-dir <dir>', 'index directory (default: DATA_DIR or ./data)')
  .option('--session <name>', 'keep conversation context between calls under this name')
  .option('--agency <agency>', "the asker's agency (for \"việc của đơn vị tôi\")")
  .option('--province <province>', "the asker's province")
  .option('--today <date>', 'treat this ISO date as today (YYYY-MM-DD)')
  .showHelpAfterError();

async function main(): Promise<number> {
  program.parse();
  const opts = program.opts<{ json?: boolean; jsonl?: boolean; dataDir?: string; session?: string; agency?: string; province?: string; today?: string }>();
  const question = program.args.join(' ').trim();
  if (!opts.jsonl && !question) {
    program.error('error: give a question, e.g. npm run ask -- "Ai chủ trì thí điểm Trợ lý ảo?"');
  }
  if (opts.today && !/^\d{4}-\d{2}-\d{2}$/.test(opts.today)) program.error('error: --today takes YYYY-MM-DD');

  const config = loadConfig();
  const dataDir = opts.dataDir ?? config.DATA_DIR;
  // Logs go to stderr so stdout stays the answer (or JSON).
  const logger = createLogger({ level: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL, destination: process.stderr as never });
  const assistant = await createAssistant({ reindex: runReindex,
    dataDir,
    knowledgeDir: config.KNOWLEDGE_DIR,
    modelDir: config.MODEL_DIR,
    embeddingModel: config.EMBEDDING_MODEL,
    allowRemoteModels: config.ALLOW_REMOTE_MODELS,
    logger,
  });

  const base: AnswerContext = {
    taskIds: [],
    docIds: [],
    ...(opts.agency ? { agency: opts.agency } : {}),
    ...(opts.province ? { province: opts.province } : {}),
    ...(opts.today ? { today: opts.today } : {}),
  };

  if (opts.jsonl) {
    const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
    for await (const line of lines) {
      const q = line.trim();
      if (!q) continue;
      const answer = await assistant.answer(q, base);
      process.stdout.write(`${JSON.stringify(answer)}\n`);
    }
    return 0;
  }

  let context = base;
  if (opts.session) {
    const saved = loadSession(dataDir, opts.session);
    context = { ...saved, ...base, taskIds: saved.taskIds, docIds: saved.docIds };
  }
  const answer = await assistant.answer(question, context);
  if (opts.session) saveSession(dataDir, opts.session, nextContext(context, answer));
  process.stdout.write(opts.json ? `${JSON.stringify(answer, null, 2)}\n` : `${answer.answer}\n`);
  return 0;
}

main().then(
  (code) => exitWhenFlushed(code),
  (err: unknown) => {
    if (err instanceof ConfigError || err instanceof AppError) process.stderr.write(`${err.message}\n`);
    else process.stderr.write(`ask failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    exitWhenFlushed(isAppError(err, 'INDEX_MISSING') ? 3 : 1);
  },
);
