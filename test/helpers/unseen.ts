/**
 * "Unseen" plan fixtures: plans of provinces and agencies that appear nowhere else in the repo,
 * in the shapes real files have. Nothing binary is committed: the .docx (written with JSZip, real
 * WordprocessingML: a borderless header-block table, Word automatic numbering from numbering.xml,
 * an appendix table with a repeated header row, a column-number row, gridSpan group rows, vMerge
 * lead cells, line breaks and several paragraphs inside cells, auto-numbered STT cells) and the
 * text-layer PDF (pdf-lib + DejaVu, two-column header block, a ruled table whose cells wrap over
 * several lines and which continues on the next page under a repeated header) are rebuilt into
 * test/fixtures/generated/unseen/ when missing, and so is a scan of that PDF (slightly tilted and
 * blurred pages, no text layer) for the OCR path. The plain-text and web-page plans live in
 * test/fixtures/unseen/.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fontkit from '@pdf-lib/fontkit';
import JSZip from 'jszip';
import { PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import sharp from 'sharp';
import { drawHeaderBlock, drawProse, FONT, FONT_BOLD, wrap, type ProseLine } from './pdf-draw.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const UNSEEN_DIR = path.join(repoRoot, 'test/fixtures/generated/unseen');
export const UNSEEN_TEXT_DIR = path.join(repoRoot, 'test/fixtures/unseen');
/** Bump when the content or rendering changes so stale files are rebuilt. */
const FIXTURE_VERSION = '4';

export interface UnseenFixtures {
  /** Quảng Ninh, Kế hoạch 187/KH-UBND (.docx). */
  docx: string;
  /** Đắk Lắk, Kế hoạch 95/KH-UBND (text-layer PDF). */
  pdf: string;
  /** Cần Thơ, Quyết định 1542/QĐ-UBND with its Kế hoạch (plain text). */
  txt: string;
  /** Lâm Đồng, Quyết định 1234/QĐ-UBND: landscape appendix page, two-row header, no vertical rules (PDF). */
  landscapePdf: string;
  /** Bến Tre, Kế hoạch 12/KH-UBND: one page, the task table right under the signature block (PDF). */
  onePagePdf: string;
  /** The same page with the lead cell of rows 1–3 merged vertically (text printed once, centred). */
  onePageMergedPdf: string;
}

export function pdfFontAvailable(): boolean {
  return existsSync(FONT) && existsSync(FONT_BOLD);
}

export async function ensureUnseenFixtures(): Promise<UnseenFixtures> {
  mkdirSync(UNSEEN_DIR, { recursive: true });
  const out: UnseenFixtures = {
    docx: path.join(UNSEEN_DIR, 'quangninh-kh187-2024-logistics.docx'),
    pdf: path.join(UNSEEN_DIR, 'daklak-kh95-2024-dao-tao-nghe.pdf'),
    txt: path.join(UNSEEN_TEXT_DIR, 'cantho-qd1542-2024-sat-lo.txt'),
    landscapePdf: path.join(UNSEEN_DIR, 'lamdong-qd1234-2024-nong-nghiep.pdf'),
    onePagePdf: path.join(UNSEEN_DIR, 'bentre-kh12-2024-thuong-mai.pdf'),
    onePageMergedPdf: path.join(UNSEEN_DIR, 'bentre-kh12-2024-thuong-mai.merged.pdf'),
  };
  const stamp = path.join(UNSEEN_DIR, 'VERSION');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === FIXTURE_VERSION && [out.docx, out.pdf, out.landscapePdf, out.onePagePdf, out.onePageMergedPdf].every((f) => existsSync(f))) return out;
  writeFileSync(out.docx, await buildDocx());
  writeFileSync(out.pdf, await buildPdf());
  writeFileSync(out.landscapePdf, await buildLandscapePdf());
  writeFileSync(out.onePagePdf, await buildOnePagePdf(false));
  writeFileSync(out.onePageMergedPdf, await buildOnePagePdf(true));
  writeFileSync(stamp, FIXTURE_VERSION);
  return out;
}

/**
 * The Đắk Lắk PDF as a scanner would return it: each page rasterised at 200 dpi, tilted a little
 * (opposite ways on alternate pages) and blurred, wrapped back into an image-only PDF. Needs pdftoppm.
 */
export async function ensureUnseenScan(): Promise<string> {
  const { pdf } = await ensureUnseenFixtures();
  const out = path.join(UNSEEN_DIR, 'daklak-kh95-2024-dao-tao-nghe.scan.pdf');
  const stamp = path.join(UNSEEN_DIR, 'SCAN_VERSION');
  if (existsSync(out) && existsSync(stamp) && readFileSync(stamp, 'utf8') === FIXTURE_VERSION) return out;
  const work = path.join(UNSEEN_DIR, 'scan-pages');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  execFileSync('pdftoppm', ['-r', '200', '-png', pdf, path.join(work, 'p')]);
  const doc = await PDFDocument.create();
  const pages = readdirSync(work).filter((f) => f.endsWith('.png')).sort();
  for (const [k, f] of pages.entries()) {
    const png = await sharp(readFileSync(path.join(work, f)))
      .greyscale()
      .rotate(k % 2 ? -0.8 : 0.6, { background: { r: 255, g: 255, b: 255 } })
      .blur(0.5)
      .png()
      .toBuffer();
    const img = await doc.embedPng(png);
    doc.addPage([595, 842]).drawImage(img, { x: 0, y: 0, width: 595, height: 842 });
  }
  writeFileSync(out, await doc.save());
  rmSync(work, { recursive: true, force: true });
  writeFileSync(stamp, FIXTURE_VERSION);
  return out;
}

