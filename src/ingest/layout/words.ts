/**
 * Positioned words: the common input of page layout, whether they come from a PDF text layer or
 * from tesseract's word boxes. Coordinates are top-down (y grows downwards) in page units (PDF
 * points or image pixels); only ratios matter to the layout code.
 */

export interface WordBox {
  text: string;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  /** OCR word confidence 0..1; absent for digital text. */
  conf?: number;
  /** Tesseract's own line key (block/paragraph/line) — a hint for skew estimation only. */
  lineKey?: string;
}

export interface PageWords {
  /** 1-based page number. */
  page: number;
  width: number;
  height: number;
  words: WordBox[];
  /** Horizontal ruling lines (y, x0, x1) found on the page, if any. */
  hRules?: Array<{ y: number; x0: number; x1: number }>;
}

/** A run of words on one visual line with no wide gap inside: a cell fragment or a prose line. */
export interface Segment {
  words: WordBox[];
  x0: number;
  x1: number;
  text: string;
}

export interface VisualLine {
  words: WordBox[];
  y0: number;
  y1: number;
  /** Vertical centre, used for pitch (row break) analysis. */
  yc: number;
  segments: Segment[];
}

export function joinWords(words: readonly WordBox[]): string {
  return words
    .map((w) => w.text)
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export function meanConf(words: readonly WordBox[]): number | undefined {
  const c = words.filter((w) => w.conf !== undefined);
  if (c.length === 0) return undefined;
  return Math.round((c.reduce((s, w) => s + w.conf!, 0) / c.length) * 1000) / 1000;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
