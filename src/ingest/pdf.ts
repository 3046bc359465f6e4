/**
 * PDF reader. Text layer first (unpdf/pdf.js items with positions → the shared word-box layout,
 * which rebuilds lines and tables); pages whose text layer is absent or garbage (scans, a lone
 * "Ký bởi" signature stamp, mojibake from legacy TCVN3/VNI fonts) go through OCR. When OCR is
 * not available the file fails with INGEST_NEEDS_OCR, or — if only some pages need it — keeps
 * the readable pages and says which pages were skipped in `warnings`.
 */
import { getDocumentProxy } from 'unpdf';
import type { ReadResult } from '../domain/document.js';
import { layoutPages } from './layout/index.js';
import type { PageWords, WordBox } from './layout/words.js';
import { getOcrEngine, OcrDeadlineError, type OcrEngine, type OcrEngineOptions } from './ocr/engine.js';
import { resolveLimits } from './limits.js';
import { IngestError, type Reader, type ReaderOptions } from './reader.js';

/** Reader options as the PDF and image readers understand them (`ocr` may carry engine settings). */
export interface OcrReaderOptions extends ReaderOptions {
  ocr?: OcrEngineOptions;
  /** A ready engine to use instead of the shared one for `ocr` (benchmarks reuse one probed engine). */
  ocrEngine?: OcrEngine;
}

interface TextItemLike {
  str: string;
  transform: number[];
  width: number;
  height: number;
}

export const readPdf: Reader = async (file, bytes, options: OcrReaderOptions) => {
  const log = options.logger;
  let doc: Awaited<ReturnType<typeof getDocumentProxy>>;
  try {
    doc = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0, isEvalSupported: false } as never);
  } catch (err) {
    const name = (err as { name?: string })?.name ?? '';
    if (name === 'PasswordException') throw new IngestError('INGEST_ENCRYPTED', 'the PDF is password-protected', { cause: err });
    throw new IngestError('INGEST_UNREADABLE', `not a readable PDF: ${(err as Error)?.message ?? String(err)}`, { cause: err });
  }
  try {
    const pageCount = doc.numPages;
    const limits = resolveLimits(options.limits);
    if (pageCount > limits.maxPages) throw new IngestError('INGEST_TOO_LARGE', `${pageCount} pages; the limit per PDF is ${limits.maxPages}`);
    const pages = new Map<number, PageWords>();
    const needOcr: number[] = [];
    const rotated = new Set<number>();
    for (let n = 1; n <= pageCount; n++) {
      const page = await doc.getPage(n);
      const viewport = page.getViewport({ scale: 1 });
      const content = await page.getTextContent();
      const words = itemsToWords(content.items as TextItemLike[], viewport.transform as number[]);
      if (textLayerUsable(words.map((w) => w.text).join(' '))) pages.set(n, { page: n, width: viewport.width, height: viewport.height, words });
      else {
        needOcr.push(n);
        if (page.rotate % 360 !== 0) rotated.add(n);
      }
      options.onProgress?.({ file, page: n, pages: pageCount, stage: 'text' });
      page.cleanup();
    }

    const warnings: string[] = [];
    const ocrPages: number[] = [];
    if (needOcr.length) {
      const engine = options.ocrEngine ?? getOcrEngine({ ...options.ocr, ...(log ? { logger: log } : {}) });
      const avail = await engine.available();
      if (!avail.available) {
        const detail = `cần OCR: ${needOcr.length}/${pageCount} trang không có lớp chữ (${avail.reason ?? 'OCR không khả dụng'})`;
        if (pages.size === 0) throw new IngestError('INGEST_NEEDS_OCR', detail);
        warnings.push(`trang ${needOcr.join(', ')} ${detail}`);
        log?.warn({ file, pages: needOcr, reason: avail.reason }, 'pdf pages need OCR but OCR is unavailable');
      } else {
        // Bounded before any OCR starts: 2,000 blank pages would hold the reindex for ~17 minutes.
        if (needOcr.length > limits.maxOcrPages) {
          throw new IngestError('INGEST_TOO_LARGE', `cần OCR ${needOcr.length}/${pageCount} trang, vượt giới hạn ${limits.maxOcrPages} trang OCR mỗi tệp`);
        }
        const deadline = Date.now() + limits.maxOcrSeconds * 1000;
        let done = 0;
        const results = await engine.ocrPdfPages(
          bytes,
          needOcr,
          () => options.onProgress?.({ file, page: ++done, pages: needOcr.length, stage: 'ocr' }),
          rotated,
          deadline,
        );
        const late = needOcr.filter((n) => results.get(n) instanceof OcrDeadlineError);
        if (late.length > 0) {
          throw new IngestError('INGEST_TOO_LARGE', `OCR quá giới hạn ${limits.maxOcrSeconds} giây mỗi tệp; ${late.length}/${needOcr.length} trang chưa đọc`);
        }
        for (const n of needOcr) {
          const r = results.get(n);
          if (r instanceof Error || !r) {
            warnings.push(`trang ${n}: OCR thất bại (${r?.message ?? 'không rõ lỗi'})`);
            log?.warn({ file, page: n, err: r }, 'ocr page failed');
          } else {
            pages.set(n, r);
            ocrPages.push(n);
          }
        }
        if (pages.size === 0) throw new IngestError('INGEST_NEEDS_OCR', `cần OCR: OCR thất bại trên mọi trang (${warnings.join('; ')})`);
      }
    }

    const layout = layoutPages([...pages.values()].sort((a, b) => a.page - b.page));
    const title = await pdfTitle(doc);
    const result: ReadResult = {
      format: 'pdf',
      blocks: layout.blocks,
      lines: layout.lines,
      pageCount,
      ocrPages: ocrPages.sort((a, b) => a - b),
      warnings: [...warnings, ...layout.warnings],
      ...(title ? { metaHints: { title } } : {}),
    };
    return result;
  } finally {
    await doc.destroy();
  }
};

