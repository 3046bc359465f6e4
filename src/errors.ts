/**
 * One catalogue of error codes. Each code has an English log message template (in the thrown
 * AppError) and Vietnamese text for users; channels show `userMessage(code)`, never err.message.
 * Codes are never reused for a different meaning.
 */
export const USER_MESSAGES = {
  CONFIG_INVALID: 'Cấu hình máy chủ chưa đúng. Vui lòng báo quản trị viên.',
  INDEX_MISSING: 'Chưa có chỉ mục tài liệu. Quản trị viên cần chạy lệnh reindex.',
  INDEX_VERSION: 'Chỉ mục tài liệu được tạo bởi phiên bản khác. Quản trị viên cần chạy lại reindex.',
  INDEX_CORRUPT: 'Chỉ mục tài liệu bị hỏng. Quản trị viên cần chạy lại reindex.',
  REINDEX_LOCKED: 'Đang có một lần cập nhật chỉ mục khác chạy. Vui lòng thử lại sau.',
  INGEST_UNSUPPORTED: 'Định dạng tệp không được hỗ trợ.',
  INGEST_UNREADABLE: 'Không đọc được tệp (có thể tệp bị hỏng).',
  INGEST_ENCRYPTED: 'Tệp PDF có mật khẩu, không đọc được.',
  INGEST_NO_TEXT: 'Tệp không có nội dung chữ.',
  INGEST_NEEDS_OCR: 'Tệp là bản quét, cần OCR nhưng máy chủ chưa cài Tesseract.',
  INGEST_TOO_LARGE: 'Tệp quá lớn.',
  INGEST_INVALID_FRONT_MATTER: 'Phần thông tin đầu tệp hướng dẫn thủ tục không hợp lệ.',
  INGEST_CONVERTER_MISSING:
    'Máy chủ chưa cài LibreOffice nên chưa đọc được tệp .doc/.odt/.rtf. Quản trị viên cần cài gói libreoffice-writer-nogui, hoặc lưu tệp thành .docx.',
  MODEL_MISSING: 'Chưa có mô hình ngữ nghĩa; đang tìm kiếm theo từ khóa.',
  MODEL_FETCH_FAILED: 'Không tải được mô hình ngữ nghĩa.',
  MESSAGE_TOO_LONG: 'Tin nhắn quá dài (tối đa 2000 ký tự). Vui lòng hỏi ngắn gọn hơn.',
  RATE_LIMITED: 'Bạn gửi tin nhắn hơi nhanh. Vui lòng đợi một chút rồi hỏi tiếp.',
  FORBIDDEN: 'Bạn không có quyền dùng lệnh này.',
  UNSUPPORTED_MESSAGE: 'Hiện tôi chỉ đọc được tin nhắn chữ. Bạn vui lòng gõ câu hỏi nhé.',
  UNKNOWN_COMMAND: 'Tôi không biết lệnh này. Gõ /help để xem các lệnh.',
  INTERNAL: 'Xin lỗi, đã có lỗi khi xử lý câu hỏi. Vui lòng thử lại sau.',
} as const;

export type ErrorCode = keyof typeof USER_MESSAGES;

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${message}`, options);
    this.name = 'AppError';
  }
}

export function userMessage(code: ErrorCode): string {
  return USER_MESSAGES[code];
}

export function isAppError(err: unknown, code?: ErrorCode): err is AppError {
  return err instanceof AppError && (code === undefined || err.code === code);
}
