/** The 2025 reorganisation table: checked against the agency and province tables, read as of a date. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AgencyRegistry, AgencyTable } from '../../src/extract/agencies.js';
import { Provinces } from '../../src/text/provinces.js';
import { Reorganisation } from '../../src/text/reorganisation.js';

const reorg = Reorganisation.load();
const registry = AgencyRegistry.load();
const provinces = Provinces.load();
const BEFORE = '2025-02-28';
const AFTER = '2026-12-04';

describe('the bundled table', () => {
  it('names only agencies of knowledge/agencies.json', () => {
    for (const s of reorg.table.agencies) {
      for (const id of [...s.from, s.to, ...s.split.map((x) => x.to)]) expect(registry.template(id), id).toBeDefined();
    }
    for (const id of reorg.table.districtLevel?.groups ?? []) expect(registry.template(id), id).toBeDefined();
  });

  it('agrees with the mergedInto hints of knowledge/agencies.json', () => {
    const table = AgencyTable.parse(JSON.parse(readFileSync('knowledge/agencies.json', 'utf8')));
    for (const t of table.agencies.filter((a) => a.mergedInto)) {
      expect(reorg.successorOf(t.id, AFTER)?.to, t.id).toBe(t.mergedInto);
    }
  });

  it('names only provinces the province list recognises', () => {
    for (const name of reorg.provinceNames()) expect(provinces.find(name), name).toEqual([name]);
  });

  it('the province list knows the new names and their usual spellings', () => {
    expect(provinces.find('Bắc Ninh có kế hoạch gì')).toEqual(['Bắc Ninh']);
    expect(provinces.find('thành phố Huế giao ai')).toEqual(['Huế']);
    expect(provinces.find('tinh Thua Thien - Hue')).toEqual(['Thừa Thiên Huế']);
    expect(provinces.find('Sở KH&CN TP.HCM')).toEqual(['Thành phố Hồ Chí Minh']);
    expect(provinces.find('Đăk Nông cũ')).toEqual(['Đắk Nông']);
  });

  it('has the 34 provincial units of Nghị quyết 202/2025/QH15', () => {
    const mergers = reorg.table.provinces.filter((p) => p.kind === 'merger');
    expect(mergers).toHaveLength(23);
    expect(new Set([...mergers.map((p) => p.name), ...reorg.table.unchangedProvinces]).size).toBe(34);
    // Every one of the 63 old provinces ends up in exactly one new unit.
    const old = [...mergers.flatMap((p) => p.from), ...reorg.table.unchangedProvinces.filter((p) => p !== 'Huế'), 'Thừa Thiên Huế'];
    expect(new Set(old).size).toBe(63);
    expect(old).toHaveLength(63);
  });
});

describe('agency successions as of a date', () => {
  it('renames nothing before 01/3/2025', () => {
    expect(reorg.successorOf('so-tttt', BEFORE)).toBeUndefined();
    expect(reorg.predecessorsOf('so-khcn', BEFORE)).toEqual([]);
  });

  it('Sở TT&TT is Sở KH&CN from 01/3/2025, with press and publishing split off', () => {
    const next = reorg.successorOf('so-tttt', '2025-03-01')!;
    expect(next.to).toBe('so-khcn');
    expect(next.succession.basis).toMatch(/45\/2025\/NĐ-CP/);
    expect(next.split.map((x) => x.to)).toEqual(['so-vhttdl']);
    expect(reorg.predecessorsOf('so-khcn', AFTER).map((p) => p.id)).toEqual(['so-tttt']);
  });

  it('two departments merged into one: both are predecessors', () => {
    expect(reorg.predecessorsOf('so-nnmt', AFTER).filter((p) => !p.functions).map((p) => p.id).sort()).toEqual(['so-nnptnt', 'so-tnmt']);
  });

  it('a split agency: Sở LĐ-TB&XH goes to Sở Nội vụ, its vocational training to Sở GD&ĐT, only in that field', () => {
    expect(reorg.successorOf('so-ldtbxh', AFTER)?.to).toBe('so-noi-vu');
    const toEducation = reorg.predecessorsOf('so-gddt', AFTER);
    expect(toEducation).toHaveLength(1);
    expect(toEducation[0]!.id).toBe('so-ldtbxh');
    expect(toEducation[0]!.functions?.functions).toBe('giáo dục nghề nghiệp');
    expect(Reorganisation.inField('Tổ chức đào tạo nghề cho lao động nông thôn', toEducation[0]!.functions!)).toBe(true);
    expect(Reorganisation.inField('Xây dựng sàn giao dịch việc làm trực tuyến', toEducation[0]!.functions!)).toBe(false);
    expect(reorg.predecessorsOf('so-gddt', BEFORE)).toEqual([]);
  });
});

describe('provinces as of a date', () => {
  it('a merged province covers the old ones from 01/7/2025, not before', () => {
    expect(reorg.cover('Bắc Ninh', '2025-06-30').names).toEqual(['Bắc Ninh']);
    const after = reorg.cover('Bắc Ninh', '2025-07-01');
    expect(after.names).toEqual(['Bắc Ninh', 'Bắc Giang']);
    expect(after.change?.basis).toBe('Nghị quyết 202/2025/QH15');
  });

  it('an old province says which one it now belongs to', () => {
    expect(reorg.cover('Bắc Giang', AFTER).now?.name).toBe('Bắc Ninh');
    expect(reorg.cover('Bắc Giang', '2025-01-01').now).toBeUndefined();
    expect(reorg.currentProvince('Yên Bái', AFTER)).toBe('Lào Cai');
    expect(reorg.currentProvince('Thanh Hóa', AFTER)).toBe('Thanh Hóa');
  });

  it('Huế is Thừa Thiên Huế from 01/01/2025', () => {
    expect(reorg.cover('Huế', '2025-01-01').names).toEqual(['Huế', 'Thừa Thiên Huế']);
    expect(reorg.cover('Huế', '2024-12-31').names).toEqual(['Huế']);
    expect(reorg.cover('Thừa Thiên Huế', AFTER).now?.kind).toBe('rename');
  });

  it('the district level ends on 01/7/2025', () => {
    expect(reorg.districtEnded('2025-06-30')).toBe(false);
    expect(reorg.districtEnded('2025-07-01')).toBe(true);
    expect(reorg.isDistrict('ubnd-cap-huyen')).toBe(true);
    expect(reorg.isDistrict('ubnd-cap-xa')).toBe(false);
  });

  it('phase changes only when a date crosses a change', () => {
    expect(reorg.phase('2025-03-02')).toBe(reorg.phase('2025-06-30'));
    expect(reorg.phase('2025-06-30')).not.toBe(reorg.phase('2025-07-01'));
  });
});

describe('an edited table', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'reorg-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (json: unknown): string => {
    const file = path.join(dir, `t${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify(json));
    return file;
  };

  it('says what is wrong: a bad date, an agency with two successors, another version', () => {
    expect(() => Reorganisation.load(write({ schemaVersion: 1, agencies: [{ from: ['so-a'], to: 'so-b', effective: '1/3/2025', basis: 'NĐ 1' }] }))).toThrow(/agencies\.0\.effective dates are YYYY-MM-DD/);
    expect(() =>
      Reorganisation.load(
        write({
          schemaVersion: 1,
          agencies: [
            { from: ['so-a'], to: 'so-b', effective: '2025-03-01', basis: 'NĐ 1' },
            { from: ['so-a'], to: 'so-c', effective: '2025-03-01', basis: 'NĐ 1' },
          ],
        }),
      ),
    ).toThrow(/so-a has two successors/);
    expect(() => Reorganisation.load(write({ schemaVersion: 2 }))).toThrow(/unsupported schemaVersion 2/);
    expect(() => Reorganisation.load(path.join(dir, 'missing.json'))).toThrow(/cannot read/);
  });

  it('a province adds its own change and it applies from its date', () => {
    const file = write({ schemaVersion: 1, provinces: [{ name: 'Đồng Nai', from: ['Đồng Nai', 'Bình Phước'], effective: '2025-07-01', basis: 'NQ 202' }] });
    const own = Reorganisation.load(file);
    expect(own.cover('Đồng Nai', AFTER).names).toEqual(['Đồng Nai', 'Bình Phước']);
    expect(own.successorOf('so-tttt', AFTER)).toBeUndefined();
  });
});
