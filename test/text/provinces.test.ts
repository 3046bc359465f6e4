import { describe, expect, it } from 'vitest';
import { Provinces, provinceInitials } from '../../src/text/provinces.js';

const provinces = Provinces.load();

describe('provinces named in a question', () => {
  it('finds full names with or without diacritics', () => {
    expect(provinces.find('son la ai chu tri')).toEqual(['Sơn La']);
    expect(provinces.find('Thanh Hoá năm 2022')).toEqual(['Thanh Hóa']);
  });

  it('reads capitalised initials of exactly one province as that province', () => {
    expect(provinceInitials('Thừa Thiên Huế')).toBe('tth');
    expect(provinces.find('quy dinh chu ky so TH phai xong bao gio')).toEqual(['Thanh Hóa']);
    expect(provinces.find('doanh nghiep dung nen tang so (SL)')).toEqual(['Sơn La']);
    expect(provinces.initialsIn('tỉnh TH, còn SL?').map((i) => i.token)).toEqual(['th', 'sl']);
  });

  it('leaves lower case, shared initials and administrative shorthand alone', () => {
    // lower case is a word fragment, not a province
    expect(provinces.find('th nay xu ly sao')).toEqual([]);
    // QN is Quảng Nam, Quảng Ngãi and Quảng Ninh
    expect(provinces.find('QN giao ai chu tri')).toEqual([]);
    // KH is a kế hoạch, CT a chỉ thị, BN "bao nhiêu"
    expect(provinces.find('KH 114 giao ai chu tri')).toEqual([]);
    expect(provinces.find('CT 02 ve chu ky so')).toEqual([]);
    expect(provinces.find('phi BN')).toEqual([]);
    // inside a longer capitalised word
    expect(provinces.find('THCS va TTHC')).toEqual([]);
  });
});
