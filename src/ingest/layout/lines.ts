/**
 * Words → visual lines → segments. A line is the set of words whose vertical centres fall in one
 * band; a segment is a run of words on a line separated from the next by a gap wider than normal
 * word spacing (a table column gap, or the gap in a two-column header block).
 */
import { joinWords, median, type Segment, type VisualLine, type WordBox } from './words.js';

export interface LineMetrics {
  /** Median word height: the text size in page units. */
  wordHeight: number;
  /** Median width of one character. */
  charWidth: number;
  /** Gaps wider than this split a line into segments. */
  segmentGap: number;
}

export function lineMetrics(words: readonly WordBox[]): LineMetrics {
  const wordHeight = median(words.map((w) => w.y1 - w.y0)) || 1;
  const perChar = words.filter((w) => w.text.length >= 2).map((w) => (w.x1 - w.x0) / [...w.text].length);
  const charWidth = median(perChar) || wordHeight * 0.5;
  // Word spaces are ~0.5 char; column gaps in Word/LibreOffice tables are at least two cell paddings.
  const segmentGap = Math.max(1.3 * charWidth, 0.55 * wordHeight);
  return { wordHeight, charWidth, segmentGap };
}

export function groupLines(words: readonly WordBox[], metrics: LineMetrics): VisualLine[] {
  const sorted = words
    .filter((w) => w.text.trim() !== '')
    .map((w) => ({ w, yc: (w.y0 + w.y1) / 2 }))
    .sort((a, b) => a.yc - b.yc);
  const bands: Array<{ words: WordBox[]; yc: number; sum: number }> = [];
  const tol = metrics.wordHeight * 0.5;
  for (const { w, yc } of sorted) {
    // Look back a few bands: a tall word (stacked diacritics) may sort after the next line's start.
    let target: (typeof bands)[number] | undefined;
    for (let i = bands.length - 1; i >= Math.max(0, bands.length - 3); i--) {
      if (Math.abs(bands[i]!.yc - yc) <= tol) {
        target = bands[i];
        break;
      }
    }
    if (target) {
      target.words.push(w);
      target.sum += yc;
      target.yc = target.sum / target.words.length;
    } else bands.push({ words: [w], yc, sum: yc });
  }
  return bands
    .sort((a, b) => a.yc - b.yc)
    .map((b) => {
      const ws = b.words.sort((a, c) => a.x0 - c.x0);
      return {
        words: ws,
        y0: Math.min(...ws.map((w) => w.y0)),
        y1: Math.max(...ws.map((w) => w.y1)),
        yc: b.yc,
        segments: splitSegments(ws, metrics.segmentGap),
      };
    });
}

export function splitSegments(words: readonly WordBox[], gap: number): Segment[] {
  const out: Segment[] = [];
  let cur: WordBox[] = [];
  for (const w of words) {
    const prev = cur[cur.length - 1];
    if (prev && w.x0 - prev.x1 > gap) {
      out.push(toSegment(cur));
      cur = [];
    }
    cur.push(w);
  }
  if (cur.length) out.push(toSegment(cur));
  return out;
}

export function toSegment(words: WordBox[]): Segment {
  return {
    words,
    x0: Math.min(...words.map((w) => w.x0)),
    x1: Math.max(...words.map((w) => w.x1)),
    text: joinWords(words),
  };
}
