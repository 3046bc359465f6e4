/**
 * Document metadata from every signal a document carries: the administrative header (quốc hiệu / tiêu
 * ngữ block) in any layout — paragraphs, Word tables, PDF columns in either order, pipe rows, lone "|"
 * lines, cells split over lines — web-export metadata tables, the page title line, appendix headings
 * ("(Kèm theo Kế hoạch số 114 /KH-UBND ngày 25 /4/2022 của UBND tỉnh Thanh Hóa)"), the body's own
 * opening sentence ("Ngày 31/01/2024, UBND tỉnh X ban hành Kế hoạch …"), a closing "(Theo Công văn số …)",
 * container hints and the file name. Each signal is a candidate with a confidence (./metadata/signals.ts);
 * the best-supported value wins and its source is kept in `provenance`. A province is a known province
 * (knowledge/provinces.json) or nothing; a central body's document has none.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DocumentMeta, DocumentType, MetaProvenance, SourceBlock } from '../domain/document.js';
import { fold, squash } from '../text/normalize.js';
import { Provinces } from '../text/provinces.js';
import { centralIssuers } from './metadata/issuers.js';
import { SOURCE_CONFIDENCE, headerCells, pairedLines, repairLine, resolve, webMetaPairs, type Candidate, type MetaSource } from './metadata/signals.js';

export interface MetadataInput {
  /** Body lines in order (junk already removed), with their text rendering line numbers. */
  lines: ReadonlyArray<{ text: string; line: number }>;
  webMeta?: Record<string, string>;
  webTitle?: string;
  hints?: Partial<Pick<DocumentMeta, 'title' | 'number' | 'date' | 'issuer' | 'type'>>;
  /** All blocks in reading order, so a header laid out as a Word/pipe table is read too. */
  blocks?: ReadonlyArray<SourceBlock>;
  /** The file's base name: a weak last-resort signal ("langson-kh54-…" → Lạng Sơn). */
  fileName?: string;
}

let provinceTable: Provinces | undefined;
let provinceNames: string[] | undefined;
const letters = (s: string): string => fold(s).replace(/^(tinh|thanh pho)\s+/, '').replace(/[^a-z]/g, '');

/** One edit apart at most (OCR doubles or drops a letter: "ĐĂK LÃĂK" for "ĐẮK LẮK"). */
function withinOneEdit(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  let j = 0;
  let edits = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      i++;
      j++;
      continue;
    }
    if (++edits > 1) return false;
    if (a.length > b.length) i++;
    else if (b.length > a.length) j++;
    else {
      i++;
      j++;
    }
  }
  return edits + (a.length - i) + (b.length - j) <= 1;
}

/**
 * The canonical spelling of a province name, matched without diacritics, then (OCR'd headers)
 * within one letter of a single province; unknown names stay as written.
 */
function canonicalProvince(name: string | undefined): string | undefined {
  if (!name) return name;
  provinceTable ??= Provinces.load();
  const [found] = provinceTable.find(name);
  const key = letters(name);
  if (found && letters(found) === key) return found;
  if (key.length < 5) return name;
  if (!provinceNames) {
    try {
      const json = JSON.parse(readFileSync(fileURLToPath(new URL('../../knowledge/provinces.json', import.meta.url)), 'utf8')) as { provinces?: unknown };
      provinceNames = Array.isArray(json.provinces) ? json.provinces.filter((p): p is string => typeof p === 'string') : [];
    } catch {
      provinceNames = [];
    }
  }
  const near = provinceNames.filter((p) => withinOneEdit(letters(p), key));
  return near.length === 1 ? near[0] : name;
}

export type ExtractedMeta = Pick<DocumentMeta, 'type' | 'number' | 'date' | 'issuer' | 'province' | 'title' | 'extra' | 'provenance' | 'fieldsNotFound'> & {
  datePartial?: string;
};

