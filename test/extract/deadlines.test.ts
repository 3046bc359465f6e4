import { describe, expect, it } from 'vitest';
import { Deadline } from '../../src/domain/records.js';
import { findDeadlines, nextOccurrence, parseDeadline } from '../../src/extract/deadlines.js';

const ctx = { docYear: 2022 };
const p = (raw: string): Deadline => Deadline.parse(parseDeadline(raw, ctx));

describe('parseDeadline', () => {
  it.each([
    ['trước ngày 15/5/2022', 'date', '2022-05-15'],
    ['ngày 20 tháng 5 năm 2022', 'date', '2022-05-20'],
    ['trước ngày 15 tháng 12', 'date', '2022-12-15'],
    ['Tháng 11 năm 2022', 'month', '2022-11-30'],
    ['tháng 10/2022', 'month', '2022-10-31'],
    ['trước tháng 02 năm 2023', 'month', '2023-01-31'],
    ['Quý II/2019', 'quarter', '2019-06-30'],
    ['Quý 11/2019', 'quarter', '2019-06-30'],
    ['Quý IV/2019', 'quarter', '2019-12-31'],
    ['Năm 2019', 'year', '2019-12-31'],
    ['2019-2020', 'range', '2020-12-31'],
    ['Thường xuyên trong năm 2022', 'ongoing', '2022-12-31'],
  ])('%s → %s %s', (raw, kind, due) => {
    expect(p(raw)).toMatchObject({ raw, kind, due });
  });

  it('reads ongoing, recurring and conditional deadlines', () => {
    expect(p('Thường xuyên')).toEqual({ raw: 'Thường xuyên', kind: 'ongoing' });
    expect(p('Thực hiện thường xuyên').kind).toBe('ongoing');
    expect(p('Thực hiện hàng năm')).toMatchObject({ kind: 'recurring', recurrence: { every: 'year' } });
    expect(p('hàng quý (ngày 15 tháng cuối quý)').recurrence).toEqual({ every: 'quarter', day: 15, monthOfPeriod: 3 });
    expect(p('chậm nhất vào ngày 17 tháng cuối quý').recurrence).toEqual({ every: 'quarter', day: 17, monthOfPeriod: 3 });
    expect(p('trước ngày 25 của tháng cuối quý').recurrence).toEqual({ every: 'quarter', day: 25, monthOfPeriod: 3 });
    expect(p('Sau khi có hướng dẫn của Văn phòng Chính phủ')).toMatchObject({ kind: 'conditional', condition: 'Sau khi có hướng dẫn của Văn phòng Chính phủ' });
    expect(p('Theo Kế hoạch triển khai của Cục Bưu điện Trung ương').kind).toBe('conditional');
  });

  it('does not take a cited decision date for a deadline', () => {
    expect(p('Thực hiện dự án theo Quyết định số 774/QĐ-UBND ngày 01/3/2018')).toMatchObject({ kind: 'conditional' });
  });

  it('keeps what it cannot read as unspecified with the raw text', () => {
    expect(p('Khi đủ điều kiện')).toEqual({ raw: 'Khi đủ điều kiện', kind: 'unspecified' });
    expect(parseDeadline('trước ngày 15 tháng 12').kind).toBe('unspecified');
  });
});

describe('nextOccurrence', () => {
  it('gives the next reporting day of a quarterly deadline', () => {
    const q = p('hàng quý (ngày 15 tháng cuối quý)');
    expect(nextOccurrence(q, '2022-06-15')).toBe('2022-06-15');
    expect(nextOccurrence(q, '2022-06-16')).toBe('2022-09-15');
    expect(nextOccurrence(q, '2022-12-20')).toBe('2023-03-15');
  });

  it('gives one-off deadlines only while they are ahead', () => {
    expect(nextOccurrence(p('Tháng 11 năm 2022'), '2022-06-01')).toBe('2022-11-30');
    expect(nextOccurrence(p('Tháng 11 năm 2022'), '2022-12-01')).toBeUndefined();
    expect(nextOccurrence(p('Thường xuyên'), '2022-12-01')).toBeUndefined();
    expect(nextOccurrence(p('Thực hiện hàng năm'), '2022-03-01')).toBe('2022-12-31');
  });
});

describe('findDeadlines', () => {
  it('pulls labelled and cue-word deadlines out of prose, each with its span', () => {
    const text = 'UBND cấp huyện báo cáo về Sở TT&TT trước ngày 15/5/2022; Sở TT&TT báo cáo UBND tỉnh trước ngày 20 tháng 5 năm 2022.';
    const found = findDeadlines(text, ctx);
    expect(found.map((f) => [f.raw, f.deadline.due])).toEqual([
      ['trước ngày 15/5/2022', '2022-05-15'],
      ['trước ngày 20 tháng 5 năm 2022', '2022-05-20'],
    ]);
    expect(text.slice(found[0]!.start, found[0]!.end)).toBe('trước ngày 15/5/2022');
    expect(findDeadlines('Xây dựng nền tảng dữ liệu mở. Thời gian hoàn thành: Tháng 5 năm 2022.', ctx)[0]).toMatchObject({
      raw: 'Tháng 5 năm 2022',
      deadline: { kind: 'month', due: '2022-05-31' },
    });
  });

  it('ignores dates of cited documents', () => {
    expect(findDeadlines('Thực hiện Quyết định số 749/QĐ-TTg ngày 03/6/2020 của Thủ tướng Chính phủ', ctx)).toEqual([]);
  });
});

