/**
 * Field labels of procedure guides (knowledge/procedure-fields.json, zod-checked): the headings the
 * national portal, provincial portals and "phiếu hướng dẫn" pages print, and the few word lists the
 * layout reader needs (badge prefixes of titles, filler lines, submission channels, step cues).
 * Everything is compared on folded text, so "Ðối tượng" (U+00D0), "Đối tựơng" and "DOI TUONG" match.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { fold, squash } from '../../text/normalize.js';
import type { ProcedureField } from './fields.js';

/** Fields a label can open. `ket_qua`/`yeu_cau`/`extra` go to the prose; `so_luong` too; `skip` ends the field above. */
export const LABEL_FIELDS = [
  'ten',
  'ma',
  'linh_vuc',
  'cap_thuc_hien',
  'trinh_tu',
  'noi_nop',
  'thanh_phan_ho_so',
  'so_luong',
  'thoi_han_giai_quyet',
  'doi_tuong',
  'co_quan_thuc_hien',
  'le_phi',
  'can_cu_phap_ly',
  'ket_qua',
  'yeu_cau',
  'extra',
  'skip',
] as const;
export type LayoutField = (typeof LABEL_FIELDS)[number];
// Every ProcedureField a label opens must be a LayoutField (checked at compile time).
type _Check = Extract<LayoutField, ProcedureField>;

const Phrase = z.string().trim().min(1);
export const ProcedureFieldTable = z
  .object({
    schemaVersion: z.literal(1),
    description: z.string().optional(),
    fields: z.array(z.object({ field: z.enum(LABEL_FIELDS), labels: z.array(Phrase).min(1) }).strict()).min(1),
    /** Badges printed before a title ("Toàn trình  Thủ tục …"). */
    titlePrefixes: z.array(Phrase).default([]),
    /** Lines that only introduce what follows ("Bao gồm"). */
    fillers: z.array(Phrase).default([]),
    /** Submission channels, the first column of the portal's "Hình thức nộp" table. */
    channels: z.array(Phrase).min(1),
    /** Words of which two must occur in a steps-only guide ("Bước 1: … nộp hồ sơ … trả kết quả"). */
    stepCues: z.array(Phrase).min(2),
    /** Values portals print for an empty field ("Không có thông tin"). */
    emptyValues: z.array(Phrase).default([]),
    /** Words of steps that answer a question the guide has no field for ("nộp hồ sơ tại" → where). */
    stepAnswers: z.object({ where: z.array(Phrase).optional(), time: z.array(Phrase).optional(), fee: z.array(Phrase).optional() }).strict().default({}),
    /** A long name is also known by its words before the first of these (" trong ", " đối với "). */
    shortNameBefore: z.array(z.string().min(1)).default([]),
    /** Source tags at the end of a file name ("…-dvcqg.txt", "…-byt.txt"), dropped when a page is named after its file. */
    fileNameTags: z.array(Phrase).default([]),
  })
  .strict();
export type ProcedureFieldTable = z.infer<typeof ProcedureFieldTable>;

export const BUNDLED_PROCEDURE_FIELDS = fileURLToPath(new URL('../../../knowledge/procedure-fields.json', import.meta.url));

/** fold() plus the look-alike "ð" (from U+00D0 "Ð", used for "Đ" on some portals). */
export function foldLabel(text: string): string {
  return squash(fold(text).replace(/ð/g, 'd'));
}

export interface LabelHit {
  field: LayoutField;
  /** The label as written in the line (display heading). */
  heading: string;
  /** Text after the label (after its colon, or glued), '' when none. */
  inline: string;
  /** True when the value was glued to the label without a colon ("Lĩnh vực Văn hóa"). */
  glued: boolean;
}

interface Label {
  field: LayoutField;
  folded: string;
  colonOnly: boolean;
  words: number;
}

/** Position in `text` after the first `count` folded characters (folding keeps one char per char except squashed spaces). */
function originalOffset(text: string, foldedPrefix: string): number {
  // Walk the original text, folding char by char, until the folded prefix is consumed.
  let consumed = 0;
  let i = 0;
  const target = foldedPrefix.replace(/\s+/g, ' ');
  let lastWasSpace = true;
  while (i < text.length && consumed < target.length) {
    const ch = text[i]!;
    if (/\s/.test(ch)) {
      if (!lastWasSpace) {
        consumed++;
        lastWasSpace = true;
      }
    } else {
      consumed += foldLabel(ch).length || 1;
      lastWasSpace = false;
    }
    i++;
  }
  return i;
}

export class ProcedureLabels {
  private readonly labels: Label[];
  private readonly fillerSet: Set<string>;
  private readonly titlePrefixRe: RegExp | undefined;
  private readonly channelList: string[];
  private readonly emptySet: Set<string>;
  readonly stepCues: string[];

