import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AgencyRef } from '../../src/domain/records.js';
import { AgencyRegistry, AgencyTable } from '../../src/extract/agencies.js';

const registry = AgencyRegistry.load();
const TH = { province: 'Thanh Hóa' };
const ids = (refs: AgencyRef[]): Array<string | undefined> => refs.map((r) => r.agencyId);

describe('AgencyRegistry.load', () => {
  it('validates every bundled template and exposes them', () => {
    expect(registry.agencies.length).toBeGreaterThan(60);
    expect(registry.byId('so-tttt')?.name).toBe('Sở Thông tin và Truyền thông');
  });

  it('refuses an unknown schemaVersion and invalid entries with the file name', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'agencies-'));
    const v2 = path.join(dir, 'v2.json');
    writeFileSync(v2, JSON.stringify({ schemaVersion: 2, agencies: [] }));
    expect(() => AgencyRegistry.load(v2)).toThrow(/unsupported schemaVersion 2/);
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ schemaVersion: 1, agencies: [{ id: 'Sở X', name: 'Sở X', kind: 'sở', level: 'tỉnh', scope: 'province' }] }));
    expect(() => AgencyRegistry.load(bad)).toThrow(/bad\.json: agencies\.0\.id/);
  });
});

describe('parseList', () => {
  it('splits lists without breaking names that contain commas or "và"', () => {
    expect(ids(registry.parseList('Sở TT&TT, Văn phòng UBND tỉnh; các đơn vị có liên quan', TH))).toEqual([
      'so-tttt@thanh-hoa',
      'van-phong-ubnd@thanh-hoa',
      'cac-don-vi-lien-quan@thanh-hoa',
    ]);
    expect(ids(registry.parseList('Các sở, ban, ngành, đoàn thể tỉnh; UBND các huyện, thị xã, thành phố'))).toEqual(['cac-so-ban-nganh', 'ubnd-cap-huyen']);
    expect(ids(registry.parseList('Sở Kế hoạch và Đầu tư; Sở Văn hóa, Thể thao và Du lịch và các cơ quan, đơn vị có liên quan'))).toEqual([
      'so-khdt',
      'so-vhttdl',
      'cac-don-vi-lien-quan',
    ]);
  });

  it('tolerates OCR and spelling noise', () => {
    expect(ids(registry.parseList('Đài Phát tranh và Truyền hình tỉnh, Sở Thông tin và Truyên thông', TH))).toEqual(['dai-ptth@thanh-hoa', 'so-tttt@thanh-hoa']);
    expect(ids(registry.parseList('BND cấp huyện'))).toEqual(['ubnd-cap-huyen']);
    expect(ids(registry.parseList('Uỷ ban nhân dân tỉnh'))).toEqual(['ubnd-tinh']);
    expect(ids(registry.parseList('Sở Tài chính, Sở Kế hoạch và Đầu'))).toEqual(['so-tai-chinh', 'so-khdt']);
  });

  it('reads roles and province names around the agency', () => {
    expect(ids(registry.parseList('Giám đốc Sở Y tế'))).toEqual(['so-y-te']);
    expect(ids(registry.parseList('Chủ tịch UBND các huyện'))).toEqual(['ubnd-cap-huyen']);
    // The province in the phrase binds the agency when the caller has none.
    expect(ids(registry.parseList('Viễn thông Sơn La, Báo Sơn La'))).toEqual(['vnpt@son-la', 'bao-tinh@son-la']);
  });

  it('keeps unknown agencies as surface-only refs instead of dropping them', () => {
    const refs = registry.parseList('Sở Y tế; Trung tâm Nghiên cứu giống cây trồng');
    expect(refs).toEqual([
      { surface: 'Sở Y tế', agencyId: 'so-y-te', name: 'Sở Y tế', kind: 'sở' },
      { surface: 'Trung tâm Nghiên cứu giống cây trồng' },
    ]);
  });

  it('does not confuse agencies one letter apart', () => {
    expect(ids(registry.parseList('Sở Ngoại vụ'))).toEqual(['so-ngoai-vu']);
    expect(ids(registry.parseList('Sở Nội vụ'))).toEqual(['so-noi-vu']);
  });
});

describe('province binding', () => {
  it('gives the same template different ids per province', () => {
    const a = registry.parseList('Sở Thông tin và Truyền thông', { province: 'Thanh Hóa' })[0]!.agencyId;
    const b = registry.parseList('Sở TT&TT', { province: 'Sơn La' })[0]!.agencyId;
    expect(a).toBe('so-tttt@thanh-hoa');
    expect(b).toBe('so-tttt@son-la');
    expect(AgencyRegistry.sameAgency(a, b)).toBe(false);
    expect(AgencyRegistry.sameAgency(a, 'so-tttt')).toBe(true);
    expect(registry.byId('so-tttt@son-la')).toMatchObject({ id: 'so-tttt@son-la', province: 'Sơn La' });
  });

  it('keeps national bodies province-free', () => {
    expect(ids(registry.parseList('Bộ Thông tin và Truyền thông; Cục Bưu điện Trung ương', TH))).toEqual(['bo-tttt', 'cuc-buu-dien-tw']);
  });
});

