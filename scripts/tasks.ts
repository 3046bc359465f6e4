/**
 * npm run tasks -- [files…] [--data-dir D] [--agency "Sở Y tế"] [--province "Bắc Giang"]
 *                  [--due-before 2022-12-31] [--overdue-at 2022-06-01] [--document 114/KH-UBND] [--json]
 *
 * Lists task records: from the built index (DATA_DIR), or — when files are given — by ingesting
 * those files directly. With --agency, the agency's own tasks (lead/cooperating) come first and
 * tasks given to a group that includes it ("Các sở, ban, ngành") follow in a separate list.
 */
import path from 'node:path';
import { Command } from 'commander';
import { loadConfig } from '../src/config.js';
import type { Task } from '../src/domain/records.js';
import { AgencyRegistry } from '../src/extract/agencies.js';
import { extractTasks } from '../src/extract/tasks/index.js';
import { selectTasks, type SelectedTask } from '../src/extract/tasks/filter.js';
import { createLogger } from '../src/logging.js';
import { exitWhenFlushed } from './exit.js';

const ISO = /^\d{4}-\d{2}-\d{2}$/;

const program = new Command()
  .name('tasks')
  .description('Liệt kê nhiệm vụ (đơn vị chủ trì, phối hợp, thời hạn)')
  .argument('[files...]', 'documents to read directly instead of the index')
  .option('--data-dir <dir>', 'index directory (default: DATA_DIR or ./data)')
  .option('--agency <agency>', 'only tasks of this agency ("Sở TT&TT", "so y te")')
  .option('--province <province>', 'only documents of this province')
  .option('--due-before <date>', 'due on or before YYYY-MM-DD')
  .option('--overdue-at <date>', 'overdue at YYYY-MM-DD (due date before it)')
  .option('--document <number>', 'only this document ("114/KH-UBND")')
  .option('--today <date>', 'reference date for recurring deadlines (YYYY-MM-DD)')
  .option('--json', 'print JSON')
  .showHelpAfterError();

interface Options {
  dataDir?: string;
  agency?: string;
  province?: string;
  dueBefore?: string;
  overdueAt?: string;
  document?: string;
  today?: string;
  json?: boolean;
}

async function loadTasks(files: string[], opts: Options, registry: AgencyRegistry): Promise<Task[]> {
  const config = loadConfig();
  // Logs go to stderr so stdout stays the listing (or JSON).
  const logger = createLogger({ level: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL, destination: process.stderr as never });
  if (files.length > 0) {
    const { ingestFile } = await import('../src/ingest/index.js');
    const tasks: Task[] = [];
    for (const file of files) {
      const res = await ingestFile(file, { logger, root: path.dirname(path.resolve(file)) });
      if (!res.ok) {
        process.stderr.write(`${file}: ${res.code} ${res.detail}\n`);
        continue;
      }
      tasks.push(...extractTasks(res.document, registry).tasks);
    }
    return tasks;
  }
  const { KnowledgeIndex } = await import('../src/index/search.js');
  const index = await KnowledgeIndex.load(opts.dataDir ?? config.DATA_DIR, {
    modelDir: config.MODEL_DIR,
    embeddingModel: config.EMBEDDING_MODEL,
    logger,
  });
  return index.tasks;
}

const names = (refs: Task['lead']): string => refs.map((r) => r.surface).join('; ') || '—';
const shorten = (s: string, n: number): string => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);
const vnDate = (iso: string): string => iso.split('-').reverse().join('/');

function line(s: SelectedTask): string {
  const t = s.task;
  const where = t.row ? `${t.sectionPath.join('.')} #${t.row}` : t.sectionPath.join('.');
  const deadline = t.deadline.raw || (t.deadline.kind === 'unspecified' ? 'không nêu' : t.deadline.kind);
  const due = s.due ? ` (${vnDate(s.due)})` : '';
  const role = s.role === 'cooperating' ? ' [phối hợp]' : s.role === 'directing' ? ' [chỉ đạo]' : '';
  const via = s.via ? ` [qua: ${s.via}]` : '';
  return [
    `${t.doc.number ?? t.doc.docId} [${where}]${role}${via} ${shorten(t.title, 90)}`,
    `    Chủ trì: ${names(t.lead)} | Phối hợp: ${shorten(names(t.cooperating), 80)} | Thời hạn: ${shorten(deadline, 60)}${due}`,
  ].join('\n');
}

async function main(): Promise<number> {
  program.parse();
  const opts = program.opts<Options>();
  for (const [flag, value] of [['--due-before', opts.dueBefore], ['--overdue-at', opts.overdueAt], ['--today', opts.today]] as const) {
    if (value && !ISO.test(value)) program.error(`error: ${flag} takes YYYY-MM-DD`);
  }
  const registry = AgencyRegistry.load();
  let tasks: Task[];
  try {
    tasks = await loadTasks(program.args, opts, registry);
  } catch (err) {
    process.stderr.write(`Không đọc được chỉ mục: ${(err as Error).message}\nChạy "npm run reindex" hoặc đưa tệp vào: npm run tasks -- tệp.txt\n`);
    return 2;
  }
  let selection;
  try {
    selection = selectTasks(tasks, registry, {
      ...(opts.agency ? { agency: opts.agency } : {}),
      ...(opts.province ? { province: opts.province } : {}),
      ...(opts.dueBefore ? { dueBefore: opts.dueBefore } : {}),
      ...(opts.overdueAt ? { overdueAt: opts.overdueAt } : {}),
      ...(opts.document ? { document: opts.document } : {}),
      ...(opts.today ? { today: opts.today } : {}),
    });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 1;
  }
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(selection, null, 2)}\n`);
    return 0;
  }
  const out: string[] = [];
  if (selection.agency) out.push(`Cơ quan: ${selection.agency.name} (${selection.agency.id})`);
  out.push(`Nhiệm vụ: ${selection.tasks.length}`);
  out.push(...selection.tasks.map(line));
  if (selection.agency) {
    out.push('', `Nhiệm vụ giao chung cho nhóm có ${selection.agency.name}: ${selection.groupTasks.length}`);
    out.push(...selection.groupTasks.map(line));
  }
  process.stdout.write(`${out.join('\n')}\n`);
  return 0;
}

main().then(
  (code) => exitWhenFlushed(code),
  (err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    exitWhenFlushed(1);
  },
);
