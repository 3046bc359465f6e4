/**
 * Facts read once at index time (issue 14): partners named in a task's own words, and the recurring
 * schedules a task states, so the answer side reads records instead of re-detecting them.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Task } from '../../src/domain/records.js';
import { AgencyRegistry } from '../../src/extract/agencies.js';
import { findSchedules, nextOccurrence } from '../../src/extract/deadlines.js';
import { extractTasks } from '../../src/extract/tasks/index.js';
import { makeDocument } from './tree.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const registry = AgencyRegistry.load();
const text = readFileSync(path.join(here, '../fixtures/extract/plan-stated.txt'), 'utf8');
const tasks = extractTasks(makeDocument(text, { id: 'stated', province: 'Ninh Thuận', date: '2024-02-01', title: 'Kế hoạch cải cách hành chính năm 2024' }), registry).tasks;
const at = (label: string): Task => {
  const t = tasks.find((x) => x.sectionPath.join('.') === label);
  if (!t) throw new Error(`no task at ${label}: ${tasks.map((x) => x.sectionPath.join('.')).join(', ')}`);
  return Task.parse(t);
};

describe('partners stated in the task text', () => {
  it('takes the agencies right after "phối hợp với" as cooperating, marked as read from the text', () => {
    const t = at('II.1');
    expect(t.lead.map((l) => l.agencyId)).toEqual(['cong-an-tinh@ninh-thuan']);
    expect(t.cooperating.map((c) => c.agencyId)).toEqual(['so-tttt@ninh-thuan', 'so-tai-chinh@ninh-thuan']);
  });

  it('leaves tasks that name no partner without one', () => {
    expect(at('II.2').cooperating).toEqual([]);
    expect(at('II.2').cooperatingSource).toBeUndefined();
  });
});

describe('schedules stated in the task text', () => {
  it('gives a task without another deadline its quarterly schedule as a recurring deadline', () => {
    const t = at('II.2');
    expect(t.deadline).toMatchObject({ kind: 'recurring', recurrence: { every: 'quarter', day: 15, monthOfPeriod: 3 } });
    expect(t.schedules?.map((s) => s.raw)).toEqual(['hàng quý (ngày 15 tháng cuối quý)']);
    expect(nextOccurrence(t.deadline, '2024-04-01')).toBe('2024-06-15');
  });

  it('keeps a one-off deadline and lists the half-yearly schedule ("định kỳ 6 tháng") beside it', () => {
    const t = at('II.3');
    expect(t.deadline).toMatchObject({ kind: 'month', due: '2024-12-31' });
    expect(t.schedules).toEqual([expect.objectContaining({ kind: 'recurring', raw: 'định kỳ 6 tháng', recurrence: { every: 'half-year' } })]);
    expect(nextOccurrence(t.schedules![0]!, '2024-07-01')).toBe('2024-12-31');
  });

  it('reads "trước ngày 15/12 hằng năm" as one yearly date', () => {
    const t = at('II.4');
    expect(t.deadline).toMatchObject({ kind: 'recurring', recurrence: { every: 'year', day: 15, monthOfPeriod: 12 } });
    expect(t.schedules?.map((s) => s.raw)).toEqual(['trước ngày 15/12 hằng năm']);
  });

  it('finds each schedule once, with its day, and nothing in plain text', () => {
    expect(findSchedules('Định kỳ hằng tháng, trước ngày 20 báo cáo Sở Tài chính; hằng năm tổng kết.').map((d) => [d.raw, d.recurrence])).toEqual([
      ['Định kỳ hằng tháng, trước ngày 20', { every: 'month', day: 20 }],
      ['hằng năm', { every: 'year' }],
    ]);
    expect(findSchedules('Hoàn thành trong tháng 11/2024 theo Quyết định ngày 03/6/2020.')).toEqual([]);
  });
});

describe('partner cues are data', () => {
  it('reads the bare "phối hợp Sở X" of a table cell and the cue list of knowledge/letter-cues.json', () => {
    const doc = makeDocument(
      ['II. NHIỆM VỤ', '| STT | Nhiệm vụ | Đơn vị chủ trì | Thời gian |', '| 1 | Số hóa hồ sơ hộ tịch, phối hợp Sở Tư pháp và Công an tỉnh | Sở Nội vụ | Quý III/2024 |'].join('\n'),
      { id: 'cell', province: 'Ninh Thuận', date: '2024-02-01', title: 'Kế hoạch năm 2024' },
    );
    const [t] = extractTasks(doc, registry).tasks;
    expect(t!.lead.map((l) => l.agencyId)).toEqual(['so-noi-vu@ninh-thuan']);
    expect(t!.cooperating.map((c) => c.agencyId)).toEqual(['so-tu-phap@ninh-thuan', 'cong-an-tinh@ninh-thuan']);
    expect(t!.cooperatingSource).toBe('task-text');
    expect(t!.deadline).toMatchObject({ kind: 'quarter', due: '2024-09-30' });
  });
});
