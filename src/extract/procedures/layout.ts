/**
 * Finds procedure guides inside ordinary documents (.docx/.pdf/.txt exports of the national
 * procedure database, provincial "bộ thủ tục" decisions): a title line "1. Thủ tục đăng ký khai
 * sinh" followed by field headings ("Trình tự thực hiện", "Thành phần hồ sơ", "Thời hạn giải
 * quyết" …), written as numbered sections, bold lines or "Heading: value" lines.
 *
 * Works on the document's text rendering (`Document.lines`) rather than the section tree, because
 * the field headings are as often bold paragraphs as numbered sections and the tree builder cannot
 * know they are headings. A plan document yields [] because it never has three field headings.
 */
import type { DocNode, Document, LineSpan } from '../../domain/document.js';
import type { DocRef, Procedure, ProcedureDocumentItem } from '../../domain/records.js';
import { cleanText, fold, squash } from '../../text/normalize.js';
import type { ProcedureField } from './fields.js';

/** Headings the national database export uses, folded. `extra` fields go to the prose (mo_ta). */
type LayoutField = ProcedureField | 'so_luong' | 'extra' | 'skip';
const FIELD_HEADINGS: Array<{ field: LayoutField; re: RegExp }> = [
  { field: 'ten', re: /^ten (?:thu tuc|tthc)/ },
  { field: 'ma', re: /^ma (?:so|thu tuc|tthc)/ },
  { field: 'linh_vuc', re: /^linh vuc/ },
  { field: 'cap_thuc_hien', re: /^cap thuc hien/ },
  { field: 'trinh_tu', re: /^trinh tu(?:,? cach thuc)?(?: thuc hien)?/ },
  { field: 'noi_nop', re: /^(?:cach thuc thuc hien|cach thuc nop(?: ho so)?|dia diem (?:thuc hien|tiep nhan)|dia chi tiep nhan(?: hs| ho so)?|noi (?:nop|tiep nhan)(?: ho so)?)/ },
  { field: 'thanh_phan_ho_so', re: /^(?:thanh phan(?:,| va)? so luong ho so|thanh phan ho so|ho so gom)/ },
  { field: 'so_luong', re: /^so luong ho so/ },
  { field: 'thoi_han_giai_quyet', re: /^thoi (?:han|gian) giai quyet/ },
  { field: 'doi_tuong', re: /^doi tuong thuc hien(?: thu tuc hanh chinh| tthc)?/ },
  { field: 'co_quan_thuc_hien', re: /^co quan (?:thuc hien|giai quyet|co tham quyen)/ },
  // Headings of the national database export that carry nothing to answer with; recognising them
  // keeps their values out of the field above.
  { field: 'skip', re: /^(?:so quyet dinh|loai thu tuc|tu khoa|mo ta|co quan duoc uy quyen|co quan phoi hop|thu tuc hanh chinh lien quan)/ },
  { field: 'le_phi', re: /^(?:phi,? le phi|le phi|phi)/ },
  { field: 'can_cu_phap_ly', re: /^can cu phap ly(?: cua thu tuc hanh chinh| cua tthc)?/ },
  { field: 'extra', re: /^(?:ket qua (?:thuc hien|giai quyet)(?: thu tuc hanh chinh| tthc)?|yeu cau,? dieu kien(?: thuc hien)?(?: thu tuc hanh chinh| tthc)?|ten mau don,? mau to khai|mau don,? to khai)/ },
];

/** Fields whose presence marks a procedure guide; three of them are needed. */
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

/** Numbering, bullets and markdown emphasis in front of a heading: "2.", "a)", "-", "**", "##". */
const PREFIX_RE = /^(?:[#>*_\s]+)?(?:(?:[ivxlc]+|\d+(?:\.\d+)*|[a-zđ])[.)]\s*)?(?:[-+•*]\s*)?(?:\*\*|__)?\s*/iu;
const BULLET_RE = /^\s*(?:[-+•*]|\d+(?:\.\d+)*[.)]|[a-zđ][.)]|bước\s+\d+|buoc\s+\d+)/iu;

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
}