const TYPE_WORDS: Array<[RegExp, DocumentType]> = [
  [/^ke hoach\b/, 'Kế hoạch'],
  [/^quyet dinh\b/, 'Quyết định'],
  [/^bao cao\b/, 'Báo cáo'],
  [/^cong van\b/, 'Công văn'],
  [/^chi thi\b/, 'Chỉ thị'],
  [/^nghi quyet\b/, 'Nghị quyết'],
  [/^thong bao\b/, 'Thông báo'],
  [/^huong dan\b/, 'Hướng dẫn'],
  [/^chuong trinh\b/, 'Chương trình'],
  [/^de an\b/, 'Đề án'],
];

/** Number suffix → type: "114/KH-UBND" → Kế hoạch. */
const SUFFIX_TYPES: Array<[RegExp, DocumentType]> = [
  [/^KH\b/, 'Kế hoạch'],
  [/^(QĐ|QD)\b/, 'Quyết định'],
  [/^BC\b/, 'Báo cáo'],
  [/^CT\b/, 'Chỉ thị'],
  [/^NQ\b/, 'Nghị quyết'],
  [/^TB\b/, 'Thông báo'],
  [/^HD\b/, 'Hướng dẫn'],
  [/^CTr\b/, 'Chương trình'],
  [/^ĐA\b/, 'Đề án'],
  [/^(CV|UBND|[A-ZĐ]+-[A-ZĐ]+$)/, 'Công văn'],
];

/** Codes that ASCII exports write without "Đ" (QD → QĐ, BCSD → BCSĐ). */
const CODE_REPAIRS: Record<string, string> = { QD: 'QĐ', BCSD: 'BCSĐ', ND: 'NĐ', DU: 'ĐU', DA: 'ĐA', HDND: 'HĐND' };

function repairCode(code: string): string {
  return code
    .split(/([/-])/)
    .map((part) => CODE_REPAIRS[part] ?? part)
    .join('');
}

/** "Số: 1118 /QĐ-UBND", "Số: 150 -BC/BCSD", "số 114 /KH-UBND" → normalised number. */
const NUMBER_RE = /\bsố\s*:?\s*(\d{1,5}[a-z]?)(\s*\/\s*(?:19|20)\d\d)?\s*([/-])\s*([A-ZĐ][A-Za-zĐđ&]*(?:\s*[/-]\s*[A-ZĐ][A-Za-zĐđ&]*)*)/iu;

export function parseNumber(text: string): string | undefined {
  const m = NUMBER_RE.exec(text);
  if (!m) return undefined;
  const code = m[4]!.replace(/\s+/g, '');
  if (!/[A-ZĐ]/.test(code)) return undefined;
  return `${m[1]}${m[2] ? m[2].replace(/\s+/g, '') : ''}${m[3]}${repairCode(code)}`;
}

/** A bare document number as titles and sentences write it: "1710/QĐ-BYT", "127-KL/TW", "06/2024/QĐ-UBND". */
const BARE_NUMBER_RE = /(?<![\p{L}\p{N}/])(\d{1,5}[a-z]?)(\/(?:19|20)\d\d)?([/-])((?:QĐ|QD|KH|BC|CV|CT|TB|NQ|HD|KL|TTr|CTr|ĐA|UBND|VP|[A-ZĐ]{1,8})(?:[/-][A-ZĐ][A-Za-zĐđ&]*)*)(?![\p{L}\p{N}])/u;

export function parseBareNumber(text: string): string | undefined {
  const m = BARE_NUMBER_RE.exec(text);
  if (!m) return undefined;
  return `${m[1]}${m[2] ?? ''}${m[3]}${repairCode(m[4]!)}`;
}

