import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Target, Task } from '../../src/domain/records.js';
import { AgencyRegistry } from '../../src/extract/agencies.js';
import { extractTasks, parsePointRefs } from '../../src/extract/tasks/index.js';
import { splitRoles } from '../../src/extract/tasks/tables.js';
import { makeDocument } from './tree.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixture = (name: string): string => readFileSync(path.join(here, '../fixtures/extract', name), 'utf8');
const registry = AgencyRegistry.load();
const BG = { province: 'Bắc Giang', date: '2023-01-10' };

function extract(name: string, meta: Parameters<typeof makeDocument>[1]) {
  const result = extractTasks(makeDocument(fixture(name), { id: name, ...meta }), registry);
  for (const t of result.tasks) Task.parse(t);
  for (const t of result.targets) Target.parse(t);
  return result;
}

/** Compact view of a task: section, leads, cooperating, deadline. */
const view = (t: Task) => ({
  at: [t.sectionPath.join('.'), t.row].filter(Boolean).join('#'),
  lead: t.lead.map((l) => l.agencyId ?? `?${l.surface}`),
  coop: t.cooperating.map((c) => c.agencyId ?? `?${c.surface}`),
  due: t.deadline.due ?? t.deadline.kind,
});

describe('numbered prose tasks', () => {
  const { tasks } = extract('plan-prose.txt', { ...BG, title: 'Đẩy mạnh ứng dụng công nghệ số năm 2023' });
  const inPart = (p: string) => tasks.filter((t) => t.sectionPath[0] === p).map(view);

  it('gives one record per assigned agency, with the task heading as title and the bullet as action', () => {
    const first = tasks.filter((t) => t.sectionPath.join('.') === 'II.1');
    expect(first.map((t) => t.title)).toEqual(Array(3).fill('Tuyên truyền về an toàn thông tin cho cán bộ, công chức.'));
    expect(first[0]!.action).toBe('Xây dựng tài liệu tuyên truyền về an toàn thông tin.');
    expect(first[0]!.lines).toEqual([7, 7]);
    expect(first[0]!.sectionTitle).toBe('II. NHIỆM VỤ › 1. Tuyên truyền về an toàn thông tin cho cán bộ, công chức.');
  });

  it('reads leads, cooperating agencies and each agency’s own deadline', () => {
    expect(inPart('II')).toEqual([
      { at: 'II.1', lead: ['so-tttt@bac-giang'], coop: [], due: 'ongoing' },
      { at: 'II.1', lead: ['cong-an-tinh@bac-giang'], coop: [], due: 'ongoing' },
      { at: 'II.1', lead: ['cac-so-ban-nganh@bac-giang', 'ubnd-cap-huyen@bac-giang'], coop: [], due: 'ongoing' },
      // The deadline line names each agency: "UBND cấp huyện … trước ngày 10/4/2023; Sở TT&TT … trước ngày 25 tháng 4 năm 2023".
      { at: 'II.2', lead: ['ubnd-cap-huyen@bac-giang'], coop: [], due: '2023-04-10' },
      { at: 'II.2', lead: ['so-tttt@bac-giang'], coop: [], due: '2023-04-25' },
      // "+" items belong to the "- Sở TT&TT:" above them; one record per (lead, deadline).
      { at: 'II.3', lead: ['so-tttt@bac-giang'], coop: ['vnpt@bac-giang'], due: 'conditional' },
      { at: 'II.3', lead: ['ubnd-cap-huyen@bac-giang'], coop: ['vnpt@bac-giang'], due: 'conditional' },
      // Inline deadlines, and a bullet without an agency continuing the one above.
      { at: 'II.4', lead: ['so-tttt@bac-giang'], coop: ['cac-dn-vien-thong@bac-giang', 'cac-don-vi-lien-quan@bac-giang'], due: '2023-06-30' },
      { at: 'II.4', lead: ['so-tttt@bac-giang'], coop: [], due: '2023-10-31' },
      // "Chủ trì"/"Phối hợp" pair + a later bullet by the same lead merge into one record.
      { at: 'II.5', lead: ['so-tttt@bac-giang'], coop: ['so-noi-vu@bac-giang', 'so-tai-chinh@bac-giang'], due: '2023-12-31' },
      { at: 'II.5', lead: ['cac-so-ban-nganh@bac-giang', 'ubnd-cap-huyen@bac-giang'], coop: [], due: '2023-11-20' },
      { at: 'II.6', lead: ['bao-tinh@bac-giang', 'dai-ptth@bac-giang'], coop: ['cac-so-ban-nganh@bac-giang', 'ubnd-cap-huyen@bac-giang'], due: '2023-12-31' },
      // Labels inside the task sentence, and as plain lines under the heading.
      { at: 'II.7', lead: ['so-y-te@bac-giang'], coop: ['so-tai-chinh@bac-giang'], due: '2023-09-30' },
      { at: 'II.8', lead: ['so-gddt@bac-giang'], coop: [], due: '2023-12-31' },
      { at: 'II.9', lead: ['so-tnmt@bac-giang'], coop: ['cac-so-ban-nganh@bac-giang'], due: '2023-08-31' },
    ]);
    const inherited = tasks.find((t) => t.action === 'Công bố danh mục dữ liệu mở')!;
    expect(inherited.confidence).toBeLessThan(tasks.find((t) => t.sectionPath.join('.') === 'II.4')!.confidence);
    expect(tasks.find((t) => t.sectionPath.join('.') === 'II.6')!.deadline.kind).toBe('ongoing');
  });

  it('reads assignments by agency in "Tổ chức thực hiện"', () => {
    expect(inPart('IV')).toEqual([
      { at: 'IV.1', lead: ['so-tttt@bac-giang'], coop: [], due: 'unspecified' },
      { at: 'IV.1', lead: ['so-tttt@bac-giang'], coop: [], due: 'recurring' },
      { at: 'IV.2.a', lead: ['so-y-te@bac-giang'], coop: [], due: 'unspecified' },
      // "Phối hợp với Sở TT&TT …" under Sở Y tế: Sở TT&TT leads, Sở Y tế cooperates.
      { at: 'IV.2.b', lead: ['so-tttt@bac-giang'], coop: ['so-y-te@bac-giang'], due: 'unspecified' },
      { at: 'IV.3', lead: ['so-tai-chinh@bac-giang'], coop: [], due: 'unspecified' },
      // "a) Giám đốc Sở …" heading with bullets under it.
      { at: 'IV.4.a', lead: ['so-gddt@bac-giang'], coop: [], due: 'unspecified' },
      { at: 'IV.4.a', lead: ['so-gddt@bac-giang'], coop: [], due: '2023-06-30' },
      // A heading that is only an agency, then its paragraph; the closing formula after it is not a task.
      { at: 'IV.5', lead: ['so-xay-dung@bac-giang'], coop: [], due: 'unspecified' },
    ]);
    expect(tasks.find((t) => t.sectionPath.join('.') === 'IV.5')!.action).toBe('Căn cứ quy hoạch, hướng dẫn các địa phương lắp đặt hạ tầng viễn thông thụ động.');
    expect(tasks.filter((t) => t.sectionPath[0] === 'IV').every((t) => t.source === 'agency-assignment')).toBe(true);
  });

  it('skips purpose, budget and closing text', () => {
    expect(inPart('I')).toEqual([]);
    expect(inPart('III')).toEqual([]);
    expect(tasks.some((t) => /Trên cơ sở Kế hoạch này/.test(t.action ?? ''))).toBe(false);
  });
});

