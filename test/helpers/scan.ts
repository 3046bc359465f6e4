/**
 * Scan fixture maker for the PDF/OCR tests. Renders a short plan of our own (kh114 style: numbered
 * tasks with "- Agency: action" bullets and a "Thời gian hoàn thành" line, then an appendix task
 * table with ruling lines and multi-line cells) to a digital PDF with pdf-lib, rasterises it with
 * pdftoppm, tilts and speckles the pages like a scanner would, and wraps the images back into an
 * image-only PDF; plus a mixed PDF (digital page 1, scanned page 2). Nothing binary is committed:
 * everything lands in test/fixtures/generated/ocr/ and is rebuilt when missing.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fontkit from '@pdf-lib/fontkit';
import { degrees, PDFDocument, PDFName, PDFNumber, PDFHexString, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import sharp from 'sharp';
import { drawHeaderBlock, drawProse, FONT, FONT_BOLD, wrap, type ProseLine } from './pdf-draw.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SCAN_DIR = path.join(repoRoot, 'test/fixtures/generated/ocr');
/** Bump when the fixture content or rendering changes so stale files are rebuilt. */
const FIXTURE_VERSION = '6';

export const TABLE_HEADER = ['STT', 'Nhiệm vụ', 'Cơ quan chủ trì', 'Cơ quan phối hợp', 'Thời gian hoàn thành'];
export const TABLE_ROWS: string[][] = [
  [
    '1',
    'Xây dựng kho dữ liệu dùng chung của tỉnh, kết nối với nền tảng chia sẻ dữ liệu quốc gia',
    'Sở Thông tin và Truyền thông',
    'Các sở, ban, ngành; UBND các huyện',
    'Tháng 11 năm 2023',
  ],
  [
    '2',
    'Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính còn hiệu lực',
    'Văn phòng UBND tỉnh',
    'Sở Nội vụ',
    'Quý IV/2023',
  ],
  [
    '3',
    'Triển khai nền tảng học trực tuyến mở cho học sinh phổ thông',
    'Sở Giáo dục và Đào tạo',
    'Sở Thông tin và Truyền thông; Viettel Yên Bái',
    'Năm 2023',
  ],
  [
    '4',
    'Cấp tài khoản định danh điện tử cho người dân',
    'Công an tỉnh',
    'UBND các huyện, thị xã, thành phố',
    'Thường xuyên',
  ],
];

/** Prose page lines (page 1). Numbered tasks are what C's prose extraction reads. */
const PROSE: ProseLine[] = [
  { text: 'KẾ HOẠCH', bold: true, center: true },
  { text: 'Triển khai nhiệm vụ chuyển đổi số năm 2023', bold: true, center: true },
  { text: 'I. MỤC ĐÍCH, YÊU CẦU', bold: true },
  { text: 'Đẩy mạnh chuyển đổi số trong hoạt động của cơ quan nhà nước, phục vụ người dân và doanh nghiệp tốt hơn.', indent: 1 },
  { text: 'II. NHIỆM VỤ', bold: true },
  { text: '1. Nâng cấp Cổng dịch vụ công của tỉnh', indent: 1 },
  { text: '- Sở Thông tin và Truyền thông: chủ trì nâng cấp, bảo đảm an toàn thông tin.', indent: 1 },
  { text: '- Thời gian hoàn thành: Tháng 11 năm 2023.', indent: 1 },
  { text: '2. Tập huấn kỹ năng số cho cán bộ, công chức', indent: 1 },
  { text: '- Sở Nội vụ: chủ trì xây dựng chương trình tập huấn.', indent: 1 },
  { text: '- Thời gian hoàn thành: Quý III/2023.', indent: 1 },
];

export interface ScanFixtures {
  /** Page 1 prose, page 2 table: all digital text. */
  digitalPdf: string;
  /** The same two pages as tilted, speckled 200-dpi images. */
  scannedPdf: string;
  /** Page 1 digital, page 2 scanned image. */
  mixedPdf: string;
  /** The scanned page images (PNG), one per page. */
  pageImages: string[];
  /** A PDF whose trailer carries a /Encrypt dictionary with a user password. */
  encryptedPdf: string;
  /** Scanned page 1 stored sideways and shown upright by the page's /Rotate 90. */
  rotatedPdf: string;
  /** The same two pages scanned at 300 dpi (other tilts) and stored as JPEG streams. */
  scanned300JpegPdf: string;
  /** The scanned pages five times over (10 pages): for throughput measurements. */
  scannedLongPdf: string;
}

