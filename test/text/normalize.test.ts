import { describe, expect, it } from 'vitest';
import { cleanText, fold, isFolded, normalize, stripFootnoteMarks, syllables } from '../../src/text/normalize.js';
import { defaultAbbreviations } from '../../src/text/abbreviations.js';

describe('normalize', () => {
  it('places tone marks the same way for old and new style', () => {
    expect(normalize('hoà')).toBe(normalize('hòa'));
    expect(normalize('Thuỷ')).toBe(normalize('thủy'));
    expect(normalize('Uỷ ban')).toBe(normalize('Ủy ban'));
    expect(normalize('khoẻ')).toBe(normalize('khỏe'));
    // closed syllables and shaped vowels are unambiguous and must not move
    expect(normalize('hoàng')).toBe('hoàng');
    expect(normalize('người tuyển quyết giữa')).toBe('người tuyển quyết giữa');
  });

  it('is idempotent and NFC', () => {
    const decomposed = 'Ho\u0300a'.normalize('NFD');
    expect(normalize(decomposed)).toBe(normalize('Hòa'));
    expect(normalize(normalize('Thanh Hoá'))).toBe(normalize('Thanh Hoá'));
  });

  it('repairs PDF look-alike letters', () => {
    expect(cleanText('định hƣớng')).toBe('định hướng');
  });

  it('folds tone marks and đ', () => {
    expect(fold('Sở Thông tin và Truyền thông')).toBe('so thong tin va truyen thong');
    expect(fold('Đài Phát thanh')).toBe('dai phat thanh');
    expect(isFolded('so y te bac giang')).toBe(true);
    expect(isFolded('sở y tế')).toBe(false);
  });

  it('splits syllables keeping numbers with % and thousands separators', () => {
    expect(syllables('đạt 30% và 1.700 dịch vụ')).toEqual(['đạt', '30%', 'và', '1.700', 'dịch', 'vụ']);
  });
});

describe('abbreviations', () => {
  const abbr = defaultAbbreviations();
  it('maps every form of an agency name to one canonical form', () => {
    const full = abbr.canonical('Sở Thông tin và Truyền thông');
    expect(abbr.canonical('Sở TT&TT')).toBe(full);
    expect(abbr.canonical('STTTT')).toBe(full);
    expect(abbr.canonical('Sở TT & TT')).toBe(full);
  });
  it('works on the folded field', () => {
    expect(abbr.canonicalFolded('so thong tin va truyen thong')).toBe(abbr.canonicalFolded('Sở TT&TT'));
    expect(abbr.canonicalFolded('Uy ban nhan dan tinh')).toBe('ubnd tinh');
    expect(abbr.canonicalFolded('Sở LĐ-TB&XH')).toBe(abbr.canonicalFolded('so lao dong, thuong binh va xa hoi'));
  });
  it('does not rewrite inside longer words', () => {
    expect(abbr.canonical('khu kinh tế')).toBe('khu kinh tế');
  });
  it('reads the agency shorthand chat users type, leaving full names as documents write them', () => {
    expect(abbr.canonical('SYT')).toBe(abbr.canonical('Sở Y tế'));
    expect(abbr.canonical('Sở Y tế')).toBe('sở y tế');
    expect(abbr.canonicalFolded('CA tinh thanh hoa')).toBe('cong an tinh thanh hoa');
    expect(abbr.canonical('CA tỉnh')).toBe('công an tỉnh');
    expect(abbr.canonicalFolded('VPCP')).toBe(abbr.canonicalFolded('Văn phòng Chính phủ'));
    expect(abbr.canonicalFolded('SKHCN')).toBe(abbr.canonicalFolded('Sở Khoa học và Công nghệ'));
    expect(abbr.canonicalFolded('phan mem QLVB va HSCV')).toBe('phan mem quan ly van ban va ho so cong viec');
    expect(abbr.canonicalFolded('558 trang TTĐT cấp xã')).toBe('558 trang thong tin dien tu cap xa');
    // "ca" alone (a shift, a song) is not Công an
    expect(abbr.canonical('ca trực')).toBe('ca trực');
    // … and folded "ca tinh" is also "cả tỉnh" (the whole province), common in plans: only the
    // capitals or the diacritics make it Công an.
    expect(abbr.canonicalFolded('Cả tỉnh có 27 huyện, cả xã đều tham gia')).toBe('ca tinh co 27 huyen, ca xa deu tham gia');
    expect(abbr.canonicalFolded('ca tinh co bao nhieu ho so')).toBe('ca tinh co bao nhieu ho so');
    expect(abbr.canonicalFolded('CA tỉnh lắp camera')).toBe('cong an tinh lap camera');
    expect(abbr.canonical('CA huyen Muong La')).toBe('công an huyện muong la');
  });
});

describe('stripFootnoteMarks', () => {
  it('drops superscript digits glued to a word or figure', () => {
    expect(stripFootnoteMarks('tỷ trọng kinh tế số đạt 5,11%¹⁹. Trong khi đó')).toBe('tỷ trọng kinh tế số đạt 5,11%. Trong khi đó');
    expect(stripFootnoteMarks('các phần mềm dùng chung²² đã triển khai')).toBe('các phần mềm dùng chung đã triển khai');
  });
  it('keeps superscripts that stand alone and units such as m²', () => {
    expect(stripFootnoteMarks('¹ Số liệu của Cục Thống kê')).toBe('¹ Số liệu của Cục Thống kê');
    expect(stripFootnoteMarks('nhà ở tối thiểu 8 m² sàn, vùng phủ 120 km²')).toBe('nhà ở tối thiểu 8 m² sàn, vùng phủ 120 km²');
  });
});
