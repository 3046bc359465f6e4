/**
 * npm run reindex -- [paths…] [--data-dir D] [--knowledge-dir K] [--full] [--prune]
 *
 * Indexes every file under KNOWLEDGE_DIR, every path added by an earlier run (DATA_DIR/sources.json)
 * and the given files/folders (which are then registered) into a new index version and publishes it
 * atomically. Documents whose files are gone are kept and named unless --prune. Progress: a bar on a
 * terminal, one line per file otherwise; then one Vietnamese summary (added, changed, removed, kept,
 * failed with a hint per cause).
 * Exit codes: 0 indexed (even with per-file errors), 1 nothing could be indexed or failure,
 * 2 configuration error, 75 another reindex holds the lock.
 */
import { Command } from 'commander';
import cliProgress from 'cli-progress';
import { ConfigError, loadConfig } from '../src/config.js';
import { AppError, isAppError } from '../src/errors.js';
import { createLogger } from '../src/logging.js';
import { runReindex, type ReindexProgress } from '../src/reindex/pipeline.js';
import { reindexSummary } from '../src/reindex/summary.js';
import { exitWhenFlushed } from './exit.js';

const program = new Command()
  .name('reindex')
  .description('Cập nhật chỉ mục tài liệu (kế hoạch, quyết định, báo cáo, hướng dẫn thủ tục)')
  .argument('[paths...]', 'extra files or folders to index besides KNOWLEDGE_DIR')
  .option('--data-dir <dir>', 'where the index lives (default: DATA_DIR or ./data)')
  .option('--knowledge-dir <dir>', 'documents folder (default: KNOWLEDGE_DIR or ./knowledge)')
  .option('--full', 're-read every file, even unchanged ones')
  .option('--prune', 'remove the documents whose files are gone (default: keep them and say so)')
  .showHelpAfterError();

function progressPrinter(): { onProgress: (e: ReindexProgress) => void; stop: () => void } {
  const tty = process.stdout.isTTY === true;
  let bar: cliProgress.SingleBar | undefined;
  const stop = () => {
    bar?.stop();
    bar = undefined;
  };
  const onProgress = (e: ReindexProgress): void => {
    switch (e.phase) {
      case 'scan':
        process.stdout.write(`${e.total} tệp${e.full ? ' (đọc lại toàn bộ)' : ''}\n`);
        if (tty && e.total > 0) {
          bar = new cliProgress.SingleBar({ format: '{bar} {value}/{total} {file}', hideCursor: true, clearOnComplete: true }, cliProgress.Presets.shades_classic);
          bar.start(e.total, 0, { file: '' });
        }
        break;
      case 'file':
        if (bar) bar.update(e.index, { file: e.file });
        // The cause and what to do are in the summary, once; English details stay in the log.
        else process.stdout.write(`[${e.index}/${e.total}] ${e.status === 'indexed' ? 'đã đọc' : e.status === 'reused' ? 'không đổi' : 'LỖI'} ${e.file}\n`);
        break;
      case 'embed':
        stop();
        if (e.done === 0 && e.total > 0) process.stdout.write(`tạo vector cho ${e.total} đoạn…\n`);
        break;
      case 'publish':
        stop();
        process.stdout.write(`đã công bố phiên bản chỉ mục ${e.version}\n`);
        break;
    }
  };
  return { onProgress, stop };
}

async function main(): Promise<number> {
  program.parse();
  const opts = program.opts<{ dataDir?: string; knowledgeDir?: string; full?: boolean; prune?: boolean }>();
  const config = loadConfig();
  // Per-file failures are in the summary: only errors of the run itself reach the log by default.
  const logger = createLogger({ level: config.LOG_LEVEL === 'info' ? 'error' : config.LOG_LEVEL, destination: process.stderr as never });
  const printer = progressPrinter();
  try {
    const report = await runReindex({
      dataDir: opts.dataDir ?? config.DATA_DIR,
      knowledgeDir: opts.knowledgeDir ?? config.KNOWLEDGE_DIR,
      paths: program.args,
      modelDir: config.MODEL_DIR,
      embeddingModel: config.EMBEDDING_MODEL,
      allowRemoteModels: config.ALLOW_REMOTE_MODELS,
      logger,
      full: opts.full === true,
      prune: opts.prune === true,
      onProgress: printer.onProgress,
      ocr: { lang: config.OCR_LANG, pageTimeoutSec: config.OCR_PAGE_TIMEOUT },
      // Replicas: one reindex at a time across them, the version published through PostgreSQL.
      ...(config.DATABASE_URL ? { databaseUrl: config.DATABASE_URL } : {}),
    });
    printer.stop();
    const lines = [reindexSummary(report)];
    // Fields the reader could not find, per document: "số, ngày ban hành, tỉnh, cơ quan ban hành".
    const FIELD_VI: Record<string, string> = { number: 'số', date: 'ngày ban hành', province: 'tỉnh', issuer: 'cơ quan ban hành' };
    if (report.missingFields.length > 0)
      lines.push(`Chưa đọc được (${report.missingFields.length} văn bản): ${report.missingFields.map((m) => `${m.file} — ${m.fields.map((f) => FIELD_VI[f] ?? f).join(', ')}`).join('; ')}.`);
    lines.push(report.dense ? `Vector: ${report.embedded} mới, ${report.vectorsReused} dùng lại.` : 'Không có mô hình ngữ nghĩa: chỉ mục chỉ tìm theo từ khóa (npm run fetch-model).');
    process.stdout.write(`${lines.join('\n')}\n`);
    return report.published ? 0 : 1;
  } finally {
    printer.stop();
  }
}

main().then(
  (code) => exitWhenFlushed(code),
  (err: unknown) => {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      exitWhenFlushed(2);
    }
    if (isAppError(err, 'REINDEX_LOCKED')) {
      process.stderr.write(`${err.message}\n`);
      exitWhenFlushed(75);
    }
    if (err instanceof AppError) process.stderr.write(`${err.message}\n`);
    else process.stderr.write(`reindex failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    exitWhenFlushed(1);
  },
);
