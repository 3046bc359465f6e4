import { describe, expect, it } from 'vitest';
import { periodWeight, sentences, yearsIn } from '../../src/answer/evidence.js';

describe('period of a figure', () => {
  it('reads the years a question or heading names', () => {
    expect(yearsIn('chi tieu xac thuc dinh danh thanh hoa 2019 2020')).toEqual([2019, 2020]);
    expect(yearsIn('giai doan 2021-2025')).toEqual([2021, 2025]);
    expect(yearsIn('dat 1.700 dich vu, 20% ho so')).toEqual([]);
  });

  it('prefers the period the question names and leaves unnamed periods neutral', () => {
    const asked = yearsIn('giai doan 2019 2020');
    expect(periodWeight(asked, '2019-2020')).toBe(1);
    expect(periodWeight(asked, '2021-2025')).toBeLessThan(1);
    expect(periodWeight(asked, 'ii. muc tieu › 2.2. giai doan 2021 - 2025')).toBeLessThan(1);
    expect(periodWeight(yearsIn('nam 2023'), '2021-2025')).toBe(1);
    expect(periodWeight([], '2021-2025')).toBe(1);
    expect(periodWeight(asked, undefined)).toBe(1);
  });
});

describe('sentences', () => {
  it('keeps a "label: item; item; item." list whole', () => {
    const text = '- Chủ trì: Sở Thông tin và Truyền thông. - Phối hợp đánh giá kết quả: Sở Kế hoạch và Đầu tư; Sở Tài chính; Sở Nội vụ. - Thời gian: Quý II/2023.';
    expect(sentences(text)).toContain('- Phối hợp đánh giá kết quả: Sở Kế hoạch và Đầu tư; Sở Tài chính; Sở Nội vụ.');
  });
  it('still splits clauses that are sentences of their own', () => {
    const text = 'Rà soát các hệ thống thông tin của tỉnh; Xây dựng kế hoạch dịch chuyển lên nền tảng điện toán đám mây cho các cơ quan nhà nước.';
    expect(sentences(text)).toHaveLength(2);
  });
});