  constructor(readonly table: ProcedureFieldTable) {
    const labels: Label[] = [];
    for (const { field, labels: list } of table.fields) {
      for (const raw of list) {
        const colonOnly = /[:：]\s*$/.test(raw);
        const folded = foldLabel(raw.replace(/[:：]\s*$/, ''));
        labels.push({ field, folded, colonOnly, words: folded.split(' ').length });
      }
    }
    // Longest label first: "thời hạn giải quyết" before "thời hạn", "phí, lệ phí" before "phí".
    labels.sort((a, b) => b.folded.length - a.folded.length);
    this.labels = labels;
    this.fillerSet = new Set(table.fillers.map((f) => foldLabel(f).replace(/[:：]\s*$/, '')));
    const prefixes = table.titlePrefixes.map((p) => foldLabel(p)).sort((a, b) => b.length - a.length);
    this.titlePrefixRe = prefixes.length ? new RegExp(`^(?:${prefixes.map(escape).join('|')})\\s+`) : undefined;
    this.channelList = table.channels.map(foldLabel).sort((a, b) => b.length - a.length);
    this.emptySet = new Set(table.emptyValues.map((v) => foldLabel(v).replace(/[.\s]+$/, '')));
    this.stepCues = table.stepCues.map(foldLabel);
  }

  static load(file: string = BUNDLED_PROCEDURE_FIELDS): ProcedureLabels {
    const parsed = ProcedureFieldTable.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`procedure field table ${file}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
    }
    return new ProcedureLabels(parsed.data);
  }

  /**
   * The label a line starts with. A label stands alone, takes its value after a colon, or (when
   * `allowGlued` and the label has two words or more) has its value glued after a space.
   */
  match(text: string, allowGlued = true): LabelHit | undefined {
    const folded = foldLabel(text);
    for (const label of this.labels) {
      if (!folded.startsWith(label.folded)) continue;
      const after = folded.charAt(label.folded.length);
      if (after !== '' && /[\p{L}\p{N}]/u.test(after)) continue;
      const rest = folded.slice(label.folded.length).trim();
      const at = originalOffset(text, label.folded);
      const heading = text.slice(0, at).trim();
      const original = text.slice(at);
      const colon = /^\s*(?:\([^)]*\)\s*)?[:：]/.exec(original);
      if (colon) return { field: label.field, heading, inline: original.slice(colon[0].length).trim(), glued: false };
      if (label.colonOnly) continue;
      if (rest === '' || /^\([^)]*\)\.?$/.test(rest) || /^[.|]+$/.test(rest)) return { field: label.field, heading, inline: '', glued: false };
      // A glued value starts like a value ("Văn hóa", "4 ngày", "- Nghị định …"), not like the rest of a sentence.
      const gluedStart = /^[\p{Lu}\d\-–•(]/u.test(original.trim()) || label.field === 'skip';
      if (allowGlued && gluedStart && label.words >= 2 && text.length <= 400 && !/^[,;]/.test(rest)) {
        return { field: label.field, heading, inline: original.replace(/^[\s\-–—]+/, '').trim(), glued: true };
      }
    }
    return undefined;
  }

  /** True for a line that only introduces the list below ("Bao gồm"). */
  isFiller(text: string): boolean {
    return this.fillerSet.has(foldLabel(text).replace(/[:：]\s*$/, ''));
  }

  /** "Toàn trình  Thủ tục X" → "Thủ tục X". */
  stripTitlePrefix(text: string): string {
    if (!this.titlePrefixRe) return text;
    const m = this.titlePrefixRe.exec(foldLabel(text));
    return m ? text.slice(originalOffset(text, m[0].trim())).trim() : text;
  }

  /** The submission channel a line starts with ("Trực tiếp 10 Ngày làm việc …"), folded, or undefined. */
  channel(text: string): { channel: string; rest: string } | undefined {
    const folded = foldLabel(text);
    for (const c of this.channelList) {
      if (folded === c || folded.startsWith(`${c} `)) {
        const at = originalOffset(text, c);
        return { channel: text.slice(0, at).trim(), rest: text.slice(at).trim() };
      }
    }
    return undefined;
  }

  /** Steps of a guide that say where / how long / how much, by the words of `stepAnswers`. */
  stepsAnswering(aspect: 'where' | 'time' | 'fee', steps: string[]): string[] {
    const cues = (this.table.stepAnswers[aspect] ?? []).map(foldLabel);
    return cues.length === 0 ? [] : steps.filter((s) => cues.some((c) => foldLabel(s).includes(c)));
  }

  /**
   * Shorter names a long name (over 12 words) is also known by: its words before each of
   * `shortNameBefore`, asides in brackets dropped ("Đề nghị hỗ trợ chi phí học tập" of "… trong cơ sở
   * giáo dục …"; "… trợ cấp đối với anh hùng lực lượng vũ trang" of "…, anh hùng lao động …").
   */
  shortNames(name: string): string[] {
    if (name.split(/\s+/).length <= 12) return [];
    const plain = name.replace(/\s*\([^)]*\)/g, '').replace(/\s+/g, ' ').trim();
    const lower = plain.toLocaleLowerCase('vi');
    const out = new Set<string>();
    for (const cut of this.table.shortNameBefore) {
      const at = lower.indexOf(cut.toLocaleLowerCase('vi'));
      if (at <= 0) continue;
      const head = plain.slice(0, at).trim();
      if (head.split(/\s+/).length >= 4 && head !== plain) out.add(head);
    }
    return [...out];
  }

  /** Values that mean "nothing here" ("Không có thông tin", "Chưa cấu hình quy trình …"). */
  isEmptyValue(text: string): boolean {
    return this.emptySet.has(foldLabel(text).replace(/[.\s]+$/, ''));
  }
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

let bundled: ProcedureLabels | undefined;
/** The bundled table, loaded once. */
export function defaultProcedureLabels(): ProcedureLabels {
  bundled ??= ProcedureLabels.load();
  return bundled;
}
