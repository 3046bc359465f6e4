/**
 * Vietnamese chat text for one procedure and one aspect, with the citations of the fields used.
 * Only fields the guide has are shown; a missing field is said to be missing, never guessed.
 */
import type { Citation } from '../../domain/answer.js';
import type { LineSpan } from '../../domain/document.js';
import type { Procedure } from '../../domain/records.js';
import { FIELD_HEADINGS, type ProcedureField } from '../../extract/procedures/fields.js';
import { describeDocumentItem } from '../../extract/procedures/guide.js';
import { defaultProcedureLabels } from '../../extract/procedures/labels.js';
import { fold } from '../../text/normalize.js';
import type { ProcedureAspect, ProcedureVocabulary } from './vocabulary.js';

export const REMINDER =
  'Lưu ý: lệ phí và quy định có thể thay đổi, bạn nên hỏi lại nơi tiếp nhận hồ sơ (Bộ phận một cửa) trước khi nộp.';

/** A guide not checked for this many days gets a staleness note. Default: 365. */
export const STALE_AFTER_DAYS = 365;


export function viDate(iso: string | undefined): string | undefined {
  const m = iso ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso) : null;
  return m ? `${m[3]}/${m[2]}/${m[1]}` : iso;
}

function isGuide(p: Procedure): boolean {
  return p.doc.type === 'Thủ tục hành chính';
}

/** "Quyết định 45/QĐ-UBND", or, for a page with no number (a portal's procedure page), its file name. */
function documentLabel(p: Procedure): string {
  if (p.doc.number) return [p.doc.type, p.doc.number].filter(Boolean).join(' ');
  return p.doc.file.split(/[\\/]/).pop() || p.doc.title || p.doc.type;
}

export function citationFor(p: Procedure, field: ProcedureField): Citation {
  const lines: LineSpan = p.field_lines?.[field] ?? p.lines;
  return {
    docId: p.doc.docId,
    document: isGuide(p) ? `Thủ tục ${p.ten}` : documentLabel(p),
    title: isGuide(p) ? p.ten : p.doc.title,
    ...(isGuide(p) ? (p.cap_nhat ? { date: p.cap_nhat } : {}) : p.doc.date ? { date: p.doc.date } : {}),
    ...(p.doc.issuer ? { issuer: p.doc.issuer } : {}),
    section: isGuide(p) ? FIELD_HEADINGS[field] : `thủ tục “${p.ten}”, ${FIELD_HEADINGS[field]}`,
    file: p.doc.file,
    lines,
  };
}

export function sourceLine(p: Procedure, fields: ProcedureField[] = []): string {
  const ma = p.ma ? ` (mã ${p.ma})` : '';
  const basis = p.can_cu_phap_ly[0] ? `, căn cứ ${p.can_cu_phap_ly[0]}` : '';
  if (isGuide(p)) {
    const date = p.cap_nhat ? `; cập nhật ${viDate(p.cap_nhat)}` : '';
    return `Nguồn: Hướng dẫn thủ tục “${p.ten}”${ma}${basis}${date}.`;
  }
  const doc = documentLabel(p);
  const date = p.doc.date ? ` ngày ${viDate(p.doc.date)}` : '';
  // The field(s) the answer rests on, by their heading in the source ("mục Thời hạn giải quyết").
  const shown = fields.filter((f) => p.field_lines?.[f]).map((f) => FIELD_HEADINGS[f]);
  const where = shown.length > 0 ? `, mục ${shown.join(', ')}` : '';
  return `Nguồn: ${doc}${date}, thủ tục “${p.ten}”${where}${ma}${basis}.`;
}

function daysBetween(fromIso: string, toIso: string): number | undefined {
  const a = Date.parse(`${fromIso}T00:00:00Z`);
  const b = Date.parse(`${toIso}T00:00:00Z`);
  return Number.isNaN(a) || Number.isNaN(b) ? undefined : Math.round((b - a) / 86_400_000);
}

export interface AspectText {
  text: string;
  fields: ProcedureField[];
  /** True when the guide lacks the field the question asks about. */
  missing: boolean;
}

