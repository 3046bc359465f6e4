import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AgencyRegistry } from '../../src/extract/agencies.js';
import { selectTasks } from '../../src/extract/tasks/filter.js';
import { extractTasks } from '../../src/extract/tasks/index.js';
import { makeDocument } from './tree.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const registry = AgencyRegistry.load();
const doc = makeDocument(readFileSync(path.join(here, '../fixtures/extract/plan-prose.txt'), 'utf8'), {
  id: 'kh-bg',
  number: '15/KH-UBND',
  province: 'Bắc Giang',
  date: '2023-01-10',
  title: 'Đẩy mạnh ứng dụng công nghệ số năm 2023',
});
const { tasks } = extractTasks(doc, registry);
const at = (s: { task: { sectionPath: string[] } }): string => s.task.sectionPath.join('.');

describe('selectTasks', () => {
  it('matches the agency by registry id whatever the spelling, and lists group tasks apart', () => {
    const a = selectTasks(tasks, registry, { agency: 'Sở TT&TT', province: 'Bắc Giang', today: '2023-02-01' });
    const b = selectTasks(tasks, registry, { agency: 'so thong tin va truyen thong', province: 'Bắc Giang', today: '2023-02-01' });
    expect(a.agency?.id).toBe('so-tttt@bac-giang');
    expect(b.tasks.map(at)).toEqual(a.tasks.map(at));
    expect([...new Set(a.tasks.map(at))]).toEqual(['II.1', 'II.2', 'II.3', 'II.4', 'II.5', 'IV.1', 'IV.2.b']);
    expect(a.tasks.find((s) => at(s) === 'IV.2.b')!.role).toBe('lead');
    // "Các sở, ban, ngành" includes Sở TT&TT: those tasks are listed separately, with the group named.
    expect(a.groupTasks.map((s) => [at(s), s.via])).toEqual([
      ['II.1', 'Các sở, ban, ngành'],
      ['II.5', 'Các sở, ban, ngành'],
      ['II.6', 'Các sở, ban, ngành'],
      ['II.9', 'Các sở, ban, ngành'],
    ]);
  });

  it('filters by due date, overdue date, document and province', () => {
    const soon = selectTasks(tasks, registry, { dueBefore: '2023-04-30', today: '2023-02-01' });
    expect(soon.tasks.map((s) => s.due)).toEqual(['2023-03-20', '2023-04-10', '2023-04-25']);
    const overdue = selectTasks(tasks, registry, { overdueAt: '2023-07-01' });
    expect(overdue.tasks.map((s) => s.task.deadline.due)).toEqual(['2023-04-10', '2023-04-25', '2023-06-30', '2023-06-30']);
    expect(selectTasks(tasks, registry, { document: '15 /KH-UBND' }).tasks).toHaveLength(tasks.length);
    expect(selectTasks(tasks, registry, { province: 'Sơn La' }).tasks).toEqual([]);
  });

  it('refuses an agency it cannot recognise', () => {
    expect(() => selectTasks(tasks, registry, { agency: 'Hợp tác xã Hoa Ban' })).toThrow(/không nhận ra cơ quan/);
  });
});
