/**
 * Plans the extractor was never tuned on: other provinces (Quảng Ninh, Đắk Lắk, the centrally-run
 * city of Cần Thơ), other agencies (Ban Quản lý Khu kinh tế, Ngân hàng Chính sách xã hội, Cục Hải
 * quan, Bộ Chỉ huy Quân sự thành phố …) and other containers (a Word .docx with automatic numbering
 * and merged cells, a text-layer PDF whose table wraps and breaks across pages, a plain-text
 * Quyết định). Every record is pinned: lead and cooperating ids, normalised deadline, section/row.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Document } from '../../src/domain/document.js';
import { Task } from '../../src/domain/records.js';
import { AgencyRegistry } from '../../src/extract/agencies.js';
import { extractTasks } from '../../src/extract/tasks/index.js';
import { ingestFile } from '../../src/ingest/index.js';
import { ocrAvailable } from '../../src/ingest/ocr/engine.js';
import { pdftoppmAvailable } from '../helpers/scan.js';
import { ensureUnseenFixtures, ensureUnseenScan, pdfFontAvailable, UNSEEN_TEXT_DIR, type UnseenFixtures } from '../helpers/unseen.js';

const registry = AgencyRegistry.load();

const view = (t: Task) => ({
  at: [t.sectionPath.join('.'), t.row].filter(Boolean).join('#'),
  lead: t.lead.map((l) => l.agencyId ?? `?${l.surface}`),
  coop: t.cooperating.map((c) => c.agencyId ?? `?${c.surface}`),
  due: t.deadline.due ?? t.deadline.kind,
});

let files: UnseenFixtures;
const docs = new Map<string, Document>();
async function load(file: string): Promise<Document> {
  const cached = docs.get(file);
  if (cached) return cached;
  const res = await ingestFile(file);
  if (!res.ok) throw new Error(`${file}: ${res.code} ${res.detail}`);
  docs.set(file, res.document);
  return res.document;
}
function tasksOf(doc: Document): Task[] {
  const { tasks } = extractTasks(doc, registry);
  for (const t of tasks) Task.parse(t);
  return tasks;
}

beforeAll(async () => {
  files = await ensureUnseenFixtures();
});

describe('Quảng Ninh Kế hoạch (.docx: Word numbering, header-block table, merged cells)', () => {
  it('reads the header block held in a borderless table', async () => {
    const { meta } = await load(files.docx);
    expect(meta).toMatchObject({
      type: 'Kế hoạch',
      number: '187/KH-UBND',
      date: '2024-06-12',
      issuer: 'UBND tỉnh Quảng Ninh',
      province: 'Quảng Ninh',
      title: 'Phát triển hạ tầng thương mại và dịch vụ logistics tỉnh Quảng Ninh giai đoạn 2024 – 2025',
    });
  });

  it('extracts every task with its agencies and deadline', async () => {
    const tasks = tasksOf(await load(files.docx));
    expect(tasks.map(view)).toEqual([
      { at: 'II.1', lead: ['so-cong-thuong@quang-ninh'], coop: ['so-xay-dung@quang-ninh', 'so-tnmt@quang-ninh', 'ubnd-cap-huyen@quang-ninh'], due: '2024-09-30' },
      { at: 'II.2', lead: ['ban-ql-kkt@quang-ninh'], coop: ['so-khdt@quang-ninh', 'so-tai-chinh@quang-ninh', 'bo-chi-huy-bien-phong@quang-ninh'], due: '2025-12-31' },
      { at: 'II.3', lead: ['dai-ptth@quang-ninh'], coop: ['so-tttt@quang-ninh', 'cac-so-ban-nganh@quang-ninh'], due: 'ongoing' },
      { at: 'II.4', lead: ['cong-an-tinh@quang-ninh'], coop: ['bo-chi-huy-quan-su@quang-ninh', 'ban-ql-kkt@quang-ninh'], due: 'recurring' },
      { at: 'III.1', lead: ['so-cong-thuong@quang-ninh'], coop: [], due: 'recurring' },
      { at: 'III.2', lead: ['so-tai-chinh@quang-ninh'], coop: [], due: 'recurring' },
      { at: 'III.3', lead: ['ubnd-cap-huyen@quang-ninh'], coop: [], due: '2024-10-15' },
      // The "(1) … (6)" column-number row is not a task; vMerge repeats the lead down its group.
      { at: 'Phụ lục.I#1', lead: ['so-cong-thuong@quang-ninh'], coop: ['so-tai-chinh@quang-ninh', '?UBND huyện Bình Liêu'], due: '2024-12-31' },
      { at: 'Phụ lục.I#2', lead: ['so-cong-thuong@quang-ninh'], coop: ['ubnd-cap-huyen@quang-ninh'], due: '2025-12-31' },
      // Two paragraphs in one cell are two agencies.
      { at: 'Phụ lục.I#3', lead: ['so-cong-thuong@quang-ninh'], coop: ['so-nnptnt@quang-ninh', 'hoi-nong-dan-tinh@quang-ninh'], due: '2025-06-30' },
      // A line break (w:br) in a cell separates agencies too; STT cells numbered by Word.
      { at: 'Phụ lục.II#1', lead: ['so-tttt@quang-ninh'], coop: ['so-cong-thuong@quang-ninh', 'hai-quan@quang-ninh'], due: '2024-12-31' },
      { at: 'Phụ lục.II#2', lead: ['so-ldtbxh@quang-ninh'], coop: ['so-gddt@quang-ninh', '?các trường cao đẳng trên địa bàn'], due: 'recurring' },
    ]);
  });

  it('reads "trước ngày 15/12 hằng năm" as a yearly date', async () => {
    const t = tasksOf(await load(files.docx)).find((x) => x.sectionPath.join('.') === 'III.1')!;
    expect(t.deadline).toMatchObject({ kind: 'recurring', recurrence: { every: 'year', day: 15, monthOfPeriod: 12 } });
  });

  it('titles table rows with the task cell and keeps the group as the section', async () => {
    const rows = tasksOf(await load(files.docx)).filter((t) => t.source === 'table');
    expect(rows[0]!.title).toBe('Đầu tư xây dựng chợ biên giới Hoành Mô');
    expect(rows[3]!.sectionTitle).toContain('II. Nhóm nhiệm vụ về logistics');
  });
});

describe.skipIf(!pdfFontAvailable())('Đắk Lắk Kế hoạch (text-layer PDF, table wrapped and split across pages)', () => {
  it('reads the metadata from the two-column header', async () => {
    const { meta } = await load(files.pdf);
    expect(meta).toMatchObject({ type: 'Kế hoạch', number: '95/KH-UBND', date: '2024-05-03', issuer: 'UBND tỉnh Đắk Lắk', province: 'Đắk Lắk' });
  });

  it('extracts every task with its agencies and deadline', async () => {
    const tasks = tasksOf(await load(files.pdf));
    expect(tasks.map(view)).toEqual([
      { at: 'II.1', lead: ['so-ldtbxh@dak-lak'], coop: ['ubnd-cap-huyen@dak-lak'], due: '2024-06-30' },
      { at: 'II.2', lead: ['so-ldtbxh@dak-lak'], coop: ['so-cong-thuong@dak-lak', 'ban-ql-kcn@dak-lak'], due: '2024-09-30' },
      { at: 'II.3', lead: ['nhcsxh-cn@dak-lak'], coop: ['so-ldtbxh@dak-lak', 'ubnd-cap-huyen@dak-lak'], due: '2025-06-30' },
      { at: 'III.1', lead: ['so-ldtbxh@dak-lak'], coop: [], due: '2024-12-20' },
      { at: 'III.2', lead: ['so-khdt@dak-lak', 'so-tai-chinh@dak-lak'], coop: [], due: '2024-09-30' },
      // "thời gian: Thường xuyên" (label without "hoàn thành/thực hiện").
      { at: 'III.3', lead: ['cong-an-tinh@dak-lak'], coop: [], due: 'ongoing' },
      { at: 'Phụ lục#1', lead: ['so-ldtbxh@dak-lak'], coop: ['so-nnptnt@dak-lak', 'ubnd-cap-huyen@dak-lak'], due: '2024-12-31' },
      { at: 'Phụ lục#2', lead: ['so-ldtbxh@dak-lak'], coop: ['ban-ql-kcn@dak-lak', 'ldld-tinh@dak-lak'], due: '2024-09-30' },
      { at: 'Phụ lục#3', lead: ['so-gddt@dak-lak'], coop: ['tinh-doan@dak-lak', 'dai-ptth@dak-lak'], due: '2024-12-31' },
      { at: 'Phụ lục#4', lead: ['so-ldtbxh@dak-lak'], coop: ['cong-an-tinh@dak-lak', 'nhcsxh-cn@dak-lak'], due: 'ongoing' },
      { at: 'Phụ lục#5', lead: ['so-ldtbxh@dak-lak'], coop: ['cac-so-ban-nganh@dak-lak'], due: '2024-10-15' },
    ]);
  });

  it('titles a task with its heading, the assignment sentence under it being the action', async () => {
    const t = tasksOf(await load(files.pdf))[0]!;
    expect(t.title).toBe('Khảo sát nhu cầu học nghề của lao động nông thôn');
    expect(t.action).toMatch(/^Giám đốc Sở Lao động - Thương binh và Xã hội chủ trì, phối hợp với UBND cấp huyện tổ chức khảo sát/);
  });
});

const canOcr = pdfFontAvailable() && pdftoppmAvailable() && (await ocrAvailable()).available;
if (!canOcr) process.stderr.write('[unseen scan] skipped: needs tesseract with Vietnamese data, poppler and DejaVu fonts\n');

describe.skipIf(!canOcr)('the same Đắk Lắk plan scanned (OCR)', () => {
  it('yields the digital twin\'s records, the province spelled right although OCR misreads the header', async () => {
    const scanned = await load(await ensureUnseenScan());
    const digital = await load(files.pdf);
    expect(scanned.meta).toMatchObject({ number: '95/KH-UBND', date: '2024-05-03', province: 'Đắk Lắk', issuer: 'UBND tỉnh Đắk Lắk' });
    expect(tasksOf(scanned).map(view)).toEqual(tasksOf(digital).map(view));
  });
});

describe.skipIf(!pdfFontAvailable())('Lâm Đồng Quyết định (PDF: landscape appendix, two-row header, rules only across)', () => {
  it('reads the Quyết định, skips its "thi hành" article, and reads the appendix rows under their groups', async () => {
    const doc = await load(files.landscapePdf);
    expect(doc.meta).toMatchObject({ type: 'Quyết định', number: '1234/QĐ-UBND', date: '2024-10-15', issuer: 'UBND tỉnh Lâm Đồng', province: 'Lâm Đồng' });
    expect(tasksOf(doc).map(view)).toEqual([
      { at: 'Phụ lục.I#1', lead: ['so-nnptnt@lam-dong'], coop: ['so-tnmt@lam-dong', 'ubnd-cap-huyen@lam-dong'], due: '2025-03-31' },
      { at: 'Phụ lục.I#2', lead: ['so-khdt@lam-dong'], coop: ['so-tai-chinh@lam-dong', 'ngan-hang-nha-nuoc-cn@lam-dong'], due: '2025-12-31' },
      { at: 'Phụ lục.II#3', lead: ['so-khcn@lam-dong'], coop: ['trung-tam-khuyen-nong@lam-dong'], due: '2025-09-30' },
      { at: 'Phụ lục.II#4', lead: ['so-cong-thuong@lam-dong'], coop: ['trung-tam-xuc-tien@lam-dong', '?Hiệp hội Hoa Đà Lạt'], due: 'recurring' },
    ]);
  });
});

describe.skipIf(!pdfFontAvailable())('Bến Tre Kế hoạch (PDF: lead cell merged over three rows, printed once)', () => {
  it('gives the merged lead to every row of its block', async () => {
    const tasks = tasksOf(await load(files.onePageMergedPdf));
    expect(tasks.map(view)).toEqual([
      // "Các sở, ngành thực hiện các nhiệm vụ tại Phụ lục …": a group assignment that points at the table.
      { at: 'I', lead: ['cac-so-ban-nganh@ben-tre'], coop: [], due: 'unspecified' },
      { at: 'Phụ lục#1', lead: ['so-cong-thuong@ben-tre'], coop: ['so-tai-chinh@ben-tre'], due: '2024-09-30' },
      { at: 'Phụ lục#2', lead: ['so-cong-thuong@ben-tre'], coop: ['so-du-lich@ben-tre'], due: '2024-10-31' },
      { at: 'Phụ lục#3', lead: ['so-cong-thuong@ben-tre'], coop: ['so-nnptnt@ben-tre'], due: '2024-12-31' },
      { at: 'Phụ lục#4', lead: ['so-tttt@ben-tre'], coop: ['so-cong-thuong@ben-tre'], due: '2024-12-31' },
    ]);
    // Inferred leads are less certain than printed ones.
    expect(tasks[1]!.confidence).toBeLessThan(tasks[2]!.confidence);
  });
});

describe('Cần Thơ Quyết định (centrally-run city: "thành phố", "quận, huyện")', () => {
  it('names the city as the issuer, not a "tỉnh"', async () => {
    const { meta } = await load(files.txt);
    expect(meta).toMatchObject({ type: 'Quyết định', number: '1542/QĐ-UBND', date: '2024-08-20', issuer: 'UBND thành phố Cần Thơ', province: 'Cần Thơ' });
  });

  it('extracts every assignment; the "thi hành Quyết định này" article is not one', async () => {
    const tasks = tasksOf(await load(files.txt));
    expect(tasks.map(view)).toEqual([
      { at: 'II.1.a', lead: ['so-nnptnt@can-tho'], coop: [], due: '2024-12-31' },
      { at: 'II.1.b', lead: ['so-nnptnt@can-tho'], coop: [], due: 'ongoing' },
      // "Bộ Chỉ huy Quân sự thành phố", "Công an thành phố", "UBND quận, huyện"; "hoàn thành trong 6 tháng đầu năm 2025".
      { at: 'II.2', lead: ['bo-chi-huy-quan-su@can-tho'], coop: ['cong-an-tinh@can-tho', 'ubnd-cap-huyen@can-tho'], due: '2025-06-30' },
      // "- Thời gian thực hiện: Hằng năm." is the deadline of the bullet above, not a task of its own.
      { at: 'II.3', lead: ['so-tnmt@can-tho'], coop: [], due: 'recurring' },
      { at: 'II.4', lead: ['so-khdt@can-tho', 'so-tai-chinh@can-tho'], coop: [], due: '2024-10-15' },
      { at: 'II.5', lead: ['dai-ptth@can-tho', 'bao-tinh@can-tho'], coop: [], due: '2024-09-30' },
      { at: 'II.6.a', lead: ['ubnd-cap-huyen@can-tho'], coop: [], due: '2024-09-30' },
      { at: 'II.6.b', lead: ['so-ldtbxh@can-tho'], coop: ['ubnd-cap-huyen@can-tho'], due: '2025-12-31' },
      { at: 'III.1', lead: ['so-nnptnt@can-tho'], coop: [], due: 'recurring' },
      { at: 'III.2', lead: ['cac-so-ban-nganh@can-tho', 'ubnd-cap-huyen@can-tho'], coop: [], due: 'unspecified' },
    ]);
    const II3 = tasks.find((t) => t.sectionPath.join('.') === 'II.3')!;
    expect(II3.title).toMatch(/^Chủ trì quản lý hoạt động khai thác cát/);
  });

  it('reads a figure under a plain "Mục tiêu" part as a target', async () => {
    const { targets } = extractTasks(await load(files.txt), registry);
    expect(targets.map((t) => [t.sectionPath.join('.'), t.figure, t.year])).toEqual([['I.2', '100%', '2025']]);
  });
});

describe('Bình Định Kế hoạch (saved web page: header block table, two-row table header)', () => {
  const html = path.join(UNSEEN_TEXT_DIR, 'binhdinh-kh58-2024-du-lich.html');

  it('reads the metadata', async () => {
    const { meta } = await load(html);
    expect(meta).toMatchObject({ type: 'Kế hoạch', number: '58/KH-UBND', date: '2024-04-08', issuer: 'UBND tỉnh Bình Định', province: 'Bình Định' });
  });

  it('reads "Cơ quan thực hiện" spanning "Chủ trì | Phối hợp" as two columns, and no task from the header', async () => {
    const tasks = tasksOf(await load(html));
    expect(tasks.map(view)).toEqual([
      { at: 'III.1', lead: ['so-vhtt@binh-dinh'], coop: ['so-du-lich@binh-dinh'], due: '2024-12-31' },
      { at: 'III.2', lead: ['so-tai-chinh@binh-dinh'], coop: [], due: '2024-06-30' },
      { at: 'III.3', lead: ['ubnd-cap-huyen@binh-dinh'], coop: [], due: '2024-12-31' },
      { at: 'Phụ lục#1', lead: ['so-du-lich@binh-dinh'], coop: ['so-vhtt@binh-dinh', 'ubnd-cap-huyen@binh-dinh'], due: '2024-06-30' },
      { at: 'Phụ lục#2', lead: ['so-du-lich@binh-dinh'], coop: ['hoi-lhpn-tinh@binh-dinh', 'tinh-doan@binh-dinh'], due: '2024-09-30' },
      { at: 'Phụ lục#3', lead: ['so-khcn@binh-dinh'], coop: ['so-cong-thuong@binh-dinh'], due: '2024-12-31' },
      { at: 'Phụ lục#4', lead: ['trung-tam-xuc-tien@binh-dinh'], coop: ['dai-ptth@binh-dinh', 'bao-tinh@binh-dinh'], due: 'ongoing' },
      { at: 'Phụ lục#5', lead: ['so-y-te@binh-dinh'], coop: ['ubnd-cap-huyen@binh-dinh'], due: '2024-06-30' },
    ]);
  });
});

describe('Hà Tĩnh Kế hoạch (decimal task numbers, "Giao …", "Đề nghị …", roles before verbs)', () => {
  const txt = path.join(UNSEEN_TEXT_DIR, 'hatinh-kh211-2024-de-an-06.txt');

  it('extracts every assignment whatever verb hands it over', async () => {
    const tasks = tasksOf(await load(txt));
    expect(tasks[0]!.title).toBe('Rà soát văn bản quy phạm pháp luật liên quan đến dữ liệu dân cư');
    expect(tasks.map(view)).toEqual([
      // "Giao Sở Tư pháp chủ trì, phối hợp với Công an tỉnh …" under the task heading.
      { at: 'II.1.1.1', lead: ['so-tu-phap@ha-tinh'], coop: ['cong-an-tinh@ha-tinh'], due: '2024-09-30' },
      { at: 'II.1.1.2', lead: ['cong-an-tinh@ha-tinh'], coop: ['so-tttt@ha-tinh', 'van-phong-ubnd@ha-tinh'], due: '2024-12-31' },
      // "Sở Y tế chủ trì; Bảo hiểm xã hội tỉnh, Sở Tài chính phối hợp …": the cooperating ones do not lead.
      { at: 'II.2.2.1', lead: ['so-y-te@ha-tinh'], coop: ['bhxh-tinh@ha-tinh', 'so-tai-chinh@ha-tinh'], due: '2024-12-31' },
      { at: 'II.2.2.2', lead: ['bhxh-tinh@ha-tinh'], coop: ['cong-an-tinh@ha-tinh'], due: '2024-10-31' },
      { at: 'II.2.2.3', lead: ['so-ldtbxh@ha-tinh'], coop: ['ubnd-cap-huyen@ha-tinh'], due: 'ongoing' },
      { at: 'III.1', lead: ['cong-an-tinh@ha-tinh'], coop: [], due: 'unspecified' },
      { at: 'III.1', lead: ['cong-an-tinh@ha-tinh'], coop: [], due: 'recurring' },
      { at: 'III.2', lead: ['cac-so-ban-nganh@ha-tinh', 'ubnd-cap-huyen@ha-tinh'], coop: [], due: '2024-07-31' },
      // An accountability clause: kept (it names who answers for the results), with no deadline.
      { at: 'III.3', lead: ['cac-so-ban-nganh@ha-tinh', 'ubnd-cap-huyen@ha-tinh'], coop: [], due: 'unspecified' },
    ]);
  });
});

describe('Nghệ An Kế hoạch (A./B./C. parts, "–" and "•" bullets, dashed agency names, "các sở, ngành, địa phương")', () => {
  const txt = path.join(UNSEEN_TEXT_DIR, 'nghean-kh345-2024-giam-ngheo.txt');

  it('reads a title that opens with "Thực hiện" and the capital-letter parts', async () => {
    const doc = await load(txt);
    expect(doc.meta.title).toBe('Thực hiện chương trình mục tiêu quốc gia giảm nghèo bền vững năm 2024');
    expect(doc.children.flatMap((n) => (n.kind === 'section' ? [`${n.label}. ${n.heading}`] : []))).toEqual([
      'A. MỤC TIÊU',
      'B. NHIỆM VỤ VÀ GIẢI PHÁP',
      'C. TỔ CHỨC THỰC HIỆN',
      'Phụ lục 01. DANH MỤC CÁC DỰ ÁN HỖ TRỢ',
    ]);
  });

  it('extracts every task', async () => {
    const tasks = tasksOf(await load(txt));
    expect(tasks.map(view)).toEqual([
      // "Sở Nông nghiệp và PTNT" is one agency; "Quý II – Quý IV/2024" runs to the end of Q4.
      { at: 'B.1', lead: ['so-nnptnt@nghe-an'], coop: ['so-ldtbxh@nghe-an', 'ubnd-cap-huyen@nghe-an'], due: '2024-12-31' },
      { at: 'B.2', lead: ['so-xay-dung@nghe-an'], coop: [], due: '2024-04-30' },
      { at: 'B.2', lead: ['ubnd-cap-huyen@nghe-an'], coop: [], due: '2024-11-30' },
      { at: 'C.1', lead: ['so-ldtbxh@nghe-an'], coop: [], due: '2024-12-10' },
      { at: 'C.2', lead: ['so-tai-chinh@nghe-an', 'so-khdt@nghe-an'], coop: [], due: '2024-03-31' },
      { at: 'Phụ lục 01#1', lead: ['?UBND huyện Kỳ Sơn'], coop: ['so-nnptnt@nghe-an', 'cac-so-ban-nganh@nghe-an', 'ubnd-cap-huyen@nghe-an'], due: '2025-12-31' },
      { at: 'Phụ lục 01#2', lead: ['so-ldtbxh@nghe-an'], coop: ['trung-tam-dvvl@nghe-an'], due: '2024-12-31' },
    ]);
  });
});

describe('Tây Ninh Kế hoạch (one column for both roles, role words inside cells)', () => {
  it('splits "Cơ quan chủ trì, phối hợp" cells into lead and cooperating', async () => {
    const tasks = tasksOf(await load(path.join(UNSEEN_TEXT_DIR, 'tayninh-kh88-2024-cchc.txt')));
    expect(tasks.map(view)).toEqual([
      { at: 'Phụ lục#1', lead: ['van-phong-ubnd@tay-ninh'], coop: ['cac-so-ban-nganh@tay-ninh'], due: 'recurring' },
      { at: 'Phụ lục#2', lead: ['so-noi-vu@tay-ninh'], coop: ['trung-tam-phvhcc@tay-ninh'], due: '2024-12-31' },
      { at: 'Phụ lục#3', lead: ['trung-tam-phvhcc@tay-ninh'], coop: [], due: 'recurring' },
    ]);
    // "Tháng 6 hằng năm" is due at the end of June, every year.
    expect(tasks[0]!.deadline.recurrence).toEqual({ every: 'year', monthOfPeriod: 6 });
  });
});
