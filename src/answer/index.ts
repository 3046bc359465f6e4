/**
 * createAssistant: loads (or first builds) the index and wires the answering engine behind the
 * Assistant interface that channels use. Reindex builds a new index version beside the live one and
 * swaps it in; questions keep being answered from the old engine until the swap.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Answer, AnswerContext } from '../domain/answer.js';
import { AgencyRegistry } from '../extract/agencies.js';
import { KnowledgeIndex } from '../index/search.js';
import { isAppError } from '../errors.js';
import type { AgencyChoice, AgencyTaskQuery, AgencyTasks, Assistant, DocumentView, ReindexSummary } from './assistant.js';
import { taskListText } from './compose.js';
import { AnswerEngine } from './engine.js';
import { annotateTask, effectiveDue, reorganisationNotes, tasksFor } from './task-query.js';
import { Reorganisation } from '../text/reorganisation.js';
import type { Task } from '../domain/records.js';
import { nextOccurrence } from '../extract/deadlines.js';

export interface AssistantOptions {
  dataDir: string;
  knowledgeDir: string;
  modelDir: string;
  embeddingModel: string;
  logger: Logger;
  allowRemoteModels?: boolean;
  /** Build the index from knowledgeDir when DATA_DIR has none. Default: true. */
  autoIndex?: boolean;
  /** DATABASE_URL: /reindex takes the replicas' lock and publishes the version to the others. */
  databaseUrl?: string;
  /**
   * Builds and publishes a new index (src/reindex's runReindex, injected by the composition root:
   * answering never imports the indexing pipeline). Without it /reindex and the first-start build
   * are unavailable and a missing index is an error.
   */
  reindex?: Reindexer;
}

/** What a reindex needs; the pipeline's options are a superset. */
export interface ReindexRequest {
  dataDir: string;
  knowledgeDir: string;
  paths: string[];
  modelDir: string;
  embeddingModel: string;
  logger: Logger;
  databaseUrl?: string;
}

/** The pipeline's report carries more; the assistant reads the summary's fields. */
export type Reindexer = (request: ReindexRequest) => Promise<ReindexSummary>;

export function registryFor(knowledgeDir: string): AgencyRegistry {
  const file = path.join(knowledgeDir, 'agencies.json');
  return existsSync(file) ? AgencyRegistry.load(file) : AgencyRegistry.load();
}

/** The province's own reorganisation table when its knowledge dir has one, else the bundled one. */
export function reorganisationFor(knowledgeDir: string): Reorganisation {
  const file = path.join(knowledgeDir, 'reorganisation.json');
  return existsSync(file) ? Reorganisation.load(file) : Reorganisation.load();
}

/** Today in Vietnam (UTC+7), for channel calls that carry no date of their own. */
function localToday(): string {
  return new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
}

/**
 * Agency lookup and task lists over task records, the registry and the reorganisation table —
 * no search index. The document assistant uses it over its index's records; an HTTP process whose
 * answers are computed in worker threads uses it over the live version's tasks.json alone.
 */
export class TaskDesk {
  constructor(private readonly deps: { tasks: () => Task[]; registry: AgencyRegistry; reorganisation: Reorganisation }) {}

  lookupAgency(text: string, province?: string): AgencyChoice[] {
    // An agency that no longer exists stays choosable under its own name: its task lists say what it is now.
    return this.deps.registry.lookup(text, { ...(province ? { province } : {}), limit: 5 }).map(({ agency, score }) => ({
      id: agency.id,
      name: agency.name,
      ...(agency.province ? { province: agency.province } : {}),
      score,
    }));
  }

  agencyName(id: string): string | undefined {
    const registry = this.deps.registry;
    return (registry.byId(id) ?? registry.byId(id.split('@')[0] ?? ''))?.name;
  }

