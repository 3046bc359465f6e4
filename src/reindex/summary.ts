/**
 * The reindex summary an admin reads, in Vietnamese, the same from the CLI and from /reindex in
 * chat: what was added, changed, removed, kept and failed, each once, and for each failure code a
 * hint on what to do. English details stay in the log.
 */
import path from 'node:path';
import { USER_MESSAGES } from '../errors.js';

/** What to do about each per-file failure code (codes as in the reindex report). */
export const FAILURE_HINTS: Readonly<Record<string, string>> = Object.freeze({
  INGEST_UNSUPPORTED: 'Lưu lại tệp dưới dạng .docx, .pdf, .txt, .md hoặc .html (mở bằng chương trình đã tạo ra tệp rồi “Lưu thành” .docx) và chạy lại. Đọc được: .txt, .md, .html, .docx, .doc, .odt, .rtf, .xlsx, .pdf và ảnh trang quét.',
  INGEST_CONVERTER_MISSING: 'Cài LibreOffice trên máy chủ (apt-get install libreoffice-writer-nogui) rồi chạy lại, hoặc lưu tệp thành .docx.',
  INGEST_UNREADABLE: 'Mở thử tệp trên máy tính; nếu mở được, lưu lại thành bản mới (.docx hoặc .pdf) rồi chạy lại. Kiểm tra cả đường dẫn và quyền đọc tệp.',
  INGEST_ENCRYPTED: 'Gỡ mật khẩu (in/xuất lại ra PDF không đặt mật khẩu) rồi chạy lại.',
  INGEST_NO_TEXT: 'Tệp không có chữ: kiểm tra lại tệp gốc, hoặc dùng bản có lớp chữ.',
  INGEST_NEEDS_OCR: 'Bản quét cần OCR: cài tesseract-ocr, tesseract-ocr-vie và poppler-utils trên máy chủ rồi chạy lại.',
  INGEST_TOO_LARGE: 'Tách văn bản thành các tệp nhỏ hơn (ví dụ phần phụ lục riêng) rồi chạy lại.',
  INGEST_TIMEOUT: 'Đọc tệp quá lâu: tách tệp nhỏ hơn, hoặc dùng bản có lớp chữ thay cho bản quét.',
  INGEST_RESOURCE_LIMIT: 'Tệp cần quá nhiều bộ nhớ để đọc: tách tệp nhỏ hơn rồi chạy lại.',
  INGEST_INVALID_FRONT_MATTER: 'Sửa phần đầu (giữa hai dòng ---) theo mẫu trong knowledge/procedures/README.md.',
  INDEX_DUPLICATE_DOCUMENT: 'Hai tệp là cùng một văn bản (trùng mã): giữ một tệp, hoặc đổi tên một tệp.',
});

/** What each failure is, in Vietnamese, for codes the user-message table does not name. */
const FAILURE_TEXT: Readonly<Record<string, string>> = Object.freeze({
  INGEST_TIMEOUT: 'Đọc tệp quá thời gian cho phép.',
  INGEST_RESOURCE_LIMIT: 'Đọc tệp vượt giới hạn bộ nhớ.',
  INDEX_DUPLICATE_DOCUMENT: 'Trùng mã văn bản với một tệp khác.',
  // The user-message table's text carries the remedy too; here the remedy is the hint, said once.
  INGEST_CONVERTER_MISSING: 'Máy chủ chưa cài LibreOffice để đọc .doc/.odt/.rtf.',
});

export function failureText(code: string): string {
  return FAILURE_TEXT[code] ?? (USER_MESSAGES as Record<string, string>)[code] ?? 'Không đọc được tệp.';
}

export interface ReindexChanges {
  /** Files indexed for the first time / read again because their bytes changed. */
  added: string[];
  changed: string[];
  /** Files gone from disk whose documents were removed (--prune) / kept from the previous index. */
  removed: string[];
  kept: string[];
}

export interface SummaryInput {
  published: boolean;
  files: number;
  documents: number;
  tasks: number;
  procedures: number;
  durationMs: number;
  changes: ReindexChanges;
  errors: Array<{ file: string; code: string }>;
}

export interface SummaryOptions {
  /** Show file names only (chat), or the paths as recorded (CLI). Default: 'path'. */
  names?: 'path' | 'basename';
  /** How many names per list before "… và N tệp khác". Default: 10. */
  maxNames?: number;
  /** How the admin prunes: the CLI flag or a chat hint. Default: the CLI command. */
  pruneHint?: string;
}

/** The summary lines (no trailing newline). */
export function reindexSummary(r: SummaryInput, options: SummaryOptions = {}): string {
  const max = options.maxNames ?? 10;
  const name = (f: string) => (options.names === 'basename' ? path.basename(f) : f);
  const list = (files: string[]): string => {
    const shown = files.slice(0, max).map(name).join(', ');
    return files.length > max ? `${shown} … và ${files.length - max} tệp khác` : shown;
  };
  const lines: string[] = [];
  lines.push(
    r.published
      ? `Đã cập nhật chỉ mục: ${r.documents} văn bản (${r.tasks} nhiệm vụ, ${r.procedures} thủ tục) từ ${r.files} tệp, ${(r.durationMs / 1000).toFixed(1)} giây.`
      : 'Không tệp nào đọc được: giữ nguyên chỉ mục cũ.',
  );
  const { added, changed, removed, kept } = r.changes;
  if (added.length > 0) lines.push(`• Thêm mới (${added.length}): ${list(added)}`);
  if (changed.length > 0) lines.push(`• Cập nhật (${changed.length}): ${list(changed)}`);
  if (removed.length > 0) lines.push(`• Đã gỡ khỏi chỉ mục (${removed.length}): ${list(removed)}`);
  if (kept.length > 0) {
    lines.push(`• Giữ lại dù không còn tìm thấy tệp (${kept.length}): ${list(kept)}`);
    lines.push(`  Các văn bản này vẫn được trả lời từ lần lập chỉ mục trước. ${options.pruneHint ?? 'Muốn gỡ hẳn: npm run reindex -- --prune'}`);
  }
  if (added.length + changed.length + removed.length + kept.length === 0 && r.published) lines.push('• Không có tệp nào thay đổi.');
  if (r.errors.length > 0) {
    // Grouped by cause: each file named once, each cause's hint said once.
    lines.push(`• Lỗi (${r.errors.length} tệp):`);
    const byCode = new Map<string, string[]>();
    for (const e of r.errors) byCode.set(e.code, [...(byCode.get(e.code) ?? []), e.file]);
    for (const [code, files] of byCode) {
      lines.push(`  - ${failureText(code).replace(/\.$/, '')}: ${list(files)}`);
      const hint = FAILURE_HINTS[code];
      if (hint) lines.push(`    Cách xử lý: ${hint}`);
    }
  }
  return lines.join('\n');
}
