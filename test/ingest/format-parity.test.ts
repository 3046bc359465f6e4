/**
 * The same plan in every container a province has: the generated Quảng Ninh Kế hoạch 187 as .docx
 * (test/helpers/unseen.ts), and made from it with LibreOffice as .odt, .doc (written from the .odt)
 * and a text-layer PDF, plus a scan of that PDF (200 dpi, tilted, blurred, no text layer). Each is
 * indexed alone and asked the same questions; every format must answer within 5 points of the .docx.
 * Skips without soffice (fails under CI=true); the scan needs tesseract + pdftoppm.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DocumentAssistant } from '../../src/answer/index.js';
import { EvalQuestion, judge } from '../../src/eval/score.js';
import { convertWithSoffice, sofficeAvailable } from '../../src/ingest/office.js';
import { ocrAvailable } from '../../src/ingest/ocr/engine.js';
import { createLogger } from '../../src/logging.js';
import { runReindex } from '../../src/reindex/pipeline.js';
import { pdftoppmAvailable } from '../helpers/scan.js';
import { ensureSecondPlanDocx, ensureUnseenFixtures } from '../helpers/unseen.js';

const QUESTIONS: EvalQuestion[] = [
  ['Ai chủ trì rà soát, điều chỉnh quy hoạch mạng lưới chợ ở Quảng Ninh?', 'Sở Công Thương'],
  ['Rà soát quy hoạch mạng lưới chợ, trung tâm thương mại phải xong khi nào?', 'Quý III/2024'],
  ['Ai chủ trì xây dựng Trung tâm logistics cửa khẩu Móng Cái?', 'Ban Quản lý Khu kinh tế'],
  ['Cơ quan nào phối hợp xây dựng Trung tâm logistics cửa khẩu Móng Cái?', 'Bộ đội Biên phòng'],
  ['Ai chủ trì tuyên truyền về phát triển thương mại điện tử và dịch vụ logistics?', 'Đài Phát thanh và Truyền hình'],
  ['Bảo đảm an ninh, trật tự tại các khu kinh tế, cửa khẩu do ai chủ trì?', 'Công an tỉnh'],
  ['Sở Công Thương báo cáo UBND tỉnh kết quả thực hiện Kế hoạch 187 trước ngày nào?', '15/12'],
  ['UBND các huyện phải hoàn thành kế hoạch triển khai trước ngày nào?', '15/10/2024'],
  ['Đầu tư xây dựng chợ biên giới Hoành Mô hoàn thành khi nào?', 'Quý IV/2024'],
  ['Cơ quan nào phối hợp đầu tư xây dựng chợ biên giới Hoành Mô?', 'UBND huyện Bình Liêu'],
  ['Xây dựng cơ sở dữ liệu doanh nghiệp kinh doanh dịch vụ logistics do ai chủ trì?', 'Sở Thông tin và Truyền thông'],
  ['Phát triển mạng lưới cửa hàng tiện lợi ở khu vực nông thôn hoàn thành khi nào?', '6 tháng đầu năm 2025'],
  ['Kế hoạch 187 của Quảng Ninh ban hành ngày nào?', '12/6/2024'],
  ['Sở Tài chính có nhiệm vụ gì trong Kế hoạch 187?', 'bố trí kinh phí'],
].map(([q, must], i) => ({ id: `fp${i + 1}`, q: q!, type: 'fact', must: [must!] }));

/** The second plan's questions, written before it was first indexed (test/fixtures/ingest). */
const SECOND: EvalQuestion[] = (
  JSON.parse(readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/ingest/binhthuan-kh1245-questions.json'), 'utf8')) as {
    questions: Array<{ q: string; must: string }>;
  }
).questions.map(({ q, must }, i) => ({ id: `bt${i + 1}`, q, type: 'fact', must: [must] }));

interface Plan {
  name: string;
  docx: () => Promise<string>;
  questions: EvalQuestion[];
  today: string;
}
const PLANS: Plan[] = [
  { name: 'quangninh-kh187', docx: async () => (await ensureUnseenFixtures()).docx, questions: QUESTIONS, today: '2024-07-01' },
  { name: 'binhthuan-kh1245', docx: ensureSecondPlanDocx, questions: SECOND, today: '2024-09-01' },
];

const hasSoffice = await sofficeAvailable();
const mustHave = process.env['CI'] === 'true';
const canScan = pdftoppmAvailable() && (await ocrAvailable()).available;
if (!hasSoffice && !mustHave) process.stderr.write('[format parity] skipped: LibreOffice (soffice) is not installed\n');
else if (!canScan) process.stderr.write('[format parity] scan skipped: needs tesseract with Vietnamese data and pdftoppm\n');

