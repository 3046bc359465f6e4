/**
 * Document → task and target records, from all five shapes plans use:
 * numbered prose tasks, assignment by agency, task tables, targets (chỉ tiêu) and cross-references
 * in "Tổ chức thực hiện". Nothing here knows a particular document: the shapes are recognised by
 * numbering, bullets, header words and the agency registry.
 */
import type { Document, SectionNode } from '../../domain/document.js';
import type { Target, Task } from '../../domain/records.js';
import { fold } from '../../text/normalize.js';
import type { AgencyRegistry } from '../agencies.js';
import { allSections, allTables, createContext, inNonTaskPart, leadingAgencies, sectionText, toTask, type TaskDraft } from './context.js';
import { resolveCrossRefs } from './crossref.js';
import { assignmentTasks, BOILERPLATE, headingAgencies, parenthesisedItems, proseTasks, type CrossRefSource } from './prose.js';
import { letterTasks } from './letters.js';
import { tableTasks } from './tables.js';
import { sectionTargets } from './targets.js';

/** Bump when extraction output changes, so indexes rebuild (the reindex cache is keyed on it). */
export const TASK_EXTRACTOR_VERSION = 4;

/** Base confidence per source before per-record penalties. */
const BASE_CONFIDENCE: Record<Task['source'], number> = {
  prose: 0.9,
  'agency-assignment': 0.85,
  table: 0.95,
  target: 0.9,
  'cross-reference': 0.8,
};

export interface ExtractResult {
  tasks: Task[];
  targets: Target[];
}

export function extractTasks(doc: Document, registry: AgencyRegistry): ExtractResult {
  const ctx = createContext(doc, registry);
  const sections = allSections(doc.children);
  const drafts: TaskDraft[] = [];
  const crossSources: CrossRefSource[] = [];
  const consumed = new Set<SectionNode>();

  for (const info of sections) {
    const s = info.node;
    if (consumed.has(s)) continue;
    if (inNonTaskPart([...info.ancestors, s])) continue;
    const heading = headingAgencies(ctx, s);
    if (heading) {
      const r = assignmentTasks(ctx, info, heading.refs, undefined, heading.headingOnly);
      drafts.push(...r.drafts);
      crossSources.push(...r.crossRefs);
      r.consumed.forEach((c) => consumed.add(c));
      continue;
    }
    const head = sectionText(s).text;
    const leading = leadingAgencies(ctx, head);
    // "Điều 3. Chánh Văn phòng …, Giám đốc các sở … chịu trách nhiệm thi hành Quyết định này" names
    // agencies but assigns nothing.
    if (leading.refs.length > 0 && leading.rest.length > 3 && !BOILERPLATE.test(fold(head))) {
      // "e) Giám đốc Sở Tài chính chủ trì, chỉ đạo …": the heading is the assignment.
      const r = assignmentTasks(ctx, info, leading.refs, head);
      drafts.push(...r.drafts);
      crossSources.push(...r.crossRefs);
      r.consumed.forEach((c) => consumed.add(c));
      continue;
    }
    // "(1) … - Đơn vị chủ trì: … (2) …" inside one section: each item is its own task.
    const items = parenthesisedItems(s);
    if (items) for (const node of items) drafts.push(...proseTasks(ctx, { node, ancestors: [...info.ancestors, s] }));
    else drafts.push(...proseTasks(ctx, info));
  }

  drafts.push(...resolveCrossRefs(ctx, crossSources, sections, drafts));

  const targets: Array<Omit<Target, 'id'>> = sectionTargets(ctx, sections);
  for (const { table, ancestors } of allTables(doc.children)) {
    if (inNonTaskPart(ancestors)) continue;
    const r = tableTasks(ctx, table, ancestors);
    drafts.push(...r.drafts);
    targets.push(...r.targets);
  }

  // Letters, conclusion notices, portal news: assignments in running text no other shape has read.
  drafts.push(...letterTasks(ctx, drafts.map((d) => d.lines)));

  drafts.sort((a, b) => a.lines[0] - b.lines[0] || a.lines[1] - b.lines[1]);
  const tasks = drafts.map((d, i) => toTask(ctx, d, i, BASE_CONFIDENCE[d.source]));
  return {
    tasks,
    targets: targets.map((t, i) => ({ ...t, id: `${doc.meta.id}#target-${i + 1}` })),
  };
}

export { parsePointRefs } from './crossref.js';
export { columnRole, tableColumns } from './tables.js';
export { figureOf } from './targets.js';