function iso(y: number, mo: number, d: number): string | undefined {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || y < 1945 || y > 2100) return undefined;
  return `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** "ngày 29 tháng 3 năm 2019", "ngày  25 /4/2022", "13/12/2022" → ISO. */
export function parseViDate(text: string): string | undefined {
  const long = /ngày\s+(\d{1,2})\s*(?:tháng|\/)\s*(\d{1,2})\s*(?:năm|\/)\s*(\d{4})/iu.exec(text);
  if (long) return iso(Number(long[3]), Number(long[2]), Number(long[1]));
  const short = /(?:ngày\s*)?(\d{1,2})\s*\/\s*(\d{1,2})\s*\/\s*(\d{4})/iu.exec(text);
  if (short) return iso(Number(short[3]), Number(short[2]), Number(short[1]));
  return undefined;
}

/** "THANH HÓA" → "Thanh Hóa". */
function titleCase(s: string): string {
  return squash(s)
    .toLocaleLowerCase('vi')
    .replace(/(^|\s|-)(\p{L})/gu, (_, sep: string, ch: string) => sep + ch.toLocaleUpperCase('vi'));
}

/** "Sơn La, ngày …" after a header column break: pipe, tab or a run of spaces. */
const PLACE_DATE_RE = /(?:^|[|\t]|\s{2,})\s*([\p{Lu}][\p{L} .]{1,30}?),\s*ngày\s+\d/u;

/**
 * A header line whose two columns were merged with a single space (text copied out of a PDF, a
 * Word file saved as plain text): "UBND TỈNH KHÁNH HÒA CỘNG HÒA XÃ HỘI …", "Số: 77/KH-UBND Khánh
 * Hòa, ngày 02 tháng 02 năm 2024". Put the column gap back where the right column must start.
 */
function splitMergedColumns(line: string): string {
  if (/\||\t|\s{3,}/.test(line)) return line;
  let t = line.replace(/(\S)\s+(?=C[ỘộOo]NG H[ÒòOoÓó]A XÃ H[ỘộOo]I|CỘNG HOÀ XÃ HỘI|Độc lập\s*[-–]\s*Tự do)/u, '$1 | ');
  const numbered = /^(\s*Số\s*:?\s*\d+[^\s,]*)\s+(\p{Lu}[\p{L} .]{1,30}?,\s*ngày\s+\d.*)$/u.exec(t);
  if (numbered) t = `${numbered[1]} | ${numbered[2]}`;
  return t;
}

function headerColumns(text: string): string[] {
  return text
    .split(/\s{3,}|\s*\|\s*|\t+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

function typeFromNumber(number: string | undefined): DocumentType | undefined {
  if (!number) return undefined;
  const suffix = number.replace(/^\d+[a-z]?[/-]/, '');
  for (const [re, type] of SUFFIX_TYPES) if (re.test(suffix)) return type;
  return undefined;
}

function typeFromWords(text: string): DocumentType | undefined {
  const f = fold(text.trim());
  for (const [re, type] of TYPE_WORDS) if (re.test(f)) return type;
  return undefined;
}

const APPENDIX_REF_RE =
  /(?:kèm theo|kèm)\s+(Kế hoạch|Quyết định|Báo cáo|Công văn|Chỉ thị|Nghị quyết|Thông báo|Hướng dẫn|Chương trình|Đề án)\s+(số\s*:?\s*[^)]*?)(?:\)|$)/iu;

/** A heading line of the header block that names the document type: "KẾ HOẠCH", "QUYẾT ĐỊNH". */
function isTypeTitleLine(text: string): boolean {
  const t = text.trim();
  if (t.length > 40) return false;
  const letters = t.replace(/[^\p{L}]/gu, '');
  return letters.length > 0 && letters === letters.toLocaleUpperCase('vi') && typeFromWords(t) !== undefined;
}

const STOP_TITLE_RE = /^(căn cứ|thực hiện|xét đề nghị|\(kèm|\(ban hành|kính gửi|[IVX]+\.|\d+\.|phần|chương|điều\s+\d)/iu;

/** "ngày    tháng 4 năm 2022": a date whose day was left blank for the signer → "2022-04". */
function parsePartialDate(text: string): string | undefined {
  const m = /ngày\s*(?:\.{2,}|…)?\s*tháng\s+(\d{1,2})\s+năm\s+(\d{4})/iu.exec(text);
  if (!m) return undefined;
  const mo = Number(m[1]);
  const y = Number(m[2]);
  return mo >= 1 && mo <= 12 && y >= 1945 && y <= 2100 ? `${y}-${String(mo).padStart(2, '0')}` : undefined;
}

/** The opening of the document as the metadata reader sees it: lines and table rows in reading order. */
function openingLines(input: MetadataInput, max: number): string[] {
  const out: string[] = [];
  if (input.blocks) {
    for (const b of input.blocks) {
      if (out.length >= max) break;
      if (b.kind === 'line') out.push(...repairLine(b.text));
      else for (const row of b.rows) out.push(`| ${row.map((c) => c.replace(/\n/g, ' | ')).join(' | ')} |`);
    }
  } else for (const l of input.lines.slice(0, max)) out.push(...repairLine(l.text));
  return out.slice(0, max);
}

/** Markers that put a province name after them: "TỈNH …", "THÀNH PHỐ …", "TP. …", "Tỉnh ủy …". */
const PROVINCE_MARKER_RE = /(?:^|[^\p{L}])(tỉnh ủy|tỉnh uỷ|thành ủy|thành uỷ|tỉnh|thành phố|tp\.?)\s+(?=\p{L})/giu;

/**
 * Known provinces named right after a marker in the text, validated against the province table:
 * "UBND TỈNH BẮC KẠN", "trên địa bàn thành phố Đà Nẵng". "Tình trạng: Đã biết" names none.
 */
export function provincesAfterMarkers(text: string, table: Provinces): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(PROVINCE_MARKER_RE)) {
    const rest = text.slice(m.index! + m[0].length).split(/\s+/).slice(0, 5);
    for (let n = Math.min(5, rest.length); n >= 1; n--) {
      const name = table.canonical(rest.slice(0, n).join(' ').replace(/[,.;:)(|"“”]+$/u, ''));
      if (name) {
        if (!found.includes(name)) found.push(name);
        break;
      }
    }
  }
  return found;
}

/** Header-region cells that name the issuing body (as opposed to the motto, number, place or title). */
const ISSUER_CUE_RE = /^(uy ban nhan dan|ubnd|hoi dong nhan dan|hdnd|tinh uy|thanh uy|ban chi dao|ban can su|ban thuong vu|ban quan ly|so |van phong|tinh |thanh pho |chu tich)/;

/** Opening sentences that state the document's own number/date ("… ban hành Kế hoạch số …", "tại Công văn số …, ngày …"). */
const TYPE_WORDS_RE = '(?:Kế hoạch|Quyết định|Báo cáo|Công văn|Chỉ thị|Nghị quyết|Thông báo|Hướng dẫn|Chương trình|Đề án|Kết luận)';
const OWN_STATEMENT_RE = new RegExp(`(?:ban hành|truyền đạt[^.]{0,160}?\\btại)\\s+${TYPE_WORDS_RE}\\s+(?:số\\s*)?([^\\s,;.)]+)(?:\\s*,?\\s*ngày\\s+(\\d{1,2}\\s*\\/\\s*\\d{1,2}\\s*\\/\\s*\\d{4}))?`, 'iu');
const CLOSING_REF_RE = new RegExp(`^\\s*\\(?\\s*(?:Theo|Nguồn\\s*:)\\s*${TYPE_WORDS_RE}\\s+(?:số\\s*)?([^\\s,;)]+)(?:[^)]*?ngày\\s+(\\d{1,2}\\s*\\/\\s*\\d{1,2}\\s*\\/\\s*\\d{4}))?`, 'iu');
const TITLE_LINE_RE = new RegExp(`^\\s*${TYPE_WORDS_RE}\\s+(?:số\\s*)?(\\d[^\\s,;]*)(?:\\s+ngày\\s+(\\d{1,2}\\/\\d{1,2}\\/\\d{4}))?`, 'iu');

const numberKey = (n: string): string => fold(n).toUpperCase().replace(/[^A-Z0-9]/g, '');

export function extractMetadata(input: MetadataInput): ExtractedMeta {
  const lines = input.lines.map((l) => l.text);
  const extra: Record<string, string> = {};
  for (const [k, v] of Object.entries(input.webMeta ?? {})) extra[k] = v;
  if (input.webTitle) extra['Tiêu đề trang'] = input.webTitle;
  provinceTable ??= Provinces.load();
  const provinces = provinceTable;
  const central = centralIssuers();
  const cands: Candidate[] = [];
  const add = (field: Candidate['field'], value: string | undefined, source: MetaSource, confidence = SOURCE_CONFIDENCE[source]): void => {
    if (value) cands.push({ field, value, source, confidence });
  };

  // The opening in reading order (tables included), repaired ("\r\n" text, "Ð"), with web-export metadata tables read out.
  const opening = openingLines(input, 80);
  const webMeta: Record<string, string> = { ...(input.webMeta ?? {}) };
  const metaLineIdx = new Set<number>();
  opening.forEach((l, i) => {
    const pairs = i < 40 ? webMetaPairs(l) : [];
    if (pairs.length) metaLineIdx.add(i);
    for (const { key, value } of pairs) if (!(key in webMeta)) webMeta[key] = value;
  });
  for (const [k, v] of Object.entries(webMeta)) if (!(k in extra) && ['Người ký', 'Lĩnh vực', 'Ngày có hiệu lực', 'Ngày hiệu lực', 'Loại văn bản', 'Cơ quan ban hành', 'Nơi ban hành'].includes(k)) extra[k] = v;
  const rest = opening.filter((_, i) => !metaLineIdx.has(i));

  // The header block: lines before the first numbered heading or "Căn cứ".
  const firstHeading = rest.findIndex((l, i) => i > 3 && /^\s*(I\.|1\.|Phần thứ|PHẦN|Căn cứ|Điều 1)/u.test(l.trim()));
  const headEnd = Math.min(rest.length, firstHeading < 0 ? 45 : Math.max(12, firstHeading), 45);
  const head = rest.slice(0, headEnd).map(splitMergedColumns);
  const cells = headerCells(head);
  const units = [...head.map((l) => l.trim()), ...cells, ...pairedLines(head)];

  // Central body? Header issuer line, web "Nơi ban hành", or the number's code.
  let centralBody: string | undefined;
  for (const c of cells.slice(0, 12)) {
    centralBody = central.fromHeader(c);
    if (centralBody) break;
  }
  centralBody ??= central.fromHeader(webMeta['Nơi ban hành'] ?? webMeta['Cơ quan ban hành'] ?? '');

  // Number and date from the header.
  let org: string | undefined;
  let level = 'tỉnh';
  for (const u of units) {
    const t = u.trim();
    if (/^số\s*:?/iu.test(t)) add('number', parseNumber(t), 'header');
    const pd = PLACE_DATE_RE.exec(t) ?? /^([\p{Lu}][\p{L} .]{1,30}?),\s*ngày\s+(?:\d|tháng)/u.exec(t);
    if (pd) {
      const from = t.slice(pd.index);
      add('date', parseViDate(from), 'header');
      const partial = parseViDate(from) ? undefined : parsePartialDate(from);
      if (partial) add('date', `partial:${partial}`, 'header', 0.5);
      const place = provinces.canonical(pd[1]!.trim());
      if (place) add('province', place, 'header-place');
    }
  }
  for (const c of [...head.slice(0, 14).flatMap(headerColumns), ...cells.slice(0, 14)]) {
    const f = fold(c);
    if (/^ban can su dang/.test(f)) org = 'Ban cán sự đảng UBND';
    else if (!org && /^(uy ban nhan dan|ubnd)\b/.test(f)) org = 'UBND';
    else if (!org && /^(hoi dong nhan dan|hdnd)\b/.test(f)) org = 'HĐND';
  }
  for (const c of cells.slice(0, 14)) {
    const f = fold(c);
    const named = provincesAfterMarkers(c, provinces);
    if (named.length === 0) continue;
    const issuerLine = ISSUER_CUE_RE.test(f) && c.length < 90;
    for (const name of named) add('province', name, issuerLine ? 'header-issuer' : 'header-title');
    if (issuerLine && /(^|\s)thanh pho\s/.test(f) && !/(^|\s)tinh\s/.test(f)) level = 'thành phố';
  }
  // OCR'd headers misspell the province ("ĐĂK LÃĂK"): one letter off a single known province, from the issuer line only.
  if (!cands.some((c) => c.field === 'province' && c.source === 'header-issuer')) {
    for (const c of cells.slice(0, 6)) {
      const m = /^(?:ủy ban nhân dân|uỷ ban nhân dân|ubnd)?\s*(?:tỉnh|thành phố)\s+(.{3,30})$/iu.exec(c.replace(/[-_]{3,}.*$/, '').trim());
      if (!m) continue;
      const near = canonicalProvince(m[1]!);
      if (near && provinces.canonical(near)) add('province', provinces.canonical(near), 'header-issuer', 0.75);
    }
  }

  // Web-export metadata tables (leading or trailing).
  if (webMeta['Số hiệu']) add('number', parseBareNumber(webMeta['Số hiệu']) ?? webMeta['Số hiệu'].replace(/\s+/g, ''), 'web-meta');
  if (webMeta['Ngày ban hành']) add('date', parseViDate(webMeta['Ngày ban hành']), 'web-meta');
  const placeMeta = webMeta['Nơi ban hành'] ?? webMeta['Cơ quan ban hành'];
  if (placeMeta) add('province', provinces.canonical(placeMeta.trim()), 'web-meta');

  // The page's own title line ("Kế hoạch 196/KH-UBND năm 2025 …", "Quyết định 1710/QĐ-BYT ngày 05/04/2023 …").
  const titleLines = [...(input.webTitle ? [input.webTitle] : []), ...rest.slice(0, 8)];
  let pageTitle: string | undefined;
  for (const l of titleLines) {
    const m = TITLE_LINE_RE.exec(l);
    const number = m ? parseBareNumber(m[1]!) : undefined;
    if (!m || !number) continue;
    add('number', number, 'page-title');
    if (m[2]) add('date', parseViDate(m[2]), 'page-title');
    pageTitle ??= l.trim();
    break;
  }

  // Appendix references ("(Kèm theo Kế hoạch số … ngày … của …)").
  let issuer: string | undefined;
  let appendixType: DocumentType | undefined;
  for (const l of lines) {
    const m = APPENDIX_REF_RE.exec(l);
    if (!m) continue;
    const ref = m[2]!;
    add('number', parseNumber(ref), 'appendix-ref');
    add('date', parseViDate(ref), 'appendix-ref');
    appendixType ??= typeFromWords(m[1]!);
    const by = /của\s+(.+?)\s*[,)]?\s*$/u.exec(ref);
    if (by && !issuer) issuer = squash(by[1]!).replace(/[),.]+$/, '');
    break;
  }

  // No header: the body's own statement of what it is, a closing "(Theo Công văn số …)", a first title line.
  const hasHeader = cands.some((c) => c.source === 'header' || c.source === 'header-issuer');
  const bodyStart = rest.filter((l) => l.trim() !== '').slice(0, 6);
  if (!hasHeader) {
    for (const l of bodyStart) {
      const m = OWN_STATEMENT_RE.exec(l);
      if (m) {
        const number = parseBareNumber(m[1]!);
        add('number', number, 'body-statement');
        const dateNear = m[2] ?? /^\s*Ngày\s+(\d{1,2}\s*\/\s*\d{1,2}\s*\/\s*\d{4})/iu.exec(l)?.[1];
        if (dateNear) add('date', parseViDate(dateNear), 'body-statement');
        break;
      }
      const opening = /^\s*Ngày\s+(\d{1,2}\s*\/\s*\d{1,2}\s*\/\s*\d{4})\s*,?\s*[^.]{0,120}?\bban hành\b/iu.exec(l);
      if (opening) add('date', parseViDate(opening[1]!), 'body-statement');
    }
    const first = bodyStart[0] ?? '';
    const lead = first.split(/\s+/).slice(0, 4).join(' ');
    const firstNumber = first.length < 300 ? parseBareNumber(lead) : undefined;
    if (firstNumber) add('number', firstNumber, 'page-title', 0.55);
  }
  for (const l of lines.slice(-12)) {
    const m = CLOSING_REF_RE.exec(l);
    if (!m) continue;
    add('number', parseBareNumber(m[1]!), 'closing-ref');
    if (m[2]) add('date', parseViDate(m[2]), 'closing-ref');
  }

  // Container hints and the file name: last resorts.
  if (input.hints?.number) add('number', input.hints.number, 'container');
  if (input.hints?.date) add('date', input.hints.date, 'container');

  // The number decides central vs local when the header did not.
  const numberPick = resolve(cands, 'number', numberKey);
  centralBody ??= central.fromNumber(numberPick?.value);

  if (!centralBody) {
    // Body mentions: "UBND tỉnh Hậu Giang ban hành …" or a single province named in the opening.
    const body = rest.slice(headEnd > 0 && hasHeader ? headEnd : 0, headEnd + 25).join(' ');
    const issuerMention = /(?:Ủy ban nhân dân|Uỷ ban nhân dân|UBND)\s+(?:tỉnh|thành phố)\s+((?:\p{Lu}\p{Ll}*\s*){1,4})/u.exec(body);
    const issuerName = issuerMention ? provincesAfterMarkers(`tỉnh ${issuerMention[1]!}`, provinces)[0] : undefined;
    if (issuerName) add('province', issuerName, 'body-statement');
    const named = provincesAfterMarkers(body, provinces);
    if (named.length === 1) add('province', named[0], 'body-mention');
    if (input.fileName) {
      const hit = provinceInFileName(input.fileName);
      if (hit) add('province', provinces.canonical(hit) ?? hit, 'file-name');
    }
  } else {
    cands.push({ field: 'issuer', value: centralBody, source: 'central-issuer', confidence: SOURCE_CONFIDENCE['central-issuer'] });
  }

  const provenance: MetaProvenance = {};
  const note = (field: keyof MetaProvenance, r: { source: MetaSource; confidence: number } | undefined): void => {
    if (r) provenance[field] = { source: r.source, confidence: r.confidence };
  };
  const number = numberPick?.value;
  note('number', numberPick);
  const datePick = resolve(cands.filter((c) => !c.value.startsWith('partial:')), 'date');
  const partialPick = datePick ? undefined : resolve(cands.filter((c) => c.value.startsWith('partial:')), 'date');
  const date = datePick?.value;
  note('date', datePick ?? partialPick);
  const provincePick = centralBody ? undefined : resolve(cands, 'province');
  let province = provincePick?.value;
  note('province', provincePick);

  // Type: the header's type line, else the number's suffix, else web metadata.
  let type: DocumentType | undefined;
  let typeLineIdx = -1;
  for (let i = 0; i < head.length; i++) {
    if (isTypeTitleLine(head[i]!)) {
      type = typeFromWords(head[i]!);
      typeLineIdx = i;
      break;
    }
  }
  type ??= appendixType;
  if (!type) type = typeFromNumber(number);
  if (!type && webMeta['Loại văn bản']) type = typeFromWords(webMeta['Loại văn bản']);
  if (!type && pageTitle) type = typeFromWords(pageTitle);
  if (!type && input.hints?.type) type = input.hints.type;

  // Issuer: a central body by name; else the header's organ with the province ("UBND tỉnh Sơn La").
  if (centralBody) {
    issuer = centralBody;
    note('issuer', { source: 'central-issuer', confidence: SOURCE_CONFIDENCE['central-issuer'] });
  } else {
    if (!issuer || (org && !/^(ubnd|ủy ban|uỷ ban|ban cán sự)/iu.test(issuer))) {
      if (org && province) issuer = `${org} ${level} ${province}`;
    }
    if (issuer) {
      issuer = issuer.replace(/^Ủy ban nhân dân|^Uỷ ban nhân dân/u, 'UBND').replace(/^Ban Cán sự đảng/u, 'Ban cán sự đảng');
      if (!province) {
        const named = provincesAfterMarkers(issuer, provinces)[0];
        if (named) {
          province = named;
          note('province', { source: 'appendix-ref', confidence: SOURCE_CONFIDENCE['appendix-ref'] });
        }
      }
      note('issuer', { source: org ? 'header-issuer' : 'appendix-ref', confidence: org ? 0.85 : 0.7 });
    }
    if (!issuer && input.hints?.issuer) {
      issuer = input.hints.issuer;
      note('issuer', { source: 'container', confidence: SOURCE_CONFIDENCE.container });
    }
  }

  // Title: lines after the type line, until a stop marker or an uppercase authority line.
  let title = '';
  if (typeLineIdx >= 0) {
    const parts: string[] = [];
    const typeRest = head[typeLineIdx]!.trim().replace(/^\S+\s+\S+\s*/, '');
    if (/^\p{Ll}/u.test(typeRest)) parts.push(typeRest);
    for (let i = typeLineIdx + 1; i < rest.length && parts.length < 5; i++) {
      const t = rest[i]!.trim();
      if (t === '') {
        if (parts.length > 0) break;
        continue;
      }
      // A title may itself open with "Thực hiện …" ("KẾ HOẠCH / Thực hiện chương trình …"): right under
      // the type line that is the title unless it reads like the preamble that follows titles.
      const titleLike = parts.length === 0 && /^thực hiện\s/iu.test(t) && t.length < 200 && !/[:;,]$/.test(t) && !/ban hành|như sau/iu.test(t);
      if ((STOP_TITLE_RE.test(t) && !titleLike) || /^\(/.test(t)) break;
      const letters = t.replace(/[^\p{L}]/gu, '');
      const upper = letters.length > 3 && letters === letters.toLocaleUpperCase('vi');
      if (upper && parts.length > 0) break;
      parts.push(t);
      if (upper) break;
    }
    title = squash(parts.join(' '));
  }
  if (!title) title = input.hints?.title ?? input.webTitle ?? pageTitle ?? '';

  const fieldsNotFound = [
    ...(number ? [] : ['number']),
    ...(date ? [] : ['date']),
    ...(province || centralBody ? [] : ['province']),
    ...(issuer ? [] : ['issuer']),
  ];
  return {
    type: type ?? 'Văn bản',
    ...(number ? { number } : {}),
    ...(date ? { date } : {}),
    ...(partialPick ? { datePartial: partialPick.value.replace(/^partial:/, '') } : {}),
    ...(issuer ? { issuer } : {}),
    ...(province ? { province } : {}),
    title,
    extra,
    provenance,
    fieldsNotFound,
  };
}

/**
 * A province spelled in the file name, wherever it sits: "angiang-ct11-….txt", "…-le-hoi-cap-xa-longan.txt",
 * "ke-hoach-quang-nam-2024.docx". Runs of up to four slug tokens are compared, without diacritics
 * and spaces, with every province name; only a single distinct match counts (a weak signal).
 */
export function provinceInFileName(fileName: string): string | undefined {
  const stem = fileName.replace(/\.[a-z0-9]{1,5}$/iu, '');
  const tokens = fold(stem).split(/[^a-z]+/u).filter(Boolean);
  const byLetters = new Map((provinceNames ?? loadProvinceNames()).map((p) => [letters(p), p] as const));
  const hits = new Set<string>();
  for (let i = 0; i < tokens.length; i++) {
    for (let n = 1; n <= 4 && i + n <= tokens.length; n++) {
      const key = tokens.slice(i, i + n).join('');
      if (key.length < 4) continue;
      const hit = byLetters.get(key);
      if (hit) hits.add(hit);
    }
  }
  return hits.size === 1 ? [...hits][0] : undefined;
}

function loadProvinceNames(): string[] {
  canonicalProvince('xxxxx');
  return provinceNames ?? [];
}
