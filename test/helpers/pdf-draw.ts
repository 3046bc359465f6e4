/**
 * Drawing pieces shared by the generated PDF fixtures (test/helpers/scan.ts, unseen.ts): the
 * DejaVu fonts (Debian fonts-dejavu-core, full Vietnamese coverage), word wrapping, the two-column
 * header block every Vietnamese administrative document opens with, and prose lines.
 */
import type { PDFFont, PDFPage } from 'pdf-lib';

export const FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';
export const FONT_BOLD = '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf';

export interface Fonts {
  font: PDFFont;
  bold: PDFFont;
}

export interface ProseLine {
  text: string;
  bold?: boolean;
  center?: boolean;
  /** Indent steps of 20 pt. */
  indent?: number;
}

/** Greedy word wrap to `width` points. */
export function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const out: string[] = [];
  let cur = '';
  for (const word of text.split(' ')) {
    const next = cur ? `${cur} ${word}` : word;
    if (font.widthOfTextAtSize(next, size) > width && cur) {
      out.push(cur);
      cur = word;
    } else cur = next;
  }
  if (cur) out.push(cur);
  return out;
}

/**
 * "ỦY BAN NHÂN DÂN / TỈNH X / Số: …" on the left, the national motto and "Place, ngày …" on the
 * right, from y = 790 on an A4 page with a 60 pt margin. Returns the y where the body starts.
 */
export function drawHeaderBlock(page: PDFPage, { font, bold }: Fonts, header: { province: string; number: string; placeDate: string }): number {
  const left = 60;
  let y = 790;
  page.drawText('ỦY BAN NHÂN DÂN', { x: left + 10, y, size: 10, font: bold });
  page.drawText('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', { x: 300, y, size: 10, font: bold });
  y -= 14;
  page.drawText(header.province, { x: left + 30, y, size: 10, font: bold });
  page.drawText('Độc lập - Tự do - Hạnh phúc', { x: 340, y, size: 10, font: bold });
  y -= 24;
  page.drawText(header.number, { x: left + 20, y, size: 10, font });
  page.drawText(header.placeDate, { x: 330, y, size: 10, font });
  return y - 36;
}

/** Prose lines at 11 pt between x 60 and 535 from `y` down; returns the y below the last line. */
export function drawProse(page: PDFPage, { font, bold }: Fonts, lines: readonly ProseLine[], y: number): number {
  const size = 11;
  const left = 60;
  const right = 535;
  for (const line of lines) {
    const f = line.bold ? bold : font;
    for (const wrapped of wrap(line.text, f, size, right - left - (line.indent ?? 0) * 20)) {
      const w = f.widthOfTextAtSize(wrapped, size);
      const x = line.center ? (595 - w) / 2 : left + (line.indent ?? 0) * 20;
      page.drawText(wrapped, { x, y, size, font: f });
      y -= size * 1.6;
    }
    y -= 4;
  }
  return y;
}
