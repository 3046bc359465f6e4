/**
 * Which province a question names. Matching is on folded text with word boundaries, longest
 * name first, so "Bắc Giang" is not read as "Giang" and "son la" finds "Sơn La".
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { fold } from './normalize.js';

const ProvinceTable = z.object({
  schemaVersion: z.literal(1),
  description: z.string().optional(),
  provinces: z.array(z.string().min(2)).min(1),
  aliases: z.record(z.string()).default({}),
});

const BUNDLED = fileURLToPath(new URL('../../knowledge/provinces.json', import.meta.url));

/**
 * Upper-case initials that mean something else in administrative chat ("KH 114" is a kế hoạch,
 * "CB" a cán bộ, "HT" a hệ thống, "BN" bao nhiêu), so they never stand for a province.
 */
const RESERVED_INITIALS = new Set(
  'kh ct tb hd nd bn dt cb pt tg ht vp tv dl qt cm kt nt tq hp hb bc cv qd nq tt tw ld st hs'.split(' '),
);

/** "Thanh Hóa" → "th", "Thừa Thiên Huế" → "tth" (folded first letters of the name's words). */
export function provinceInitials(name: string): string {
  return (fold(name).match(/[\p{L}\p{N}]+/gu) ?? []).map((w) => w[0]).join('');
}

export class Provinces {
  private readonly names: Array<{ folded: string; name: string }>;
  /** Initials that name exactly one province ("th" → Thanh Hóa; "qn" names three, so none). */
  private readonly initials = new Map<string, string>();

  constructor(table: z.infer<typeof ProvinceTable>) {
    const entries = new Map<string, string>();
    for (const name of table.provinces) entries.set(fold(name), name);
    for (const [alias, name] of Object.entries(table.aliases)) entries.set(fold(alias), name);
    this.names = [...entries].map(([f, name]) => ({ folded: f, name })).sort((a, b) => b.folded.length - a.folded.length);
    const byInitials = new Map<string, Set<string>>();
    for (const name of table.provinces) {
      const ini = provinceInitials(name);
      if (ini.length < 2 || RESERVED_INITIALS.has(ini)) continue;
      byInitials.set(ini, (byInitials.get(ini) ?? new Set()).add(name));
    }
    for (const [ini, names] of byInitials) if (names.size === 1) this.initials.set(ini, [...names][0]!);
  }

  /**
   * Province initials typed in capitals as a word of their own ("tỉnh TH", "(SL)"): chat users
   * write them for the province. Lower-case "th" is left alone.
   */
  initialsIn(text: string): Array<{ token: string; name: string }> {
    const out: Array<{ token: string; name: string }> = [];
    for (const m of text.matchAll(/(?<![\p{L}\p{N}])[A-ZĐ]{2,5}(?![\p{L}\p{N}])/gu)) {
      const name = this.initials.get(fold(m[0]));
      if (name) out.push({ token: fold(m[0]), name });
    }
    return out;
  }

  static load(path: string = BUNDLED): Provinces {
    return new Provinces(ProvinceTable.parse(JSON.parse(readFileSync(path, 'utf8'))));
  }

  /** Provinces named in the text, canonical names, in order of appearance. */
  find(text: string): string[] {
    let rest = ` ${fold(text).replace(/[^\p{L}\p{N}]+/gu, ' ')} `;
    const found: Array<{ at: number; name: string }> = [];
    for (const { folded, name } of this.names) {
      const needle = ` ${folded.replace(/[^\p{L}\p{N}]+/gu, ' ').trim()} `;
      const at = rest.indexOf(needle);
      if (at >= 0) {
        found.push({ at, name });
        rest = rest.slice(0, at) + ' '.repeat(needle.length) + rest.slice(at + needle.length);
      }
    }
    for (const { name } of this.initialsIn(text)) found.push({ at: Number.MAX_SAFE_INTEGER, name });
    return [...new Set(found.sort((a, b) => a.at - b.at).map((f) => f.name))];
  }

  /**
   * The canonical name when the whole text is one province's name or alias ("TỈNH SƠN LA", "thành phố
   * Cần Thơ", "Ðà Nẵng"), else undefined: a validator for names read from documents, never a search.
   */
  canonical(text: string): string | undefined {
    const key = fold(text.replace(/\u00d0/g, 'Đ'))
      .replace(/[^\p{L}\p{N}]+/gu, ' ')
      .trim()
      .replace(/^(tinh|thanh pho|tp)\s+/, '');
    if (!key) return undefined;
    return this.names.find((n) => n.folded.replace(/[^\p{L}\p{N}]+/gu, ' ').trim() === key)?.name;
  }

  /** Same province? Compares folded names so "Thanh Hoá" = "Thanh Hóa". */
  static same(a: string | undefined, b: string | undefined): boolean {
    return a !== undefined && b !== undefined && fold(a) === fold(b);
  }
}
