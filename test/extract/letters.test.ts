/**
 * Tasks assigned in running text (issue 13 item 3): official letters, portal news and conclusion notices,
 * read end to end (ingest → extract) from texts written for these tests.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Task } from '../../src/domain/records.js';
import { AgencyRegistry } from '../../src/extract/agencies.js';
import { extractTasks } from '../../src/extract/tasks/index.js';
import { compileCues, LetterCues } from '../../src/extract/tasks/letters.js';
import { ingestFile } from '../../src/ingest/index.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'letters-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const registry = AgencyRegistry.load();

async function tasksOf(name: string, text: string): Promise<Task[]> {
  const file = path.join(tmp, name);
  writeFileSync(file, text);
  const r = await ingestFile(file);
  if (!r.ok) throw new Error(`${r.code} ${r.detail}`);
  const { tasks } = extractTasks(r.document, registry);
  for (const t of tasks) Task.parse(t);
  return tasks;
}
const view = (t: Task) => ({
  lead: t.lead.map((l) => l.name ?? l.surface),
  coop: t.cooperating.map((c) => c.name ?? c.surface),
  due: t.deadline.due ?? t.deadline.kind,
});

const LETTER = [
  'ỦY BAN NHÂN DÂN',
  'TỈNH NINH THUẬN',
  '',
  'Số: 1234/UBND-KTTH',
  '',
  'Ninh Thuận, ngày 05 tháng 3 năm 2024',
  '',
  'V/v triển khai các nền tảng số',
  '',
  'Kính gửi: Các sở, ban, ngành tỉnh.',
  '',
  'Thực hiện Công văn số 99/BTTTT-CĐSQG ngày 01/3/2024 của Bộ Thông tin và Truyền thông, Chủ tịch UBND tỉnh có ý kiến như sau:',
  '',
  'Giao Sở Thông tin và Truyền thông chủ trì, phối hợp với Sở Tài chính, Sở Nội vụ rà soát các nền tảng số đang sử dụng; báo cáo UBND tỉnh trước ngày 30/4/2024.',
  '',
  'Đề nghị Sở Kế hoạch và Đầu tư khẩn trương tham mưu bố trí vốn cho dự án trung tâm dữ liệu của tỉnh.',
  '',
  'Năm 2023, Sở Tài chính đã chủ trì tổ chức hội nghị tập huấn về chuyển đổi số.',
  '',
  'Nơi nhận:',
  '- Như trên;',
].join('\n');

describe('official letters', () => {
  it('reads "Giao Sở X chủ trì, phối hợp với Sở Y, Sở Z …; báo cáo UBND tỉnh trước ngày …" with lead, partners and deadline', async () => {
    const tasks = await tasksOf('cv-1234.txt', LETTER);
    const tttt = tasks.find((t) => t.lead.some((l) => /Thông tin và Truyền thông/u.test(l.name ?? l.surface)));
    expect(tttt && view(tttt)).toMatchObject({ coop: [expect.stringMatching(/Sở Tài chính/u), expect.stringMatching(/Sở Nội vụ/u)], due: '2024-04-30' });
    expect(tttt!.title).toMatch(/rà soát các nền tảng số/u);
    expect(tttt!.lines[0]).toBe(14);
  });

  it('reads "Đề nghị Sở X khẩn trương …" as a task of Sở X, and never a past "đã chủ trì"', async () => {
    const tasks = await tasksOf('cv-1234b.txt', LETTER);
    const khdt = tasks.filter((t) => t.lead.some((l) => /Kế hoạch và Đầu tư/u.test(l.name ?? l.surface)));
    expect(khdt).toHaveLength(1);
    expect(khdt[0]!.deadline.kind).toBe('unspecified');
    expect(tasks.some((t) => t.title.includes('hội nghị tập huấn'))).toBe(false);
    expect(tasks).toHaveLength(2);
  });
});

describe('letters that hand a task to their addressees', () => {
  const ADDRESSED = [
    'ỦY BAN NHÂN DÂN',
    'TỈNH KHÁNH HÒA',
    '',
    'Số: 310/UBND-VX',
    '',
    'Khánh Hòa, ngày 10 tháng 4 năm 2024',
    '',
    'V/v rà soát cơ sở dữ liệu hộ tịch',
    '',
    'Kính gửi:',
    '- Sở Tư pháp;',
    '- Công an tỉnh;',
    '- UBND các huyện, thị xã, thành phố.',
    '',
    'Thực hiện chỉ đạo của Bộ Tư pháp, UBND tỉnh có ý kiến như sau:',
    '',
    'Đề nghị các cơ quan, đơn vị nêu trên khẩn trương rà soát, làm sạch dữ liệu hộ tịch, phối hợp với Sở Thông tin và Truyền thông kết nối với Cơ sở dữ liệu quốc gia về dân cư; báo cáo UBND tỉnh trước ngày 30/5/2024.',
    '',
    'Nơi nhận:',
    '- Như trên;',
    '- Lưu: VT.',
  ].join('\n');

  it('reads "Đề nghị các cơ quan, đơn vị nêu trên …" as a task of the "Kính gửi" agencies', async () => {
    const tasks = await tasksOf('cv-310.txt', ADDRESSED);
    expect(tasks.map((t) => ({ lead: t.lead.map((l) => l.agencyId), coop: t.cooperating.map((c) => c.agencyId), due: t.deadline.due }))).toEqual([
      { lead: ['so-tu-phap@khanh-hoa', 'cong-an-tinh@khanh-hoa', 'ubnd-cap-huyen@khanh-hoa'], coop: ['so-tttt@khanh-hoa'], due: '2024-05-30' },
    ]);
    expect(tasks[0]!.title).toMatch(/^khẩn trương rà soát/u);
  });

  it('assigns nothing to "các đơn vị" when the letter names no addressee', async () => {
    const tasks = await tasksOf('cv-310b.txt', ADDRESSED.replace(/Kính gửi:\n- Sở Tư pháp;\n- Công an tỉnh;\n- UBND các huyện, thị xã, thành phố\./u, ''));
    expect(tasks).toEqual([]);
  });
});

describe('portal news', () => {
  it('reads "UBND tỉnh yêu cầu Sở X chủ trì, phối hợp với …, hoàn thành trước ngày …"', async () => {
    const tasks = await tasksOf(
      'tin-soc-trang.txt',
      [
        'Ngày 12/6/2024, UBND tỉnh Sóc Trăng ban hành Công văn số 77/UBND-VX về triển khai sổ sức khỏe điện tử.',
        'Theo đó, UBND tỉnh yêu cầu Sở Y tế chủ trì, phối hợp với Bảo hiểm xã hội tỉnh hướng dẫn các cơ sở khám bệnh, chữa bệnh triển khai sổ sức khỏe điện tử, hoàn thành trước ngày 31/8/2024. Chiến lược y tế số đến năm 2025 được triển khai đồng bộ.',
        '(Theo Công văn số 77/UBND-VX)',
      ].join('\n'),
    );
    expect(tasks.map(view)).toEqual([{ lead: [expect.stringMatching(/Sở Y tế/u)], coop: [expect.stringMatching(/Bảo hiểm xã hội/u)], due: '2024-08-31' }]);
  });

  it('takes no period named in the text ("… đến năm 2025") for a deadline', async () => {
    const tasks = await tasksOf('tin-an-giang.txt', 'UBND tỉnh có ý kiến như sau: Sở Công Thương chủ trì, phối hợp với các cơ quan liên quan báo cáo kết quả thực hiện Chiến lược phát triển thương mại điện tử đến năm 2025.\n');
    expect(tasks.map(view)).toEqual([{ lead: [expect.stringMatching(/Sở Công Thương/u)], coop: expect.any(Array), due: 'unspecified' }]);
  });
});

describe('cue table', () => {
  it('is data: a hand-over word added to the table makes a new shape an assignment', () => {
    const base = LetterCues.parse({ schemaVersion: 1, handover: ['giao'], lead: ['chủ trì'], pastMarkers: ['đã'], actionVerbs: ['rà soát'] });
    expect(compileCues(base).before.test('ubnd tinh uu tien ')).toBe(false);
    expect(compileCues({ ...base, handover: ['giao', 'ưu tiên'] }).before.test('ubnd tinh uu tien ')).toBe(true);
  });

  it('rejects a malformed table', () => {
    expect(LetterCues.safeParse({ schemaVersion: 1, handover: [], lead: ['chủ trì'], pastMarkers: [], actionVerbs: ['x'] }).success).toBe(false);
  });
});

describe('news task lists "(1) … - Đơn vị chủ trì: … - Đơn vị phối hợp: … - Thời gian hoàn thành: …"', () => {
  it('gives each numbered item its own lead, partners and deadline', async () => {
    const tasks = await tasksOf(
      'tin-kh-de-an-06.txt',
      [
        'Ngày 20/01/2024, UBND tỉnh Bạc Liêu ban hành Kế hoạch triển khai Đề án 06 năm 2024.',
        'Theo đó, nhiệm vụ và phân công cụ thể như sau:',
        '1. Phục vụ giải quyết thủ tục hành chính',
        '(1) Triển khai các dịch vụ công thiết yếu theo Đề án 06.',
        '- Đơn vị chủ trì: Sở Tư pháp.',
        '- Đơn vị phối hợp: Công an tỉnh, Sở Thông tin và Truyền thông.',
        '- Thời gian hoàn thành: Tháng 6/2024.',
        '(2) Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính.',
        '- Đơn vị chủ trì: Văn phòng UBND tỉnh.',
        '- Đơn vị phối hợp: Sở Nội vụ.',
        '- Thời gian hoàn thành: Trước ngày 30/9/2024.',
      ].join('\n'),
    );
    const views = tasks.map((t) => ({ ...view(t), at: t.sectionPath.join('.') }));
    expect(views).toEqual([
      { at: '1.(1)', lead: [expect.stringMatching(/Sở Tư pháp/u)], coop: [expect.stringMatching(/Công an tỉnh/u), expect.stringMatching(/Thông tin và Truyền thông/u)], due: '2024-06-30' },
      { at: '1.(2)', lead: [expect.stringMatching(/Văn phòng/u)], coop: [expect.stringMatching(/Sở Nội vụ/u)], due: '2024-09-30' },
    ]);
    expect(tasks[1]!.title).toMatch(/^Số hóa hồ sơ/u);
  });
});

describe('procedure guides', () => {
  it('reads no assignment from the steps of a guide ("UBND cấp xã kiểm tra hồ sơ")', async () => {
    const tasks = await tasksOf(
      'thu-tuc-xac-nhan.txt',
      ['Tên thủ tục: Xác nhận hộ gia đình làm nông nghiệp', 'Trình tự thực hiện:', 'Bước 1: Người dân nộp hồ sơ.', 'Bước 2: UBND cấp xã kiểm tra hồ sơ, lấy ý kiến của những người có liên quan.', 'Thành phần hồ sơ: Đơn đề nghị (bản chính).', 'Thời hạn giải quyết: 05 ngày làm việc.'].join('\n'),
    );
    expect(tasks.filter((t) => /kiểm tra hồ sơ/u.test(t.title))).toEqual([]);
  });
});
