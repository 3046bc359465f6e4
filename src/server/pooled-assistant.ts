/**
 * The HTTP process's assistant when answers are computed in worker threads (ANSWER_WORKERS > 0).
 * It holds no search index — one copy of the index per process at most, and the process that
 * acknowledges webhooks needs none of it:
 * - answers, document pages, /reindex and the provinces list are asked of a worker (the pool);
 * - agency lookup and task lists (web commands /donvi, /nhiemvu, /hanchot; reminders) run here
 *   over the live version's task records (tasks.json, shared with the task board's catalog), the
 *   agency registry and the reorganisation table — a few MB, not the chunks, postings and vectors.
 */
import type { AnswerContext, Answer } from '../domain/answer.js';
import type { AgencyChoice, AgencyTaskQuery, AgencyTasks, Assistant, DocumentView, ReindexSummary } from '../answer/assistant.js';
import { TaskDesk, registryFor, reorganisationFor } from '../answer/index.js';
import { IndexTaskCatalog } from '../board/tasks.js';
import { currentVersion } from '../index/store.js';
import type { WorkerPool } from './worker-pool.js';

export class PooledAssistant implements Assistant {
  /** The live version's task records; re-read when the version changes (the board uses it too). */
  readonly catalog: IndexTaskCatalog;
  private readonly desk: TaskDesk;
  private pool: WorkerPool | undefined;
  private provinceList: string[] = [];

  constructor(private readonly options: { dataDir: string; knowledgeDir: string }) {
    this.catalog = new IndexTaskCatalog(options.dataDir);
    this.desk = new TaskDesk({ tasks: () => this.catalog.tasks(), registry: registryFor(options.knowledgeDir), reorganisation: reorganisationFor(options.knowledgeDir) });
  }

  /** The started pool; reads what only the index knows (its provinces). */
  async attach(pool: WorkerPool): Promise<void> {
    this.pool = pool;
    await this.refresh();
  }

  /** After a reindex (here or in another replica): the provinces of the new version. */
  async refresh(): Promise<void> {
    this.provinceList = await this.workers().assistant<string[]>('provinces', []);
  }

  private workers(): WorkerPool {
    if (!this.pool) throw new Error('answering workers are not started');
    return this.pool;
  }

  answer(question: string, context?: AnswerContext): Promise<Answer> {
    return this.workers().assistant<Answer>('answer', [question, context], question);
  }

  documentView(id: string): Promise<DocumentView | undefined> {
    return this.workers().assistant<DocumentView | undefined>('documentView', [id], id);
  }

  reindex(): Promise<ReindexSummary> {
    return this.workers().assistant<ReindexSummary>('reindex', []);
  }

  provinces(): string[] {
    return this.provinceList;
  }

  lookupAgency(text: string, province?: string): AgencyChoice[] {
    return this.desk.lookupAgency(text, province);
  }

  agencyName(id: string): string | undefined {
    return this.desk.agencyName(id);
  }

  tasksFor(query: AgencyTaskQuery): AgencyTasks {
    return this.desk.tasksFor(query);
  }

  formatTasks(tasks: AgencyTasks, options: { title: string; today: string; limit?: number }): string {
    return this.desk.formatTasks(tasks, options);
  }

  isReady(): boolean {
    return this.pool !== undefined && currentVersion(this.options.dataDir) !== undefined;
  }
}