describe('task tables', () => {
  const { tasks, targets } = extract('plan-table.txt', { ...BG, title: 'Chuyển đổi số tỉnh Bắc Giang năm 2024' });

  it('maps columns by header words and keeps group rows as the section path', () => {
    expect(tasks.map(view)).toEqual([
      { at: 'DANH MỤC.I#1', lead: ['cac-dn-vien-thong@bac-giang'], coop: ['ubnd-cap-huyen@bac-giang'], due: '2024-09-30' },
      { at: 'DANH MỤC.I#2', lead: ['so-tttt@bac-giang'], coop: ['van-phong-ubnd@bac-giang'], due: '2024-09-30' },
      { at: 'DANH MỤC.II#1', lead: ['ubnd-cap-huyen@bac-giang'], coop: ['buu-dien-tinh@bac-giang'], due: '2024-12-31' },
      // No deadline cell: the schedule reference in "Ghi chú" makes it conditional.
      { at: 'DANH MỤC.II#2', lead: ['cong-an-tinh@bac-giang'], coop: ['cac-don-vi-lien-quan@bac-giang'], due: 'conditional' },
      // Unknown agency kept by its surface, with a lower confidence.
      { at: 'DANH MỤC.II#3', lead: ['trung-tam-xuc-tien@bac-giang'], coop: ['so-cong-thuong@bac-giang'], due: 'ongoing' },
    ]);
    expect(tasks[0]!.directing.map((d) => d.agencyId)).toEqual(['to-cds-chinh-quyen-so@bac-giang']);
    expect(tasks[0]!.sectionTitle).toBe('DANH MỤC. NHIỆM VỤ NĂM 2024 › I. Hạ tầng số');
    // "Trung tâm Xúc tiến thương mại" is the province's promotion centre, whatever its exact name.
    expect(tasks[4]!.lead[0]!.name).toBe('Trung tâm Xúc tiến Đầu tư, Thương mại và Du lịch tỉnh');
    const unknown = extractTasks(
      makeDocument(
        ['DANH MỤC', '| STT | Nội dung nhiệm vụ | Cơ quan chủ trì | Thời hạn |', '| 1 | Việc một | Sở Y tế | Năm 2024 |', '| 2 | Việc hai | Hợp tác xã Hoa Ban | Năm 2024 |'].join('\n'),
        { id: 'unknown-lead', ...BG, title: 'Danh mục' },
      ),
      registry,
    ).tasks;
    expect(unknown[1]!.lead).toEqual([{ surface: 'Hợp tác xã Hoa Ban' }]);
    expect(unknown[1]!.confidence).toBeLessThan(unknown[0]!.confidence);
    expect(tasks.every((t) => t.source === 'table')).toBe(true);
  });

  it('turns a row that states a figure into a target', () => {
    expect(targets).toHaveLength(1);
    expect(targets[0]).toMatchObject({ figure: '80%', year: '2024', text: '80% hộ gia đình có địa chỉ số', lines: [10, 10] });
    expect(targets[0]!.lead.map((l) => l.agencyId)).toEqual(['ubnd-cap-huyen@bac-giang']);
  });
});

