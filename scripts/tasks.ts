/**
 * npm run tasks -- [files…] [--data-dir D] [--agency "Sở Y tế"] [--province "Bắc Giang"]
 *                  [--due-before 2022-12-31] [--overdue-at 2022-06-01] [--document 114/KH-UBND] [--json]
 *
 * Lists task records: from the built index (DATA_DIR), or — when files are given — by ingesting
 * those files directly. With --agency, the agency's own tasks (lead/cooperating) come first and
 * tasks given to a group that includes it ("Các sở, ban, ngành") follow in a separate list.
 *
 * As of --today (default: the real date), the 2025 reorganisation applies (knowledge/reorganisation.json):
 * --agency "Sở Khoa học và Công nghệ" also lists the tasks given to Sở Thông tin và Truyền thông
 * before 01/3/2025, apart and labelled; --province "Bắc Ninh" also covers the former Bắc Giang.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { loadConfig } from '../src/config.js';
import type { Task } from '../src/domain/records.js';
import { AgencyRegistry } from '../src/extract/agencies.js';
import { extractTasks } from '../src/extract/tasks/index.js';
import { selectTasks, type SelectedTask } from '../src/extract/tasks/filter.js';
import { annotateTask, baseId, reorganisationNotes } from '../src/answer/task-query.js';
import { Reorganisation, viDay, type Predecessor } from '../src/text/reorganisation.js';
import { fold } from '../src/text/normalize.js';
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
  .option('--today <date>', 'reference date for recurring deadlines and the 2025 reorganisation (YYYY-MM-DD; default: today)')
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

function line(s: SelectedTask, show: (t: Task) => Task = (t) => t): string {
  const t = show(s.task);
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
  const config = loadConfig();
  const own = path.join(config.KNOWLEDGE_DIR, 'reorganisation.json');
  const reorganisation = existsSync(own) ? Reorganisation.load(own) : Reorganisation.load();
  const today = opts.today ?? new Date().toISOString().slice(0, 10);
  // A merged province covers the old provinces formed into it (as of today).
  const cover = opts.province ? reorganisation.cover(opts.province, today) : undefined;
  const inProvince = (t: Task): boolean => !cover || (!!t.doc.province && cover.names.some((p) => fold(p) === fold(t.doc.province!)));
  const scoped = cover && cover.names.length > 1 ? tasks.filter(inProvince) : tasks;
  const filter = {
    // With several provinces the agency stays unbound, so "Sở KH&CN" of either old province matches.
    ...(opts.province && !(cover && cover.names.length > 1) ? { province: opts.province } : {}),
    ...(opts.dueBefore ? { dueBefore: opts.dueBefore } : {}),
    ...(opts.overdueAt ? { overdueAt: opts.overdueAt } : {}),
    ...(opts.document ? { document: opts.document } : {}),
    ...(opts.today ? { today: opts.today } : {}),
  };
  let selection;
  const inherited: Array<SelectedTask & { predecessor: { id: string; name: string; effective: string; basis: string; functions?: string } }> = [];
  try {
    selection = selectTasks(scoped, registry, { ...filter, ...(opts.agency ? { agency: opts.agency } : {}) });
    // The agencies it took over by today: their tasks, each labelled with the predecessor.
    const base = baseId(selection.agency?.id);
    const predecessors: Predecessor[] = base ? reorganisation.predecessorsOf(base, today) : [];
    const seen = new Set(selection.tasks.map((s) => s.task.id));
    for (const p of predecessors) {
      const name = registry.template(p.id)?.name ?? p.id;
      const found = selectTasks(scoped, registry, { ...filter, agency: name });
      if (baseId(found.agency?.id) !== p.id) continue;
      for (const s of found.tasks) {
        const t = s.task;
        if (seen.has(t.id) || (t.doc.date && t.doc.date >= p.succession.effective)) continue;
        if (p.functions && !Reorganisation.inField(`${t.title} ${t.action ?? ''} ${t.sectionTitle}`, p.functions)) continue;
        seen.add(t.id);
        inherited.push({ ...s, predecessor: { id: p.id, name, effective: p.succession.effective, basis: p.succession.basis, ...(p.functions ? { functions: p.functions.functions } : {}) } });
      }
    }
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 1;
  }
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ ...selection, inherited }, null, 2)}\n`);
    return 0;
  }
  const show = (t: Task): Task => annotateTask(t, registry, reorganisation, today);
  const out: string[] = [];
  if (selection.agency) {
    const next = reorganisation.successorOf(baseId(selection.agency.id)!, today);
    const now = next ? ` — nay là ${registry.template(next.to)?.name ?? next.to} (từ ${viDay(next.succession.effective)}, theo ${next.succession.basis})` : '';
    out.push(`Cơ quan: ${selection.agency.name} (${selection.agency.id})${now}`);
  }
  if (cover?.change) out.push(`Tỉnh: ${opts.province} gồm ${cover.change.from.join(', ')} trước đây (từ ${viDay(cover.change.effective)}, theo ${cover.change.basis})`);
  if (cover?.now) out.push(`Tỉnh: ${opts.province} nay thuộc ${cover.now.name} (từ ${viDay(cover.now.effective)}, theo ${cover.now.basis})`);
  out.push(`Nhiệm vụ: ${selection.tasks.length}`);
  out.push(...selection.tasks.map((s) => line(s, show)));
  if (selection.agency && inherited.length > 0) {
    const byPredecessor = new Map<string, typeof inherited>();
    for (const s of inherited) byPredecessor.set(s.predecessor.id, [...(byPredecessor.get(s.predecessor.id) ?? []), s]);
    for (const list of byPredecessor.values()) {
      const p = list[0]!.predecessor;
      const what = p.functions ? `${p.name}, lĩnh vực ${p.functions} (nay thuộc ${selection.agency.name}` : `${p.name} (nay là ${selection.agency.name}`;
      out.push('', `Nhiệm vụ giao ${what}, từ ${viDay(p.effective)}, theo ${p.basis}): ${list.length}`);
      out.push(...list.map((s) => line(s, show)));
    }
  }
  if (selection.agency) {
    out.push('', `Nhiệm vụ giao chung cho nhóm có ${selection.agency.name}: ${selection.groupTasks.length}`);
    out.push(...selection.groupTasks.map((s) => line(s, show)));
  }
  const notes = reorganisationNotes([...selection.tasks, ...inherited, ...selection.groupTasks].map((s) => s.task), registry, reorganisation, today);
  if (notes.length > 0) out.push('', 'Ghi chú (sắp xếp bộ máy 2025):', ...notes.map((n) => `- ${n}`));
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
