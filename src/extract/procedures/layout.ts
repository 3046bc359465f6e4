/**
 * Finds procedure guides inside ordinary documents and pages, in whatever layout they come:
 * national-database exports and provincial "bộ thủ tục" decisions (a title "1. Thủ tục đăng ký khai
 * sinh" and field headings as numbered sections, bold lines or "Heading: value" lines), portal
 * detail pages (label on one line and value on the next, label and value glued, labels with empty
 * values, headings glued to each other), two-column "Nội dung | Chi tiết" tables and pipe key/value
 * rows, "phiếu hướng dẫn" pages ("Cơ quan giải quyết: / Lĩnh vực: / Thủ tục:"), document lists
 * with "Bản chính / Bản sao" counts, and pages that only list the steps ("Bước 1: … nộp hồ sơ …").
 * The labels are data (knowledge/procedure-fields.json, see labels.ts).
 *
 * Works on the document's text rendering (`Document.lines`) plus the table cells of the tree,
 * because the field headings are as often bold paragraphs as numbered sections and the tree
 * builder cannot know they are headings. A plan document yields [] because it never has the
 * fields of a guide.
 */
import path from 'node:path';
import type { DocNode, Document, LineSpan } from '../../domain/document.js';
import type { DocRef, Procedure, ProcedureDocumentItem } from '../../domain/records.js';
import { cleanText, fold, squash } from '../../text/normalize.js';
import { Provinces } from '../../text/provinces.js';
import { defaultProcedureLabels, foldLabel, type LayoutField, type ProcedureLabels } from './labels.js';

/** Fields whose presence marks a procedure guide. */
const CORE: ReadonlySet<LayoutField> = new Set([
  'trinh_tu',
  'noi_nop',
  'thanh_phan_ho_so',
  'so_luong',
  'thoi_han_giai_quyet',
  'doi_tuong',
  'co_quan_thuc_hien',
  'le_phi',
  'can_cu_phap_ly',
]);
/** Fields that hold one value: the line after their value is no longer theirs. */
const SCALAR: ReadonlySet<LayoutField> = new Set(['ten', 'ma', 'linh_vuc', 'cap_thuc_hien', 'so_luong']);
/** Fields under which a "Bước 1: …" line cannot belong: it starts the steps instead. */
const NOT_STEPS: ReadonlySet<LayoutField> = new Set([
  'ten',
  'ma',
  'linh_vuc',
  'cap_thuc_hien',
  'so_luong',
  'doi_tuong',
  'le_phi',
  'can_cu_phap_ly',
  'ket_qua',
  'yeu_cau',
  'extra',
  'skip',
]);
/** Fields that only describe the procedure's header; a "Thủ tục …" title after them names the same guide. */
const HEADER_ONLY: ReadonlySet<LayoutField> = new Set(['ten', 'ma', 'linh_vuc', 'cap_thuc_hien', 'co_quan_thuc_hien', 'skip']);
/** Fields that go to the prose (mo_ta) as "Heading: value". */
const PROSE: ReadonlySet<LayoutField> = new Set(['so_luong', 'ket_qua', 'yeu_cau', 'extra']);

/** Numbering, bullets and markdown emphasis in front of a heading: "2.", "a)", "1/", "-", "**", "##". */
const PREFIX_RE = /^(?:[#>*_\s]+)?(?:(?:[ivxlc]+|\d{1,2}(?:\.\d{1,2})*|[a-zđ])[.)/](?!\d)\s*)?(?:[-+•*.]\s*)?(?:\*\*|__)?\s*/iu;
const BULLET_RE = /^\s*(?:[-+•*]|\d+(?:\.\d+)*[.)/]|[a-zđ][.)]|bước\s+\d+|buoc\s+\d+)/iu;
const STEP_RE = /^bước\s*\d+\s*[:.)]?/iu;

function stripMarkup(line: string): string {
  return squash(cleanText(line).replace(PREFIX_RE, '').replace(/\*\*|__/g, ''));
}

interface FieldDraft {
  field: LayoutField;
  heading: string;
  lines: LineSpan;
  items: string[];
  /** Documents read from a table ("Tên giấy tờ | Mẫu đơn, tờ khai | Số lượng"). */
  documents: ProcedureDocumentItem[];
  /** Column names of the table under this heading, folded, once its header row is seen. */
  columns?: string[];
  /** No further plain line belongs to this field (a scalar with its value, a bulleted "• Phí: 0 Đồng"). */
  closed?: boolean;
  /** Opened by step lines, not by a heading. */
  implicit?: boolean;
}