const numbered = (items: string[]) => items.map((s, i) => `${i + 1}. ${s}`).join('\n');
const bulleted = (items: string[]) => items.map((s) => `- ${s}`).join('\n');

function notStated(p: Procedure, what: string, field: ProcedureField): AspectText {
  return { text: `Hướng dẫn thủ tục “${p.ten}” không nêu ${what}.`, fields: [field], missing: true };
}

/**
 * A guide with no field for it whose text says it elsewhere: its steps ("Bước 1: … nộp hồ sơ tại Bộ
 * phận …"), else the sentences of its conditions, else of its document list ("Trước thời hạn hiệu lực
 * của giấy phép 30 ngày, … phải nộp hồ sơ"), quoted with the field they come from.
 */
function fromSteps(p: Procedure, aspect: 'where' | 'time' | 'fee', what: string): AspectText | undefined {
  const labels = defaultProcedureLabels();
  const sentences = (text: string) => text.split(/(?<=[.;:])\s*(?=\p{Lu})|(?<=[.;])\s+/u).map((t) => t.trim()).filter(Boolean);
  const sources: Array<{ field: ProcedureField; heading: string; lines: string[] }> = [
    { field: 'trinh_tu', heading: 'trình tự thực hiện', lines: p.trinh_tu },
    { field: 'yeu_cau', heading: 'yêu cầu, điều kiện', lines: sentences(proseField(p, 'yeu_cau') ?? '') },
    { field: 'thanh_phan_ho_so', heading: 'thành phần hồ sơ', lines: aspect === 'time' ? p.thanh_phan_ho_so.flatMap((d) => sentences(d.ten)) : [] },
  ];
  for (const source of sources) {
    const said = labels.stepsAnswering(aspect, source.lines);
    if (said.length === 0) continue;
    return {
      text: `Hướng dẫn thủ tục “${p.ten}” không có mục ${what} riêng; phần ${source.heading} nêu:\n${bulleted(said)}`,
      fields: [source.field],
      missing: false,
    };
  }
  return undefined;
}

/** "Số lượng hồ sơ: 01 bộ" kept in the prose of a guide read from a page. */
function countLine(p: Procedure): string | undefined {
  return p.mo_ta.split('\n').find((l) => /^(?:so luong ho so|so bo ho so)\b/.test(fold(l)));
}

/** True when every submission entry is a bare channel ("Trực tiếp", "Dịch vụ bưu chính"), saying nothing of where. */
function onlyChannels(p: Procedure): boolean {
  const labels = defaultProcedureLabels();
  return p.noi_nop.length > 0 && p.noi_nop.every((s) => labels.channel(s)?.rest === '');
}

/** A field kept in the prose as "Heading: value" ("Kết quả thực hiện: Giấy phép …"), by its label in knowledge/procedure-fields.json. */
function proseField(p: Procedure, field: 'ket_qua' | 'yeu_cau'): string | undefined {
  const labels = defaultProcedureLabels();
  for (const line of p.mo_ta.split('\n')) {
    const hit = labels.match(line.trim());
    if (hit?.field === field && hit.inline.trim() && !labels.isEmptyValue(hit.inline.trim())) return hit.inline.trim();
  }
  return undefined;
}