describe('deadline phrasings of other provinces', () => {
  const c24 = { docYear: 2024 };
  it('reads a bare "Thời gian:" label', () => {
    expect(findDeadlines('Công an tỉnh: Phối hợp quản lý lao động; thời gian: Thường xuyên.', c24)[0]).toMatchObject({
      raw: 'Thường xuyên',
      deadline: { kind: 'ongoing' },
    });
  });

  it('finds "6 tháng đầu năm" inside a sentence', () => {
    const found = findDeadlines('Xây dựng phương án sơ tán dân; hoàn thành trong 6 tháng đầu năm 2025.', c24);
    expect(found.map((f) => [f.raw, f.deadline.due])).toEqual([['hoàn thành trong 6 tháng đầu năm 2025', '2025-06-30']]);
    expect(findDeadlines('Tổng kết 6 tháng cuối năm.', c24)[0]?.deadline.due).toBe('2024-12-31');
  });

  it('reads "trước ngày 15/12 hằng năm" as one yearly date, not a date of the document year', () => {
    for (const text of ['Báo cáo UBND tỉnh trước ngày 15/12 hằng năm.', 'Báo cáo trước ngày 15 tháng 12 hằng năm.']) {
      const found = findDeadlines(text, c24);
      expect(found).toHaveLength(1);
      expect(found[0]!.deadline).toMatchObject({ kind: 'recurring', recurrence: { every: 'year', day: 15, monthOfPeriod: 12 } });
    }
    // A dated one-off deadline stays one.
    expect(findDeadlines('Báo cáo trước ngày 15/12/2024.', c24)[0]!.deadline).toMatchObject({ kind: 'date', due: '2024-12-15' });
  });
});

describe('spans and bare dates', () => {
  const c24 = { docYear: 2024 };
  it('takes the end of "từ … đến …" as the deadline', () => {
    expect(parseDeadline('Từ tháng 6/2024 đến tháng 12/2024', c24)).toMatchObject({ kind: 'range', start: '2024-06-01', due: '2024-12-31' });
    expect(parseDeadline('Từ ngày ký đến hết năm 2025', c24)).toMatchObject({ kind: 'range', due: '2025-12-31' });
  });

  it('reads "trước 31/12" without "ngày" in the document year', () => {
    expect(parseDeadline('Trước 31/12', c24)).toMatchObject({ kind: 'date', due: '2024-12-31' });
  });

  it('finds a period after a cue word, but not a period in a title', () => {
    expect(findDeadlines('Thực hiện trong giai đoạn 2024 - 2025.', c24).map((m) => m.deadline.due)).toEqual(['2025-12-31']);
    expect(findDeadlines('Kế hoạch phát triển du lịch giai đoạn 2024 - 2025', c24)).toEqual([]);
  });
});

describe('several periods in one table cell', () => {
  const c24 = { docYear: 2024 };
  const span = (raw: string) => {
    const d = parseDeadline(raw, c24);
    return [d.kind, d.start, d.due];
  };
  it('is due at the end of the last period and starts with the first', () => {
    expect(span('Tháng 6/2024 – Tháng 12/2024')).toEqual(['range', '2024-06-01', '2024-12-31']);
    // The year written once at the end belongs to every part; "6 - 12/2024" is not the 6th of December.
    expect(span('Tháng 6 - 12/2024')).toEqual(['range', '2024-06-01', '2024-12-31']);
    expect(span('Quý II - Quý IV/2024')).toEqual(['range', '2024-04-01', '2024-12-31']);
    expect(span('Quý III, IV/2025')).toEqual(['range', '2025-07-01', '2025-12-31']);
    expect(span('Năm 2024, 2025')).toEqual(['range', '2024-01-01', '2025-12-31']);
    expect(span('Quý IV/2024 và năm 2025')).toEqual(['range', '2024-10-01', '2025-12-31']);
    expect(span('Tháng 11/2024 - Tháng 3/2025')).toEqual(['range', '2024-11-01', '2025-03-31']);
  });

  it('leaves single periods and unparseable tails alone', () => {
    expect(span('Quý III năm 2024')).toEqual(['quarter', '2024-07-01', '2024-09-30']);
    expect(parseDeadline('Năm 2024 và các năm tiếp theo', c24)).toMatchObject({ kind: 'year', due: '2024-12-31' });
    expect(parseDeadline('15-12-2024', c24)).toMatchObject({ kind: 'date', due: '2024-12-15' });
  });
});

describe('yearly deadlines naming a month', () => {
  it('is due at the end of that month every year', () => {
    const d = parseDeadline('Tháng 6 hằng năm', { docYear: 2024 });
    expect(d).toMatchObject({ kind: 'recurring', recurrence: { every: 'year', monthOfPeriod: 6 } });
    expect(nextOccurrence(d, '2024-07-01')).toBe('2025-06-30');
  });
});