interface ProcedureDraft {
  title: string;
  /** The title came from a "Thủ tục …" line or a name label, not from a guess. */
  named: boolean;
  start: number;
  fields: FieldDraft[];
  /** "Trực tiếp: Ngay trong ngày" from a "Hình thức nộp | Thời hạn giải quyết | Phí, lệ phí" table. */
  channelTimes: string[];
  channelFees: string[];
}

/** Values the national database prints for an empty field (also knowledge `emptyValues`). */
const EMPTY_VALUE_RE = /^(?:khong co thong tin|\.+|-+|:)$/;
/** Header cells of the tables in national database exports. */
const HEADER_CELL_RE =
  /^(?:ten giay to|loai giay to|mau don,? to khai|so luong|ban chinh|ban sao|hinh thuc nop|thoi han giai quyet|phi,? le phi|mo ta|so ky hieu|trich yeu|ngay ban hanh|co quan ban hanh|stt|ten ho so|noi dung|chi tiet|muc phi)$/;
const HEADER_PHRASES = [
  'ten giay to',
  'loai giay to',
  'mau don, to khai',
  'mau don to khai',
  'so luong',
  'ban chinh',
  'ban sao',
  'hinh thuc nop',
  'thoi han giai quyet',
  'phi, le phi',
  'phi le phi',
  'mo ta',
  'stt',
  'muc phi',
];
/** A processing time at the start of a channel row: "10 Ngày làm việc", "Ngay trong ngày", "Ngay sau khi …". */
const TIME_RE = /^(\d+(?:[.,]\d+)?\s*(?:ngày làm việc|ngày|giờ làm việc|giờ|tháng)|ngay trong ngày|ngay sau khi [^.;]*)/iu;
/** "Bản chính: 1 Bản sao: 0" at the end of a document line. */
const COUNT_TAIL_RE = /\s*(?:(?:bản chính|bản sao|bảo sao)\s*:\s*\d+\s*[-–,;]?\s*)+$/iu;

function isEmptyValue(text: string, labels: ProcedureLabels): boolean {
  return EMPTY_VALUE_RE.test(fold(text).trim()) || labels.isEmptyValue(text);
}

/** A table header written as one line of its cells ("Hình thức nộp Thời hạn giải quyết Phí, lệ phí Mô tả"). */
function isHeaderLine(text: string): boolean {
  let rest = foldLabel(text);
  if (rest.length === 0) return false;
  let hits = 0;
  for (const phrase of [...HEADER_PHRASES].sort((a, b) => b.length - a.length)) {
    if (rest.includes(phrase)) {
      rest = rest.split(phrase).join(' ');
      hits++;
    }
  }
  return hits >= 2 && rest.replace(/[\s,.;:|]+/g, '') === '';
}

/** "Thủ tục đăng ký khai sinh" → "Đăng ký khai sinh"; undefined when the line is not a procedure title. */
function matchTitle(text: string): string | undefined {
  const folded = fold(text);
  if (!/^thu tuc\s*[:\-–]?\s*\S/.test(folded) || /^thu tuc hanh chinh\b/.test(folded)) return undefined;
  if (text.length > 250 || /[;]$/.test(text) || /[^.]\.$/.test(text.replace(/\s*\([^)]*\)\.?$/, ''))) return undefined;
  if (/^thu tuc (?:nay|do|tren|duoc|phai|la)\b/.test(folded)) return undefined;
  return capitalise(cleanName(text.replace(/^thủ tục\s*[:\-–]?\s*/iu, '')));
}

/** A name as printed: "1. Đăng ký hoạt động tín ngưỡng." → "Đăng ký hoạt động tín ngưỡng". */
function cleanName(text: string): string {
  return squash(text.replace(/^\s*\d+[.)/]\s*/, '').replace(/^thủ tục\s+/iu, '').replace(/[.;:]\s*$/, ''));
}

function capitalise(text: string): string {
  return text.charAt(0).toLocaleUpperCase('vi') + text.slice(1);
}

let provinceTable: Provinces | undefined;