// ---------------------------------------------------------------------------------------------
// .docx: Quảng Ninh

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

interface Para {
  text: string;
  /** numId/ilvl of Word automatic numbering. */
  num?: [number, number];
  bold?: boolean;
  center?: boolean;
  /** Hard line breaks (w:br) inside the paragraph. */
  breaks?: string[];
}

function para(p: Para): string {
  const ppr = [
    p.num ? `<w:numPr><w:ilvl w:val="${p.num[1]}"/><w:numId w:val="${p.num[0]}"/></w:numPr>` : '',
    p.center ? '<w:jc w:val="center"/>' : '',
  ].join('');
  const rpr = p.bold ? '<w:rPr><w:b/></w:rPr>' : '';
  const parts = [p.text, ...(p.breaks ?? [])];
  const runs = parts
    .map((t, i) => `<w:r>${rpr}${i > 0 ? '<w:br/>' : ''}<w:t xml:space="preserve">${esc(t)}</w:t></w:r>`)
    .join('');
  return `<w:p>${ppr ? `<w:pPr>${ppr}</w:pPr>` : ''}${runs}</w:p>`;
}

interface Cell {
  paras: Para[];
  span?: number;
  vMerge?: 'restart' | 'continue';
  width?: number;
}

function cell(c: Cell): string {
  const tcpr = [
    c.width ? `<w:tcW w:w="${c.width}" w:type="dxa"/>` : '',
    c.span ? `<w:gridSpan w:val="${c.span}"/>` : '',
    c.vMerge === 'restart' ? '<w:vMerge w:val="restart"/>' : c.vMerge === 'continue' ? '<w:vMerge/>' : '',
  ].join('');
  const body = c.paras.length ? c.paras.map(para).join('') : '<w:p/>';
  return `<w:tc>${tcpr ? `<w:tcPr>${tcpr}</w:tcPr>` : ''}${body}</w:tc>`;
}

function table(rows: Array<{ cells: Cell[]; header?: boolean }>, grid: number[], borders: boolean): string {
  const b = borders
    ? '<w:tblBorders><w:top w:val="single" w:sz="4"/><w:left w:val="single" w:sz="4"/><w:bottom w:val="single" w:sz="4"/><w:right w:val="single" w:sz="4"/><w:insideH w:val="single" w:sz="4"/><w:insideV w:val="single" w:sz="4"/></w:tblBorders>'
    : '<w:tblBorders><w:top w:val="nil"/><w:left w:val="nil"/><w:bottom w:val="nil"/><w:right w:val="nil"/><w:insideH w:val="nil"/><w:insideV w:val="nil"/></w:tblBorders>';
  return [
    `<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/>${b}</w:tblPr>`,
    `<w:tblGrid>${grid.map((w) => `<w:gridCol w:w="${w}"/>`).join('')}</w:tblGrid>`,
    ...rows.map((r) => `<w:tr>${r.header ? '<w:trPr><w:tblHeader/></w:trPr>' : ''}${r.cells.map(cell).join('')}</w:tr>`),
    '</w:tbl>',
  ].join('');
}

const t = (text: string, extra: Partial<Para> = {}): Para => ({ text, ...extra });
const c1 = (text: string, extra: Partial<Cell> = {}): Cell => ({ paras: text ? [t(text)] : [], ...extra });