describe('findMentions', () => {
  it('finds agencies inside a sentence, longest name first', () => {
    const refs = registry.findMentions('Sở Thông tin và Truyền thông tổng hợp, báo cáo UBND tỉnh và Bộ Thông tin và Truyền thông', TH);
    expect(ids(refs)).toEqual(['so-tttt@thanh-hoa', 'ubnd-tinh@thanh-hoa', 'bo-tttt']);
    expect(ids(registry.findMentions('Văn phòng UBND tỉnh chủ trì'))).toEqual(['van-phong-ubnd']);
  });

  it('does not read ordinary words as agencies', () => {
    expect(registry.findMentions('báo cáo kết quả về dịch vụ viễn thông và bưu chính')).toEqual([]);
  });
});

describe('lookup', () => {
  it('ranks free text typed without diacritics or abbreviated', () => {
    expect(registry.lookup('so y te')[0]).toEqual({ agency: expect.objectContaining({ id: 'so-y-te' }), score: 1 });
    expect(registry.lookup('STTTT', { province: 'Sơn La' })[0]!.agency.id).toBe('so-tttt@son-la');
    expect(registry.lookup('van phong ubnd')[0]!.agency.id).toBe('van-phong-ubnd');
    const partial = registry.lookup('y te', { limit: 2 });
    expect(partial.map((c) => c.agency.id)).toEqual(['so-y-te', 'bo-y-te']);
    expect(partial[0]!.score).toBeLessThan(1);
    // Partial names: words of the full name, or the start of an abbreviation.
    expect(registry.lookup('dai truyen hinh')[0]!.agency.id).toBe('dai-ptth');
    expect(registry.lookup('sở tt')[0]!.agency.id).toBe('so-tttt');
    expect(registry.lookup('Hợp tác xã Hoa Ban')).toEqual([]);
  });
});

describe('groups', () => {
  it('knows which agencies a group includes', () => {
    expect(registry.groupIncludes('cac-so-ban-nganh@thanh-hoa', 'so-y-te@thanh-hoa')).toBe(true);
    expect(registry.groupIncludes('cac-so-ban-nganh@thanh-hoa', 'so-y-te@son-la')).toBe(false);
    expect(registry.groupIncludes('ubnd-cap-huyen', 'so-y-te')).toBe(false);
    expect(registry.groupIncludes('cac-dn-vien-thong', 'vnpt')).toBe(true);
    expect(registry.groupIncludes('cac-don-vi-lien-quan', 'cong-an-tinh')).toBe(true);
    expect(registry.groupsOf('so-y-te@son-la')).toContain('cac-so-ban-nganh@son-la');
    expect(registry.groupsOf('so-y-te@son-la')).not.toContain('ubnd-cap-huyen@son-la');
  });
});

