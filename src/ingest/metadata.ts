/**
 * Document metadata from the administrative header (quốc hiệu / tiêu ngữ block), with fallbacks to
 * appendix headings ("(Kèm theo Kế hoạch số 114 /KH-UBND ngày 25 /4/2022 của UBND tỉnh Thanh Hóa)"),
 * web-export metadata blocks and container hints. Tolerates OCR: column gaps of 3+ spaces, pipes
 * between header columns, stray spaces inside numbers.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DocumentMeta, DocumentType } from '../domain/document.js';
import { fold, squash } from '../text/normalize.js';
import { Provinces } from '../text/provinces.js';

export interface MetadataInput {
  /** Body lines in order (junk already removed), with their text rendering line numbers. */
  lines: ReadonlyArray<{ text: string; line: number }>;
  webMeta?: Record<string, string>;
  webTitle?: string;
  hints?: Partial<Pick<DocumentMeta, 'title' | 'number' | 'date' | 'issuer' | 'type'>>;
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

export type ExtractedMeta = Pick<DocumentMeta, 'type' | 'number' | 'date' | 'issuer' | 'province' | 'title' | 'extra'>;

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
const NUMBER_RE = /\bsố\s*:?\s*(\d{1,5}[a-z]?)\s*([/-])\s*([A-ZĐ][A-Za-zĐđ&]*(?:\s*[/-]\s*[A-ZĐ][A-Za-zĐđ&]*)*)/iu;

export function parseNumber(text: string): string | undefined {
  const m = NUMBER_RE.exec(text);
  if (!m) return undefined;
  const code = m[3]!.replace(/\s+/g, '');
  if (!/[A-ZĐ]/.test(code)) return undefined;
  return `${m[1]}${m[2]}${repairCode(code)}`;
}