  tasksFor(query: AgencyTaskQuery): AgencyTasks {
    const { registry, reorganisation } = this.deps;
    // The agency's current name reaches the tasks of the agencies it took over, and a merged
    // province the documents of the old provinces formed into it, each item naming what changed.
    const { own, group, inherited } = tasksFor(this.deps.tasks(), registry, {
      agency: query.agency,
      today: query.today,
      reorganisation,
      ...(query.province ? { province: query.province, provinces: reorganisation.cover(query.province, query.today).names } : {}),
      ...(query.dueWithinDays !== undefined ? { dueWithinDays: query.dueWithinDays } : {}),
      ...(query.includeOverdue !== undefined ? { includeOverdue: query.includeOverdue } : {}),
    });
    // Recurring deadlines are reported with their next occurrence, so reminders and /hanchot
    // compare against the date that actually comes next.
    const current = (t: Task): Task => {
      if (t.deadline.kind !== 'recurring') return t;
      const due = effectiveDue(t, query.today);
      return due ? { ...t, deadline: { ...t.deadline, due } } : t;
    };
    const shown = (t: Task): Task => current(annotateTask(t, registry, reorganisation, query.today));
    return { own: [...own, ...inherited].map(shown), group: group.map(shown) };
  }

  formatTasks(tasks: AgencyTasks, options: { title: string; today: string; limit?: number }): string {
    const limit = options.limit ?? 10;
    const listed = [...tasks.own.slice(0, limit), ...tasks.group.slice(0, Math.max(3, Math.floor(limit / 2)))];
    const notes = reorganisationNotes(listed, this.deps.registry, this.deps.reorganisation, options.today);
    const text = taskListText(options.title, tasks.own, tasks.group, {
      limit: options.limit ?? 10,
      today: options.today,
      nextDue: (t) => (t.deadline.kind === 'recurring' ? nextOccurrence(t.deadline, options.today) : undefined),
    });
    return notes.length > 0 ? `${text}\nGhi chú (sắp xếp bộ máy 2025):\n${notes.map((n) => `- ${n}`).join('\n')}` : text;
  }
}

/** Indexed provinces plus the provinces they now belong to (after the 2025 merger). */
export function withCurrentProvinces(indexed: readonly string[], reorganisation: Reorganisation): string[] {
  const today = localToday();
  return [...new Set([...indexed, ...indexed.map((p) => reorganisation.currentProvince(p, today))])];
}

export class DocumentAssistant implements Assistant {
  private engine: AnswerEngine | undefined;
  private reindexing: Promise<ReindexSummary> | undefined;

  constructor(private readonly options: AssistantOptions) {}

  async load(): Promise<void> {
    const { dataDir, modelDir, embeddingModel, logger } = this.options;
    let index: KnowledgeIndex;
    try {
      index = await KnowledgeIndex.load(dataDir, { modelDir, embeddingModel, logger, allowRemoteModels: this.options.allowRemoteModels ?? false });
    } catch (err) {
      if (!isAppError(err, 'INDEX_MISSING') || this.options.autoIndex === false || !this.options.reindex) throw err;
      logger.info({ dataDir }, 'no index yet: building it from the knowledge dir');
      await this.reindex();
      return;
    }
    this.engine = new AnswerEngine({ index, registry: registryFor(this.options.knowledgeDir), reorganisation: reorganisationFor(this.options.knowledgeDir), logger });
  }

  private ready(): AnswerEngine {
    if (!this.engine) throw new Error('assistant used before load()');
    return this.engine;
  }

  /** Documents in the live index (for eval and admin reports). */
  documents(): Array<{ id: string; file: string; number?: string; province?: string }> {
    return this.ready().index.documents;
  }

  /** Plain retrieval (no answering): the top-k passages for a query, for evaluation. */
  async retrieve(query: string, k = 5): Promise<Array<{ text: string; citation: { file: string; lines: [number, number] } }>> {
    const hits = await this.ready().index.search(query, { k });
    return hits
      .slice(0, k)
      .map((h) => ({ text: h.chunk.text, citation: { file: h.chunk.doc.file, lines: h.chunk.lines } }));
  }

  /** True when answers use the dense (embedding) side too. */
  hasDense(): boolean {
    return this.ready().index.hasDense;
  }

