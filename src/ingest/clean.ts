/**
 * Line-level cleaning shared by the text and HTML readers.
 *
 * Web exports of legal documents wrap the body in junk: numbered link lists ("- 1Luật Đầu tư công
 * 2019") before the header and after the end, and a trailing metadata block ("- Số hiệu: …"). The
 * junk is dropped from the blocks (so it is never indexed or cited) but the text rendering keeps
 * every original line, so line numbers stay those of the file. The metadata block's values are kept
 * as document metadata.
 */
import { cleanText } from '../text/normalize.js';

/** "[bookmark: dieu_1_1]" anchors left by Word-to-text converters. */
const BOOKMARK_RE = /\[bookmark:[^\]]*\]/gi;
/** Unicode superscript digits glued after a word or closing punctuation are footnote markers. */
const SUPERSCRIPT_MARKER_RE = /(?<=[\p{L}\p{N})”"’.,;:])[\u00b9\u00b2\u00b3\u2070\u2074-\u2079]+/gu;
/**
 * A year followed by one or two glued digits right after "năm" and before punctuation is a
 * flattened footnote marker ("năm 20193." = "năm 2019" + note 3). Only this narrow shape is
 * repaired: a bare "20120" elsewhere may be a typo, not a marker.
 */
const GLUED_YEAR_FOOTNOTE_RE = /(\bnăm\s+(?:19|20)\d\d)\d{1,2}(?=[.,;:)](?:\s|$))/giu;

/**
 * Escaped line breaks left as text by some web exports ("dưỡng\r\nthể thấp còi"): a space, so the words
 * they separate are searchable and quotable. The text rendering keeps the line as found.
 */
const LITERAL_BREAK_RE = /(?:\\r)?\\n|\\r/g;

/** A footnote number glued to a percentage before punctuation: "dưới 24%1;" = "dưới 24%" + note 1. */
const GLUED_PERCENT_FOOTNOTE_RE = /(\d%)\d{1,2}(?=[.,;:)](?:\s|$)|\s|$)/gu;

/** cleanText (NFC, look-alike repair) plus removal of converter junk inside the line. */
export function cleanLine(raw: string): string {
  const unescaped = /\\[rn]/.test(raw) ? raw.replace(/^(?:\s*(?:(?:\\r)?\\n|\\r))+\s*/, '').replace(LITERAL_BREAK_RE, ' ') : raw;
  return cleanText(unescaped.replace(/\u00d0/g, 'Đ'))
    .replace(GLUED_PERCENT_FOOTNOTE_RE, '$1')
    .replace(BOOKMARK_RE, '')
    .replace(SUPERSCRIPT_MARKER_RE, '')
    .replace(GLUED_YEAR_FOOTNOTE_RE, '$1')
    .replace(/\s+$/u, '');
}

/** A line of a web export's related-documents list: "- 12Quyết định 2972/QĐ-UBND năm 2021 …". */
export function isLinkListLine(text: string): boolean {
  return /^\s*-\s?\d{1,3}(?=\p{Lu})\p{L}/u.test(text);
}

/** Keys of the trailing web metadata block, as written on the sites that export them. */
const WEB_META_RE =
  /^\s*-\s*(Số hiệu|Loại văn bản|Ngày ban hành|Nơi ban hành|Người ký|Ngày công báo|Số công báo|Ngày hiệu lực|Ngày hết hiệu lực|Tình trạng hiệu lực|Tình trạng|Lĩnh vực|Cơ quan ban hành|Ngày có hiệu lực)\s*:\s*(.*)$/u;

export function parseWebMetaLine(text: string): { key: string; value: string } | undefined {
  const m = WEB_META_RE.exec(text);
  if (!m) return undefined;
  return { key: m[1]!, value: m[2]!.trim() };
}

export interface JunkScan {
  /** 0-based indexes of lines to drop from the blocks. */
  junk: Set<number>;
  /** Values of the web metadata block, keyed as written ("Số hiệu", "Người ký", …). */
  webMeta: Record<string, string>;
  /** The web page's own title line just above the metadata block, when present. */
  webTitle?: string;
}

/**
 * Find web-export junk outside the body: leading and trailing link lists, the trailing metadata
 * block and the page title line right above it. Lines inside the body are never touched, even if
 * they look like list items.
 */
export function scanJunk(lines: readonly string[]): JunkScan {
  const junk = new Set<number>();
  const webMeta: Record<string, string> = {};
  let webTitle: string | undefined;
  const blank = (i: number) => (lines[i] ?? '').trim() === '';

  // Leading link list (blank lines in between are tolerated).
  let i = 0;
  let sawLink = false;
  while (i < lines.length && (blank(i) || isLinkListLine(lines[i]!))) {
    if (!blank(i)) sawLink = true;
    i++;
  }
  if (sawLink) for (let k = 0; k < i; k++) if (!blank(k)) junk.add(k);

  // Trailing: metadata block, then title line, then link lists, scanning upward.
  let j = lines.length - 1;
  while (j >= 0 && blank(j)) j--;
  let sawMeta = false;
  while (j >= 0 && (blank(j) || parseWebMetaLine(lines[j]!))) {
    const kv = blank(j) ? undefined : parseWebMetaLine(lines[j]!);
    if (kv) {
      sawMeta = true;
      webMeta[kv.key] = kv.value;
      junk.add(j);
    }
    j--;
  }
  if (sawMeta && j >= 0 && !isLinkListLine(lines[j]!) && lines[j]!.trim().length < 300) {
    // A one-line page title ("Kế hoạch 292/KH-UBND năm 2022 về …") sits between the body's
    // trailing link list and the metadata block; only treat it as junk when a link list precedes it.
    let k = j - 1;
    while (k >= 0 && blank(k)) k--;
    if (k >= 0 && isLinkListLine(lines[k]!)) {
      webTitle = lines[j]!.trim();
      junk.add(j);
      j = k;
    }
  }
  while (j >= 0 && (blank(j) || isLinkListLine(lines[j]!))) {
    if (!blank(j)) junk.add(j);
    j--;
  }
  return { junk, webMeta, ...(webTitle ? { webTitle } : {}) };
}
