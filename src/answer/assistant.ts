/**
 * The one surface channels (Telegram, Zalo, web, CLI) and the reminder scheduler use.
 * Channels never import the index or the extractors; they call an Assistant.
 */
import type { Answer, AnswerContext } from '../domain/answer.js';
import type { Task } from '../domain/records.js';

export interface AgencyChoice {
  /** Registry id, province-bound when a province is known ("so-tttt@thanh-hoa"). */
  id: string;
  name: string;
  province?: string;
  score: number;
}

export interface AgencyTaskQuery {
  /** Registry id or free text of the agency. */
  agency: string;
  province?: string;
  /** ISO date used as "today". */
  today: string;
  /** Only tasks due within this many days from today (plus overdue ones when includeOverdue). */
  dueWithinDays?: number;
  includeOverdue?: boolean;
}

export interface AgencyTasks {
  /** Tasks where the agency leads or cooperates by name. */
  own: Task[];
  /** Tasks given to a group the agency belongs to ("Các sở, ban, ngành"). */
  group: Task[];
}

export interface ReindexSummary {
  /** False when no file could be read and the previous index stays live. */
  published: boolean;
  /** Files added, changed, removed (--prune) and kept although gone (paths as in the manifest). */
  changes: { added: string[]; changed: string[]; removed: string[]; kept: string[] };
  files: number;
  documents: number;
  chunks: number;
  tasks: number;
  procedures: number;
  errors: Array<{ file: string; code: string; detail: string }>;
  durationMs: number;
}

/** A document as its page on this server shows it: metadata and text blocks in order, never a file path. */
export interface DocumentView {
  id: string;
  type: string;
  number?: string;
  date?: string;
  issuer?: string;
  province?: string;
  title: string;
  /** Passages in source order; `lines` is the span a citation names. */
  blocks: Array<{ lines: [number, number]; heading: string; text: string; kind: string }>;
}

export interface Assistant {
  /** Answer one chat message in its conversation context. Never throws for user input. */
  answer(question: string, context?: AnswerContext): Promise<Answer>;
  /** Ranked agencies for a user's free text (for /donvi); several close scores mean "ask which one". */
  lookupAgency(text: string, province?: string): AgencyChoice[];
  /** Canonical display name of an agency id. */
  agencyName(id: string): string | undefined;
  /** Provinces present in the indexed documents (for /donvi province choice). */
  provinces(): string[];
  /** An agency's tasks, for /nhiemvu, /hanchot and reminders. */
  tasksFor(query: AgencyTaskQuery): AgencyTasks;
  /** Chat text listing tasks (deadline and lead per item, capped, with citations). */
  formatTasks(tasks: AgencyTasks, options: { title: string; today: string; limit?: number }): string;
  /** Rebuild the index from the knowledge dir and swap it in; answers keep flowing from the old one meanwhile. */
  reindex(): Promise<ReindexSummary>;
  /** True once an index is loaded. */
  isReady(): boolean;
  /** The page of one indexed document (/documents/<id>); undefined when unknown. A process without the index asks a worker (a promise). */
  documentView?(id: string): DocumentView | undefined | Promise<DocumentView | undefined>;
}
