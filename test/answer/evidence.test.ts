import { describe, expect, it } from 'vitest';
import { periodWeight, yearsIn } from '../../src/answer/evidence.js';

describe('period of a figure', () => {
  it('reads the years a question or heading names', () => {
    expect(yearsIn('chi tieu xac thuc dinh danh thanh hoa 2019 2020')).toEqual([2019, 2020]);
    expect(yearsIn('giai doan 2021-2025')).toEqual([2021, 2025]);
    expect(yearsIn('dat 1.700 dich vu, 20% ho so')).toEqual([]);
  });

  it('prefers the period the question names and leaves unnamed periods neutral', () => {
    const asked = yearsIn('giai doan 2019 2020');
    expect(periodWeight(asked, '2019-2020')).toBeGreaterThan(1);
    expect(periodWeight(asked, '2021-2025')).toBeLessThan(1);
    expect(periodWeight(asked, 'ii. muc tieu › 2.2. giai doan 2021 - 2025')).toBeLessThan(1);
    expect(periodWeight(yearsIn('nam 2023'), '2021-2025')).toBeGreaterThan(1);
    expect(periodWeight([], '2021-2025')).toBe(1);
    expect(periodWeight(asked, undefined)).toBe(1);
  });
});