async function pdfTitle(doc: Awaited<ReturnType<typeof getDocumentProxy>>): Promise<string | undefined> {
  try {
    const meta = await doc.getMetadata();
    const t = (meta.info as { Title?: unknown } | undefined)?.Title;
    return typeof t === 'string' && t.trim().length > 3 ? t.trim().normalize('NFC') : undefined;
  } catch {
    return undefined;
  }
}

function multiply(m: readonly number[], n: readonly number[]): number[] {
  return [
    m[0]! * n[0]! + m[2]! * n[1]!,
    m[1]! * n[0]! + m[3]! * n[1]!,
    m[0]! * n[2]! + m[2]! * n[3]!,
    m[1]! * n[2]! + m[3]! * n[3]!,
    m[0]! * n[4]! + m[2]! * n[5]! + m[4]!,
    m[1]! * n[4]! + m[3]! * n[5]! + m[5]!,
  ];
}

/**
 * pdf.js text items → word boxes in top-down viewport coordinates. An item is one show-text run;
 * its phrases (split at runs of spaces) get x positions in proportion to their character offsets (good enough to find the
 * wide gaps between table columns, which is all the layout needs).
 */
export function itemsToWords(items: readonly TextItemLike[], viewport: readonly number[]): WordBox[] {
  const words: WordBox[] = [];
  for (const item of items) {
    if (typeof item.str !== 'string' || !item.str.trim()) continue;
    const m = multiply(viewport, item.transform);
    // Skip rotated text (margin stamps): the layout reads horizontal lines only.
    if (Math.abs(m[1]!) > Math.abs(m[0]!) * 0.2) continue;
    const size = Math.hypot(m[2]!, m[3]!) || item.height || 10;
    const x = m[4]!;
    const baseline = m[5]!;
    const width = item.width * Math.abs(viewport[0]! || 1);
    const chars = [...item.str];
    const per = chars.length ? width / chars.length : 0;
    // Single spaces stay inside one box: within an item they are word spaces, whatever their
    // width (bold capitals, justified text); runs of spaces are how some generators pad cells.
    const re = /\S+(?: \S+)*/gu;
    let match: RegExpExecArray | null;
    const text = item.str;
    while ((match = re.exec(text))) {
      const start = [...text.slice(0, match.index)].length;
      const len = [...match[0]].length;
      words.push({
        text: match[0].normalize('NFC'),
        x0: x + start * per,
        x1: x + (start + len) * per,
        y0: baseline - size * 0.8,
        y1: baseline + size * 0.2,
      });
    }
  }
  return words;
}

const VIET_LETTER = /[a-zA-ZàáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴĐ]/u;

/**
 * Is a page's text layer worth reading? No: too little text once a digital-signature stamp
 * ("Ký bởi: … Thời gian ký: …") is set aside; mostly non-letters; or letters outside the
 * Vietnamese alphabet and Latin-1 symbols (TCVN3/VNI mojibake, fonts without a ToUnicode map).
 */
export function textLayerUsable(text: string): boolean {
  const body = text
    .normalize('NFC')
    .replace(/Ký bởi:?[\s\S]{0,300}?(Thời gian ký:?\s*[\d/:.\s+-]*(?:\d{2}:\d{2}(?::\d{2})?)?(?:\s*[+-]\d{2}:?\d{2})?)/giu, ' ')
    .replace(/\s+/g, '');
  const chars = [...body];
  if (chars.length < 40) return false;
  const letters = chars.filter((c) => /\p{L}/u.test(c));
  if (letters.length / chars.length < 0.5) return false;
  const viet = letters.filter((c) => VIET_LETTER.test(c)).length;
  const odd = chars.filter((c) => /[\u0080-\u00bf\ufffd\ue000-\uf8ff\u0000-\u001f]/u.test(c)).length;
  return viet / letters.length >= 0.9 && odd / chars.length < 0.03;
}