/** "longan" → "Long An", "ninhbinh" → "Ninh Bình": a province slug written without spaces, else undefined. */
function provinceSlug(token: string): string | undefined {
  provinceTable ??= Provinces.load();
  const table = provinceTable;
  if (token.length < 4 || token.length > 24 || !/^[a-z]+$/.test(token)) return undefined;
  for (let i = 1; i < token.length; i++) {
    const two = table.canonical(`${token.slice(0, i)} ${token.slice(i)}`);
    if (two) return two;
    for (let j = i + 1; j < token.length; j++) {
      const three = table.canonical(`${token.slice(0, i)} ${token.slice(i, j)} ${token.slice(j)}`);
      if (three) return three;
    }
  }
  return undefined;
}

/**
 * "thu-tuc-dang-ky-hoat-dong-tin-nguong-ninhbinh" → "Dang ky hoat dong tin nguong" (matching folds
 * anyway): a trailing province slug or source tag ("dvcqg") is where the page came from, not its name.
 */
function nameFromFile(file: string, labels: ProcedureLabels): string {
  const words = path.basename(file, path.extname(file)).split(/[-_.\s]+/).filter(Boolean);
  if (fold(words[0] ?? '') === 'thu' && fold(words[1] ?? '') === 'tuc') words.splice(0, 2);
  const tags = new Set(labels.table.fileNameTags.map((t) => fold(t)));
  while (words.length > 2) {
    const last = fold(words[words.length - 1]!);
    if (!tags.has(last) && !provinceSlug(last)) break;
    words.pop();
  }
  return capitalise(words.join(' '));
}

/** A top-level heading of the surrounding document ("III. TỔ CHỨC THỰC HIỆN") ends a guide. */
function isDocumentHeading(raw: string): boolean {
  const text = raw.trim();
  if (/^[IVXLC]+\.\s/.test(text)) return true;
  const letters = text.replace(/[^\p{L}]/gu, '');
  return letters.length >= 8 && letters === letters.toLocaleUpperCase('vi');
}

const LOAI: Array<[RegExp, string]> = [
  [/ban chinh hoac ban sao co chung thuc/, 'bản chính hoặc bản sao có chứng thực'],
  [/ban sao co chung thuc/, 'bản sao có chứng thực'],
  [/ban chinh hoac ban sao/, 'bản chính hoặc bản sao'],
  [/ban sao/, 'bản sao'],
  [/ban chinh/, 'bản chính'],
  [/ban chup/, 'bản chụp'],
];

function documentItem(text: string, group: string | undefined): ProcedureDocumentItem {
  // "… (Bản chính) Bản chính: 1 - Bản sao: 0": the counts column of a flattened table.
  const tail = COUNT_TAIL_RE.exec(text);
  const name = tail && tail.index > 0 ? text.slice(0, tail.index) : text;
  const folded = fold(name);
  const loai = LOAI.find(([re]) => re.test(folded))?.[1];
  const count = /\b0*(\d{1,2})\s*(?:\(?[a-z ]*\)?\s*)?(?:ban|bo)\b/.exec(folded);
  const item: ProcedureDocumentItem = { ten: name.replace(/[;.]\s*$/, '').trim() };
  if (loai) item.loai = loai;
  if (count?.[1] && Number(count[1]) > 0) item.so_luong = Number(count[1]);
  if (tail && tail.index > 0) Object.assign(item, countCell(tail[0]), loai && !countCell(tail[0]).loai ? { loai } : {});
  if (group) item.ghi_chu = group;
  return item;
}

/** "Bản chính: 1 Bản sao: 0" → { loai: 'bản chính', so_luong: 1 }. */
function countCell(cell: string): Pick<ProcedureDocumentItem, 'loai' | 'so_luong'> {
  const folded = fold(cell);
  const original = /ban chinh\s*:?\s*(\d+)/.exec(folded);
  const copy = /ba[no] sao\s*:?\s*(\d+)/.exec(folded);
  const nOriginal = Number(original?.[1] ?? 0);
  const nCopy = Number(copy?.[1] ?? 0);
  if (nOriginal > 0 && nCopy > 0) return { loai: 'bản chính và bản sao', so_luong: nOriginal + nCopy };
  if (nOriginal > 0) return { loai: 'bản chính', so_luong: nOriginal };
  if (nCopy > 0) return { loai: 'bản sao', so_luong: nCopy };
  const plain = /^0*(\d{1,2})\b/.exec(folded);
  return plain?.[1] && Number(plain[1]) > 0 ? { so_luong: Number(plain[1]) } : {};
}

