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
import type { Document, LineSpan } from '../../domain/document.js';
import type { DocRef, Procedure, ProcedureDocumentItem } from '../../domain/records.js';
import { cleanText, fold, squash } from '../../text/normalize.js';
import type { ProcedureField } from './fields.js';

/** Headings the national database export uses, folded. `extra` fields go to the prose (mo_ta). */
type LayoutField = ProcedureField | 'so_luong' | 'extra';
const FIELD_HEADINGS: Array<{ field: LayoutField; re: RegExp }> = [
  { field: 'ten', re: /^ten (?:thu tuc|tthc)/ },
  { field: 'ma', re: /^ma (?:so|thu tuc|tthc)/ },
  { field: 'linh_vuc', re: /^linh vuc/ },
  { field: 'cap_thuc_hien', re: /^cap thuc hien/ },
  { field: 'trinh_tu', re: /^trinh tu(?:,? cach thuc)?(?: thuc hien)?/ },
  { field: 'noi_nop', re: /^(?:cach thuc thuc hien|cach thuc nop(?: ho so)?|dia diem (?:thuc hien|tiep nhan)|noi (?:nop|tiep nhan)(?: ho so)?)/ },
  { field: 'thanh_phan_ho_so', re: /^(?:thanh phan(?:,| va)? so luong ho so|thanh phan ho so|ho so gom)/ },
  { field: 'so_luong', re: /^so luong ho so/ },
  { field: 'thoi_han_giai_quyet', re: /^thoi (?:han|gian) giai quyet/ },
  { field: 'doi_tuong', re: /^doi tuong thuc hien(?: thu tuc hanh chinh| tthc)?/ },
  { field: 'co_quan_thuc_hien', re: /^co quan (?:thuc hien|giai quyet|co tham quyen)/ },
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
}

interface ProcedureDraft {
  title: string;
  start: number;
  fields: FieldDraft[];
}

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

function toProcedure(draft: ProcedureDraft, doc: Document, index: number): Procedure | undefined {
  const core = new Set(draft.fields.filter((f) => CORE.has(f.field)).map((f) => f.field));
  if (core.size < 3 || !(core.has('thanh_phan_ho_so') || core.has('trinh_tu'))) return undefined;

  const byField = new Map<LayoutField, FieldDraft>();
  for (const f of draft.fields) if (!byField.has(f.field)) byField.set(f.field, f);
  const items = (field: LayoutField) => byField.get(field)?.items ?? [];
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

  const prose = draft.fields
    .filter((f) => f.field === 'so_luong' || f.field === 'extra')
    .map((f) => `${f.heading}: ${f.items.join(' ')}`.trim());

  const fieldLines: Record<string, LineSpan> = {};
  for (const f of draft.fields) {
    if (f.field !== 'so_luong' && f.field !== 'extra' && !fieldLines[f.field]) fieldLines[f.field] = f.lines;
  }
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
    thoi_han_giai_quyet: scalar('thoi_han_giai_quyet'),
    le_phi: scalar('le_phi'),
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

  doc.lines.forEach((raw, i) => {
    const n = i + 1;
    if (raw.trim() === '') return;
    const text = stripMarkup(raw);
    if (text === '') return;

    const title = matchTitle(text);
    if (title) {
      current = { title, start: n, fields: [] };
      drafts.push(current);
      field = undefined;
      return;
    }
    const heading = matchHeading(text);
    if (heading) {
      if (!current) {
        const near = lastPlain && n - lastPlain.line <= 3 ? lastPlain : undefined;
        current = { title: near ? capitalise(near.text.replace(/:\s*$/, '')) : doc.meta.title, start: near?.line ?? n, fields: [] };
        drafts.push(current);
      }
      field = { field: heading.field, heading: heading.heading, lines: [n, n], items: heading.inline ? [heading.inline] : [] };
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
