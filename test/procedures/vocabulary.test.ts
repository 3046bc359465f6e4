import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProcedureVocabulary, defaultProcedureVocabulary } from '../../src/answer/procedures.js';

const table = {
  schemaVersion: 1,
  phrases: [
    { canonical: 'đăng ký khai sinh', forms: ['làm giấy khai sinh', 'khai sinh'] },
    { canonical: 'cấp bản sao trích lục hộ tịch', forms: ['bản sao giấy khai sinh'] },
  ],
  aspects: {
    documents: ['giấy tờ gì'],
    where: ['ở đâu'],
    online: ['online'],
    time: ['bao lâu'],
    fee: ['lệ phí'],
    steps: ['các bước'],
    who: ['ai được'],
    legal: ['căn cứ'],
  },
  weakAspects: { steps: ['thế nào'] },
  onlineChannelWords: ['trực tuyến'],
};

describe('ProcedureVocabulary', () => {
  const vocabulary = new ProcedureVocabulary(table as never);

  it('rewrites everyday phrases with or without diacritics, longest form first', () => {
    expect(vocabulary.rewrite('Làm giấy khai sinh cho bé')).toBe('dang ky khai sinh cho be');
    expect(vocabulary.rewrite('lam giay khai sinh')).toBe('dang ky khai sinh');
    expect(vocabulary.rewrite('xin bản sao giấy khai sinh')).toBe('xin cap ban sao trich luc ho tich');
    // The canonical form maps to itself, so it is not broken up by its shorter forms.
    expect(vocabulary.rewrite('đăng ký khai sinh')).toBe('dang ky khai sinh');
  });

  it('finds aspects in the order asked and removes their words', () => {
    expect(vocabulary.aspects('khai sinh mất bao lâu, lệ phí?')).toEqual({
      hits: [
        { aspect: 'time', at: 14 },
        { aspect: 'fee', at: 23 },
      ],
      rest: 'khai sinh mat , ?',
    });
  });

  it('uses weak aspect words only when no other aspect word is present', () => {
    expect(vocabulary.aspects('khai sinh thế nào').hits.map((h) => h.aspect)).toEqual(['steps']);
    expect(vocabulary.aspects('lệ phí khai sinh thế nào').hits.map((h) => h.aspect)).toEqual(['fee']);
  });

  it('recognises online channels', () => {
    expect(vocabulary.isOnlineChannel('Nộp trực tuyến trên Cổng Dịch vụ công')).toBe(true);
    expect(vocabulary.isOnlineChannel('Nop truc tuyen')).toBe(true);
    expect(vocabulary.isOnlineChannel('Bộ phận một cửa')).toBe(false);
  });

  it('refuses a table with a wrong schema version or a missing aspect, naming the field', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'synonyms-'));
    const file = path.join(dir, 'synonyms.json');
    writeFileSync(file, JSON.stringify({ ...table, schemaVersion: 2 }));
    expect(() => ProcedureVocabulary.load(file)).toThrow(/synonyms\.json: schemaVersion: Invalid literal value/);
    const { legal: _legal, ...aspects } = table.aspects;
    writeFileSync(file, JSON.stringify({ ...table, aspects }));
    expect(() => ProcedureVocabulary.load(file)).toThrow(/aspects\.legal: Required/);
  });

  it('loads the bundled table once', () => {
    expect(defaultProcedureVocabulary()).toBe(defaultProcedureVocabulary());
  });
});