/** Put one table row under the current field, using the header's column names when known. */
function addTableRow(field: FieldDraft, draft: ProcedureDraft, cells: string[], labels: ProcedureLabels): void {
  const folded = cells.map((c) => fold(c).replace(/\s+/g, ' ').trim());
  if (folded.filter(Boolean).length === 0 || folded.every((c) => c === '' || /^[-:|]+$/.test(c))) return;
  // A header row names two columns or more ("Thời hạn giải quyết | 10 ngày" is a heading and its value).
  if (folded.filter((c) => HEADER_CELL_RE.test(c)).length >= 2 && folded.every((c) => c === '' || HEADER_CELL_RE.test(c) || c.length < 25)) {
    field.columns = folded;
    return;
  }
  const col = (re: RegExp) => {
    const at = field.columns?.findIndex((c) => re.test(c)) ?? -1;
    const value = at >= 0 ? cells[at]?.trim() : undefined;
    return value && !isEmptyValue(value, labels) ? value : undefined;
  };
  const first = cells.find((c) => c.trim() !== '')!.trim();
  switch (field.field) {
    case 'thanh_phan_ho_so': {
      const ten = col(/^(?:ten|loai) (giay to|ho so)$/) ?? first;
      const count = col(/^so luong$/);
      const original = col(/^ban chinh$/);
      const copy = col(/^ban sao$/);
      const counts = count
        ? countCell(count)
        : original !== undefined || copy !== undefined
          ? countCell(`bản chính: ${original ?? 0} bản sao: ${copy ?? 0}`)
          : {};
      const item: ProcedureDocumentItem = { ten, ...counts };
      const form = col(/^mau don/);
      if (form) item.ghi_chu = `mẫu: ${form}`;
      field.documents.push(item);
      return;
    }
    case 'noi_nop':
    case 'thoi_han_giai_quyet': {
      const channel = col(/^hinh thuc nop$/) ?? first;
      if (field.field === 'noi_nop') field.items.push(channel);
      const time = col(/^thoi han giai quyet$/);
      const fee = col(/^phi,? le phi$/);
      if (time) draft.channelTimes.push(`${channel}: ${time}`);
      if (fee) draft.channelFees.push(`${channel}: ${fee}`);
      return;
    }
    case 'can_cu_phap_ly': {
      const summary = col(/^trich yeu$/);
      const number = col(/^so ky hieu$/);
      field.items.push(summary ?? [number, ...cells.filter((c) => c.trim() && c.trim() !== number)].filter(Boolean).join(' – '));
      return;
    }
    default:
      field.items.push(cells.map((c) => c.trim()).filter(Boolean).join('; '));
  }
}

/** Table rows of the document tree by first line, so tables are read as cells whatever their text rendering. */
function tableRowsByLine(doc: Document): Map<number, { cells: string[]; end: number }> {
  const rows = new Map<number, { cells: string[]; end: number }>();
  const walk = (nodes: DocNode[]) => {
    for (const node of nodes) {
      if (node.kind === 'section') walk(node.children);
      else if (node.kind === 'table') {
        if (node.header.length > 0 && !node.rows.some((r) => r.lines[0] === node.lines[0])) {
          rows.set(node.lines[0], { cells: node.header, end: node.lines[0] });
        }
        for (const row of node.rows) rows.set(row.lines[0], { cells: row.cells, end: row.lines[1] });
      }
    }
  };
  walk(doc.children);
  return rows;
}

/** Cells of a line rendered as a table row ("a | b | c" or tab-separated), else undefined. */
function splitRow(raw: string): string[] | undefined {
  if (/\s\|\s|^\||\|$/.test(raw.trim())) return raw.trim().replace(/^\||\|$/g, '').split('|').map((c) => squash(cleanText(c)));
  if (/\S\t+\S/.test(raw)) return raw.split(/\t+/).map((c) => squash(cleanText(c)));
  return undefined;
}

/** One unit of reading: a line (or part of one) of text, or the cells of a table row. */
type Unit = { kind: 'text'; raw: string; line: number; end: number } | { kind: 'row'; cells: string[]; line: number; end: number };

/**
 * Pieces of a line that web exports glued together: headings glued to each other or to their value
 * ("Thành phần hồ sơBao gồmTrình tự thực hiệnBước 1: …"), steps run into one line ("… Bước 2: …"),
 * bullets after a sentence ("rách nát:- Văn bản …;- Bản sao …"), "(LABEL: value)" inside a banner.
 */
