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

export class Provinces {
  private readonly names: Array<{ folded: string; name: string }>;

  constructor(table: z.infer<typeof ProvinceTable>) {
    const entries = new Map<string, string>();
    for (const name of table.provinces) entries.set(fold(name), name);
    for (const [alias, name] of Object.entries(table.aliases)) entries.set(fold(alias), name);
    this.names = [...entries].map(([f, name]) => ({ folded: f, name })).sort((a, b) => b.folded.length - a.folded.length);
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
    return [...new Set(found.sort((a, b) => a.at - b.at).map((f) => f.name))];
  }

  /** Same province? Compares folded names so "Thanh Hoá" = "Thanh Hóa". */
  static same(a: string | undefined, b: string | undefined): boolean {
    return a !== undefined && b !== undefined && fold(a) === fold(b);
  }
}
