/**
 * Today's agency answers for its predecessors' tasks on the board (issue 16's succession table):
 * from 01/3/2025 Sở Khoa học và Công nghệ took over Sở Thông tin và Truyền thông, so filtering by
 * it lists the 2024 plan's Sở TT&TT tasks and its account may report on the ones Sở TT&TT leads;
 * before that date nothing is renamed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BoardError } from '../../src/board/tasks.js';
import { openTaskBoard, type OpenedBoard } from '../../src/board/index.js';
import { boardAssistant, boardKnowledge } from './helpers.js';

let opened: OpenedBoard;
const AFTER = '2025-06-01';
const BEFORE = '2024-11-10';
const KHCN = { by: 'skhcn.na', role: 'agency' as const, agencyId: 'so-khcn@nghe-an' };

beforeAll(async () => {
  const { dataDir } = await boardAssistant();
  opened = openTaskBoard({ dataDir, knowledgeDir: boardKnowledge });
}, 60_000);

afterAll(() => opened?.close());

describe('board and the 2025 reorganisation', () => {
  it('lists the predecessor’s tasks under today’s agency, only after the change', () => {
    const filter = { agency: 'Sở Khoa học và Công nghệ', province: 'Nghệ An' };
    const after = opened.board.list(filter, AFTER).map((t) => t.title.slice(0, 20)).sort();
    expect(after).toEqual(['Bồi dưỡng kỹ năng số', 'Nâng cấp mạng truyền', 'Số hóa hồ sơ, kết qu', 'Xây dựng kho dữ liệu'].sort());
    expect(opened.board.list(filter, BEFORE)).toEqual([]);
  });

  it('lets today’s agency report on the tasks its predecessor leads, not on those it cooperated on', () => {
    const kho = opened.board.list({}, AFTER).find((t) => t.title.startsWith('Xây dựng kho'))!;
    const soHoa = opened.board.list({}, AFTER).find((t) => t.title.startsWith('Số hóa hồ sơ'))!;
    expect(kho.leadIds).toEqual(expect.arrayContaining(['so-tttt@nghe-an', 'so-khcn@nghe-an']));
    expect(() => opened.board.setStatus(KHCN, kho.id, { status: 'dang_thuc_hien', via: 'api' }, new Date('2024-11-10T03:00:00Z'), BEFORE)).toThrow(BoardError);
    const done = opened.board.setStatus(KHCN, kho.id, { status: 'hoan_thanh', via: 'api' }, new Date('2025-06-01T03:00:00Z'), AFTER);
    expect(done).toMatchObject({ status: 'hoan_thanh', statusBy: 'skhcn.na' });
    expect(() => opened.board.setStatus(KHCN, soHoa.id, { status: 'hoan_thanh', via: 'api' }, new Date('2025-06-01T03:00:00Z'), AFTER)).toThrow(/chủ trì/);
  });
});
