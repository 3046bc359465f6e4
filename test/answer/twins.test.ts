/**
 * Twins (one plan indexed from two files) are collapsed at answer time, keeping the record read
 * with the higher confidence; records of different documents, provinces or places never are.
 */
import { describe, expect, it } from 'vitest';
import { collapseTwins, documentIdentity } from '../../src/answer/twins.js';
import { Task } from '../../src/domain/records.js';

const doc = (file: string, over: Record<string, string | undefined> = {}) => ({
  docId: file,
  file,
  type: 'Kế hoạch',
  number: '95/KH-UBND',
  date: '2024-05-03',
  issuer: 'UBND tỉnh Đắk Lắk',
  province: 'Đắk Lắk',
  title: 'Đào tạo nghề cho lao động nông thôn năm 2024',
  ...over,
});

function task(file: string, over: Partial<Task> & { docOver?: Record<string, string | undefined> } = {}): Task {
  const { docOver, ...rest } = over;
  return Task.parse({
    id: `${file}#${rest.sectionPath?.join('.') ?? 'II.2'}#${rest.lines?.[0] ?? 10}`,
    doc: doc(file, docOver),
    sectionPath: ['II', '2'],
    sectionTitle: 'II. NHIỆM VỤ › 2. Kết nối cung - cầu lao động',
    title: 'Kết nối cung - cầu lao động',
    lead: [{ surface: 'Sở LĐTB&XH', agencyId: 'so-ldtbxh@dak-lak' }],
    cooperating: [],
    deadline: { raw: 'Quý III/2024', kind: 'quarter', due: '2024-09-30' },
    source: 'prose',
    lines: [10, 12],
    confidence: 0.9,
    ...rest,
  });
}

describe('collapseTwins', () => {
  it('keeps one record per task of the same plan in two files, the one read with more confidence', () => {
    const digital = task('kh95.pdf', { confidence: 0.9 });
    // The scan's OCR misspells the title and shifts the lines; place, lead and deadline agree.
    const scanned = task('kh95.scan.pdf', { confidence: 0.62, title: 'Kết nối cung - cầu lao đông', lines: [14, 16] });
    expect(collapseTwins([scanned, digital]).tasks).toEqual([digital]);
    expect(collapseTwins([digital, scanned]).tasks).toEqual([digital]);
    expect(collapseTwins([scanned, digital]).twinFiles.get(digital.id)).toEqual(['kh95.scan.pdf']);
  });

  it('never merges different provinces, numbers, dates, places, leads or deadlines', () => {
    const base = task('a.pdf');
    const others = [
      task('b.pdf', { docOver: { province: 'Gia Lai', issuer: 'UBND tỉnh Gia Lai' } }),
      task('c.pdf', { docOver: { number: '96/KH-UBND' } }),
      task('d.pdf', { docOver: { date: '2024-05-04' } }),
      task('e.pdf', { sectionPath: ['II', '3'] }),
      task('f.pdf', { lead: [{ surface: 'Sở Công Thương', agencyId: 'so-cong-thuong@dak-lak' }] }),
      task('g.pdf', { deadline: { raw: 'Quý IV/2024', kind: 'quarter', due: '2024-12-31' } }),
    ];
    expect(collapseTwins([base, ...others]).tasks).toHaveLength(7);
  });

  it('does not merge files that do not say which document they are', () => {
    expect(documentIdentity(doc('x.pdf', { number: undefined }))).toBeUndefined();
    expect(documentIdentity(doc('x.pdf', { province: undefined, issuer: undefined }))).toBeUndefined();
    const a = task('x.pdf', { docOver: { number: undefined } });
    const b = task('y.pdf', { docOver: { number: undefined } });
    expect(collapseTwins([a, b]).tasks).toHaveLength(2);
  });

  it('tells apart two tasks of one file that share place, lead and deadline, and pairs each with its twin', () => {
    const first = task('kh95.pdf', { title: 'Tổ chức phiên giao dịch việc làm', lines: [10, 11] });
    const second = task('kh95.pdf', { title: 'Tư vấn việc làm cho lao động', lines: [12, 13] });
    const firstScan = task('kh95.scan.pdf', { title: 'Tổ chức phiên giao dich việc làm', lines: [11, 12], confidence: 0.6 });
    const secondScan = task('kh95.scan.pdf', { title: 'Tư vấn việc làm cho lao đông', lines: [13, 14], confidence: 0.6 });
    const kept = collapseTwins([first, second, firstScan, secondScan]).tasks;
    expect(kept.map((t) => t.title)).toEqual(['Tổ chức phiên giao dịch việc làm', 'Tư vấn việc làm cho lao động']);
  });
});

describe('collapseTwins on a tie', () => {
  it('keeps the same record whatever the order of the list', () => {
    const a = task('kh95.pdf');
    const b = task('kh95.scan.pdf', { lines: [11, 13] });
    expect(collapseTwins([a, b]).tasks).toEqual([a]);
    expect(collapseTwins([b, a]).tasks).toEqual([a]);
  });
});
