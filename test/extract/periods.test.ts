import { describe, expect, it } from 'vitest';
import { findPeriods, parsePeriod } from '../../src/text/periods.js';

const today = '2024-05-10';

describe('parsePeriod on questions (sentence mode)', () => {
  it.each([
    ['Nhiệm vụ nào phải hoàn thành trong Quý III/2024?', 'quarter', '2024-07-01', '2024-09-30', false, 'Quý III/2024'],
    ['quý 3 năm 2024 cần làm gì', 'quarter', '2024-07-01', '2024-09-30', false, 'Quý III/2024'],
    ['việc gì phải xong đến hết quý III', 'quarter', '2024-07-01', '2024-09-30', true, 'Quý III/2024'],
    ['các nhiệm vụ 6 tháng đầu năm 2023', 'half', '2023-01-01', '2023-06-30', false, '6 tháng đầu năm 2023'],
    ['sáu tháng cuối năm có những việc gì', 'half', '2024-07-01', '2024-12-31', false, '6 tháng cuối năm 2024'],
    ['những việc phải làm trong tháng 11/2022', 'month', '2022-11-01', '2022-11-30', false, 'tháng 11/2022'],
    ['Sở Y tế có việc gì trong tháng 8', 'month', '2024-08-01', '2024-08-31', false, 'tháng 8/2024'],
    ['hạn tháng 8/2024 gồm những gì', 'month', '2024-08-01', '2024-08-31', false, 'tháng 8/2024'],
    ['trong năm 2024 phải làm gì', 'year', '2024-01-01', '2024-12-31', false, 'năm 2024'],
    ['hoàn thành năm nay', 'year', '2024-01-01', '2024-12-31', false, 'năm 2024'],
    ['giai đoạn 2021-2025 có những nhiệm vụ nào', 'range', '2021-01-01', '2025-12-31', false, '2021–2025'],
  ])('%s', (q, kind, start, end, until, label) => {
    expect(parsePeriod(q, today)).toMatchObject({ kind, start, end, until, label });
  });

  it('reads end points: "trước tháng 6" ends with May, "đến hết tháng 10" with October, "trước ngày 15/12" on that day', () => {
    expect(parsePeriod('phải xong những việc gì trước tháng 6', today)).toMatchObject({ kind: 'month', end: '2024-05-31', until: true });
    expect(parsePeriod('đến hết tháng 10 năm 2023', today)).toMatchObject({ kind: 'month', end: '2023-10-31', until: true });
    expect(parsePeriod('việc nào hạn chót trước ngày 15/12', today)).toMatchObject({ kind: 'date', end: '2024-12-15', until: true });
    expect(parsePeriod('chậm nhất ngày 20 tháng 5 năm 2022', today)).toMatchObject({ kind: 'date', end: '2022-05-20' });
    expect(parsePeriod('đến hết năm 2025', today)).toMatchObject({ kind: 'year', end: '2025-12-31', until: true });
    expect(parsePeriod('đến hết năm 2025', today)?.start).toBeUndefined();
  });

  it('does not take a plan name, a document date or a bare month for a period', () => {
    expect(parsePeriod('Kế hoạch chuyển đổi số năm 2024 do ai ký?', today)).toBeUndefined();
    expect(parsePeriod('Quyết định 1118/QĐ-UBND ngày 29/3/2019 giao việc gì', today)).toBeUndefined();
    expect(parsePeriod('tháng 8 là hạn của việc nào', today)).toBeUndefined();
    expect(parsePeriod('quy trình cấp giấy phép', today)).toBeUndefined();
  });

  it('prefers the most specific period and reports where it is', () => {
    const q = 'trong Quý IV/2024, việc nào hạn trước ngày 15/11/2024';
    expect(parsePeriod(q, today)).toMatchObject({ kind: 'date', end: '2024-11-15' });
    const all = findPeriods(q, today);
    expect(all.map((p) => p.kind)).toEqual(['quarter', 'date']);
    expect(q.slice(all[0]!.index, all[0]!.index + all[0]!.length)).toMatch(/^Quý IV\/2024/);
  });
});

describe('parsePeriod on deadline cells (phrase mode)', () => {
  const cell = (t: string) => parsePeriod(t, { phrase: true, year: 2022 });
  it('reads bare months and years with the document year, and OCR quarters', () => {
    expect(cell('Tháng 8')).toMatchObject({ kind: 'month', end: '2022-08-31' });
    expect(cell('Năm 2019')).toMatchObject({ kind: 'year', start: '2019-01-01', end: '2019-12-31' });
    expect(cell('Quý 11/2019')).toMatchObject({ kind: 'quarter', end: '2019-06-30' });
    expect(cell('trước tháng 01 năm 2023')).toMatchObject({ kind: 'month', end: '2022-12-31', until: true });
    expect(cell('Cuối năm')).toMatchObject({ kind: 'year', end: '2022-12-31' });
    expect(cell('2019-2020')).toMatchObject({ kind: 'range', start: '2019-01-01', end: '2020-12-31' });
  });

  it('rejects impossible dates', () => {
    expect(cell('ngày 31/02/2022')).toBeUndefined();
    expect(parsePeriod('trước ngày 31/4', today)).toBeUndefined();
  });
});
