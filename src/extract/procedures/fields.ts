/**
 * The fields of a procedure guide, with the Vietnamese heading used for Document sections and
 * citations. Shared by the front-matter reader (knowledge/procedures/*.md) and by the extractor
 * that finds guides inside ordinary documents, so both cite the same section names.
 */

export const PROCEDURE_FIELDS = [
  'ma',
  'ten',
  'ten_goi_khac',
  'linh_vuc',
  'cap_thuc_hien',
  'doi_tuong',
  'co_quan_thuc_hien',
  'noi_nop',
  'thanh_phan_ho_so',
  'trinh_tu',
  'thoi_han_giai_quyet',
  'le_phi',
  'can_cu_phap_ly',
  'nguon',
  'cap_nhat',
  'luu_y',
] as const;
/** `ket_qua` and `yeu_cau` are kept in the prose (mo_ta) as "Heading: value"; their line spans are cited by name. */
export type ProcedureField = (typeof PROCEDURE_FIELDS)[number] | 'mo_ta' | 'ket_qua' | 'yeu_cau';

/** Heading shown in citations ("mục Thành phần hồ sơ"). */
export const FIELD_HEADINGS: Record<ProcedureField, string> = {
  ma: 'Mã thủ tục',
  ten: 'Tên thủ tục',
  ten_goi_khac: 'Tên gọi khác',
  linh_vuc: 'Lĩnh vực',
  cap_thuc_hien: 'Cấp thực hiện',
  doi_tuong: 'Đối tượng thực hiện',
  co_quan_thuc_hien: 'Cơ quan thực hiện',
  noi_nop: 'Nơi nộp và cách thức thực hiện',
  thanh_phan_ho_so: 'Thành phần hồ sơ',
  trinh_tu: 'Trình tự thực hiện',
  thoi_han_giai_quyet: 'Thời hạn giải quyết',
  le_phi: 'Phí, lệ phí',
  can_cu_phap_ly: 'Căn cứ pháp lý',
  nguon: 'Nguồn',
  cap_nhat: 'Ngày cập nhật',
  luu_y: 'Lưu ý',
  mo_ta: 'Mô tả',
  ket_qua: 'Kết quả thực hiện',
  yeu_cau: 'Yêu cầu, điều kiện',
};
