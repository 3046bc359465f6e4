/**
 * Central issuing bodies (knowledge/issuers.json): a header line or a number code that names one
 * makes the document national, so no province is read from its place-and-date line ("Hà Nội, ngày …").
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { fold } from '../../text/normalize.js';

export const IssuerTable = z.object({
  schemaVersion: z.literal(1),
  description: z.string().optional(),
  central: z
    .array(z.object({ name: z.string().min(2), header: z.array(z.string().min(2)).min(1), codes: z.array(z.string().min(1)) }).strict())
    .min(1),
});
export type IssuerTable = z.infer<typeof IssuerTable>;

const BUNDLED = fileURLToPath(new URL('../../../knowledge/issuers.json', import.meta.url));
const words = (s: string): string => fold(s).replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
const codeKey = (s: string): string => fold(s).toUpperCase().replace(/[^A-Z0-9]/g, '');

export class CentralIssuers {
  private readonly headers: Array<{ key: string; name: string }>;
  private readonly codes = new Map<string, string>();

  constructor(table: IssuerTable) {
    this.headers = table.central
      .flatMap((c) => c.header.map((h) => ({ key: words(h), name: c.name })))
      .sort((a, b) => b.key.length - a.key.length);
    for (const c of table.central) for (const code of c.codes) this.codes.set(codeKey(code), c.name);
  }

  static load(file: string = BUNDLED): CentralIssuers {
    return new CentralIssuers(IssuerTable.parse(JSON.parse(readFileSync(file, 'utf8'))));
  }

  /** The central body a header line or a "Nơi ban hành" value starts with ("BỘ Y TẾ -------" → Bộ Y tế). */
  fromHeader(line: string): string | undefined {
    const w = ` ${words(line)} `;
    return this.headers.find((h) => w.startsWith(` ${h.key} `))?.name;
  }

  /** The central body a document number's code names: "300/BC-CP" → Chính phủ, "127-KL/TW" → Ban Chấp hành Trung ương Đảng. */
  fromNumber(number: string | undefined): string | undefined {
    if (!number) return undefined;
    const parts = number.replace(/^\d+[a-z]?/i, '').split(/[-/]/).map(codeKey).filter((p) => p && !/^\d+$/.test(p));
    for (const p of parts) {
      const hit = this.codes.get(p);
      if (hit) return hit;
    }
    return undefined;
  }
}

let shared: CentralIssuers | undefined;
export function centralIssuers(): CentralIssuers {
  shared ??= CentralIssuers.load();
  return shared;
}