interface ProcedureDraft {
  title: string;
  start: number;
  fields: FieldDraft[];
  /** "Trực tiếp: Ngay trong ngày" from a "Hình thức nộp | Thời hạn giải quyết | Phí, lệ phí" table. */
  channelTimes: string[];
  channelFees: string[];
}

/** Values the national database prints for an empty field. */
const EMPTY_VALUE_RE = /^(?:khong co thong tin|khong quy dinh|khong|\.+|-+)$/;
/** Header cells of the tables in national database exports. */
const HEADER_CELL_RE =
  /^(?:ten giay to|mau don,? to khai|so luong|hinh thuc nop|thoi han giai quyet|phi,? le phi|mo ta|so ky hieu|trich yeu|ngay ban hanh|co quan ban hanh|stt|ten ho so)$/;

/** The heading a line starts with, and the inline value after its colon, if the line is a field heading. */
function matchHeading(text: string): { field: LayoutField; heading: string; inline: string } | undefined {
  const folded = fold(text);
  for (const { field, re } of FIELD_HEADINGS) {
    const m = re.exec(folded);
    if (!m) continue;
    const rest = folded.slice(m[0].length).trim();
    // A heading either stands alone, or introduces its value with a colon; "(nếu có)" may follow.
    const colon = /^(?:\([^)]*\)\s*)?[:：]/.exec(rest);
    if (rest === '' || /^\([^)]*\)$/.test(rest)) return { field, heading: text.replace(/[:：]\s*$/, ''), inline: '' };
    if (colon) {
      const at = text.length - rest.length + colon[0].length;
      return { field, heading: text.slice(0, at - 1).trim(), inline: text.slice(at).trim() };
    }
  }
  return undefined;
}

/** "Thủ tục đăng ký khai sinh" → "Đăng ký khai sinh"; undefined when the line is not a procedure title. */
function matchTitle(text: string): string | undefined {
  const folded = fold(text);
  if (!/^thu tuc\s*[:\-–]?\s*\S/.test(folded) || /^thu tuc hanh chinh\b/.test(folded)) return undefined;
  if (text.length > 200 || /[.;]$/.test(text)) return undefined;
  return capitalise(text.replace(/^thủ tục\s*[:\-–]?\s*/iu, '').trim());
}

function capitalise(text: string): string {
  return text.charAt(0).toLocaleUpperCase('vi') + text.slice(1);
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
  const folded = fold(text);
  const loai = LOAI.find(([re]) => re.test(folded))?.[1];
  const count = /\b0*(\d{1,2})\s*(?:\(?[a-z ]*\)?\s*)?(?:ban|bo)\b/.exec(folded);
  const item: ProcedureDocumentItem = { ten: text.replace(/[;.]\s*$/, '') };
  if (loai) item.loai = loai;
  if (count?.[1] && Number(count[1]) > 0) item.so_luong = Number(count[1]);
  if (group) item.ghi_chu = group;
  return item;
}

/** "Bản chính: 1 Bản sao: 0" → { loai: 'bản chính', so_luong: 1 }. */
function countCell(cell: string): Pick<ProcedureDocumentItem, 'loai' | 'so_luong'> {
  const folded = fold(cell);
  const original = /ban chinh\s*:?\s*(\d+)/.exec(folded);
  const copy = /ban sao\s*:?\s*(\d+)/.exec(folded);
  const nOriginal = Number(original?.[1] ?? 0);
  const nCopy = Number(copy?.[1] ?? 0);
  if (nOriginal > 0 && nCopy > 0) return { loai: 'bản chính và bản sao', so_luong: nOriginal + nCopy };
  if (nOriginal > 0) return { loai: 'bản chính', so_luong: nOriginal };
  if (nCopy > 0) return { loai: 'bản sao', so_luong: nCopy };
  const plain = /^0*(\d{1,2})\b/.exec(folded);
  return plain?.[1] && Number(plain[1]) > 0 ? { so_luong: Number(plain[1]) } : {};
}

