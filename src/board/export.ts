/**
 * Board exports: one row per task, a header row, deadlines as real dates. Made with exceljs (the
 * maintained workbook library the .xlsx reader uses too); the CSV comes from the same worksheet
 * through exceljs' CSV writer, so both files always carry the same columns.
 */
import ExcelJS from 'exceljs';
import { STATUS_LABEL, type BoardTask } from './tasks.js';

const COLUMNS: Array<{ header: string; key: string; width: number }> = [
  { header: 'Mã nhiệm vụ', key: 'id', width: 18 },
  { header: 'Nhiệm vụ', key: 'title', width: 60 },
  { header: 'Cơ quan chủ trì', key: 'lead', width: 32 },
  { header: 'Cơ quan phối hợp', key: 'cooperating', width: 32 },
  { header: 'Thời hạn (theo văn bản)', key: 'deadlineRaw', width: 28 },
  { header: 'Hạn (ngày)', key: 'due', width: 12 },
  { header: 'Tình trạng', key: 'status', width: 16 },
  { header: 'Quá hạn', key: 'overdue', width: 9 },
  { header: 'Ghi chú tình trạng', key: 'statusNote', width: 36 },
  { header: 'Người cập nhật', key: 'statusBy', width: 16 },
  { header: 'Cập nhật lúc', key: 'statusAt', width: 18 },
  { header: 'Văn bản', key: 'document', width: 30 },
  { header: 'Tỉnh', key: 'province', width: 14 },
  { header: 'Mục', key: 'section', width: 16 },
  { header: 'Nguồn', key: 'url', width: 40 },
];

/** A date-only value as a UTC midnight Date (Excel stores dates without a zone). */
const dateOf = (iso: string | undefined): Date | undefined => (iso && /^\d{4}-\d{2}-\d{2}$/.test(iso) ? new Date(`${iso}T00:00:00Z`) : undefined);

function sheet(tasks: BoardTask[], baseUrl: string): ExcelJS.Workbook {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Trợ lý ảo';
  const ws = workbook.addWorksheet('Nhiệm vụ', { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = COLUMNS;
  ws.getRow(1).font = { bold: true };
  for (const t of tasks) {
    ws.addRow({
      id: t.id,
      title: t.action ? `${t.title} — ${t.action}` : t.title,
      lead: t.lead.join('; '),
      cooperating: t.cooperating.join('; '),
      deadlineRaw: t.deadline.raw,
      due: dateOf(t.deadline.due) ?? null,
      status: STATUS_LABEL[t.status] + (t.needsReview ? ' (cần xác nhận lại)' : ''),
      overdue: t.overdue ? 'Có' : '',
      statusNote: t.statusNote ?? '',
      statusBy: t.statusBy ?? '',
      statusAt: t.statusAt ? new Date(t.statusAt) : null,
      document: t.document.label,
      province: t.province ?? '',
      section: t.source.section,
      url: `${baseUrl}${t.source.url}`,
    });
  }
  ws.getColumn('due').numFmt = 'dd/mm/yyyy';
  ws.getColumn('statusAt').numFmt = 'dd/mm/yyyy hh:mm';
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: COLUMNS.length } };
  return workbook;
}

export async function exportXlsx(tasks: BoardTask[], baseUrl = ''): Promise<Buffer> {
  return Buffer.from(await sheet(tasks, baseUrl).xlsx.writeBuffer());
}

/** UTF-8 with a byte-order mark so spreadsheet programs read Vietnamese letters right. */
export async function exportCsv(tasks: BoardTask[], baseUrl = ''): Promise<Buffer> {
  const body = await sheet(tasks, baseUrl).csv.writeBuffer({ dateFormat: 'YYYY-MM-DD', dateUTC: true } as never);
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body)]);
}
