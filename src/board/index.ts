/**
 * Builds the task board over DATA_DIR (the live index's task records, the board tables in app.db,
 * or the given store: PostgreSQL's with DATABASE_URL)
 * and KNOWLEDGE_DIR (the agency registry), for the HTTP process, answering workers and the CLI.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { AgencyRegistry } from '../extract/agencies.js';
import { BoardStore } from '../storage/board.js';
import { Reorganisation } from '../text/reorganisation.js';
import { ChatBoard } from './chat.js';
import { IndexTaskCatalog, TaskBoard, type TaskCatalog } from './tasks.js';

export function boardDbFile(dataDir: string): string {
  return path.join(dataDir, 'app.db');
}

export function boardRegistry(knowledgeDir: string): AgencyRegistry {
  const file = path.join(knowledgeDir, 'agencies.json');
  return existsSync(file) ? AgencyRegistry.load(file) : AgencyRegistry.load();
}

/** The province's own reorganisation table when its knowledge dir has one, else the bundled one. */
export function boardReorganisation(knowledgeDir: string): Reorganisation {
  const file = path.join(knowledgeDir, 'reorganisation.json');
  return existsSync(file) ? Reorganisation.load(file) : Reorganisation.load();
}

export interface OpenedBoard {
  board: TaskBoard;
  store: BoardStore;
  close(): void;
}

export function openTaskBoard(options: { dataDir: string; knowledgeDir: string; store?: BoardStore; catalog?: TaskCatalog }): OpenedBoard {
  const store = options.store ?? BoardStore.open(boardDbFile(options.dataDir));
  const board = new TaskBoard({
    store,
    catalog: options.catalog ?? new IndexTaskCatalog(options.dataDir),
    registry: boardRegistry(options.knowledgeDir),
    reorganisation: boardReorganisation(options.knowledgeDir),
  });
  return { board, store, close: () => (options.store ? undefined : store.close()) };
}

/** The chat side of the board over DATA_DIR (answering workers build their own). */
export function openChatBoard(options: { dataDir: string; knowledgeDir: string; now: () => Date; publicUrl?: string; opened?: OpenedBoard; store?: BoardStore }): { port: ChatBoard; close(): void } {
  const opened = options.opened ?? openTaskBoard(options);
  const port = new ChatBoard(opened.board, opened.store, { now: options.now, ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}) });
  return { port, close: () => (options.opened ? undefined : opened.close()) };
}

export { TaskBoard, taskKey, STATUS_LABEL } from './tasks.js';
export { ChatBoard, type TaskStatusPort } from './chat.js';
export { boardRoutes } from './routes.js';
