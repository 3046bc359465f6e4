/**
 * Task and Procedure records as retrievable chunks, so search finds a record directly
 * ("Ai chủ trì …" lands on the task, "làm giấy khai sinh" on the procedure).
 */
import type { AgencyRef, Chunk, Procedure, Task } from '../domain/records.js';

function names(refs: readonly AgencyRef[]): string {
  return refs.map((r) => r.surface || r.name || '').filter(Boolean).join('; ');
}

export function taskChunk(task: Task): Chunk {
  const lines = [task.title];
  if (task.action && task.action !== task.title) lines.push(task.action);
  if (task.lead.length > 0) lines.push(`Chủ trì: ${names(task.lead)}`);
  if (task.cooperating.length > 0) lines.push(`Phối hợp: ${names(task.cooperating)}`);
  if (task.deadline.raw) lines.push(`Thời hạn: ${task.deadline.raw}`);
  return {
    id: `task:${task.id}`,
    doc: task.doc,
    sectionPath: task.sectionPath,
    sectionTitle: task.sectionTitle,
    text: lines.join('\n'),
    lines: task.lines,
    ...(task.page !== undefined ? { page: task.page } : {}),
    kind: 'task',
    confidence: task.confidence,
    recordId: task.id,
  };
}

export function procedureChunk(procedure: Procedure): Chunk {
  const p = procedure;
  const lines = [p.ten];
  if (p.ten_goi_khac.length > 0) lines.push(`Tên gọi khác: ${p.ten_goi_khac.join('; ')}`);
  if (p.linh_vuc) lines.push(`Lĩnh vực: ${p.linh_vuc}`);
  if (p.co_quan_thuc_hien) lines.push(`Cơ quan thực hiện: ${p.co_quan_thuc_hien}`);
  if (p.noi_nop.length > 0) lines.push(`Nơi nộp: ${p.noi_nop.join('; ')}`);
  if (p.thanh_phan_ho_so.length > 0) lines.push(`Thành phần hồ sơ: ${p.thanh_phan_ho_so.map((d) => d.ten).join('; ')}`);
  if (p.thoi_han_giai_quyet) lines.push(`Thời hạn giải quyết: ${p.thoi_han_giai_quyet}`);
  if (p.le_phi) lines.push(`Lệ phí: ${p.le_phi}`);
  return {
    id: `procedure:${p.id}`,
    doc: p.doc,
    sectionPath: [],
    sectionTitle: p.ten,
    text: lines.join('\n'),
    lines: p.lines,
    kind: 'procedure',
    confidence: 1,
    recordId: p.id,
  };
}