function splitGlued(raw: string, labels: ProcedureLabels): string[] {
  const text = cleanText(raw);
  const out: string[] = [];
  const after: string[] = [];
  // "(THỜI GIAN GIẢI QUYẾT: 10 NGÀY LÀM VIỆC)" inside a line that is not itself a field.
  const paren = /\(([^():]{3,60}):\s*([^()]{1,120})\)/gu;
  let base = text;
  if (!labels.match(stripMarkup(text), false)) {
    for (const m of text.matchAll(paren)) {
      const hit = labels.match(`${m[1]}: ${m[2]}`, false);
      if (hit && hit.field !== 'skip') {
        after.push(`${m[1]!.trim()}: ${m[2]!.trim()}`);
        base = base.replace(m[0], ' ');
      }
    }
  }
  // Split where a capitalised label, filler or step follows a lowercase letter/digit/punctuation without a space.
  const pieces: string[] = [];
  let last = 0;
  const boundary = /(?<=[\p{Ll}\d.;:)])(?=\p{Lu})/gu;
  for (const m of base.matchAll(boundary)) {
    const at = m.index;
    const restText = base.slice(at);
    // The text up to the next glue point: "Trình tự thực hiện" of "Trình tự thực hiệnBước 1: …".
    const seg = restText.split(/(?<=[\p{Ll}\d])(?=\p{Lu})/u)[0] ?? '';
    const head = seg.split(/[:\n]/)[0] ?? '';
    const isLabel = labels.match(seg, false) !== undefined || labels.match(head, false) !== undefined;
    const isFiller = labels.isFiller(seg);
    const isStep = STEP_RE.test(restText);
    if ((isLabel || isFiller || isStep) && at > last) {
      pieces.push(base.slice(last, at));
      last = at;
    }
  }
  pieces.push(base.slice(last));
  for (const piece of pieces) {
    // Steps run together ("… cấp xã Bước 2: Trong thời hạn …") and bullets after a sentence.
    for (const part of piece.split(/\s+(?=Bước\s*\d+\s*[:.])|(?<=[.;:])\s*(?=[-+•*]\s*\p{Lu})/u)) {
      if (part.trim() !== '') out.push(part);
    }
  }
  return [...out, ...after];
}

export interface ExtractProceduresOptions {
  /** Field labels. Default: knowledge/procedure-fields.json. */
  labels?: ProcedureLabels;
}