function iso(y: number, mo: number, d: number): string | undefined {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || y < 1945 || y > 2100) return undefined;
  return `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** "ngày 29 tháng 3 năm 2019", "ngày  25 /4/2022", "13/12/2022" → ISO. */
export function parseViDate(text: string): string | undefined {
  const long = /ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})/iu.exec(text);
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

export function extractMetadata(input: MetadataInput): ExtractedMeta {
  const lines = input.lines.map((l) => l.text);
  const extra: Record<string, string> = {};
  for (const [k, v] of Object.entries(input.webMeta ?? {})) extra[k] = v;
  if (input.webTitle) extra['Tiêu đề trang'] = input.webTitle;

  // The header block: lines before the first numbered heading or "Căn cứ".
  const headEnd = Math.min(
    lines.length,
    Math.max(
      12,
      lines.findIndex((l, i) => i > 3 && /^\s*(I\.|1\.|Phần thứ|PHẦN|Căn cứ|Điều 1)/u.test(l.trim())),
    ),
    40,
  );
  const head = lines.slice(0, headEnd).map(splitMergedColumns);

  let number: string | undefined;
  let date: string | undefined;
  let province: string | undefined;
  let org: string | undefined;
  /** "tỉnh", or "thành phố" for a centrally-run city. */
  let level = 'tỉnh';
  for (const l of head) {
    const t = l.trim();
    if (!number && /^số\s*:?/iu.test(t)) number = parseNumber(t);
    if (!date) {
      const pd = PLACE_DATE_RE.exec(t) ?? /^([\p{Lu}][\p{L} .]{1,30}?),\s*ngày\s+\d/u.exec(t);
      if (pd) {
        date = parseViDate(t.slice(pd.index));
        const place = pd[1]!.trim();
        if (!province && !/^(ngày|số)/iu.test(place)) province = titleCase(place);
      }
    }
    for (const col of headerColumns(t)) {
      const f = fold(col);
      if (/^ban can su dang/.test(f)) org = 'Ban cán sự đảng UBND';
      else if (!org && /^(uy ban nhan dan|ubnd)\b/.test(f)) org = 'UBND';
      else if (!org && /^hoi dong nhan dan\b/.test(f)) org = 'HĐND';
      const prov = /^(tinh uy|tinh|thanh pho|uy ban nhan dan tinh|ubnd tinh)\s+(\p{L}.*)$/u.exec(f);
      if (prov && !/^(uy|thanh hoa ban)$/.test(prov[2]!) && col.length < 40) {
        const words = col.split(/\s+/);
        const n = prov[2]!.split(/\s+/).length;
        const name = titleCase(words.slice(words.length - n).join(' '));
        if (!/^(Ủy|Uỷ)$/u.test(name)) {
          province = province ?? name;
          // Centrally-run cities head their documents "THÀNH PHỐ CẦN THƠ": the issuer is "UBND thành phố …".
          if (prov[1] === 'thanh pho' && fold(name) === fold(province)) level = 'thành phố';
        }
      }
    }
  }

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

  // Appendix references and web metadata fill the gaps.
  let issuer: string | undefined;
  for (const l of lines) {
    const m = APPENDIX_REF_RE.exec(l);
    if (!m) continue;
    const ref = m[2]!;
    const refNumber = parseNumber(ref);
    const refType = typeFromWords(m[1]!);
    if (!number && refNumber) number = refNumber;
    if (!type && refType) type = refType;
    if (!date) date = parseViDate(ref);
    const by = /của\s+(.+?)\s*[,)]?\s*$/u.exec(ref);
    if (by && !issuer) issuer = squash(by[1]!).replace(/[),.]+$/, '');
    if (number && date) break;
  }
  if (!number && input.webMeta?.['Số hiệu']) number = input.webMeta['Số hiệu'].replace(/\s+/g, '');
  if (!date && input.webMeta?.['Ngày ban hành']) date = parseViDate(input.webMeta['Ngày ban hành']);
  const placeMeta = input.webMeta?.['Nơi ban hành'];
  if (placeMeta) {
    const p = /^(?:tỉnh|thành phố|tp\.?)\s+(.+)$/iu.exec(placeMeta.trim());
    province = province ?? titleCase(p ? p[1]! : placeMeta);
  }
  if (!type) type = typeFromNumber(number);
  if (!type && input.webMeta?.['Loại văn bản']) type = typeFromWords(input.webMeta['Loại văn bản']);
  if (!type && input.hints?.type) type = input.hints.type;
  number = number ?? input.hints?.number;
  date = date ?? input.hints?.date;

  province = canonicalProvince(province);
  if (!issuer || (org && !/^(ubnd|ủy ban|uỷ ban|ban cán sự)/iu.test(issuer))) {
    if (org && province) issuer = `${org} ${level} ${province}`;
  }
  if (issuer) {
    issuer = issuer.replace(/^Ủy ban nhân dân|^Uỷ ban nhân dân/u, 'UBND').replace(/^Ban Cán sự đảng/u, 'Ban cán sự đảng');
    const p = /tỉnh\s+([\p{Lu}][\p{L}]*(?:\s+[\p{Lu}][\p{L}]*)*)\s*$/u.exec(issuer);
    if (p && !province) province = p[1];
  }
  issuer = issuer ?? input.hints?.issuer;
  // OCR and all-caps headers misspell the province ("YÊN BÀI"): use the registry spelling.
  const canonical = canonicalProvince(province);
  if (issuer && province && canonical && canonical !== province) issuer = issuer.replace(province, canonical);
  province = canonical;

  // Title: lines after the type line, until a stop marker or an uppercase authority line.
  let title = '';
  if (typeLineIdx >= 0) {
    const parts: string[] = [];
    const typeRest = head[typeLineIdx]!.trim().replace(/^\S+\s+\S+\s*/, '');
    if (/^\p{Ll}/u.test(typeRest)) parts.push(typeRest);
    for (let i = typeLineIdx + 1; i < lines.length && parts.length < 5; i++) {
      const t = lines[i]!.trim();
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
  if (!title) title = input.hints?.title ?? input.webTitle ?? '';

  return {
    type: type ?? 'Văn bản',
    ...(number ? { number } : {}),
    ...(date ? { date } : {}),
    ...(issuer ? { issuer } : {}),
    ...(province ? { province } : {}),
    title,
    extra,
  };
}