describe('other provinces and centrally-run cities', () => {
  const ct = { province: 'Cần Thơ' };
  const ids = (refs: Array<{ agencyId?: string; surface: string }>) => refs.map((r) => r.agencyId ?? `?${r.surface}`);

  it('reads "thành phố" where provinces write "tỉnh"', () => {
    expect(ids(registry.parseList('Công an thành phố, Bộ Chỉ huy Quân sự thành phố', ct))).toEqual(['cong-an-tinh@can-tho', 'bo-chi-huy-quan-su@can-tho']);
    expect(ids(registry.parseList('Văn phòng UBND thành phố; Các sở, ban, ngành thành phố', ct))).toEqual(['van-phong-ubnd@can-tho', 'cac-so-ban-nganh@can-tho']);
    expect(registry.match('Chủ tịch UBND thành phố', ct)?.template.id).toBe('ubnd-tinh');
    expect(registry.match('Công an thành phố Đà Nẵng')?.template.id).toBe('cong-an-tinh');
    // In a province the same words name the city's own bodies, not the province's.
    expect(registry.match('UBND thành phố', { province: 'Thanh Hóa' })?.template.id).not.toBe('ubnd-tinh');
    expect(registry.match('Công an thành phố Thanh Hóa')?.template.id).not.toBe('cong-an-tinh');
    // A named city of a province is still that city's UBND, and the group keeps its "thành phố".
    expect(registry.match('UBND thành phố Thanh Hóa')?.template.id).toBe('ubnd-tp-tinh-ly');
    expect(registry.match('UBND các huyện, thị xã, thành phố')?.template.id).toBe('ubnd-cap-huyen');
  });

  it('knows the district and commune levels of cities ("quận, huyện", "phường, xã")', () => {
    expect(ids(registry.parseList('UBND quận, huyện', ct))).toEqual(['ubnd-cap-huyen@can-tho']);
    expect(ids(registry.parseList('UBND các phường, xã, thị trấn', ct))).toEqual(['ubnd-cap-xa@can-tho']);
    const spans = registry.findMentions('phối hợp với Công an thành phố, UBND quận, huyện xây dựng phương án', ct);
    expect(ids(spans)).toEqual(['cong-an-tinh@can-tho', 'ubnd-cap-huyen@can-tho']);
  });

  it('knows common provincial bodies outside the sở list', () => {
    const qn = { province: 'Quảng Ninh' };
    expect(ids(registry.parseList('Ban Quản lý Khu kinh tế tỉnh; Ban Quản lý các khu công nghiệp tỉnh', qn))).toEqual(['ban-ql-kkt@quang-ninh', 'ban-ql-kcn@quang-ninh']);
    expect(ids(registry.parseList('Chi nhánh Ngân hàng Chính sách xã hội tỉnh, Cục Hải quan tỉnh', qn))).toEqual(['nhcsxh-cn@quang-ninh', 'hai-quan@quang-ninh']);
    expect(ids(registry.parseList('Ngân hàng Chính sách xã hội chi nhánh tỉnh', qn))).toEqual(['nhcsxh-cn@quang-ninh']);
    // "… tỉnh <Tên tỉnh>" after any "… tỉnh" name.
    expect(ids(registry.parseList('Bảo hiểm xã hội tỉnh Nghệ An; Trung tâm Kiểm soát bệnh tật tỉnh Nghệ An'))).toEqual(['bhxh-tinh@nghe-an', 'cdc-tinh@nghe-an']);
  });

  it('reads "…, cấp xã" and "…, địa phương" in a list as the local governments', () => {
    const na = { province: 'Nghệ An' };
    expect(ids(registry.parseList('UBND cấp huyện, cấp xã', na))).toEqual(['ubnd-cap-huyen@nghe-an', 'ubnd-cap-xa@nghe-an']);
    expect(ids(registry.parseList('Các sở, ban, ngành, địa phương liên quan', na))).toEqual(['cac-so-ban-nganh@nghe-an', 'ubnd-cap-huyen@nghe-an']);
    expect(ids(registry.parseList('Sở Tài nguyên - Môi trường, Sở Giáo dục - Đào tạo', na))).toEqual(['so-tnmt@nghe-an', 'so-gddt@nghe-an']);
    // Alone, "cấp xã" is not an agency.
    expect(ids(registry.parseList('cấp xã', na))).toEqual(['?cấp xã']);
  });

  it('splits a table cell on its line breaks, but keeps a name broken over two lines whole', () => {
    expect(ids(registry.parseList('Sở Công Thương\nCục Hải quan tỉnh'))).toEqual(['so-cong-thuong', 'hai-quan']);
    expect(ids(registry.parseList('- Sở Nông nghiệp và Phát triển nông thôn;\n- Hội Nông dân tỉnh.'))).toEqual(['so-nnptnt', 'hoi-nong-dan-tinh']);
    expect(ids(registry.parseList('Sở Kế hoạch và\nĐầu tư'))).toEqual(['so-khdt']);
  });
});

describe('collectives written as a list of their nouns (knowledge/agencies.json "collective")', () => {
  const reg = AgencyRegistry.load();
  const ids = (text: string) => reg.parseList(text, { province: 'Ninh Thuận' }).map((r) => r.agencyId ?? `?${r.surface}`);
  it('reads "Sở, Ban, Ngành cấp tỉnh" and "sở, ngành liên quan" as the one group, in any case and order', () => {
    expect(ids('Sở, Ban, Ngành cấp tỉnh')).toEqual(['cac-so-ban-nganh@ninh-thuan']);
    expect(ids('sở, ngành liên quan')).toEqual(['cac-so-ban-nganh@ninh-thuan']);
    expect(ids('các ban, sở, ngành có liên quan; UBND cấp huyện')).toEqual(['cac-so-ban-nganh@ninh-thuan', 'ubnd-cap-huyen@ninh-thuan']);
    const spans = reg.findMentionSpans('phối hợp với các Sở, Ban, Ngành cấp tỉnh và UBND cấp huyện', { province: 'Ninh Thuận' });
    expect(spans.map((s) => s.agencyId)).toEqual(['cac-so-ban-nganh@ninh-thuan', 'ubnd-cap-huyen@ninh-thuan']);
  });

  it('keeps named agencies apart and does not make a collective without "sở" or "ngành"', () => {
    expect(ids('Sở Tài chính, Sở Nội vụ')).toEqual(['so-tai-chinh@ninh-thuan', 'so-noi-vu@ninh-thuan']);
    expect(ids('Các ban, đơn vị').some((id) => id.startsWith('cac-so-ban-nganh'))).toBe(false);
  });

  it('rejects a collective rule of one noun', () => {
    const bad = { schemaVersion: 1, agencies: [{ id: 'g', name: 'Nhóm', kind: 'group', level: 'tỉnh', scope: 'province', collective: { nouns: ['sở'] } }] };
    expect(AgencyTable.safeParse(bad).success).toBe(false);
  });
});
