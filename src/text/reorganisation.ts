/**
 * The 2025 reorganisation (knowledge/reorganisation.json): agency successions, provinces merged
 * into new ones, the end of the district level. Everything is asked "as of" a date — the
 * question's today — so a question dated before a change renames nothing.
 *
 * Agencies are registry template ids ("so-tttt"), provinces canonical names of
 * knowledge/provinces.json; both are checked against their tables by tests, not at load.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { fold } from './normalize.js';

export const REORGANISATION_SCHEMA_VERSION = 1;

const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'dates are YYYY-MM-DD');
const TemplateId = z.string().regex(/^[a-z0-9-]+$/, 'agency ids as in knowledge/agencies.json');

const Split = z.object({
  /** Agency that took these functions instead of the main successor. */
  to: TemplateId,
  /** The functions, as a phrase for answers ("giáo dục nghề nghiệp"). */
  functions: z.string().min(2),
  /** Words that mark a task of this field (matched without diacritics). */
  keywords: z.array(z.string().min(2)).min(1),
});

const Succession = z.object({
  from: z.array(TemplateId).min(1),
  to: TemplateId,
  effective: IsoDate,
  basis: z.string().min(3),
  split: z.array(Split).default([]),
  note: z.string().optional(),
});

const ProvinceChange = z.object({
  /** The province's name from `effective` on. */
  name: z.string().min(2),
  /** Provinces it was formed from (its own old name included when it kept it). */
  from: z.array(z.string().min(2)).min(1),
  effective: IsoDate,
  basis: z.string().min(3),
  kind: z.enum(['merger', 'rename']).default('merger'),
});

export const ReorganisationTable = z.object({
  schemaVersion: z.literal(REORGANISATION_SCHEMA_VERSION),
  description: z.string().optional(),
  sources: z.array(z.string()).default([]),
  agencies: z.array(Succession).default([]),
  provinces: z.array(ProvinceChange).default([]),
  unchangedProvinces: z.array(z.string()).default([]),
  districtLevel: z
    .object({
      ended: IsoDate,
      basis: z.string().min(3),
      /** Agency ids (groups and bodies) of the district level. */
      groups: z.array(TemplateId).default([]),
    })
    .optional(),
});
export type ReorganisationTable = z.infer<typeof ReorganisationTable>;
export type Succession = z.infer<typeof Succession>;
export type ProvinceChange = z.infer<typeof ProvinceChange>;

export const BUNDLED_REORGANISATION = fileURLToPath(new URL('../../knowledge/reorganisation.json', import.meta.url));

/** "2025-03-01" → "01/3/2025", the way documents write dates. */
export function viDay(iso: string): string {
  const [y, m, d] = iso.split('-');
  return `${d}/${Number(m)}/${y}`;
}

/** An agency a question's agency stands in for: a predecessor, wholly or for some functions. */
export interface Predecessor {
  id: string;
  succession: Succession;
  /** Set when only these functions passed to the asked agency (a split). */
  functions?: z.infer<typeof Split>;
}

/** What became of an old agency as of a date. */
export interface Successor {
  to: string;
  succession: Succession;
  /** Functions that went elsewhere. */
  split: Array<z.infer<typeof Split>>;
}

/** Provinces a named province covers as of a date. */
export interface ProvinceCover {
  /** The named province and, after a merger, the old ones it was formed from. */
  names: string[];
  /** The merger/rename that widened it, when one did. */
  change?: ProvinceChange;
  /** When the named province was itself merged into (or renamed as) another. */
  now?: ProvinceChange;
}

export class Reorganisation {
  private readonly successions: Succession[];
  private readonly byFrom = new Map<string, Succession>();
  private readonly byNewProvince = new Map<string, ProvinceChange>();
  private readonly byOldProvince = new Map<string, ProvinceChange>();
  private readonly districtIds: Set<string>;

  constructor(readonly table: ReorganisationTable) {
    this.successions = table.agencies;
    for (const s of table.agencies) {
      for (const id of s.from) {
        if (this.byFrom.has(id)) throw new Error(`reorganisation: agency ${id} has two successors`);
        if (id === s.to) throw new Error(`reorganisation: agency ${id} succeeds itself`);
        this.byFrom.set(id, s);
      }
    }
    for (const p of table.provinces) {
      const key = fold(p.name);
      if (this.byNewProvince.has(key)) throw new Error(`reorganisation: province ${p.name} listed twice`);
      this.byNewProvince.set(key, p);
      for (const old of p.from) {
        if (fold(old) === key) continue;
        if (this.byOldProvince.has(fold(old))) throw new Error(`reorganisation: province ${old} merged twice`);
        this.byOldProvince.set(fold(old), p);
      }
    }
    this.districtIds = new Set(table.districtLevel?.groups ?? []);
  }