  isReady(): boolean {
    return this.engine !== undefined;
  }

  documentView(id: string): DocumentView | undefined {
    const index = this.engine?.index;
    const doc = index?.documents.find((d) => d.id === id);
    if (!index || !doc) return undefined;
    // The document's own passages; task and procedure record chunks restate them and are left out.
    const own = index.chunks.filter((c) => c.doc.docId === id);
    const text = own.filter((c) => c.kind !== 'task' && c.kind !== 'procedure');
    const blocks = (text.length > 0 ? text : own)
      .slice()
      .sort((a, b) => a.lines[0] - b.lines[0] || a.lines[1] - b.lines[1])
      .map((c) => ({ lines: c.lines, heading: c.sectionTitle, text: c.text, kind: c.kind }));
    return {
      id: doc.id, type: doc.type, title: doc.title, blocks,
      ...(doc.number ? { number: doc.number } : {}),
      ...(doc.date ? { date: doc.date } : {}),
      ...(doc.issuer ? { issuer: doc.issuer } : {}),
      ...(doc.province ? { province: doc.province } : {}),
    };
  }

  async answer(question: string, context?: AnswerContext): Promise<Answer> {
    return this.ready().answer(question, context ?? { taskIds: [], docIds: [] });
  }

  /** Agency lookup and task lists over this index's task records. */
  private desk(): TaskDesk {
    const engine = this.ready();
    if (this.deskOf?.engine !== engine) this.deskOf = { engine, desk: new TaskDesk({ tasks: () => engine.index.tasks, registry: engine.registry, reorganisation: engine.reorganisation }) };
    return this.deskOf.desk;
  }
  private deskOf: { engine: AnswerEngine; desk: TaskDesk } | undefined;

  lookupAgency(text: string, province?: string): AgencyChoice[] {
    return this.desk().lookupAgency(text, province);
  }

  agencyName(id: string): string | undefined {
    return this.desk().agencyName(id);
  }

  /** Provinces of the indexed documents, and the provinces they now belong to (after the 2025 merger). */
  provinces(): string[] {
    const engine = this.ready();
    return withCurrentProvinces(engine.provincesIndexed(), engine.reorganisation);
  }

  tasksFor(query: AgencyTaskQuery): AgencyTasks {
    return this.desk().tasksFor(query);
  }

  formatTasks(tasks: AgencyTasks, options: { title: string; today: string; limit?: number }): string {
    return this.desk().formatTasks(tasks, options);
  }

  async reindex(): Promise<ReindexSummary> {
    // One reindex at a time in this process; the lock file guards against other processes.
    this.reindexing ??= this.runReindex().finally(() => {
      this.reindexing = undefined;
    });
    return this.reindexing;
  }

  private async runReindex(): Promise<ReindexSummary> {
    const { dataDir, knowledgeDir, modelDir, embeddingModel, logger, reindex: runReindex } = this.options;
    if (!runReindex) throw new Error('reindex is not available in this process (no reindex function was given to the assistant)');
    const report = await runReindex({ dataDir, knowledgeDir, paths: [], modelDir, embeddingModel, logger, ...(this.options.databaseUrl ? { databaseUrl: this.options.databaseUrl } : {}) });
    const index = await KnowledgeIndex.load(dataDir, { modelDir, embeddingModel, logger, allowRemoteModels: this.options.allowRemoteModels ?? false });
    this.engine = new AnswerEngine({ index, registry: registryFor(knowledgeDir), reorganisation: reorganisationFor(knowledgeDir), logger });
    return {
      published: report.published,
      changes: report.changes,
      files: report.files,
      documents: report.documents,
      chunks: report.chunks,
      tasks: report.tasks,
      procedures: report.procedures,
      errors: report.errors,
      durationMs: report.durationMs,
    };
  }
}

export async function createAssistant(options: AssistantOptions): Promise<Assistant> {
  const assistant = new DocumentAssistant(options);
  await assistant.load();
  return assistant;
}

export { AnswerEngine } from './engine.js';
export { nextContext } from './context.js';
