/**
 * Page image reader (.png, .jpg, .jpeg, .tif, .tiff): one page per file (the first page of a
 * multi-page TIFF), read by OCR with the same layout as scanned PDF pages.
 */
import sharp from 'sharp';
import { layoutPages } from './layout/index.js';
import { getOcrEngine } from './ocr/engine.js';
import type { OcrReaderOptions } from './pdf.js';
import { IngestError, type Reader } from './reader.js';

export const readImage: Reader = async (file, bytes, options: OcrReaderOptions) => {
  try {
    const meta = await sharp(bytes).metadata();
    if (!meta.width || !meta.height) throw new Error('no image dimensions');
  } catch (err) {
    throw new IngestError('INGEST_UNREADABLE', `not a readable image: ${(err as Error)?.message ?? String(err)}`, { cause: err });
  }
  const engine = getOcrEngine({ ...options.ocr, ...(options.logger ? { logger: options.logger } : {}) });
  const avail = await engine.available();
  if (!avail.available) throw new IngestError('INGEST_NEEDS_OCR', `cần OCR: ảnh trang văn bản (${avail.reason ?? 'OCR không khả dụng'})`);
  let page;
  try {
    // The engine decodes with sharp (the first page of a multi-page TIFF) straight to the grey
    // pixels tesseract gets: no PNG re-encoding of the file first.
    page = await engine.ocrImage(bytes, 1);
  } catch (err) {
    throw new IngestError('INGEST_NEEDS_OCR', `cần OCR: OCR thất bại (${(err as Error)?.message ?? String(err)})`, { cause: err });
  } finally {
    options.onProgress?.({ file, page: 1, pages: 1, stage: 'ocr' });
  }
  const layout = layoutPages([page]);
  return { format: 'image', blocks: layout.blocks, lines: layout.lines, pageCount: 1, ocrPages: [1], warnings: layout.warnings };
};
