/**
 * The file name as a weak province signal, wherever the province sits in it ("angiang-ct11-….txt",
 * "…-cap-xa-longan.txt"): used when nothing in the text names a province, never over the header,
 * and carried into the procedure records of a guide that names no province.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { extractProcedures } from '../../src/extract/procedures.js';
import { ingestFile } from '../../src/ingest/index.js';
import { provinceInFileName } from '../../src/ingest/metadata.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.join(here, '../fixtures/ingest');
const corpus = path.resolve(here, '../../../shared/corpus-web');

describe('provinceInFileName', () => {
  it('finds a province slug at the start, the end or split over tokens', () => {
    expect(provinceInFileName('angiang-ct11-2023-nhiem-vu.txt')).toBe('An Giang');
    expect(provinceInFileName('thu-tuc-thong-bao-le-hoi-cap-xa-longan.txt')).toBe('Long An');
    expect(provinceInFileName('ke-hoach-quang-nam-2024.docx')).toBe('Quảng Nam');
    expect(provinceInFileName('KH_58_NinhThuan.pdf')).toBe('Ninh Thuận');
  });
  it('gives nothing for national bodies, topic words or two provinces', () => {
    expect(provinceInFileName('thu-tuc-ho-tro-chi-phi-hoc-tap-dvcqg.txt')).toBeUndefined();
    expect(provinceInFileName('byt-qd1710-2023-chuyen-doi-so-y-te.txt')).toBeUndefined();
    expect(provinceInFileName('langson-kh54-2020-dinh-duong-1000-ngay.txt')).toBe('Lạng Sơn');
    expect(provinceInFileName('so-sanh-cantho-vinhlong.txt')).toBeUndefined();
  });
});

describe('a procedure guide naming no province', () => {
  it('takes the province from its file name, low confidence, and its records carry it', async () => {
    const res = await ingestFile(path.join(fixtures, 'thu-tuc-cap-ban-sao-trich-luc-khai-sinh-vinhphuc.txt'));
    if (!res.ok) throw new Error(res.detail);
    expect(res.document.meta.province).toBe('Vĩnh Phúc');
    expect(res.document.meta.provenance?.province).toEqual({ source: 'file-name', confidence: expect.any(Number) });
    expect(res.document.meta.provenance!.province!.confidence).toBeLessThan(0.5);
    expect(res.document.meta.fieldsNotFound).not.toContain('province');
    const [proc] = extractProcedures(res.document);
    expect(proc?.ten).toMatch(/trích lục khai sinh/iu);
    expect(proc?.doc.province).toBe('Vĩnh Phúc');
  });
});

if (!existsSync(corpus)) process.stderr.write('[metadata file name] corpus-web part skipped: ../shared/corpus-web is absent\n');
describe.skipIf(!existsSync(corpus))('procedure pages of ../shared/corpus-web whose province is in the file name', () => {
  it('read that province when the page names no other', async () => {
    const files = readdirSync(corpus).filter((f) => f.startsWith('thu-tuc-') && provinceInFileName(f));
    expect(files.length).toBeGreaterThanOrEqual(10);
    for (const f of files) {
      const res = await ingestFile(path.join(corpus, f), { root: corpus });
      if (!res.ok) throw new Error(`${f}: ${res.detail}`);
      expect(res.document.meta.province, f).toBe(provinceInFileName(f));
    }
  }, 60_000);
});