export function pdftoppmAvailable(): boolean {
  try {
    execFileSync('pdftoppm', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Build (or reuse) the fixtures. Requires pdftoppm and the DejaVu font. */
export async function ensureScanFixtures(): Promise<ScanFixtures> {
  mkdirSync(SCAN_DIR, { recursive: true });
  const out: ScanFixtures = {
    digitalPdf: path.join(SCAN_DIR, 'plan-digital.pdf'),
    scannedPdf: path.join(SCAN_DIR, 'plan-scanned.pdf'),
    mixedPdf: path.join(SCAN_DIR, 'plan-mixed.pdf'),
    pageImages: [path.join(SCAN_DIR, 'scan-1.png'), path.join(SCAN_DIR, 'scan-2.png')],
    encryptedPdf: path.join(SCAN_DIR, 'encrypted.pdf'),
    rotatedPdf: path.join(SCAN_DIR, 'plan-rotated.pdf'),
    scanned300JpegPdf: path.join(SCAN_DIR, 'plan-scanned-300-jpeg.pdf'),
    scannedLongPdf: path.join(SCAN_DIR, 'plan-scanned-10.pdf'),
  };
  const stamp = path.join(SCAN_DIR, 'VERSION');
  const all = [out.digitalPdf, out.scannedPdf, out.mixedPdf, out.encryptedPdf, out.rotatedPdf, out.scanned300JpegPdf, out.scannedLongPdf, ...out.pageImages];
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === FIXTURE_VERSION && all.every((f) => existsSync(f))) return out;

  if (!existsSync(FONT)) throw new Error(`scan fixtures need ${FONT} (apt-get install fonts-dejavu-core)`);
  const digital = await renderDigital();
  writeFileSync(out.digitalPdf, digital);
  execFileSync('pdftoppm', ['-r', '200', '-png', out.digitalPdf, path.join(SCAN_DIR, 'raw')]);
  for (let i = 0; i < 2; i++) {
    const raw = path.join(SCAN_DIR, `raw-${i + 1}.png`);
    // Opposite small tilts per page, like sheets fed by hand.
    writeFileSync(out.pageImages[i]!, await degrade(readFileSync(raw), i === 0 ? 1.2 : -1.6, 1000 + i));
  }
  const scanned = await PDFDocument.create();
  for (const img of out.pageImages) await addImagePage(scanned, readFileSync(img));
  writeFileSync(out.scannedPdf, await scanned.save());
  // Ten pages (the two scans five times over): throughput once the OCR pool is saturated.
  const long = await PDFDocument.create();
  for (let k = 0; k < 5; k++) for (const p of await long.copyPages(scanned, [0, 1])) long.addPage(p);
  writeFileSync(out.scannedLongPdf, await long.save());

  // The same pages scanned at 300 dpi and stored as JPEG, as most office scanners do: the
  // reader takes the JPEG stream out as is and does not upscale.
  execFileSync('pdftoppm', ['-r', '300', '-png', out.digitalPdf, path.join(SCAN_DIR, 'raw300')]);
  const jpeg = await PDFDocument.create();
  for (let i = 0; i < 2; i++) {
    const raw = path.join(SCAN_DIR, `raw300-${i + 1}.png`);
    const degraded = await degrade(readFileSync(raw), i === 0 ? -0.9 : 2.1, 2000 + i);
    const img = await jpeg.embedJpg(await sharp(degraded).jpeg({ quality: 80 }).toBuffer());
    jpeg.addPage([595, 842]).drawImage(img, { x: 0, y: 0, width: 595, height: 842 });
  }
  writeFileSync(out.scanned300JpegPdf, await jpeg.save());

  const mixed = await PDFDocument.create();
  const src = await PDFDocument.load(digital);
  const [first] = await mixed.copyPages(src, [0]);
  mixed.addPage(first!);
  await addImagePage(mixed, readFileSync(out.pageImages[1]!));
  writeFileSync(out.mixedPdf, await mixed.save());

  writeFileSync(out.encryptedPdf, await renderEncrypted(digital));

  // Landscape-stored scan: the image is turned a quarter left and the page's /Rotate turns it back.
  const rotated = await PDFDocument.create();
  const sideways = await rotated.embedPng(await sharp(readFileSync(out.pageImages[0]!)).rotate(-90).png().toBuffer());
  const rp = rotated.addPage([842, 595]);
  rp.drawImage(sideways, { x: 0, y: 0, width: 842, height: 595 });
  rp.setRotation(degrees(90));
  writeFileSync(out.rotatedPdf, await rotated.save());
  writeFileSync(stamp, FIXTURE_VERSION);
  return out;
}

async function renderDigital(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  doc.setTitle('Kế hoạch triển khai nhiệm vụ chuyển đổi số năm 2023');
  const font = await doc.embedFont(readFileSync(FONT), { subset: true });
  const bold = await doc.embedFont(readFileSync(FONT_BOLD), { subset: true });
  const size = 11;

  // Page 1: header block (two columns, like every Vietnamese administrative document) and prose.
  const p1 = doc.addPage([595, 842]);
  const header = { province: 'TỈNH YÊN BÁI', number: 'Số: 27/KH-UBND', placeDate: 'Yên Bái, ngày 10 tháng 3 năm 2023' };
  drawProse(p1, { font, bold }, PROSE, drawHeaderBlock(p1, { font, bold }, header));
  drawFooter(p1, font, 1);

  // Page 2: appendix title and the ruled task table with multi-line cells.
  const p2 = doc.addPage([595, 842]);
  let y = 780;
  for (const t of ['PHỤ LỤC', 'DANH MỤC NHIỆM VỤ TRỌNG TÂM NĂM 2023']) {
    const w = bold.widthOfTextAtSize(t, size);
    p2.drawText(t, { x: (595 - w) / 2, y, size, font: bold });
    y -= 18;
  }
  y -= 10;
  const widths = [32, 170, 95, 110, 78];
  const cellSize = 10;
  const lead = cellSize * 1.35;
  const pad = 5;
  const x0 = 55;
  const rows = [TABLE_HEADER, ...TABLE_ROWS];
  const tableTop = y;
  const rules = [y];
  for (let r = 0; r < rows.length; r++) {
    const f = r === 0 ? bold : font;
    const cells = rows[r]!.map((c, i) => wrap(c, f, cellSize, widths[i]! - 2 * pad));
    const height = Math.max(...cells.map((c) => c.length)) * lead + 2 * pad;
    let x = x0;
    cells.forEach((lines, i) => {
      lines.forEach((text, k) => {
        const w = f.widthOfTextAtSize(text, cellSize);
        // STT and header cells centred, others left-aligned, as Word tables usually are.
        const cx = i === 0 || r === 0 ? x + (widths[i]! - w) / 2 : x + pad;
        p2.drawText(text, { x: cx, y: y - pad - cellSize - k * lead + 2, size: cellSize, font: f });
      });
      x += widths[i]!;
    });
    y -= height;
    rules.push(y);
  }
  const tableWidth = widths.reduce((a, b) => a + b, 0);
  for (const ry of rules) p2.drawLine({ start: { x: x0, y: ry }, end: { x: x0 + tableWidth, y: ry }, thickness: 0.8, color: rgb(0, 0, 0) });
  let vx = x0;
  for (const w of [0, ...widths]) {
    vx += w;
    p2.drawLine({ start: { x: vx, y: tableTop }, end: { x: vx, y }, thickness: 0.8, color: rgb(0, 0, 0) });
  }
  drawFooter(p2, font, 2);
  return doc.save();
}

function drawFooter(page: PDFPage, font: PDFFont, n: number): void {
  page.drawText(String(n), { x: 292, y: 30, size: 10, font });
}

/** Tilt, speckle and slightly blur a rendered page, deterministically. */
async function degrade(png: Buffer, angle: number, seed: number): Promise<Buffer> {
  const { data, info } = await sharp(png)
    .greyscale()
    .rotate(angle, { background: { r: 255, g: 255, b: 255 } })
    .raw()
    .toBuffer({ resolveWithObject: true });
  let s = seed;
  const rand = (): number => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
  for (let i = 0; i < data.length; i++) {
    const r = rand();
    if (r < 0.0015) data[i] = 40; // dust
    else data[i] = Math.max(0, Math.min(255, data[i]! + Math.round((rand() - 0.5) * 40)));
  }
  return sharp(data, { raw: { width: info.width, height: info.height, channels: 1 } })
    .blur(0.6)
    .png()
    .toBuffer();
}

async function addImagePage(doc: PDFDocument, png: Buffer): Promise<void> {
  const img = await doc.embedPng(png);
  const page = doc.addPage([595, 842]);
  page.drawImage(img, { x: 0, y: 0, width: 595, height: 842 });
}

/** pdf-lib cannot encrypt, but a Standard security handler entry whose user-password check fails
 * with the empty password makes any reader ask for a password — which is all the test needs. */
async function renderEncrypted(digital: Uint8Array): Promise<Uint8Array> {
  const doc = await PDFDocument.load(digital);
  const ctx = doc.context;
  const bytes32 = (fill: number): PDFHexString => PDFHexString.of(fill.toString(16).padStart(2, '0').repeat(32));
  const encrypt = ctx.obj({
    Filter: PDFName.of('Standard'),
    V: PDFNumber.of(1),
    R: PDFNumber.of(2),
    O: bytes32(0x5a),
    U: bytes32(0xa5),
    P: PDFNumber.of(-44),
  });
  ctx.trailerInfo.Encrypt = ctx.register(encrypt);
  ctx.trailerInfo.ID = ctx.obj([bytes32(0x11), bytes32(0x11)]);
  return doc.save({ useObjectStreams: false });
}
