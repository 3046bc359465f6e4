/**
 * Records extracted from documents and stored in the index: chunks (passages), tasks, targets,
 * procedures, plus the agency registry types. zod schemas double as the persistence format.
 */
import { z } from 'zod';
import { LineSpan } from './document.js';

/** The document facts every record carries, so a citation never needs another lookup. */
export const DocRef = z.object({
  docId: z.string(),
  type: z.string(),
  number: z.string().optional(),
  date: z.string().optional(),
  issuer: z.string().optional(),
  province: z.string().optional(),
  title: z.string(),
  file: z.string(),
});
export type DocRef = z.infer<typeof DocRef>;

export const ChunkKind = z.enum(['prose', 'list', 'table-row', 'task', 'procedure']);
export type ChunkKind = z.infer<typeof ChunkKind>;

export const Chunk = z.object({
  id: z.string(),
  doc: DocRef,
  /** Heading labels, e.g. ["II", "7"]. */
  sectionPath: z.array(z.string()),
  /** Human-readable heading path, e.g. "II. NHIỆM VỤ › 7. Thí điểm triển khai Trợ lý ảo…". */
  sectionTitle: z.string(),
  /** Display text (original spelling), headers repeated for table rows. */
  text: z.string(),
  lines: LineSpan,
  page: z.number().int().optional(),
  kind: ChunkKind,
  /** 0..1; lower for OCR text with low word confidence. */
  confidence: z.number().min(0).max(1).default(1),
  /** Ids of task/procedure records this chunk represents, when kind is 'task' or 'procedure'. */
  recordId: z.string().optional(),
});
export type Chunk = z.infer<typeof Chunk>;

export const AgencyKind = z.enum([
  'sở',
  'ban',
  'ubnd',
  'văn phòng',
  'công an',
  'quân sự',
  'báo/đài',
  'doanh nghiệp',
  'đoàn thể',
  'bộ',
  'trung ương',
  'tổ công tác',
  'group',
  'khác',
]);
export type AgencyKind = z.infer<typeof AgencyKind>;

export const AgencyLevel = z.enum(['trung ương', 'tỉnh', 'huyện', 'xã']);
export type AgencyLevel = z.infer<typeof AgencyLevel>;

/** A canonical agency. Province-bound agencies get one id per province ("so-tttt@thanh-hoa"). */
export const Agency = z.object({
  id: z.string(),
  name: z.string(),
  kind: AgencyKind,
  level: AgencyLevel,
  province: z.string().optional(),
  aliases: z.array(z.string()).default([]),
});
export type Agency = z.infer<typeof Agency>;

/** An agency as written in a document, with the registry match when there is one. */
export const AgencyRef = z.object({
  surface: z.string(),
  agencyId: z.string().optional(),
  /** Canonical name when matched (province-independent, e.g. "Sở Thông tin và Truyền thông"). */
  name: z.string().optional(),
  kind: AgencyKind.optional(),
});
export type AgencyRef = z.infer<typeof AgencyRef>;

export const DeadlineKind = z.enum([
  'date',
  'month',
  'quarter',
  'year',
  'range',
  'recurring',
  'ongoing',
  'conditional',
  'unspecified',
]);
export type DeadlineKind = z.infer<typeof DeadlineKind>;

export const Recurrence = z.object({
  /** 'half-year': "định kỳ 6 tháng", due at the end of June and of December. */
  every: z.enum(['year', 'half-year', 'quarter', 'month', 'week']),
  /** Day of month for monthly/quarterly recurrences (e.g. 15). */
  day: z.number().int().min(1).max(31).optional(),
  /** For quarterly: which month of the quarter (3 = last month). */
  monthOfPeriod: z.number().int().min(1).max(12).optional(),
  /** Optional bounds as ISO dates. */
  from: z.string().optional(),
  until: z.string().optional(),
});
export type Recurrence = z.infer<typeof Recurrence>;

export const Deadline = z.object({
  raw: z.string(),
  kind: DeadlineKind,
  /** Last day of the period, ISO (YYYY-MM-DD). */
  due: z.string().optional(),
  /** For ranges: first day of the period, ISO. */
  start: z.string().optional(),
  recurrence: Recurrence.optional(),
  /** The condition for 'conditional' deadlines ("Sau khi có hướng dẫn của …"). */
  condition: z.string().optional(),
});
export type Deadline = z.infer<typeof Deadline>;