describe('cross-references', () => {
  it('parses point lists, keeping what OCR garbled', () => {
    expect(parsePointRefs('tại các điểm a, b mục 1 phần III; các điểm a, tg mục 2 phần 111.')).toEqual([
      { raw: 'điểm a, b mục 1 phần III', points: ['a', 'b'], bad: [], item: '1', part: 'III' },
      { raw: 'điểm a, tg mục 2 phần 111', points: ['a'], bad: ['tg'], item: '2', part: 'III' },
    ]);
  });

  const { tasks, targets } = extract('plan-crossref.txt', { province: 'Bắc Giang', date: '2024-03-01', title: 'Phát triển chính quyền số giai đoạn 2024 - 2025' });

  it('attaches the agency to the referenced points, as lead or cooperating per the wording', () => {
    const refs = tasks.filter((t) => t.source === 'cross-reference').map(view);
    expect(refs).toEqual([
      { at: 'III.1.a', lead: ['so-tttt@bac-giang'], coop: ['cac-don-vi-lien-quan@bac-giang'], due: 'unspecified' },
      { at: 'III.1.b', lead: ['so-tttt@bac-giang'], coop: ['cac-don-vi-lien-quan@bac-giang', 'so-tu-phap@bac-giang'], due: 'unspecified' },
      { at: 'III.2.a', lead: ['so-tttt@bac-giang'], coop: ['cac-don-vi-lien-quan@bac-giang'], due: 'unspecified' },
      { at: 'III.2.b', lead: ['van-phong-ubnd@bac-giang'], coop: [], due: 'conditional' },
    ]);
    const p = tasks.find((t) => t.sectionPath.join('.') === 'III.2.b')!;
    expect(p.title).toBe('Triển khai Hệ thống thông tin báo cáo sau khi có hướng dẫn của Văn phòng Chính phủ.');
    expect(p.deadline.condition).toMatch(/^sau khi có hướng dẫn của Văn phòng Chính phủ/);
  });

  it('keeps unresolved references with their raw text', () => {
    const tttt = tasks.find((t) => t.sectionPath.join('.') === 'V.1.a')!;
    expect(tttt.unresolved).toEqual(['điểm a, tg mục 2 phần 111 (không đọc được: tg)']);
    const vp = tasks.find((t) => t.sectionPath.join('.') === 'V.2.a')!;
    expect(vp.unresolved).toEqual(['điểm e mục 4 phần III']);
    expect(tasks.find((t) => t.sectionPath.join('.') === 'V.1.b')!.deadline.recurrence).toEqual({ every: 'quarter', day: 20, monthOfPeriod: 3 });
  });

  it('reads targets under "chỉ tiêu" headings with the period as year', () => {
    expect(targets.map((t) => [t.sectionPath.join('.'), t.figure, t.year])).toEqual([['II.2.a', '90%', '2024-2025']]);
  });
});

describe('deadline lines without a dash and roles named before their verbs', () => {
  const { tasks } = extract('plan-undashed.txt', { ...BG, title: 'Chính quyền số năm 2023' });

  it('attaches a plain "Thời gian hoàn thành:" line after the bullets to the task', () => {
    const first = tasks.filter((t) => t.sectionPath.join('.') === 'II.1').map(view);
    expect(first).toEqual([{ at: 'II.1', lead: ['so-tttt@bac-giang'], coop: ['cac-so-ban-nganh@bac-giang', 'ubnd-cap-huyen@bac-giang'], due: '2023-09-30' }]);
  });

  it('reads "Sở X chủ trì; Sở Y phối hợp …" as lead X and cooperating Y', () => {
    const second = tasks.filter((t) => t.sectionPath.join('.') === 'II.2').map(view);
    expect(second).toEqual([{ at: 'II.2', lead: ['so-noi-vu@bac-giang'], coop: ['so-tttt@bac-giang'], due: 'ongoing' }]);
  });
});

describe('splitRoles', () => {
  it('reads role words in agency cells, and the first-listed convention of combined columns', () => {
    expect(splitRoles('Sở Nội vụ chủ trì; Sở Tài chính phối hợp', false)).toEqual({ lead: 'Sở Nội vụ', coop: 'Sở Tài chính' });
    expect(splitRoles('Văn phòng UBND tỉnh (chủ trì); các sở, ban, ngành', false)).toEqual({ lead: 'Văn phòng UBND tỉnh', coop: 'các sở, ban, ngành' });
    expect(splitRoles('Sở Y tế; Sở Tài chính', true)).toEqual({ lead: 'Sở Y tế', coop: ' Sở Tài chính' });
    expect(splitRoles('Sở Y tế, Sở Tài chính', false)).toEqual({ lead: 'Sở Y tế, Sở Tài chính', coop: '' });
  });
});