function toProcedure(draft: ProcedureDraft, doc: Document, index: number, labels: ProcedureLabels): Procedure | undefined {
  const core = new Set(draft.fields.filter((f) => CORE.has(f.field)).map((f) => f.field));
  if (draft.channelTimes.length > 0) core.add('thoi_han_giai_quyet');
  const steps = draft.fields.filter((f) => f.field === 'trinh_tu').flatMap((f) => f.items);
  const stepLines = steps.filter((s) => STEP_RE.test(s));
  const cues = new Set(labels.stepCues.filter((c) => foldLabel(steps.join(' ')).includes(c)));
  const hasCode = draft.fields.some((f) => f.field === 'ma' && f.items.some((t) => /\d\.\d{6}/.test(t)));
  const accepted =
    (core.size >= 3 && (core.has('thanh_phan_ho_so') || core.has('trinh_tu'))) ||
    (draft.named && core.size >= 2) ||
    (hasCode && core.size >= 1) ||
    // A page that only lists the steps of submitting and getting back a file.
    (stepLines.length >= 2 && cues.size >= 2);
  if (!accepted) return undefined;
  // Field lines for time/fee read from the submission table point at that table.
  const channels = draft.fields.find((f) => f.field === 'noi_nop');

  const byField = new Map<LayoutField, FieldDraft[]>();
  for (const f of draft.fields) byField.set(f.field, [...(byField.get(f.field) ?? []), f]);
  // The first heading of a field that has a value (portals repeat headings, the first often empty).
  const pick = (field: LayoutField) => {
    const all = byField.get(field) ?? [];
    return all.find((f) => f.items.some((t) => !isEmptyValue(t, labels)) || f.documents.length > 0) ?? all[0];
  };
  const items = (field: LayoutField) => (pick(field)?.items ?? []).filter((t) => !isEmptyValue(t, labels));
  const scalar = (field: LayoutField) => {
    const joined = items(field).join(' ').trim();
    return joined === '' ? undefined : joined;
  };

  const documents: ProcedureDocumentItem[] = [];
  let group: string | undefined;
  for (const text of items('thanh_phan_ho_so')) {
    if (/:\s*$/.test(text) && text.length < 120) {
      group = text.replace(/:\s*$/, '');
      continue;
    }
    documents.push(documentItem(text, group));
  }
  documents.push(...(pick('thanh_phan_ho_so')?.documents ?? []));

  const prose = draft.fields
    .filter((f) => PROSE.has(f.field))
    .map((f) => ({ heading: f.heading, items: f.items.filter((t) => !isEmptyValue(t, labels)) }))
    .filter((f) => f.items.length > 0)
    .map((f) => `${f.heading}: ${f.items.join(' ')}`);

  const fieldLines: Record<string, LineSpan> = {};
  for (const f of draft.fields) {
    if (PROSE.has(f.field) || f.field === 'skip') continue;
    const chosen = pick(f.field);
    if (chosen && !fieldLines[f.field]) fieldLines[f.field] = chosen.lines;
  }
  const proseField = draft.fields.find((f) => PROSE.has(f.field) && f.items.some((t) => !isEmptyValue(t, labels)));
  if (proseField) fieldLines['mo_ta'] = proseField.lines;
  // Results and conditions live in the prose; their own spans let an answer cite the field by name.
  for (const f of draft.fields) {
    if ((f.field === 'ket_qua' || f.field === 'yeu_cau') && !fieldLines[f.field] && f.items.some((t) => !isEmptyValue(t, labels))) fieldLines[f.field] = f.lines;
  }
  if (channels && !scalar('thoi_han_giai_quyet') && draft.channelTimes.length > 0) fieldLines['thoi_han_giai_quyet'] = channels.lines;
  if (channels && !scalar('le_phi') && draft.channelFees.length > 0) fieldLines['le_phi'] = channels.lines;
  const end = Math.max(draft.start, ...draft.fields.map((f) => f.lines[1]));
  const ref: DocRef = {
    docId: doc.meta.id,
    type: doc.meta.type,
    number: doc.meta.number,
    date: doc.meta.date,
    issuer: doc.meta.issuer,
    province: doc.meta.province,
    title: doc.meta.title,
    file: doc.meta.file,
  };
  const ma = scalar('ma');
  const named = scalar('ten');
  // A page with no title of its own is named after its file ("thu-tuc-…-longan.txt"), never after "Lĩnh vực".
  const fileBase = path.basename(doc.meta.file, path.extname(doc.meta.file));
  const title = !draft.named && draft.title === fileBase ? nameFromFile(doc.meta.file, labels) : draft.title;
  const ten = named ? capitalise(cleanName(named)) : title;
  const short = labels.shortNames(ten);
  return {
    id: `${doc.meta.id}#thu-tuc-${index + 1}`,
    doc: ref,
    ma: ma ? (/\d\.\d{6}(?:\.[\w.]*\w)?/.exec(ma)?.[0] ?? ma) : undefined,
    ten,
    linh_vuc: scalar('linh_vuc'),
    cap_thuc_hien: items('cap_thuc_hien').flatMap((t) => t.split(/[,;]/).map((s) => s.trim()).filter(Boolean)),
    co_quan_thuc_hien: scalar('co_quan_thuc_hien'),
    noi_nop: items('noi_nop').filter((t) => !isHeaderLine(t)),
    thoi_han_giai_quyet: scalar('thoi_han_giai_quyet') ?? (draft.channelTimes.length > 0 ? draft.channelTimes.join('; ') : undefined),
    le_phi: scalar('le_phi') ?? (draft.channelFees.length > 0 ? draft.channelFees.join('; ') : undefined),
    thanh_phan_ho_so: documents,
    trinh_tu: steps.filter((t) => !isEmptyValue(t, labels)),
    doi_tuong: scalar('doi_tuong'),
    can_cu_phap_ly: items('can_cu_phap_ly').map((t) => t.replace(/[;.]\s*$/, '')),
    nguon: doc.meta.number ? `${doc.meta.type} ${doc.meta.number}` : doc.meta.title,
    cap_nhat: doc.meta.date,
    ten_goi_khac: short,
    mo_ta: prose.join('\n'),
    field_lines: fieldLines,
    lines: [draft.start, end],
  };
}

