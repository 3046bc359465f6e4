/** Tesseract `tsv` output → word boxes (level 5 rows), confidence scaled to 0..1. */
import type { WordBox } from '../layout/words.js';

export function parseTesseractTsv(tsv: string): WordBox[] {
  const words: WordBox[] = [];
  for (const row of tsv.split('\n')) {
    const f = row.split('\t');
    // level page block par line word left top width height conf text
    if (f.length < 12 || f[0] !== '5') continue;
    const text = f.slice(11).join('\t').trim();
    const conf = Number(f[10]);
    if (!text || !Number.isFinite(conf) || conf < 0) continue;
    const left = Number(f[6]);
    const top = Number(f[7]);
    const width = Number(f[8]);
    const height = Number(f[9]);
    words.push({
      text: text.normalize('NFC'),
      x0: left,
      y0: top,
      x1: left + width,
      y1: top + height,
      conf: Math.round(conf * 10) / 1000,
      lineKey: `${f[2]}.${f[3]}.${f[4]}`,
    });
  }
  return words;
}