/** Put one table row under the current field, using the header's column names when known. */
function addTableRow(field: FieldDraft, draft: ProcedureDraft, cells: string[]): void {
  const folded = cells.map((c) => fold(c).replace(/\s+/g, ' ').trim());
  if (folded.filter(Boolean).length === 0) return;
  if (folded.some((c) => HEADER_CELL_RE.test(c)) && folded.every((c) => c === '' || HEADER_CELL_RE.test(c) || c.length < 25)) {
    field.columns = folded;
    return;
  }
  const col = (re: RegExp) => {
    const at = field.columns?.findIndex((c) => re.test(c)) ?? -1;
    const value = at >= 0 ? cells[at]?.trim() : undefined;
    return value && !EMPTY_VALUE_RE.test(fold(value)) ? value : undefined;
  };
  const first = cells.find((c) => c.trim() !== '')!.trim();
  switch (field.field) {
    case 'thanh_phan_ho_so': {
      const ten = col(/^ten (giay to|ho so)$/) ?? first;
      const count = col(/^so luong$/);
      const item: ProcedureDocumentItem = { ten, ...(count ? countCell(count) : {}) };
      const form = col(/^mau don/);
      if (form) item.ghi_chu = `mẫu: ${form}`;
      field.documents.push(item);
      return;
    }
    case 'noi_nop': {
      const channel = col(/^hinh thuc nop$/) ?? first;
      field.items.push(channel);
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

function toProcedure(draft: ProcedureDraft, doc: Document, index: number): Procedure | undefined {
  const core = new Set(draft.fields.filter((f) => CORE.has(f.field)).map((f) => f.field));
  if (core.size < 3 || !(core.has('thanh_phan_ho_so') || core.has('trinh_tu'))) return undefined;
  // Field lines for time/fee read from the submission table point at that table.
  const channels = draft.fields.find((f) => f.field === 'noi_nop');

  const byField = new Map<LayoutField, FieldDraft>();
  for (const f of draft.fields) if (!byField.has(f.field)) byField.set(f.field, f);
  const items = (field: LayoutField) => (byField.get(field)?.items ?? []).filter((t) => !EMPTY_VALUE_RE.test(fold(t).trim()));
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
  documents.push(...(byField.get('thanh_phan_ho_so')?.documents ?? []));

  const prose = draft.fields
    .filter((f) => f.field === 'so_luong' || f.field === 'extra')
    .map((f) => ({ heading: f.heading, items: f.items.filter((t) => !EMPTY_VALUE_RE.test(fold(t).trim())) }))
    .filter((f) => f.items.length > 0)
    .map((f) => `${f.heading}: ${f.items.join(' ')}`);

  const fieldLines: Record<string, LineSpan> = {};
  for (const f of draft.fields) {
    if (f.field !== 'so_luong' && f.field !== 'extra' && f.field !== 'skip' && !fieldLines[f.field]) fieldLines[f.field] = f.lines;
  }
  if (channels && !fieldLines['thoi_han_giai_quyet'] && draft.channelTimes.length > 0) fieldLines['thoi_han_giai_quyet'] = channels.lines;
  if (channels && !fieldLines['le_phi'] && draft.channelFees.length > 0) fieldLines['le_phi'] = channels.lines;
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
  return {
    id: `${doc.meta.id}#thu-tuc-${index + 1}`,
    doc: ref,
    ma: ma ? (/\d\.\d{6}/.exec(ma)?.[0] ?? ma) : undefined,
    ten: scalar('ten') ? capitalise(scalar('ten')!.replace(/^thủ tục\s*/iu, '')) : draft.title,
    linh_vuc: scalar('linh_vuc'),
    cap_thuc_hien: items('cap_thuc_hien').flatMap((t) => t.split(/[,;]/).map((s) => s.trim()).filter(Boolean)),
    co_quan_thuc_hien: scalar('co_quan_thuc_hien'),
    noi_nop: items('noi_nop'),
    thoi_han_giai_quyet: scalar('thoi_han_giai_quyet') ?? (draft.channelTimes.length > 0 ? draft.channelTimes.join('; ') : undefined),
    le_phi: scalar('le_phi') ?? (draft.channelFees.length > 0 ? draft.channelFees.join('; ') : undefined),
    thanh_phan_ho_so: documents,
    trinh_tu: items('trinh_tu'),
    doi_tuong: scalar('doi_tuong'),
    can_cu_phap_ly: items('can_cu_phap_ly').map((t) => t.replace(/[;.]\s*$/, '')),
    nguon: doc.meta.number ? `${doc.meta.type} ${doc.meta.number}` : doc.meta.title,
    cap_nhat: doc.meta.date,
    ten_goi_khac: [],
    mo_ta: prose.join('\n'),
    field_lines: fieldLines,
    lines: [draft.start, end],
  };
}

/** Procedure guides found in an ordinary document; [] for plans, reports and decisions without them. */
export function extractProcedures(doc: Document): Procedure[] {
  const drafts: ProcedureDraft[] = [];
  let current: ProcedureDraft | undefined;
  let field: FieldDraft | undefined;
  /** The last non-heading line, a title candidate when field headings start without "Thủ tục …". */
  let lastPlain: { text: string; line: number } | undefined;

  const tableRows = tableRowsByLine(doc);
  let skipUntil = 0;

  doc.lines.forEach((raw, i) => {
    const n = i + 1;
    if (n <= skipUntil || raw.trim() === '') return;
    const row = tableRows.get(n);
    const cells = row?.cells ?? (field ? splitRow(raw) : undefined);
    if (row) skipUntil = row.end;
    if (cells && field && current) {
      addTableRow(field, current, cells);
      field.lines = [field.lines[0], row?.end ?? n];
      return;
    }
    const text = stripMarkup(raw);
    if (text === '') return;

    const title = matchTitle(text);
    if (title) {
      current = { title, start: n, fields: [], channelTimes: [], channelFees: [] };
      drafts.push(current);
      field = undefined;
      return;
    }
    const heading = matchHeading(text);
    if (heading) {
      if (!current) {
        const near = lastPlain && n - lastPlain.line <= 3 ? lastPlain : undefined;
        current = {
          title: near ? capitalise(near.text.replace(/:\s*$/, '')) : doc.meta.title,
          start: near?.line ?? n,
          fields: [],
          channelTimes: [],
          channelFees: [],
        };
        drafts.push(current);
      }
      field = { field: heading.field, heading: heading.heading, lines: [n, n], items: heading.inline ? [heading.inline] : [], documents: [] };
      current.fields.push(field);
      return;
    }
    if (field && isDocumentHeading(raw)) {
      current = undefined;
      field = undefined;
    }
    if (!field) {
      lastPlain = { text, line: n };
      return;
    }
    // "Bao gồm" introduces the document table of the national database export.
    if (/^bao gom:?$/.test(fold(text))) return;
    const last = field.items[field.items.length - 1];
    const startsItem =
      last === undefined || BULLET_RE.test(cleanText(raw)) || /[.;:!?]$/.test(last) || /^\p{Lu}/u.test(text);
    if (startsItem) field.items.push(text.replace(/^(?:[-+•*]\s*)/, ''));
    else field.items[field.items.length - 1] = `${last} ${text}`;
    field.lines = [field.lines[0], n];
  });

  const procedures: Procedure[] = [];
  for (const draft of drafts) {
    const procedure = toProcedure(draft, doc, procedures.length);
    if (procedure) procedures.push(procedure);
  }
  return procedures;
}