export function aspectText(p: Procedure, aspect: ProcedureAspect, vocabulary: ProcedureVocabulary): AspectText {
  switch (aspect) {
    case 'documents':
      if (p.thanh_phan_ho_so.length === 0) return notStated(p, 'thành phần hồ sơ', 'thanh_phan_ho_so');
      return {
        text:
          `Hồ sơ thủ tục “${p.ten}” gồm:\n${numbered(p.thanh_phan_ho_so.map(describeDocumentItem))}` +
          (countLine(p) ? `\n${countLine(p)}` : ''),
        fields: ['thanh_phan_ho_so'],
        missing: false,
      };
    case 'where': {
      if (!p.co_quan_thuc_hien && (p.noi_nop.length === 0 || onlyChannels(p))) {
        const steps = fromSteps(p, 'where', 'nơi nộp hồ sơ');
        if (steps && p.noi_nop.length > 0) steps.text += `\nCách nộp: ${p.noi_nop.join('; ')}.`;
        if (steps) return { ...steps, fields: p.noi_nop.length > 0 ? ['trinh_tu', 'noi_nop'] : ['trinh_tu'] };
        if (p.noi_nop.length === 0) return notStated(p, 'nơi nộp hồ sơ', 'noi_nop');
      }
      const parts: string[] = [];
      const fields: ProcedureField[] = [];
      if (p.co_quan_thuc_hien) {
        parts.push(`Cơ quan giải quyết: ${p.co_quan_thuc_hien}`);
        fields.push('co_quan_thuc_hien');
      }
      if (p.noi_nop.length > 0) {
        parts.push(`Nơi nộp, cách nộp:\n${bulleted(p.noi_nop)}`);
        fields.push('noi_nop');
      }
      return { text: `Thủ tục “${p.ten}”:\n${parts.join('\n')}`, fields, missing: false };
    }
    case 'online': {
      if (p.noi_nop.length === 0) return notStated(p, 'cách nộp hồ sơ (có nộp trực tuyến được hay không)', 'noi_nop');
      const online = p.noi_nop.filter((s) => vocabulary.isOnlineChannel(s));
      const other = p.noi_nop.filter((s) => !online.includes(s));
      const text =
        online.length > 0
          ? `Có. Thủ tục “${p.ten}” nộp trực tuyến được:\n${bulleted(online)}` +
            (other.length > 0 ? `\nNgoài ra có thể nộp:\n${bulleted(other)}` : '')
          : `Hướng dẫn thủ tục “${p.ten}” không nêu cách nộp trực tuyến. Các cách nộp được nêu:\n${bulleted(p.noi_nop)}`;
      return { text, fields: ['noi_nop'], missing: false };
    }
    case 'how': {
      // "nộp bằng cách nào": the channels (cách thức thực hiện), not the documents or the office alone.
      if (p.noi_nop.length === 0) return fromSteps(p, 'where', 'cách thức thực hiện') ?? notStated(p, 'cách thức thực hiện (nộp trực tiếp, trực tuyến hay qua bưu chính)', 'noi_nop');
      return { text: `Cách thức thực hiện thủ tục “${p.ten}”:\n${bulleted(p.noi_nop)}`, fields: ['noi_nop'], missing: false };
    }
    case 'conditions': {
      const stated = proseField(p, 'yeu_cau');
      if (stated) return { text: `Yêu cầu, điều kiện của thủ tục “${p.ten}”: ${stated}`, fields: ['yeu_cau'], missing: false };
      if (p.doi_tuong) {
        return {
          text: `Hướng dẫn thủ tục “${p.ten}” không có mục yêu cầu, điều kiện riêng; phần đối tượng thực hiện nêu: ${p.doi_tuong}`,
          fields: ['doi_tuong'],
          missing: false,
        };
      }
      return notStated(p, 'yêu cầu, điều kiện thực hiện', 'yeu_cau');
    }
    case 'result': {
      const stated = proseField(p, 'ket_qua');
      if (!stated) return notStated(p, 'kết quả thực hiện', 'ket_qua');
      return { text: `Kết quả thực hiện thủ tục “${p.ten}”: ${stated}`, fields: ['ket_qua'], missing: false };
    }
    case 'time':
      if (!p.thoi_han_giai_quyet) return fromSteps(p, 'time', 'thời hạn giải quyết') ?? notStated(p, 'thời hạn giải quyết', 'thoi_han_giai_quyet');
      return {
        text: `Thời hạn giải quyết thủ tục “${p.ten}”: ${p.thoi_han_giai_quyet}`,
        fields: ['thoi_han_giai_quyet'],
        missing: false,
      };
    case 'fee':
      if (!p.le_phi) return fromSteps(p, 'fee', 'phí, lệ phí') ?? notStated(p, 'phí, lệ phí', 'le_phi');
      return { text: `Phí, lệ phí thủ tục “${p.ten}”: ${p.le_phi}`, fields: ['le_phi'], missing: false };
    case 'steps':
      if (p.trinh_tu.length === 0) return notStated(p, 'trình tự thực hiện', 'trinh_tu');
      return {
        text: `Các bước thực hiện thủ tục “${p.ten}”:\n${numbered(p.trinh_tu.map((s) => s.replace(/^bước\s*\d+\s*[:.]\s*/iu, '')))}`,
        fields: ['trinh_tu'],
        missing: false,
      };
    case 'who': {
      if (!p.doi_tuong && !p.co_quan_thuc_hien) return notStated(p, 'đối tượng thực hiện', 'doi_tuong');
      const parts: string[] = [];
      const fields: ProcedureField[] = [];
      if (p.doi_tuong) {
        parts.push(`Người thực hiện: ${p.doi_tuong}`);
        fields.push('doi_tuong');
      }
      if (p.co_quan_thuc_hien) {
        parts.push(`Cơ quan giải quyết: ${p.co_quan_thuc_hien}`);
        fields.push('co_quan_thuc_hien');
      }
      return { text: `Thủ tục “${p.ten}”:\n${parts.join('\n')}`, fields, missing: false };
    }
    case 'legal':
      if (p.can_cu_phap_ly.length === 0) return notStated(p, 'căn cứ pháp lý', 'can_cu_phap_ly');
      return {
        text: `Căn cứ pháp lý của thủ tục “${p.ten}”:\n${bulleted(p.can_cu_phap_ly)}`,
        fields: ['can_cu_phap_ly'],
        missing: false,
      };
    case 'summary':
      return summary(p);
  }
}

