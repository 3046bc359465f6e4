/**
 * Shared preconditions for the OCR tests: is tesseract (with Vietnamese) here, and the scan
 * fixtures. Under CI a missing engine is a failure with a clear message; locally the OCR tests
 * skip with the same message.
 */
import { ocrAvailable, type OcrAvailability } from '../../src/ingest/ocr/engine.js';
import { ensureScanFixtures, pdftoppmAvailable, type ScanFixtures } from '../helpers/scan.js';

export const MISSING_MESSAGE =
  'OCR tests need tesseract with Vietnamese data and poppler: apt-get install -y tesseract-ocr tesseract-ocr-vie poppler-utils fonts-dejavu-core';

export interface OcrSetup {
  ok: boolean;
  availability: OcrAvailability;
  fixtures?: ScanFixtures;
}

export async function ocrSetup(): Promise<OcrSetup> {
  const availability = await ocrAvailable();
  const ok = availability.available && pdftoppmAvailable();
  if (!ok && process.env.CI === 'true') throw new Error(`${MISSING_MESSAGE} (${availability.reason ?? 'pdftoppm missing'})`);
  if (!ok) {
    process.stderr.write(`[ocr tests] skipped: ${MISSING_MESSAGE} (${availability.reason ?? 'pdftoppm missing'})\n`);
    return { ok, availability };
  }
  return { ok, availability, fixtures: await ensureScanFixtures() };
}