/** numId 1: I./1./a) headings and tasks; numId 2: "-" bullets; numId 3: STT cells of the appendix (1, 2, …, continuing). */
const NUMBERING = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:abstractNum w:abstractNumId="0">
<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%1."/></w:lvl>
<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2."/></w:lvl>
<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%3)"/></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="1">
<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="-"/></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="2">
<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1"/></w:lvl>
</w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>
<w:num w:numId="3"><w:abstractNumId w:val="2"/></w:num>
</w:numbering>`;

function docxBody(): string {
  const H = (text: string): Para => t(text, { num: [1, 0], bold: true });
  const N = (text: string): Para => t(text, { num: [1, 1] });
  const B = (text: string): Para => t(text, { num: [2, 0] });
  const parts: string[] = [];
  // Header block: a borderless two-column table, as nearly every Word-made administrative document has.
  parts.push(
    table(
      [
        {
          cells: [
            { paras: [t('ỦY BAN NHÂN DÂN', { bold: true, center: true }), t('TỈNH QUẢNG NINH', { bold: true, center: true }), t('Số: 187/KH-UBND', { center: true })] },
            {
              paras: [
                t('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', { bold: true, center: true }),
                t('Độc lập - Tự do - Hạnh phúc', { bold: true, center: true }),
                t('Quảng Ninh, ngày 12 tháng 6 năm 2024', { center: true }),
              ],
            },
          ],
        },
      ],
      [3600, 5800],
      false,
    ),
  );
  const body: Para[] = [
    t('KẾ HOẠCH', { bold: true, center: true }),
    t('Phát triển hạ tầng thương mại và dịch vụ logistics tỉnh Quảng Ninh giai đoạn 2024 – 2025', { bold: true, center: true }),
    t('Thực hiện Nghị quyết số 12-NQ/TU ngày 05/3/2024 của Ban Chấp hành Đảng bộ tỉnh, Ủy ban nhân dân tỉnh ban hành Kế hoạch phát triển hạ tầng thương mại và dịch vụ logistics giai đoạn 2024 – 2025 như sau:'),
    H('MỤC ĐÍCH, YÊU CẦU'),
    B('Huy động các nguồn lực xã hội đầu tư hạ tầng thương mại, logistics đồng bộ, hiện đại.'),
    B('Xác định rõ nhiệm vụ, trách nhiệm của các cơ quan, đơn vị trong tổ chức thực hiện.'),
    H('NHIỆM VỤ TRỌNG TÂM'),
    N('Rà soát, điều chỉnh quy hoạch mạng lưới chợ, trung tâm thương mại trên địa bàn tỉnh'),
    B('Chủ trì: Sở Công Thương.'),
    B('Phối hợp: Sở Xây dựng, Sở Tài nguyên và Môi trường, UBND các huyện, thị xã, thành phố.'),
    B('Thời gian hoàn thành: Quý III/2024.'),
    N('Xây dựng Trung tâm logistics cửa khẩu Móng Cái'),
    B('Chủ trì: Ban Quản lý Khu kinh tế tỉnh.'),
    B('Phối hợp: Sở KH&ĐT, Sở Tài chính, Bộ Chỉ huy Bộ đội Biên phòng tỉnh.'),
    B('Thời gian hoàn thành: Năm 2024 – 2025.'),
    N('Tuyên truyền về phát triển thương mại điện tử và dịch vụ logistics'),
    B('Chủ trì: Đài Phát thanh và Truyền hình tỉnh.'),
    B('Phối hợp: Sở Thông tin và Truyền thông, các sở, ban, ngành.'),
    B('Thời gian hoàn thành: Thường xuyên.'),
    N('Bảo đảm an ninh, trật tự tại các khu kinh tế, cửa khẩu'),
    B('Chủ trì: Công an tỉnh.'),
    B('Phối hợp: Bộ Chỉ huy Quân sự tỉnh, Ban Quản lý Khu kinh tế tỉnh.'),
    B('Thời gian hoàn thành: Hằng năm.'),
    H('TỔ CHỨC THỰC HIỆN'),
    N('Sở Công Thương: Chủ trì, theo dõi, đôn đốc việc triển khai Kế hoạch; tổng hợp, báo cáo UBND tỉnh kết quả thực hiện trước ngày 15/12 hằng năm.'),
    N('Sở Tài chính: Tham mưu bố trí kinh phí thực hiện Kế hoạch trong dự toán ngân sách hằng năm của tỉnh.'),
    N('UBND các huyện, thị xã, thành phố: Xây dựng kế hoạch triển khai trên địa bàn, hoàn thành trước ngày 15/10/2024.'),
    t('Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, các cơ quan, đơn vị báo cáo UBND tỉnh (qua Sở Công Thương) để xem xét, giải quyết./.'),
  ];
  parts.push(...body.map(para));
  parts.push(
    table(
      [
        {
          cells: [
            { paras: [t('Nơi nhận:', { bold: true }), t('- Bộ Công Thương (b/c);'), t('- TT Tỉnh ủy, TT HĐND tỉnh (b/c);'), t('- Các sở, ban, ngành;'), t('- Lưu: VT, KT.')] },
            { paras: [t('TM. ỦY BAN NHÂN DÂN', { bold: true, center: true }), t('KT. CHỦ TỊCH', { bold: true, center: true }), t('PHÓ CHỦ TỊCH', { bold: true, center: true }), t('Nguyễn Văn An', { bold: true, center: true })] },
          ],
        },
      ],
      [4600, 4800],
      false,
    ),
  );
  parts.push(
    ...[
      t('PHỤ LỤC', { bold: true, center: true }),
      t('DANH MỤC NHIỆM VỤ, DỰ ÁN TRỌNG ĐIỂM', { bold: true, center: true }),
      t('(Kèm theo Kế hoạch số 187/KH-UBND ngày 12/6/2024 của UBND tỉnh Quảng Ninh)', { center: true }),
    ].map(para),
  );
  const grid = [700, 3000, 1600, 2000, 1300, 1400];
  const header = ['STT', 'Nội dung nhiệm vụ', 'Cơ quan chủ trì', 'Cơ quan phối hợp', 'Thời gian hoàn thành', 'Sản phẩm'];
  const stt = (): Cell => ({ paras: [t('', { num: [3, 0] })] });
  parts.push(
    table(
      [
        { header: true, cells: header.map((h) => ({ paras: [t(h, { bold: true, center: true })] })) },
        { cells: header.map((_, i) => c1(`(${i + 1})`)) },
        { cells: [c1('I. Nhóm nhiệm vụ về hạ tầng thương mại', { span: 6 })] },
        {
          cells: [
            c1('1'),
            c1('Đầu tư xây dựng chợ biên giới Hoành Mô'),
            c1('Sở Công Thương', { vMerge: 'restart' }),
            { paras: [t('Sở Tài chính;', { breaks: ['UBND huyện Bình Liêu'] })] },
            c1('Quý IV/2024'),
            c1('Chợ được đưa vào sử dụng'),
          ],
        },
        {
          cells: [c1('2'), c1('Cải tạo, nâng cấp các chợ hạng I tại đô thị'), { paras: [], vMerge: 'continue' }, c1('UBND các huyện, thị xã, thành phố'), c1('Năm 2024 – 2025'), c1('Chợ được cải tạo')],
        },
        {
          cells: [
            c1('3'),
            c1('Phát triển mạng lưới cửa hàng tiện lợi ở khu vực nông thôn'),
            { paras: [], vMerge: 'continue' },
            { paras: [t('Sở Nông nghiệp và Phát triển nông thôn'), t('Hội Nông dân tỉnh')] },
            c1('6 tháng đầu năm 2025'),
            c1('Báo cáo kết quả'),
          ],
        },
        { cells: [c1('II. Nhóm nhiệm vụ về logistics', { span: 6 })] },
        // The header row again, as when a table was pasted in two pieces across a page break.
        { cells: header.map((h) => ({ paras: [t(h, { bold: true, center: true })] })) },
        {
          cells: [
            stt(),
            c1('Xây dựng cơ sở dữ liệu doanh nghiệp kinh doanh dịch vụ logistics'),
            c1('Sở Thông tin và Truyền thông'),
            { paras: [t('Sở Công Thương', { breaks: ['Cục Hải quan tỉnh'] })] },
            c1('Tháng 12/2024'),
            c1('Cơ sở dữ liệu'),
          ],
        },
        {
          cells: [stt(), c1('Đào tạo nguồn nhân lực logistics cho doanh nghiệp'), c1('Sở LĐTB&XH'), c1('Sở Giáo dục và Đào tạo; các trường cao đẳng trên địa bàn'), c1('Hằng năm'), c1('Lớp đào tạo')],
        },
      ],
      grid,
      true,
    ),
  );
  return parts.join('');
}

async function buildDocx(body: string = docxBody()): Promise<Buffer> {
  const zip = new JSZip();
  zip.file(
    '[Content_Types].xml',
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/>
</Types>`,
  );
  zip.file(
    '_rels/.rels',
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
</Relationships>`,
  );
  zip.file(
    'word/_rels/document.xml.rels',
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/>
</Relationships>`,
  );
  zip.file('word/numbering.xml', NUMBERING);
  zip.file(
    'word/document.xml',
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${body}<w:sectPr/></w:body></w:document>`,
  );
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

// ---------------------------------------------------------------------------------------------
// PDF: Đắk Lắk

const PDF_PROSE: ProseLine[] = [
  { text: 'KẾ HOẠCH', bold: true, center: true },
  { text: 'Đào tạo nghề và giải quyết việc làm cho lao động nông thôn tỉnh Đắk Lắk năm 2024', bold: true, center: true },
  { text: 'I. MỤC ĐÍCH, YÊU CẦU', bold: true },
  { text: 'Nâng cao chất lượng đào tạo nghề, gắn đào tạo với nhu cầu sử dụng lao động của doanh nghiệp, tạo việc làm bền vững cho người lao động nông thôn.', indent: 1 },
  { text: 'II. NỘI DUNG NHIỆM VỤ', bold: true },
  { text: '1. Khảo sát nhu cầu học nghề của lao động nông thôn', indent: 1 },
  { text: 'Giám đốc Sở Lao động - Thương binh và Xã hội chủ trì, phối hợp với UBND cấp huyện tổ chức khảo sát nhu cầu học nghề; hoàn thành trước ngày 30/6/2024.', indent: 1 },
  { text: '2. Kết nối cung - cầu lao động', indent: 1 },
  { text: '- Chủ trì: Sở LĐTB&XH.', indent: 1 },
  { text: '- Phối hợp: Sở Công Thương, Ban Quản lý các khu công nghiệp tỉnh.', indent: 1 },
  { text: '- Thời gian hoàn thành: Quý III/2024.', indent: 1 },
  { text: '3. Hỗ trợ vay vốn tạo việc làm', indent: 1 },
  { text: '- Chủ trì: Chi nhánh Ngân hàng Chính sách xã hội tỉnh.', indent: 1 },
  { text: '- Phối hợp: Sở LĐTB&XH, UBND cấp huyện.', indent: 1 },
  { text: '- Thời gian hoàn thành: 6 tháng đầu năm 2025.', indent: 1 },
  { text: 'III. TỔ CHỨC THỰC HIỆN', bold: true },
  { text: '1. Sở Lao động - Thương binh và Xã hội: Chủ trì theo dõi, hướng dẫn thực hiện Kế hoạch; báo cáo UBND tỉnh trước ngày 20/12/2024.', indent: 1 },
  { text: '2. Sở KH&ĐT, Sở Tài chính: Cân đối, bố trí kinh phí thực hiện Kế hoạch; hoàn thành trong Quý III/2024.', indent: 1 },
  { text: '3. Công an tỉnh: Phối hợp quản lý người lao động đi làm việc ở nước ngoài; thời gian: Thường xuyên.', indent: 1 },
];

export const PDF_TABLE_HEADER = ['STT', 'Nhiệm vụ', 'Đơn vị chủ trì', 'Đơn vị phối hợp', 'Thời gian hoàn thành'];
export const PDF_TABLE_ROWS: string[][] = [
  ['1', 'Đào tạo nghề nông nghiệp cho 3.000 lao động nông thôn, ưu tiên đồng bào dân tộc thiểu số tại chỗ', 'Sở Lao động - Thương binh và Xã hội', 'Sở Nông nghiệp và Phát triển nông thôn; UBND các huyện, thị xã, thành phố', 'Năm 2024'],
  ['2', 'Đào tạo nghề phi nông nghiệp gắn với nhu cầu của doanh nghiệp trong các khu công nghiệp', 'Sở LĐTB&XH', 'Ban Quản lý các khu công nghiệp tỉnh; Liên đoàn Lao động tỉnh', 'Quý III/2024'],
  ['3', 'Tư vấn, định hướng nghề nghiệp cho học sinh trung học phổ thông', 'Sở Giáo dục và Đào tạo', 'Tỉnh Đoàn; Đài Phát thanh và Truyền hình tỉnh', 'Tháng 12/2024'],
  ['4', 'Đưa người lao động đi làm việc ở nước ngoài theo hợp đồng', 'Sở LĐTB&XH', 'Công an tỉnh; Ngân hàng Chính sách xã hội chi nhánh tỉnh', 'Thường xuyên'],
  ['5', 'Kiểm tra, giám sát việc thực hiện chính sách hỗ trợ đào tạo nghề', 'Sở Lao động - Thương binh và Xã hội', 'Các sở, ban, ngành liên quan', 'Trước ngày 15/10/2024'],
];

async function buildPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  const font = await doc.embedFont(readFileSync(FONT), { subset: true });
  const bold = await doc.embedFont(readFileSync(FONT_BOLD), { subset: true });
  let pageNo = 1;
  let page = doc.addPage([595, 842]);
  const header = { province: 'TỈNH ĐẮK LẮK', number: 'Số: 95/KH-UBND', placeDate: 'Đắk Lắk, ngày 03 tháng 5 năm 2024' };
  drawProse(page, { font, bold }, PDF_PROSE, drawHeaderBlock(page, { font, bold }, header));
  page.drawText(String(pageNo), { x: 292, y: 30, size: 10, font });

  page = doc.addPage([595, 842]);
  pageNo++;
  let y = 780;
  for (const [text, f] of [
    ['PHỤ LỤC', bold],
    ['DANH MỤC NHIỆM VỤ ĐÀO TẠO NGHỀ NĂM 2024', bold],
    ['(Kèm theo Kế hoạch số 95/KH-UBND ngày 03/5/2024 của UBND tỉnh Đắk Lắk)', font],
  ] as const) {
    const w = f.widthOfTextAtSize(text, 10.5);
    page.drawText(text, { x: (595 - w) / 2, y, size: 10.5, font: f });
    y -= 18;
  }
  y -= 10;
  // Narrow columns, so cells wrap over two to four lines; the table breaks onto page 3 after row 3.
  const widths = [30, 165, 100, 120, 75];
  const cellSize = 10;
  const leadH = cellSize * 1.35;
  const pad = 5;
  const x0 = 55;
  const drawRows = (p: PDFPage, rows: string[][], top: number, headerRows: number): void => {
    let yy = top;
    const rules = [yy];
    rows.forEach((row, r) => {
      const f = r < headerRows ? bold : font;
      const cells = row.map((c, i) => wrap(c, f, cellSize, widths[i]! - 2 * pad));
      const height = Math.max(...cells.map((c) => c.length)) * leadH + 2 * pad;
      let x = x0;
      cells.forEach((lines, i) => {
        lines.forEach((text, k) => {
          const w = f.widthOfTextAtSize(text, cellSize);
          const cx = i === 0 || r < headerRows ? x + (widths[i]! - w) / 2 : x + pad;
          p.drawText(text, { x: cx, y: yy - pad - cellSize - k * leadH + 2, size: cellSize, font: f });
        });
        x += widths[i]!;
      });
      yy -= height;
      rules.push(yy);
    });
    const tableWidth = widths.reduce((a, b) => a + b, 0);
    for (const ry of rules) p.drawLine({ start: { x: x0, y: ry }, end: { x: x0 + tableWidth, y: ry }, thickness: 0.8, color: rgb(0, 0, 0) });
    let vx = x0;
    for (const w of [0, ...widths]) {
      vx += w;
      p.drawLine({ start: { x: vx, y: top }, end: { x: vx, y: yy }, thickness: 0.8, color: rgb(0, 0, 0) });
    }
  };
  drawRows(page, [PDF_TABLE_HEADER, ...PDF_TABLE_ROWS.slice(0, 3)], y, 1);
  page.drawText(String(pageNo), { x: 292, y: 30, size: 10, font });
  page = doc.addPage([595, 842]);
  pageNo++;
  drawRows(page, [PDF_TABLE_HEADER, ...PDF_TABLE_ROWS.slice(3)], 790, 1);
  page.drawText(String(pageNo), { x: 292, y: 30, size: 10, font });
  return doc.save();
}

// ---------------------------------------------------------------------------------------------
// PDF: Lâm Đồng — a Quyết định whose Kế hoạch is a landscape appendix table ruled only across.

async function buildLandscapePdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  const font = await doc.embedFont(readFileSync(FONT), { subset: true });
  const bold = await doc.embedFont(readFileSync(FONT_BOLD), { subset: true });
  let page = doc.addPage([595, 842]);
  let y = 790;
  const at = (s: string, x: number, f: PDFFont = font, size = 11): void => {
    page.drawText(s, { x, y, size, font: f });
  };
  at('ỦY BAN NHÂN DÂN', 70, bold, 10);
  at('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 300, bold, 10);
  y -= 14;
  at('TỈNH LÂM ĐỒNG', 85, bold, 10);
  at('Độc lập - Tự do - Hạnh phúc', 340, bold, 10);
  y -= 24;
  at('Số: 1234/QĐ-UBND', 75, font, 10);
  at('Lâm Đồng, ngày 15 tháng 10 năm 2024', 320, font, 10);
  y -= 36;
  for (const s of ['QUYẾT ĐỊNH', 'Ban hành Kế hoạch phát triển nông nghiệp công nghệ cao năm 2025']) {
    at(s, (595 - bold.widthOfTextAtSize(s, 11)) / 2, bold);
    y -= 18;
  }
  y -= 10;
  for (const s of [
    'Điều 1. Ban hành kèm theo Quyết định này Kế hoạch phát triển nông nghiệp công nghệ cao năm 2025.',
    'Điều 2. Quyết định này có hiệu lực kể từ ngày ký.',
    'Điều 3. Chánh Văn phòng UBND tỉnh, Giám đốc các sở, ban, ngành và Chủ tịch UBND các huyện, thành phố chịu trách nhiệm thi hành Quyết định này./.',
  ]) {
    for (const l of wrap(s, font, 11, 470)) {
      at(l, 60);
      y -= 17;
    }
  }
  page = doc.addPage([842, 595]);
  y = 550;
  for (const [s, f] of [
    ['PHỤ LỤC', bold],
    ['KẾ HOẠCH PHÁT TRIỂN NÔNG NGHIỆP CÔNG NGHỆ CAO NĂM 2025', bold],
    ['(Kèm theo Quyết định số 1234/QĐ-UBND ngày 15/10/2024 của UBND tỉnh Lâm Đồng)', font],
  ] as const) {
    at(s, (842 - f.widthOfTextAtSize(s, 10.5)) / 2, f, 10.5);
    y -= 17;
  }
  y -= 8;
  const widths = [35, 260, 130, 190, 110];
  const x0 = 55;
  const size = 10;
  const leadH = 13.5;
  const pad = 5;
  const rules = [y];
  for (const r of LANDSCAPE_ROWS) {
    const f = r.bold ? bold : font;
    const cells = r.span ? [[r.cells[0]!], wrap(r.cells[1]!, f, size, 700)] : r.cells.map((c, i) => wrap(c, f, size, widths[i]! - 2 * pad));
    const h = Math.max(...cells.map((c) => c.length)) * leadH + 2 * pad;
    let x = x0;
    cells.forEach((lines, i) => {
      lines.forEach((t, k) => page.drawText(t, { x: x + pad, y: y - pad - size - k * leadH + 2, size, font: f }));
      x += widths[i]!;
    });
    y -= h;
    rules.push(y);
  }
  // Horizontal rules only (no column lines), as many Word tables look once printed to PDF.
  const width = widths.reduce((a, b) => a + b, 0);
  for (const ry of rules) page.drawLine({ start: { x: x0, y: ry }, end: { x: x0 + width, y: ry }, thickness: 0.8, color: rgb(0, 0, 0) });
  return doc.save();
}

const LANDSCAPE_ROWS: Array<{ cells: string[]; bold?: boolean; span?: boolean }> = [
  { cells: ['TT', 'Nội dung', 'Cơ quan thực hiện', '', 'Thời gian'], bold: true },
  { cells: ['', '', 'Chủ trì', 'Phối hợp', ''], bold: true },
  { cells: ['I', 'Phát triển vùng sản xuất'], bold: true, span: true },
  { cells: ['1', 'Quy hoạch vùng sản xuất rau, hoa ứng dụng công nghệ cao tại Đà Lạt, Đơn Dương', 'Sở Nông nghiệp và Phát triển nông thôn', 'Sở Tài nguyên và Môi trường; UBND các huyện, thành phố', 'Quý I/2025'] },
  { cells: ['2', 'Hỗ trợ doanh nghiệp đầu tư nhà kính, hệ thống tưới tiết kiệm nước', 'Sở Kế hoạch và Đầu tư', 'Sở Tài chính; Ngân hàng Nhà nước chi nhánh tỉnh', 'Năm 2025'] },
  { cells: ['II', 'Khoa học công nghệ và thị trường'], bold: true, span: true },
  { cells: ['3', 'Chuyển giao giống cây trồng mới, quy trình canh tác hữu cơ', 'Sở Khoa học và Công nghệ', 'Trung tâm Khuyến nông tỉnh', 'Tháng 9/2025'] },
  { cells: ['4', 'Xúc tiến tiêu thụ nông sản tại các thị trường xuất khẩu', 'Sở Công Thương', 'Trung tâm Xúc tiến Đầu tư, Thương mại và Du lịch tỉnh; Hiệp hội Hoa Đà Lạt', 'Hằng năm'] },
];

// ---------------------------------------------------------------------------------------------
// PDF: Bến Tre — a one-page plan: header block, two short tasks, the signature block, then the
// appendix table on the same page. Cells are left-aligned with Word's 5 pt padding, so the gap
// between two cells' text is only ~10 pt, and the two-column blocks above sit a few lines away.

export const ONE_PAGE_ROWS: string[][] = [
  ['1', 'Xây dựng chợ đầu mối nông sản', 'Sở Công Thương', 'Sở Tài chính', 'Quý III/2024'],
  ['2', 'Tổ chức hội chợ thương mại', 'Sở Công Thương', 'Sở Du lịch', 'Tháng 10/2024'],
  ['3', 'Hỗ trợ doanh nghiệp xuất khẩu dừa', 'Sở Công Thương', 'Sở Nông nghiệp và Phát triển nông thôn', 'Năm 2024'],
  ['4', 'Đào tạo kỹ năng bán hàng trực tuyến', 'Sở Thông tin và Truyền thông', 'Sở Công Thương', 'Quý IV/2024'],
];

async function buildOnePagePdf(mergedLead: boolean): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  const font = await doc.embedFont(readFileSync(FONT), { subset: true });
  const bold = await doc.embedFont(readFileSync(FONT_BOLD), { subset: true });
  const page = doc.addPage([595, 842]);
  let y = 800;
  const at = (s: string, x: number, f: PDFFont = font, size = 10): void => {
    page.drawText(s, { x, y, size, font: f });
  };
  at('ỦY BAN NHÂN DÂN', 70, bold);
  at('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 300, bold);
  y -= 14;
  at('TỈNH BẾN TRE', 85, bold);
  at('Độc lập - Tự do - Hạnh phúc', 340, bold);
  y -= 24;
  at('Số: 12/KH-UBND', 75);
  at('Bến Tre, ngày 10 tháng 1 năm 2024', 320);
  y -= 30;
  for (const s of ['KẾ HOẠCH', 'Phát triển thương mại năm 2024']) {
    at(s, (595 - bold.widthOfTextAtSize(s, 11)) / 2, bold, 11);
    y -= 18;
  }
  for (const s of ['I. NHIỆM VỤ', 'Các sở, ngành thực hiện các nhiệm vụ tại Phụ lục kèm theo Kế hoạch này.']) {
    at(s, 60, s.startsWith('I.') ? bold : font, 11);
    y -= 17;
  }
  y -= 10;
  at('Nơi nhận:', 60, bold);
  at('KT. CHỦ TỊCH', 380, bold);
  y -= 13;
  at('- Như mục I;', 60);
  at('PHÓ CHỦ TỊCH', 378, bold);
  y -= 13;
  at('- Lưu: VT.', 60);
  y -= 26;
  at('Trần Văn Nam', 382, bold);
  y -= 30;
  for (const [s, f] of [
    ['PHỤ LỤC', bold],
    ['(Kèm theo Kế hoạch số 12/KH-UBND ngày 10/01/2024 của UBND tỉnh Bến Tre)', font],
  ] as const) {
    at(s, (595 - f.widthOfTextAtSize(s, 10)) / 2, f);
    y -= 16;
  }
  y -= 6;
  const widths = [30, 200, 110, 110, 75];
  const x0 = 55;
  const size = 10;
  const leadH = 13.5;
  const pad = 5;
  const top = y;
  const rules = [y];
  const width = widths.reduce((a, b) => a + b, 0);
  const leadX0 = x0 + widths[0]! + widths[1]!;
  const leadX1 = leadX0 + widths[2]!;
  let mergeTop = 0;
  for (const [r, row] of [['STT', 'Nhiệm vụ', 'Cơ quan chủ trì', 'Cơ quan phối hợp', 'Thời gian'], ...ONE_PAGE_ROWS].entries()) {
    const f = r === 0 ? bold : font;
    // Merged: rows 1–3 share one lead cell, printed once in the middle of the block.
    const inBlock = mergedLead && r >= 1 && r <= 3;
    if (mergedLead && r === 1) mergeTop = y;
    const cells = row.map((c, i) => wrap(inBlock && i === 2 ? '' : c, f, size, widths[i]! - 2 * pad));
    const h = Math.max(...cells.map((c) => c.length)) * leadH + 2 * pad;
    let x = x0;
    cells.forEach((lines, i) => {
      lines.forEach((t, k) => page.drawText(t, { x: x + pad, y: y - pad - size - k * leadH + 2, size, font: f }));
      x += widths[i]!;
    });
    y -= h;
    if (mergedLead && (r === 1 || r === 2)) {
      // No rule across the merged cell.
      page.drawLine({ start: { x: x0, y }, end: { x: leadX0, y }, thickness: 0.8, color: rgb(0, 0, 0) });
      page.drawLine({ start: { x: leadX1, y }, end: { x: x0 + width, y }, thickness: 0.8, color: rgb(0, 0, 0) });
    } else rules.push(y);
    if (mergedLead && r === 3) page.drawText(ONE_PAGE_ROWS[0]![2]!, { x: leadX0 + pad, y: (mergeTop + y) / 2 - size / 2 + 1, size, font });
  }
  for (const ry of rules) page.drawLine({ start: { x: x0, y: ry }, end: { x: x0 + width, y: ry }, thickness: 0.8, color: rgb(0, 0, 0) });
  let vx = x0;
  for (const w of [0, ...widths]) {
    vx += w;
    page.drawLine({ start: { x: vx, y: top }, end: { x: vx, y }, thickness: 0.8, color: rgb(0, 0, 0) });
  }
  return doc.save();
}

// ---------------------------------------------------------------------------------------------
// .docx: Bình Thuận, a Sở's plan in another house style

/**
 * Sở Y tế Bình Thuận, Kế hoạch 1245/KH-SYT (.docx): the header block as a 2×2 borderless table
 * (issuer | quốc hiệu, then "Số: …" | place and date on a row of their own), prose sections with
 * hand-typed labels (no Word numbering), and a "Phụ lục" task table TT | Nhiệm vụ | Cơ quan chủ trì |
 * Cơ quan phối hợp | Thời gian hoàn thành | Sản phẩm whose group rows put the roman numeral in the
 * TT cell and merge the other five cells for the group title; a lead cell is merged over two rows.
 * Converted to .pdf, .odt, .doc and a scan by the format parity test.
 */
export async function ensureSecondPlanDocx(): Promise<string> {
  mkdirSync(UNSEEN_DIR, { recursive: true });
  const out = path.join(UNSEEN_DIR, 'binhthuan-kh1245-2024-y-te-so.docx');
  const stamp = path.join(UNSEEN_DIR, 'SECOND_VERSION');
  if (existsSync(out) && existsSync(stamp) && readFileSync(stamp, 'utf8') === SECOND_VERSION) return out;
  writeFileSync(out, await buildDocx(secondPlanBody()));
  writeFileSync(stamp, SECOND_VERSION);
  return out;
}

const SECOND_VERSION = '1';

function secondPlanBody(): string {
  const C = (text: string, bold = true): Para => t(text, { bold, center: true });
  const parts: string[] = [];
  parts.push(
    table(
      [
        { cells: [{ paras: [C('UBND TỈNH BÌNH THUẬN', false), C('SỞ Y TẾ')] }, { paras: [C('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM'), C('Độc lập - Tự do - Hạnh phúc')] }] },
        { cells: [{ paras: [C('Số: 1245/KH-SYT', false)] }, { paras: [t('Bình Thuận, ngày 20 tháng 8 năm 2024', { center: true })] }] },
      ],
      [3800, 5600],
      false,
    ),
  );
  const body: Para[] = [
    C('KẾ HOẠCH'),
    C('Triển khai chuyển đổi số ngành y tế tỉnh Bình Thuận năm 2024 – 2025'),
    t('Căn cứ Kế hoạch số 3071/KH-UBND ngày 12/7/2024 của UBND tỉnh về chuyển đổi số năm 2024, Sở Y tế xây dựng Kế hoạch triển khai chuyển đổi số ngành y tế như sau:'),
    t('I. MỤC ĐÍCH, YÊU CẦU', { bold: true }),
    t('1. Ứng dụng công nghệ số trong khám bệnh, chữa bệnh, giảm thủ tục giấy tờ cho người bệnh.'),
    t('2. Phân công rõ cơ quan chủ trì, cơ quan phối hợp và thời hạn hoàn thành từng nhiệm vụ.'),
    t('II. NHIỆM VỤ', { bold: true }),
    t('Các nhiệm vụ cụ thể tại Phụ lục kèm theo Kế hoạch này.'),
    t('III. TỔ CHỨC THỰC HIỆN', { bold: true }),
    t('1. Văn phòng Sở: Theo dõi, đôn đốc các đơn vị; tổng hợp, báo cáo Giám đốc Sở kết quả thực hiện trước ngày 10/12/2024.'),
    t('2. Phòng Kế hoạch - Tài chính: Tham mưu bố trí kinh phí thực hiện Kế hoạch từ nguồn chi thường xuyên của ngành.'),
    t('3. Các đơn vị trực thuộc: Xây dựng kế hoạch chi tiết của đơn vị, gửi Văn phòng Sở trước ngày 15/9/2024./.'),
  ];
  parts.push(...body.map(para));
  parts.push(
    table(
      [
        {
          cells: [
            { paras: [t('Nơi nhận:', { bold: true }), t('- UBND tỉnh (b/c);'), t('- Các đơn vị trực thuộc;'), t('- Lưu: VT, VP.')] },
            { paras: [C('GIÁM ĐỐC'), C('Trần Thị Mai')] },
          ],
        },
      ],
      [4600, 4800],
      false,
    ),
  );
  parts.push(...[C('Phụ lục'), C('DANH MỤC NHIỆM VỤ CHUYỂN ĐỔI SỐ NGÀNH Y TẾ'), t('(Kèm theo Kế hoạch số 1245/KH-SYT ngày 20/8/2024 của Sở Y tế)', { center: true })].map(para));
  const header = ['TT', 'Nhiệm vụ', 'Cơ quan chủ trì', 'Cơ quan phối hợp', 'Thời gian hoàn thành', 'Sản phẩm'];
  const group = (roman: string, title: string) => ({ cells: [c1(roman), c1(title, { span: 5 })] });
  const row = (cells: Cell[]) => ({ cells });
  parts.push(
    table(
      [
        { header: true, cells: header.map((h) => ({ paras: [C(h)] })) },
        group('I', 'Hạ tầng và nền tảng số'),
        row([c1('1'), c1('Triển khai bệnh án điện tử tại Bệnh viện Đa khoa tỉnh'), c1('Bệnh viện Đa khoa tỉnh'), { paras: [t('Phòng Nghiệp vụ Y;'), t('Trung tâm Kiểm soát bệnh tật tỉnh')] }, c1('Quý II/2025'), c1('Bệnh án điện tử được công nhận')]),
        row([c1('2'), c1('Kết nối dữ liệu khám bệnh, chữa bệnh với hệ thống giám định của Bảo hiểm xã hội'), c1('Văn phòng Sở'), c1('Bảo hiểm xã hội tỉnh'), c1('Tháng 10/2024'), c1('Dữ liệu được liên thông')]),
        group('II', 'Dịch vụ y tế số'),
        row([c1('3'), c1('Triển khai thanh toán viện phí không dùng tiền mặt'), c1('Phòng Kế hoạch - Tài chính'), { paras: [t('Các bệnh viện tuyến tỉnh;', { breaks: ['Ngân hàng Nhà nước chi nhánh tỉnh'] })] }, c1('Trước 30/9/2024'), c1('100% bệnh viện áp dụng')]),
        row([c1('4'), c1('Cấp giấy chứng sinh, giấy báo tử điện tử'), c1('Phòng Nghiệp vụ Y', { vMerge: 'restart' }), c1('Sở Tư pháp; Công an tỉnh'), c1('Quý IV/2024'), c1('Giấy chứng sinh, giấy báo tử điện tử')]),
        row([c1('5'), c1('Tập huấn kỹ năng số cho nhân viên y tế tuyến xã'), { paras: [], vMerge: 'continue' }, c1('Trung tâm Y tế các huyện, thị xã, thành phố'), c1('Hằng năm'), c1('Lớp tập huấn')]),
      ],
      [600, 3000, 1700, 2000, 1300, 1400],
      true,
    ),
  );
  return parts.join('');
}