function summary(p: Procedure): AspectText {
  const lines: string[] = [`Thủ tục “${p.ten}”${p.ma ? ` (mã ${p.ma})` : ''}:`];
  const fields: ProcedureField[] = [];
  const add = (field: ProcedureField, label: string, value: string | undefined) => {
    if (!value) return;
    lines.push(`- ${label}: ${value}`);
    fields.push(field);
  };
  add('doi_tuong', 'Người thực hiện', p.doi_tuong);
  add('co_quan_thuc_hien', 'Cơ quan giải quyết', p.co_quan_thuc_hien);
  add('noi_nop', 'Nơi nộp', p.noi_nop.length > 0 ? p.noi_nop.map((s) => s.replace(/[.;]\s*$/, '')).join('; ') : undefined);
  add(
    'thanh_phan_ho_so',
    'Hồ sơ',
    p.thanh_phan_ho_so.length > 0 ? p.thanh_phan_ho_so.map((d) => d.ten).join('; ') : undefined,
  );
  add('thoi_han_giai_quyet', 'Thời hạn', p.thoi_han_giai_quyet);
  add('le_phi', 'Lệ phí', p.le_phi);
  // What the applicant gets back, kept in the prose of a guide read from a page ("Kết quả thực hiện: …").
  add('ket_qua', 'Kết quả', proseField(p, 'ket_qua'));
  const absent = [
    !p.thoi_han_giai_quyet ? 'thời hạn' : undefined,
    !p.le_phi ? 'lệ phí' : undefined,
    p.thanh_phan_ho_so.length === 0 ? 'hồ sơ' : undefined,
  ].filter(Boolean);
  if (absent.length > 0) lines.push(`(Hướng dẫn không nêu ${absent.join(', ')}.)`);
  lines.push('Bạn có thể hỏi tiếp: “cần giấy tờ gì”, “nộp ở đâu”, “mất bao lâu”, “lệ phí bao nhiêu”, “các bước”.');
  return { text: lines.join('\n'), fields, missing: false };
}

/** Full chat message: the direct answer, the source line, staleness note and the reminder. */
export function withFooter(body: string, p: Procedure, today: string | undefined, fields: ProcedureField[] = []): string {
  const parts = [body, '', sourceLine(p, fields)];
  const age = p.cap_nhat && today ? daysBetween(p.cap_nhat, today) : undefined;
  if (age !== undefined && age > STALE_AFTER_DAYS) {
    parts.push('Hướng dẫn này đã được rà soát cách đây hơn một năm.');
  }
  parts.push(REMINDER);
  return parts.join('\n');
}