/** Procedure guides found in an ordinary document; [] for plans, reports and decisions without them. */
export function extractProcedures(doc: Document, options: ExtractProceduresOptions = {}): Procedure[] {
  const labels = options.labels ?? defaultProcedureLabels();
  const drafts: ProcedureDraft[] = [];
  let current: ProcedureDraft | undefined;
  let field: FieldDraft | undefined;
  /** The last non-heading line, a title candidate when field headings start without "Thủ tục …". */
  let lastPlain: { text: string; line: number } | undefined;

  const newDraft = (start: number, title?: { text: string; named: boolean }): ProcedureDraft => {
    const near = lastPlain && start - lastPlain.line <= 3 ? lastPlain : undefined;
    const draft: ProcedureDraft = {
      title: title?.text ?? (near ? capitalise(near.text.replace(/:\s*$/, '')) : doc.meta.title),
      named: title?.named ?? false,
      start: title ? start : (near?.line ?? start),
      fields: [],
      channelTimes: [],
      channelFees: [],
    };
    drafts.push(draft);
    return draft;
  };
  const openField = (f: LayoutField, heading: string, line: number, end: number, inline: string, extra: Partial<FieldDraft> = {}) => {
    current ??= newDraft(line);
    field = { field: f, heading, lines: [line, end], items: inline ? [inline] : [], documents: [], ...extra };
    current.fields.push(field);
  };

  /** A table row: a label and its value (key/value or "Nội dung | Chi tiết"), a data row, or a flattened page. */
  const readRow = (cells: string[], line: number, end: number): void => {
    const clean = cells.map((c) => stripMarkup(c));
    const hits = clean.map((c) => (c ? labels.match(c) : undefined));
    const headerRow = clean.filter(Boolean).length > 0 && clean.every((c) => c === '' || HEADER_CELL_RE.test(fold(c)) || c.length < 25) && clean.filter((c) => HEADER_CELL_RE.test(fold(c))).length >= 2;
    if (field && current && headerRow) {
      addTableRow(field, current, cells, labels);
      field.lines = [field.lines[0], end];
      return;
    }
    const labelCount = hits.filter(Boolean).length;
    if (hits[0] && labelCount === 1) {
      const hit = hits[0];
      openField(hit.field, hit.heading, line, end, '');
      const values = [hit.inline, ...cells.slice(1)].map((c) => c.trim()).filter((c) => c !== '');
      for (const value of values) for (const piece of splitGlued(value, labels)) readText(piece, line, end, true);
      if (field) field.lines = [line, end];
      return;
    }
    if (labelCount >= 2) {
      readFlattened(cells, line, end);
      return;
    }
    if (field && current) {
      addTableRow(field, current, cells, labels);
      field.lines = [field.lines[0], end];
      return;
    }
    const joined = squash(cells.filter(Boolean).join(' '));
    if (joined) readText(joined, line, end);
  };

  /** A whole page flattened into one row of cells: read cell by cell; a run of header cells is a table. */
  const readFlattened = (cells: string[], line: number, end: number): void => {
    const list: string[] = [];
    for (const cell of cells) {
      const hit = labels.match(stripMarkup(cell));
      // "Cách thức thực hiện Hình thức nộp": a heading glued to the first header cell of its table.
      if (hit?.glued && HEADER_CELL_RE.test(fold(hit.inline))) list.push(hit.heading, hit.inline);
      else list.push(cell);
    }
    let columns: number | undefined;
    let row: string[] = [];
    for (let k = 0; k < list.length; k++) {
      const cell = list[k]!;
      const isHeader = HEADER_CELL_RE.test(fold(cell).trim());
      if (columns === undefined && isHeader && field && current) {
        let run = k;
        while (run < list.length && HEADER_CELL_RE.test(fold(list[run]!).trim())) run++;
        if (run - k >= 3) {
          addTableRow(field, current, list.slice(k, run), labels);
          columns = run - k;
          k = run - 1;
          continue;
        }
      }
      if (columns !== undefined && field && current) {
        const startsField = cell.trim() !== '' && labels.match(stripMarkup(splitGlued(cell, labels)[0] ?? ''), false) !== undefined;
        if (startsField && row.length === 0) {
          columns = undefined;
        } else {
          row.push(cell);
          if (row.length === columns) {
            addTableRow(field, current, row, labels);
            row = [];
          }
          continue;
        }
      }
      for (const piece of splitGlued(cell, labels)) readText(piece, line, end);
    }
  };

  /** One line (or piece) of text. `valueOnly`: a value cell of a key/value row, never a heading of its own unless glued labels. */
  const readText = (raw: string, line: number, end: number, valueOnly = false): void => {
    const text = stripMarkup(raw);
    if (text === '') return;

    const titled = labels.stripTitlePrefix(text);
    const title = valueOnly ? undefined : matchTitle(titled);
    if (title) {
      // A title after header-only fields ("Cơ quan giải quyết: … / Lĩnh vực: … / Thủ tục: …") names that guide.
      if (current && !current.named && current.fields.every((f) => HEADER_ONLY.has(f.field)) && line - current.start <= 8) {
        current.title = title;
        current.named = true;
      } else {
        current = newDraft(line, { text: title, named: true });
      }
      field = undefined;
      return;
    }
    const hit = labels.match(text);
    if (hit && !(valueOnly && hit.glued)) {
      // A repeated "Thủ tục: X" as the name label keeps the draft; the value names it.
      openField(hit.field, hit.heading, line, end, '');
      const f = field!;
      if (hit.inline) {
        const [first, ...more] = splitGlued(hit.inline, labels);
        const value = stripMarkup(first ?? '') || (first ?? '').trim();
        if (value) f.items.push(value);
        if (SCALAR.has(f.field) || /^\s*[•*]/.test(raw)) f.closed = true;
        for (const piece of more) readText(piece, line, end, true);
      }
      if (f.field === 'ten' && hit.inline && current) {
        current.named = true;
      }
      return;
    }
    if (field?.closed) field = undefined;
    const step = STEP_RE.test(text);
    if (step && (!field || NOT_STEPS.has(field.field)) && !current?.fields.some((f) => f.field === 'trinh_tu' && !f.implicit && f !== field)) {
      // Steps with no heading of their own ("Bước 1: …" right after the name, or after the legal basis).
      const open = current?.fields.find((f) => f.field === 'trinh_tu' && f.implicit);
      if (open) field = open;
      else openField('trinh_tu', 'Trình tự thực hiện', line, end, '', { implicit: true });
    }
    if (field && !step && !valueOnly && isDocumentHeading(raw)) {
      current = undefined;
      field = undefined;
    }
    if (!field) {
      lastPlain = { text, line };
      return;
    }
    // "Bao gồm" introduces the document table of the national database export; a header written as one line.
    if (labels.isFiller(text) || isHeaderLine(text)) return;
    // "Trực tiếp 10 Ngày làm việc Trong vòng …": a row of the portal's submission table written as a line.
    const channel = (field.field === 'noi_nop' || field.field === 'thoi_han_giai_quyet') && current ? labels.channel(text) : undefined;
    if (channel && current) {
      const time = TIME_RE.exec(channel.rest);
      if (time) current.channelTimes.push(`${channel.channel}: ${time[1]!.trim()}`);
    }
    const last = field.items[field.items.length - 1];
    // "Bản sao: 1" on the line under "… Bản chính: 1": the same counts cell.
    const countOnly = /^(?:bản chính|bản sao)\s*:\s*\d+$/iu.test(text);
    const startsItem =
      !countOnly && (last === undefined || BULLET_RE.test(cleanText(raw)) || /[.;:!?]$/.test(last) || /^\p{Lu}/u.test(text));
    if (startsItem) field.items.push(text.replace(/^(?:[-+•*]\s*)/, ''));
    else if (last !== undefined) field.items[field.items.length - 1] = `${last} ${text}`;
    else field.items.push(text);
    field.lines = [field.lines[0], end];
    if (SCALAR.has(field.field)) field.closed = true;
  };

  const tableRows = tableRowsByLine(doc);
  let skipUntil = 0;
  doc.lines.forEach((raw, i) => {
    const n = i + 1;
    if (n <= skipUntil || raw.trim() === '') return;
    const treeRow = tableRows.get(n);
    if (treeRow) {
      skipUntil = treeRow.end;
      readRow(treeRow.cells, n, treeRow.end);
      return;
    }
    const cells = splitRow(raw);
    if (cells && cells.length >= 2) {
      readRow(cells, n, n);
      return;
    }
    for (const piece of splitGlued(cells ? cells.join(' ') : raw, labels)) readText(piece, n, n);
  });

  const procedures: Procedure[] = [];
  for (const draft of drafts) {
    const procedure = toProcedure(draft, doc, procedures.length, labels);
    if (procedure) procedures.push(procedure);
  }
  return procedures;
}
