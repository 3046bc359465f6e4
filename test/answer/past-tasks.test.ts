/** Task lists mark deadlines that ended before the asker's today, and only those. */
import { describe, expect, it } from 'vitest';
import { PAST_MARK, isPast, taskListText } from '../../src/answer/compose.js';
import type { Deadline, Task } from '../../src/domain/records.js';

function task(id: string, title: string, deadline: Deadline): Task {
  return {
    id,
    sectionTitle: 'NHIỆM VỤ',
    directing: [],
    source: 'prose',
    unresolved: [],
    doc: { docId: 'kh-9', type: 'Kế hoạch', number: '9/KH-UBND', title: 'Kế hoạch 9', file: 'kh9.txt' },
    sectionPath: ['II', id],
    title,
    lead: [{ surface: 'Sở Nội vụ' }],
    cooperating: [],
    deadline,
    lines: [1, 2],
    confidence: 1,
  };
}

const old = task('1', 'Rà soát thủ tục hành chính', { raw: 'Quý II/2025', kind: 'quarter', due: '2025-06-30' });
const soon = task('2', 'Khảo sát sự hài lòng', { raw: 'Quý IV/2026', kind: 'quarter', due: '2026-12-31' });
const yearly = task('3', 'Tập huấn kỹ năng số', { raw: 'Tháng 10 hằng năm', kind: 'recurring', due: '2025-10-31', recurrence: { every: 'year' } });
const always = task('4', 'Số hóa hồ sơ', { raw: 'Thường xuyên', kind: 'ongoing' });

describe('isPast', () => {
  it('is true only for a dated, non-recurring deadline before today', () => {
    expect(isPast(old, '2026-03-01')).toBe(true);
    expect(isPast(old, '2025-06-30')).toBe(false);
    expect(isPast(soon, '2026-03-01')).toBe(false);
    expect(isPast(yearly, '2026-03-01')).toBe(false);
    expect(isPast(always, '2030-01-01')).toBe(false);
  });
});

describe('taskListText with today', () => {
  const nextDue = () => undefined;
  it('marks the past item, leaves the others, and says once what the mark means', () => {
    const text = taskListText('Sở Nội vụ có 4 nhiệm vụ:', [old, soon, yearly, always], [], { limit: 10, nextDue, today: '2026-03-01' });
    const lines = text.split('\n');
    expect(lines.filter((l) => l.includes(PAST_MARK) && /^\d+\./.test(l))).toEqual([expect.stringContaining('Rà soát thủ tục')]);
    expect(lines[1]).toMatch(/^\(1 nhiệm vụ có hạn trước hôm nay 1\/3\/2026/);
  });
  it('marks nothing without today (callers that do not know the date)', () => {
    expect(taskListText('x', [old], [], { limit: 10, nextDue })).not.toContain(PAST_MARK);
  });
  it('marks past items of the group list too', () => {
    const text = taskListText('x', [soon], [old], { limit: 10, nextDue, today: '2026-03-01' });
    expect(text.split('\n').find((l) => l.includes('Rà soát'))).toContain(PAST_MARK);
  });
});
