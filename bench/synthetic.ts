/**
 * Deterministic synthetic corpus for the scaling benchmark: N copies of the seed documents, each
 * copy with another province, a permutation of the provincial departments, other document
 * numbers, shifted years and other percentages, so copies are distinct documents to the
 * indexer (different hashes, ids, numbers and dates) while keeping the seed's layout, tables and
 * OCR noise. Copy 0 is the seed itself. Same seed → byte-identical output.
 */
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { randomInt, seededRandom, shuffled } from './stats.js';

const ProvincesFile = z.object({ provinces: z.array(z.string()), aliases: z.record(z.string()) });

/** Departments whose names are swapped among themselves (all exist in the bundled agency registry). */
export const SWAPPABLE_DEPARTMENTS = [
  'Sở Nội vụ',
  'Sở Tư pháp',
  'Sở Kế hoạch và Đầu tư',
  'Sở Tài chính',
  'Sở Công Thương',
  'Sở Tài nguyên và Môi trường',
  'Sở Giao thông vận tải',
  'Sở Xây dựng',
  'Sở Khoa học và Công nghệ',
  'Sở Giáo dục và Đào tạo',
  'Sở Y tế',
  'Sở Văn hóa, Thể thao và Du lịch',
  'Sở Lao động - Thương binh và Xã hội',
] as const;

export interface SyntheticOptions {
  /** Folder with the seed .txt documents (README files are skipped). */
  seedDir: string;
  /** Output folder; emptied first. */
  outDir: string;
  /** Total copies including the unchanged seed (copy 0). */
  copies: number;
  /** PRNG seed. Default: 20261124. */
  seed?: number;
  /** knowledge/provinces.json. */
  provincesFile: string;
}

export interface SyntheticCorpus {
  files: string[];
  bytes: number;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function slug(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/gi, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** The province the document is mostly about: the listed name (or alias) that occurs most. */
export function dominantProvince(text: string, provinces: string[], aliases: Record<string, string>): { name: string; variants: string[] } | undefined {
  const lower = text.toLowerCase();
  let best: { name: string; variants: string[]; count: number } | undefined;
  for (const name of provinces) {
    const variants = [name, ...Object.entries(aliases).filter(([, to]) => to === name).map(([from]) => from)];
    let count = 0;
    for (const v of variants) count += lower.split(v.toLowerCase()).length - 1;
    if (count > 0 && (!best || count > best.count)) best = { name, variants, count };
  }
  return best ? { name: best.name, variants: best.variants } : undefined;
}

/** One synthetic variant of a seed document. `copy` 0 returns the text unchanged. */
export function synthesizeDocument(
  text: string,
  copy: number,
  options: { seed: number; provinces: string[]; aliases: Record<string, string> },
): { text: string; province: string | undefined } {
  if (copy === 0) return { text, province: dominantProvince(text, options.provinces, options.aliases)?.name };
  const rng = seededRandom(options.seed + copy * 7919);
  let out = text;

  // Province: every written variant, keeping upper case where the seed shouts ("TỈNH THANH HÓA").
  const from = dominantProvince(text, options.provinces, options.aliases);
  const candidates = options.provinces.filter((p) => p !== from?.name && !p.includes('Thành phố'));
  const province = candidates[(copy * 17 + randomInt(rng, 0, 3)) % candidates.length]!;
  if (from) {
    const re = new RegExp(from.variants.map(escapeRegExp).sort((a, b) => b.length - a.length).join('|'), 'giu');
    out = out.replace(re, (m) => (m === m.toUpperCase() ? province.toUpperCase() : province));
  }

  // Departments: one permutation per copy, applied in a single pass so swaps do not chain.
  const perm = shuffled(SWAPPABLE_DEPARTMENTS, rng);
  const map = new Map<string, string>(SWAPPABLE_DEPARTMENTS.map((d, i) => [d.toLowerCase(), perm[i]!]));
  const deptRe = new RegExp([...SWAPPABLE_DEPARTMENTS].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|'), 'giu');
  out = out.replace(deptRe, (m) => map.get(m.toLowerCase()) ?? m);

  // Document numbers ("114/KH-UBND", "150-BC/BCSĐ"): one new number per old one, within the copy.
  const numbers = new Map<string, string>();
  out = out.replace(/(?<![\d/])(\d{1,5})(\s?[/-]\s?)(KH|QĐ|BC|NQ|CT|TB|CV|QĐ-UBND|KH-UBND)(?=[-/\s,.;)]|$)/gu, (_m, n: string, sep: string, kind: string) => {
    let next = numbers.get(n);
    if (!next) {
      next = String(randomInt(rng, 10, 2999));
      numbers.set(n, next);
    }
    return `${next}${sep}${kind}`;
  });

  // Years shift together, so "Quý II/2019", "25/4/2022" and "năm 2022" stay consistent.
  const shift = randomInt(rng, -3, 3) || 1;
  out = out.replace(/(?<!\d)(20[0-3]\d)(?!\d)/g, (y) => String(Number(y) + shift));

  // Percentages (targets): another figure of the same order.
  out = out.replace(/(?<![\d.,])(\d{1,3})(\s?%)/g, (_m, n: string, pct: string) => {
    const v = Math.min(100, Math.max(1, Math.round(Number(n) * (0.7 + rng() * 0.3))));
    return `${v}${pct}`;
  });
  return { text: out, province };
}

/** Write `copies` variants of every seed document into outDir (emptied first). */
export function generateSyntheticCorpus(options: SyntheticOptions): SyntheticCorpus {
  const seed = options.seed ?? 20261124;
  const { provinces, aliases } = ProvincesFile.parse(JSON.parse(readFileSync(options.provincesFile, 'utf8')));
  const seeds = readdirSync(options.seedDir)
    .filter((f) => /\.txt$/i.test(f) && !/^readme/i.test(f))
    .sort();
  rmSync(options.outDir, { recursive: true, force: true });
  mkdirSync(options.outDir, { recursive: true });
  const texts = seeds.map((f) => readFileSync(path.join(options.seedDir, f), 'utf8'));
  const files: string[] = [];
  let bytes = 0;
  for (let copy = 0; copy < options.copies; copy++) {
    const dir = path.join(options.outDir, `copy-${String(copy).padStart(3, '0')}`);
    mkdirSync(dir, { recursive: true });
    seeds.forEach((name, i) => {
      const { text, province } = synthesizeDocument(texts[i]!, copy, { seed: seed + i, provinces, aliases });
      const file = path.join(dir, copy === 0 ? name : `${slug(province ?? 'tinh')}-${name}`);
      writeFileSync(file, text);
      files.push(file);
      bytes += Buffer.byteLength(text);
    });
  }
  return { files, bytes };
}