export const TaskSource = z.enum(['prose', 'agency-assignment', 'table', 'target', 'cross-reference']);
export type TaskSource = z.infer<typeof TaskSource>;

export const Task = z.object({
  id: z.string(),
  doc: DocRef,
  sectionPath: z.array(z.string()),
  sectionTitle: z.string(),
  /** The task's own heading or table cell ("Thí điểm triển khai Trợ lý ảo …"). */
  title: z.string(),
  /** What the lead agency must do, when a bullet assigns a specific action. */
  action: z.string().optional(),
  lead: z.array(AgencyRef),
  cooperating: z.array(AgencyRef),
  /**
   * Where `cooperating` came from: 'task-text' when the task's shape (a column, a "phối hợp" line) gave
   * none and the agencies named after a partner cue in the task's own words were taken; absent otherwise.
   */
  cooperatingSource: z.enum(['task-text']).optional(),
  /** Supervising body ("Đơn vị chỉ đạo") when a table names one. */
  directing: z.array(AgencyRef).default([]),
  deadline: Deadline,
  /**
   * Recurring schedules the task's own words state ("hàng quý (ngày 15 tháng cuối quý)", "định kỳ 6
   * tháng", "trước ngày 15/12 hằng năm"), each a 'recurring' Deadline whose raw is the phrase as written.
   * When the task has no other deadline, the first one is its deadline too. Absent when none.
   */
  schedules: z.array(Deadline).optional(),
  note: z.string().optional(),
  source: TaskSource,
  lines: LineSpan,
  page: z.number().int().optional(),
  /** Table row ordinal as printed ("STT"), when from a table. */
  row: z.string().optional(),
  confidence: z.number().min(0).max(1),
  /** Cross-references that could not be resolved, kept with their raw text. */
  unresolved: z.array(z.string()).default([]),
});
export type Task = z.infer<typeof Task>;

export const Target = z.object({
  id: z.string(),
  doc: DocRef,
  sectionPath: z.array(z.string()),
  sectionTitle: z.string(),
  /** The target as written ("100% hộ gia đình trên địa bàn tỉnh có địa chỉ số"). */
  text: z.string(),
  /** The figure as written ("100%", "1.700", "25%"). */
  figure: z.string().optional(),
  year: z.string().optional(),
  lead: z.array(AgencyRef).default([]),
  cooperating: z.array(AgencyRef).default([]),
  lines: LineSpan,
  page: z.number().int().optional(),
  confidence: z.number().min(0).max(1),
});
export type Target = z.infer<typeof Target>;

export const ProcedureDocumentItem = z.object({
  ten: z.string(),
  /** "bản chính", "bản sao", "bản chính hoặc bản sao có chứng thực" … */
  loai: z.string().optional(),
  so_luong: z.number().int().positive().optional(),
  ghi_chu: z.string().optional(),
});
export type ProcedureDocumentItem = z.infer<typeof ProcedureDocumentItem>;

export const Procedure = z.object({
  id: z.string(),
  doc: DocRef,
  ma: z.string().optional(),
  ten: z.string(),
  linh_vuc: z.string().optional(),
  cap_thuc_hien: z.array(z.string()).default([]),
  co_quan_thuc_hien: z.string().optional(),
  noi_nop: z.array(z.string()).default([]),
  thoi_han_giai_quyet: z.string().optional(),
  le_phi: z.string().optional(),
  thanh_phan_ho_so: z.array(ProcedureDocumentItem).default([]),
  trinh_tu: z.array(z.string()).default([]),
  doi_tuong: z.string().optional(),
  can_cu_phap_ly: z.array(z.string()).default([]),
  nguon: z.string().optional(),
  cap_nhat: z.string().optional(),
  /** Other names people use ("làm giấy khai sinh"). */
  ten_goi_khac: z.array(z.string()).default([]),
  /** Free prose after the front matter. */
  mo_ta: z.string().default(''),
  /** What the guide's author is unsure of (fees set by the province, decrees replaced recently …). */
  luu_y: z.string().optional(),
  /** Line span of each field in the source file, keyed by field name ("thanh_phan_ho_so"), for citations. */
  field_lines: z.record(z.string(), LineSpan).optional(),
  lines: LineSpan,
});
export type Procedure = z.infer<typeof Procedure>;
