/**
 * npm run reindex -- [paths…] [--data-dir D] [--knowledge-dir K] [--full]
 *
 * Indexes every file under KNOWLEDGE_DIR plus the given files/folders into a new index version
 * and publishes it atomically. Progress: a bar on a terminal, one line per file otherwise.
 * Exit codes: 0 indexed (even with per-file errors), 1 nothing could be indexed or failure,
 * 2 configuration error, 75 another reindex holds the lock.
 */
import { Command } from 'commander';
import cliProgress from 'cli-progress';
import { ConfigError, loadConfig } from '../src/config.js';
import { AppError, isAppError } from '../src/errors.js';
import { createLogger } from '../src/logging.js';
import { runReindex, type ReindexProgress, type ReindexReport } from '../src/reindex/pipeline.js';
import { exitWhenFlushed } from './exit.js';

const program = new Command()
  .name('reindex')
  .description('Cập nhật chỉ mục tài liệu (kế hoạch, quyết định, báo cáo, hướng dẫn thủ tục)')
  .argument('[paths...]', 'extra files or folders to index besides KNOWLEDGE_DIR')
  .option('--data-dir <dir>', 'where the index lives (default: DATA_DIR or ./data)')
  .option('--knowledge-dir <dir>', 'documents folder (default: KNOWLEDGE_DIR or ./knowledge)')
  .option('--full', 're-read every file, even unchanged ones')
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
        else process.stdout.write(`[${e.index}/${e.total}] ${e.status === 'indexed' ? 'đã đọc' : e.status === 'reused' ? 'không đổi' : 'LỖI'} ${e.file}${e.detail ? ` — ${e.detail}` : ''}\n`);
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

function summary(r: ReindexReport): string {
  const lines = [
    `Tệp: ${r.files} (đọc ${r.parsed}, không đổi ${r.reused}) · văn bản: ${r.documents} · đoạn: ${r.chunks} · bảng: ${r.tables} · nhiệm vụ: ${r.tasks} · chỉ tiêu: ${r.targets} · thủ tục: ${r.procedures} · lỗi: ${r.errors.length} · thời gian: ${(r.durationMs / 1000).toFixed(1)} s`,
    r.dense ? `Vector: ${r.embedded} mới, ${r.vectorsReused} dùng lại` : 'Không có mô hình ngữ nghĩa: chỉ mục chỉ tìm theo từ khóa (npm run fetch-model).',
  ];
  if (!r.published) lines.push('Không tệp nào đọc được: giữ nguyên chỉ mục cũ.');
  if (r.errors.length > 0) {
    lines.push('Lỗi theo tệp:');
    for (const e of r.errors) lines.push(`  ${e.file}  ${e.code}  ${e.detail}`);
  }
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<number> {
  program.parse();
  const opts = program.opts<{ dataDir?: string; knowledgeDir?: string; full?: boolean }>();
  const config = loadConfig();
  const logger = createLogger({ level: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL, destination: process.stderr as never });
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
      onProgress: printer.onProgress,
      ocr: { lang: config.OCR_LANG, pageTimeoutSec: config.OCR_PAGE_TIMEOUT },
    });
    printer.stop();
    process.stdout.write(summary(report));
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