/** A text-layer PDF as a scanner returns it: pages rasterised at 200 dpi, tilted, blurred, no text. */
async function scanOf(pdf: string, out: string): Promise<void> {
  const work = mkdtempSync(path.join(tmpdir(), 'parity-scan-'));
  try {
    execFileSync('pdftoppm', ['-r', '200', '-png', pdf, path.join(work, 'p')]);
    const doc = await PDFDocument.create();
    for (const [k, f] of readdirSync(work).filter((f) => f.endsWith('.png')).sort().entries()) {
      const png = await sharp(readFileSync(path.join(work, f)))
        .greyscale()
        .rotate(k % 2 ? -0.6 : 0.5, { background: { r: 255, g: 255, b: 255 } })
        .blur(0.5)
        .png()
        .toBuffer();
      const img = await doc.embedPng(png);
      doc.addPage([595, 842]).drawImage(img, { x: 0, y: 0, width: 595, height: 842 });
    }
    writeFileSync(out, await doc.save());
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

describe.skipIf(!hasSoffice && !mustHave).each(PLANS)('the same plan ($name) as .docx, .odt, .doc, text PDF and scan', (plan) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'format-parity-'));
  const logger = createLogger({ level: 'silent' });
  const knowledgeDir = path.join(dir, 'no-knowledge');
  const noModels = path.join(dir, 'no-models');
  const scores: Record<string, number> = {};
  const missed: Record<string, string[]> = {};
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  beforeAll(async () => {
    mkdirSync(knowledgeDir, { recursive: true });
    const bytes = readFileSync(await plan.docx());
    const files: Record<string, string> = { docx: path.join(dir, `${plan.name}.docx`) };
    writeFileSync(files['docx']!, bytes);
    for (const ext of ['odt', 'pdf']) {
      files[ext] = path.join(dir, `${plan.name}.${ext}`);
      writeFileSync(files[ext]!, await convertWithSoffice(bytes, '.docx', ext));
    }
    // See office-formats.test.ts: the .doc is written from the .odt.
    files['doc'] = path.join(dir, `${plan.name}.doc`);
    writeFileSync(files['doc'], await convertWithSoffice(readFileSync(files['odt']!), '.odt', 'doc'));
    if (canScan) {
      files['scan'] = path.join(dir, `${plan.name}.scan.pdf`);
      await scanOf(files['pdf']!, files['scan']);
    }
    for (const [format, file] of Object.entries(files)) {
      const dataDir = path.join(dir, `index-${format}`);
      const report = await runReindex({ dataDir, knowledgeDir, paths: [file], modelDir: noModels, embeddingModel: 'none/none', logger });
      expect(report.errors, format).toEqual([]);
      const assistant = new DocumentAssistant({ dataDir, knowledgeDir, modelDir: noModels, embeddingModel: 'none/none', logger, autoIndex: false });
      await assistant.load();
      let right = 0;
      missed[format] = [];
      for (const q of plan.questions) {
        const answer = await assistant.answer(q.q, { taskIds: [], docIds: [], today: plan.today });
        if (judge(q, answer, null).correct) right++;
        else missed[format]!.push(q.id);
      }
      scores[format] = right / plan.questions.length;
    }
    process.stderr.write(
      `[format parity] ${plan.name}: ${Object.entries(scores).map(([f, s]) => `${f} ${(s * 100).toFixed(0)}%${missed[f]!.length ? ` (missed ${missed[f]!.join(', ')})` : ''}`).join(', ')} (${plan.questions.length} questions)\n`,
    );
  }, 900_000);

  it('answers most questions from the .docx', () => {
    expect(scores['docx']).toBeGreaterThanOrEqual(0.85);
  });

  // The text PDF and the scan of the Quảng Ninh plan once answered 11/14: LibreOffice draws its
  // appendix with group rows spanning the table, cells wrapped over several lines, a lead cell
  // merged over three rows and row gaps barely wider than line gaps; the layout reader now rebuilds
  // that table from word positions, and quarters OCR reads as "Quý JV" are repaired.
  it.each(['odt', 'doc', 'pdf', 'scan'])('.%s answers within 5 points of the .docx', (format) => {
    if (format === 'scan' && !canScan) return;
    expect(scores[format], `${format} missed ${missed[format]?.join(', ')}`).toBeGreaterThanOrEqual(scores['docx']! - 0.05);
  });
});