  static load(path: string = BUNDLED_REORGANISATION): Reorganisation {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(path, 'utf8'));
    } catch (err) {
      throw new Error(`reorganisation table ${path}: cannot read (${(err as Error).message})`, { cause: err });
    }
    const version = (json as { schemaVersion?: unknown })?.schemaVersion;
    if (version !== REORGANISATION_SCHEMA_VERSION) {
      throw new Error(`reorganisation table ${path}: unsupported schemaVersion ${String(version)} (expected ${REORGANISATION_SCHEMA_VERSION})`);
    }
    const parsed = ReorganisationTable.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`reorganisation table ${path}: ${issue?.path.join('.') ?? ''} ${issue?.message ?? 'invalid'}`);
    }
    return new Reorganisation(parsed.data);
  }

  /** No changes at all (a table with nothing in it). */
  static empty(): Reorganisation {
    return new Reorganisation(ReorganisationTable.parse({ schemaVersion: REORGANISATION_SCHEMA_VERSION }));
  }

  /**
   * A key that changes only when `today` crosses an effective date: what is in force is the same
   * for every day with the same key (for caches).
   */
  phase(today: string): string {
    let n = 0;
    for (const s of this.successions) if (s.effective <= today) n++;
    for (const p of this.table.provinces) if (p.effective <= today) n++;
    const district = this.table.districtLevel && this.table.districtLevel.ended <= today ? 'd' : '';
    return `${n}${district}`;
  }

  /** What took over this agency (template id) by `today`, if anything. */
  successorOf(templateId: string, today: string): Successor | undefined {
    const s = this.byFrom.get(templateId);
    if (!s || s.effective > today) return undefined;
    return { to: s.to, succession: s, split: s.split };
  }

  /** The agencies this one (template id) took over by `today`, wholly or for some functions. */
  predecessorsOf(templateId: string, today: string): Predecessor[] {
    const out: Predecessor[] = [];
    for (const s of this.successions) {
      if (s.effective > today) continue;
      if (s.to === templateId) for (const id of s.from) out.push({ id, succession: s });
      for (const split of s.split) if (split.to === templateId) for (const id of s.from) out.push({ id, succession: s, functions: split });
    }
    return out;
  }

  /** Does a task's text fall in a split field ("giáo dục nghề nghiệp")? Matched without diacritics. */
  static inField(text: string, field: { keywords: string[] }): boolean {
    const f = ` ${fold(text).replace(/[^\p{L}\p{N}]+/gu, ' ')} `;
    return field.keywords.some((k) => f.includes(` ${fold(k).replace(/[^\p{L}\p{N}]+/gu, ' ').trim()} `));
  }

  /** The province a named one covers as of `today` (itself plus the provinces merged into it). */
  cover(name: string, today: string): ProvinceCover {
    const change = this.byNewProvince.get(fold(name));
    const names = [name];
    let widened: ProvinceChange | undefined;
    if (change && change.effective <= today) {
      for (const old of change.from) if (!names.some((n) => fold(n) === fold(old))) names.push(old);
      if (names.length > 1) widened = change;
    }
    const merged = this.byOldProvince.get(fold(name));
    const now = merged && merged.effective <= today ? merged : undefined;
    return { names, ...(widened ? { change: widened } : {}), ...(now ? { now } : {}) };
  }

  /** The province an old one belongs to as of `today` (itself when unchanged). */
  currentProvince(name: string, today: string): string {
    const merged = this.byOldProvince.get(fold(name));
    return merged && merged.effective <= today ? merged.name : name;
  }

  /** Has the district level ended by `today`? */
  districtEnded(today: string): boolean {
    return !!this.table.districtLevel && this.table.districtLevel.ended <= today;
  }

  /** Is this agency (template id) a district-level body or group of the table? */
  isDistrict(templateId: string): boolean {
    return this.districtIds.has(templateId);
  }

  /** Every province name the table uses (for checks against the province list). */
  provinceNames(): string[] {
    const out = new Set<string>(this.table.unchangedProvinces);
    for (const p of this.table.provinces) {
      out.add(p.name);
      for (const old of p.from) out.add(old);
    }
    return [...out];
  }
}

let bundled: Reorganisation | undefined;
/** The bundled table, loaded once. */
export function defaultReorganisation(): Reorganisation {
  bundled ??= Reorganisation.load();
  return bundled;
}
