/**
 * Document metadata from every signal (issue 13 item 1), on header layouts written for these tests in the
 * shapes real exports use. Each case pins number / date / province and where each was read.
 */
import { describe, expect, it } from 'vitest';
import type { SourceBlock } from '../../src/domain/document.js';
import { extractMetadata } from '../../src/ingest/metadata.js';
import { resolve, webMetaPairs } from '../../src/ingest/metadata/signals.js';

const meta = (text: string, extra: { fileName?: string; blocks?: SourceBlock[] } = {}) => {
  const lines = text.split('\n').map((t, i) => ({ text: t, line: i + 1 }));
  return extractMetadata({ lines, ...extra });
};

describe('header layouts', () => {
  it('reads the "|"-line layout with the date split inside and "Số:" apart from its number', () => {
    const m = meta(
      ['ỦY BAN NHÂN DÂN', 'TỈNH NINH THUẬN', '-------', '|', 'CỘNG HÒA XÃ HỘI', 'CHỦ NGHĨA VIỆT NAM', '---------------', '|', 'Số:', '07/2024/QĐ-UBND', '|', 'Ninh Thuận, ngày 19', 'tháng 02 năm 2024', '|', 'QUYẾT ĐỊNH', 'VỀ VIỆC BAN HÀNH QUY CHẾ'].join('\n'),
    );
    expect(m).toMatchObject({ number: '07/2024/QĐ-UBND', date: '2024-02-19', province: 'Ninh Thuận', issuer: 'UBND tỉnh Ninh Thuận', type: 'Quyết định' });
    expect(m.provenance?.province?.source).toBe('header-issuer');
    expect(m.fieldsNotFound).toEqual([]);
  });

  it('reads the date on the line after "ngày"', () => {
    const m = meta(['ỦY BAN NHÂN DÂN', 'TỈNH TÂY NINH', '|', 'Số: 5/KH-UBND', '|', 'Tây Ninh, ngày', '03 tháng 7 năm 2023', '|', 'KẾ HOẠCH'].join('\n'));
    expect(m).toMatchObject({ number: '5/KH-UBND', date: '2023-07-03', province: 'Tây Ninh' });
  });

  it('takes the province from the place when pipe rows lost the "TỈNH …" line', () => {
    const m = meta(['ỦY BAN NHÂN DÂN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |', 'Số: 42/KH-UBND | Bến Tre, ngày 09 tháng 3 năm 2023 |', 'Thực hiện Quyết định số 1/QĐ-TTg ngày 02/01/2023 …'].join('\n'));
    expect(m).toMatchObject({ number: '42/KH-UBND', date: '2023-03-09', province: 'Bến Tre', issuer: 'UBND tỉnh Bến Tre' });
    expect(m.provenance?.province?.source).toBe('header-place');
  });

  it('reads a PDF two-column header in either column order', () => {
    const left = ['ỦY BAN NHÂN DÂN', 'TỈNH YÊN BÁI', '-------', 'Số: 88/KH-UBND'];
    const right = ['CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'Độc lập - Tự do - Hạnh phúc', '---------------', 'Yên Bái, ngày 14 tháng 5 năm 2021'];
    for (const lines of [[...left, ...right], [...right, ...left]]) {
      expect(meta([...lines, 'KẾ HOẠCH', 'Chuyển đổi số'].join('\n'))).toMatchObject({ number: '88/KH-UBND', date: '2021-05-14', province: 'Yên Bái' });
    }
  });

  it('reads the usual borderless 2×2 Word header table', () => {
    const table: SourceBlock = {
      kind: 'table',
      rows: [
        ['ỦY BAN NHÂN DÂN\nTỈNH HÀ NAM\n-------', 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc'],
        ['Số: 15/KH-UBND', 'Hà Nam, ngày 04 tháng 01 năm 2024'],
      ],
      rowLines: [
        [1, 3],
        [4, 4],
      ],
    };
    const body: SourceBlock[] = [
      { kind: 'line', text: 'KẾ HOẠCH', line: 5 },
      { kind: 'line', text: 'Cải cách hành chính năm 2024', line: 6 },
    ];
    const m = extractMetadata({ lines: body.map((b) => ({ text: (b as { text: string }).text, line: (b as { line: number }).line })), blocks: [table, ...body] });
    expect(m).toMatchObject({ number: '15/KH-UBND', date: '2024-01-04', province: 'Hà Nam', issuer: 'UBND tỉnh Hà Nam', type: 'Kế hoạch' });
  });

  it('repairs literal "\\r\\n" text and "Ð" (U+00D0) in the header', () => {
    const m = meta(['\\r\\n ỦY BAN NHÂN DÂN | \\r\\n CỘNG\\r\\n HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM | \\r\\n', '\\r\\n Số: 9/QÐ-UBND \\r\\n | \\r\\n Ðồng Nai, ngày 27 tháng 3 năm 2020 \\r\\n | \\r\\n'].join('\n'));
    expect(m).toMatchObject({ number: '9/QĐ-UBND', date: '2020-03-27', province: 'Đồng Nai' });
  });

  it('keeps a blank day as a partial date and lists the date as not found', () => {
    const m = meta(['ỦY BAN NHÂN DÂN', 'TỈNH PHÚ YÊN', '', 'Số:      /KH-UBND', '', 'Phú Yên, ngày      tháng 4 năm 2022', '', 'KẾ HOẠCH', 'Dự thảo'].join('\n'));
    expect(m.date).toBeUndefined();
    expect(m.datePartial).toBe('2022-04');
    expect(m.province).toBe('Phú Yên');
    expect(m.fieldsNotFound).toEqual(['number', 'date']);
  });
});

describe('central bodies', () => {
  it('gives a ministry document no province, although it is signed "Hà Nội, ngày …"', () => {
    const m = meta(['BỘ Y TẾ', '-------', '', 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', '', 'Số: 12/QĐ-BYT', '', 'Hà Nội, ngày 05 tháng 4 năm 2023', '', 'QUYẾT ĐỊNH', 'Ban hành kế hoạch'].join('\n'));
    expect(m).toMatchObject({ number: '12/QĐ-BYT', date: '2023-04-05', issuer: 'Bộ Y tế' });
    expect(m.province).toBeUndefined();
    expect(m.fieldsNotFound).toEqual([]);
  });

  it('recognises a central body by its number code when there is no header ("-KL/TW")', () => {
    const m = meta(['KẾT LUẬN 99-KL/TW CỦA BỘ CHÍNH TRỊ VỀ MỘT VIỆC', 'Tại phiên họp ngày 28/2/2025, Bộ Chính trị kết luận như sau:'].join('\n'));
    expect(m.number).toBe('99-KL/TW');
    expect(m.province).toBeUndefined();
  });
});

describe('web-export metadata tables', () => {
  it('reads a leading markdown table and header cells ending in "|"', () => {
    const m = meta(
      [
        'Kế hoạch 17/KH-UBND năm 2025 phát triển dữ liệu thành phố Hải Phòng',
        '| Số hiệu | 17/KH-UBND |',
        '| Ngày ban hành | 15/12/2025 |',
        '| Cơ quan ban hành | Thành phố Hải Phòng |',
        '| Người ký | Nguyễn Văn A |',
        '|',
        'ỦY BAN NHÂN DÂN |',
        'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |',
        '|',
        'Số: 17/KH-UBND |',
        'Hải Phòng, ngày 15 tháng 12 năm 2025 |',
        'PHÁT TRIỂN DỮ LIỆU THÀNH PHỐ HẢI PHÒNG',
      ].join('\n'),
    );
    expect(m).toMatchObject({ number: '17/KH-UBND', date: '2025-12-15', province: 'Hải Phòng' });
    expect(m.extra['Người ký']).toBe('Nguyễn Văn A');
    expect(m.provenance?.number?.source).toBe('web-meta');
  });

  it('reads space-separated keys and never takes "Tình trạng: Đã biết" for a province', () => {
    const m = meta(
      ['Số hiệu: 77/QĐ-BYT Loại văn bản: Quyết định', 'Nơi ban hành: Bộ Y tế Người ký: Trần Văn B', 'Ngày ban hành: 13/06/2023 Ngày hiệu lực: Đã biết', 'Tình trạng: Đã biết', '', 'Ngày 13/6/2023, Bộ Y tế ban hành Quyết định 77/QĐ-BYT.'].join('\n'),
    );
    expect(m).toMatchObject({ number: '77/QĐ-BYT', date: '2023-06-13', issuer: 'Bộ Y tế' });
    expect(m.province).toBeUndefined();
  });

  it('splits two key/value pairs per pipe row', () => {
    expect(webMetaPairs('Số hiệu: | 612/QĐ-UBND | Loại văn bản: | Quyết định |')).toEqual([
      { key: 'Số hiệu', value: '612/QĐ-UBND' },
      { key: 'Loại văn bản', value: 'Quyết định' },
    ]);
    expect(webMetaPairs('Tình hình triển khai: tốt')).toEqual([]);
  });
});

describe('documents without a header', () => {
  it('reads a portal news opening: "Ngày …, UBND tỉnh X ban hành Kế hoạch …"', () => {
    const m = meta(['Ngày 31/01/2024, UBND tỉnh Sóc Trăng ban hành Kế hoạch triển khai Đề án 06 năm 2024.', 'Theo đó, nhiệm vụ cụ thể như sau:'].join('\n'));
    expect(m).toMatchObject({ date: '2024-01-31', province: 'Sóc Trăng' });
    expect(m.provenance?.date?.source).toBe('body-statement');
  });

  it('reads the number and date of "… tại Công văn số …, ngày …"', () => {
    const m = meta(['Văn phòng UBND tỉnh truyền đạt ý kiến chỉ đạo của Chủ tịch UBND tỉnh tại Công văn số 123/VP-KT, ngày 07/5/2025.', 'Theo đó, giao Sở Tài chính chủ trì, phối hợp với các cơ quan liên quan về chuyển đổi số tỉnh Trà Vinh.'].join('\n'));
    expect(m).toMatchObject({ number: '123/VP-KT', date: '2025-05-07', province: 'Trà Vinh' });
  });

  it('reads a number given only in a closing "(Theo Công văn số …)" line', () => {
    const m = meta(['UBND tỉnh có ý kiến như sau: Sở Y tế chủ trì, phối hợp với các cơ quan liên quan báo cáo.', '(Theo Công văn số 4567/UBND-VX ngày 08/12/2023)'].join('\n'));
    expect(m).toMatchObject({ number: '4567/UBND-VX', date: '2023-12-08' });
    expect(m.provenance?.number?.source).toBe('closing-ref');
  });

  it('uses the file name only when nothing else names the province', () => {
    expect(meta('1. Mục tiêu\nNâng cao chất lượng.', { fileName: 'ninhthuan-kh12-2024.txt' })).toMatchObject({ province: 'Ninh Thuận', provenance: { province: { source: 'file-name' } } });
    expect(meta('Ngày 02/3/2024, UBND tỉnh Bến Tre ban hành Kế hoạch số 5/KH-UBND.', { fileName: 'ninhthuan-kh12-2024.txt' }).province).toBe('Bến Tre');
  });
});

describe('conflicts', () => {
  it('settles by confidence, not by order: the header number beats an earlier page-title number', () => {
    const m = meta(['Kế hoạch 1961/2019/KH-UBND tỉnh Long An', '', 'ỦY BAN NHÂN DÂN', 'TỈNH LONG AN', '', 'Số: 1961/KH-UBND', '', 'Long An, ngày 28 tháng 8 năm 2019', '', 'KẾ HOẠCH'].join('\n'));
    expect(m.number).toBe('1961/KH-UBND');
    expect(m.provenance?.number?.source).toBe('header');
  });

  it('prefers agreement of two signals to one of the same strength', () => {
    const r = resolve(
      [
        { field: 'province', value: 'An Giang', source: 'body-mention', confidence: 0.45 },
        { field: 'province', value: 'Kiên Giang', source: 'body-mention', confidence: 0.45 },
        { field: 'province', value: 'Kiên Giang', source: 'file-name', confidence: 0.3 },
      ],
      'province',
    );
    expect(r?.value).toBe('Kiên Giang');
  });
});

describe('line cleaning for web exports', async () => {
  const { cleanLine } = await import('../../src/ingest/clean.js');
  it('turns literal "\\r\\n" text into spaces and drops footnote numbers glued to a percentage', () => {
    expect(cleanLine('\\r\\n\\r\\n- Đến năm 2025: tỷ lệ suy dinh dưỡng\\r\\nthể thấp còi dưới 24%1; nhẹ cân dưới\\r\\n5%3.')).toBe('- Đến năm 2025: tỷ lệ suy dinh dưỡng thể thấp còi dưới 24%; nhẹ cân dưới 5%.');
  });
  it('keeps a percentage followed by other digits in a range and "Ð" becomes "Đ"', () => {
    expect(cleanLine('Ðạt 95%-100% số hồ sơ')).toBe('Đạt 95%-100% số hồ sơ');
  });
});
