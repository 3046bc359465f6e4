/**
 * Agency registry (knowledge/agencies.json): canonical agencies, their aliases, and the groups
 * ("Các sở, ban, ngành", "UBND cấp huyện") with the agencies they include.
 *
 * Matching works on a key: NFC → fold (no tone marks, so OCR's wrong diacritics mostly vanish) →
 * abbreviation table (so "Sở TT&TT" = "STTTT" = "Sở Thông tin và Truyền thông") → province names
 * replaced by one placeholder → punctuation dropped. Exact keys first, then role prefixes stripped
 * ("Giám đốc Sở Y tế" → "Sở Y tế"), then an edit-distance match on the unabbreviated key for OCR
 * misspellings ("Đài Phát tranh và Truyền hình").
 *
 * Agencies are province-bound: the file holds templates, and a match inside a document of
 * Thanh Hóa yields `so-tttt@thanh-hoa`, distinct from `so-tttt@son-la`.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { Agency, AgencyKind, AgencyLevel, type AgencyRef } from '../domain/records.js';
import { defaultAbbreviations, type Abbreviations } from '../text/abbreviations.js';
import { cleanText, fold, squash } from '../text/normalize.js';

export const AGENCY_SCHEMA_VERSION = 1;

const GroupMembers = z.object({
  /** Includes every agency (e.g. "Các đơn vị có liên quan"). */
  all: z.boolean().optional(),
  kinds: z.array(AgencyKind).optional(),
  levels: z.array(AgencyLevel).optional(),
  ids: z.array(z.string()).optional(),
});
export type GroupMembers = z.infer<typeof GroupMembers>;

export const AgencyTemplate = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/, 'ids are lowercase ascii with dashes'),
  name: z.string().min(2),
  kind: AgencyKind,
  level: AgencyLevel,
  /** 'province': one agency per province (ids get "@<province>"); 'national': one agency. */
  scope: z.enum(['province', 'national']),
  aliases: z.array(z.string().min(1)).default([]),
  members: GroupMembers.optional(),
  /** Id of the agency that took over this one in the 2025 reorganisation, for information. */
  mergedInto: z.string().optional(),
  /**
   * A group written as a list of its nouns in any order and case ("Sở, Ban, Ngành cấp tỉnh", "sở, ngành
   * liên quan", "các ban, sở, ngành"): one collective, never several agencies named "Sở", "Ban", "Ngành".
   */
  collective: z
    .object({
      /** The nouns of the list ("sở", "ban", "ngành", "đoàn thể", "đơn vị"). */
      nouns: z.array(z.string().min(2)).min(2),
      /** At least one of these must be among them ("sở", "ngành"), so "các ban, đơn vị" stays unread. */
      anyOf: z.array(z.string().min(2)).default([]),
      /** How many different nouns make a collective. */
      minNouns: z.number().int().min(2).default(2),
      /** Words before the list that change nothing ("các", "thủ trưởng các"). */
      prefixes: z.array(z.string().min(2)).default([]),
      /** Words after it that change nothing ("tỉnh", "cấp tỉnh", "có liên quan", "thuộc UBND tỉnh"). */
      suffixes: z.array(z.string().min(2)).default([]),
    })
    .optional(),
  note: z.string().optional(),
});
export type AgencyTemplate = z.infer<typeof AgencyTemplate>;

export const AgencyTable = z.object({
  schemaVersion: z.literal(AGENCY_SCHEMA_VERSION),
  description: z.string().optional(),
  agencies: z.array(AgencyTemplate).min(1),
});
export type AgencyTable = z.infer<typeof AgencyTable>;

const ProvinceTable = z.object({
  provinces: z.array(z.string().min(2)),
  aliases: z.record(z.string()).default({}),
});

/** Path of the registry bundled with the app. */
export const BUNDLED_AGENCIES = fileURLToPath(new URL('../../knowledge/agencies.json', import.meta.url));
const BUNDLED_PROVINCES = fileURLToPath(new URL('../../knowledge/provinces.json', import.meta.url));

/** Stands for a province name inside keys; letters only so it survives punctuation stripping. */
const PROVINCE_MARK = 'zzprovzz';

/** Words that precede an agency name without changing which agency it is (folded). */
const ROLE_PREFIXES = [
  'ban giam doc',
  'pho giam doc',
  'giam doc',
  'pho chu tich',
  'chu tich',
  'thu truong',
  'lanh dao',
  'dong chi',
  'truong',
  'chanh',
  'chu tri',
  'phoi hop',
  'cac',
];
const SHORT_FORM_KINDS = new Set<string>(['sở', 'văn phòng', 'ubnd', 'công an', 'quân sự', 'ban', 'group', 'tổ công tác']);
/** Trailing words that do not change the agency ("… trên địa bàn tỉnh", "… của tỉnh"). */
const TRAILING_NOISE = /(?: (?:tren dia ban|cua|thuoc))?(?: tinh)?(?: zzprovzz)?$/;

export function provinceSlug(province: string): string {
  return fold(province).replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

function levenshtein(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    prev = cur;
  }
  return prev[b.length]!;
}

/** Edits allowed for an OCR/spelling slip, by key length: none for short keys (Sở Y tế ≠ Sở Tư pháp). */
function fuzzBudget(length: number): number {
  if (length < 8) return 0;
  return Math.min(4, Math.max(1, Math.floor(length * 0.12)));
}

interface Candidate {
  template: AgencyTemplate;
  key: string;
}

export interface MatchResult {
  template: AgencyTemplate;
  /** Province named in the phrase itself ("Viễn thông Thanh Hóa"), if any. */
  province?: string;
  how: 'exact' | 'prefix' | 'fuzzy';
}

export interface MatchContext {
  /** Province of the document or of the user; makes province-bound ids ("so-tttt@thanh-hoa"). */
  province?: string;
}

/**
 * Separators between agencies in a list; "và/với/cùng" also join words inside names, and so may a
 * line break inside a table cell (one agency per line, or one name broken over two lines).
 */
const LIST_SEPARATOR = /\s*[;,]\s*|\s+(?:và|với|cùng|va|voi)\s+|[^\S\n]*\n\s*/giu;
const WEAK_SEPARATOR = /^(?:\s+(?:và|với|cùng|va|voi)\s+|[^\S\n]*\n\s*)$/iu;

export class AgencyRegistry {
  readonly agencies: Agency[];
  private readonly byTemplateId = new Map<string, AgencyTemplate>();
  private readonly exact = new Map<string, AgencyTemplate>();
  private readonly plain: Candidate[] = [];
  private readonly canonicalKeys: Candidate[] = [];
  private readonly firstWords = new Set<string>();
  /** Every word of every key: a mention can only extend over these (keeps sentence scans cheap). */
  private readonly vocabulary = new Set<string>();
  private readonly matchCache = new Map<string, MatchResult | null>();
  private readonly lastWords = new Set<string>();
  /** Candidates by key length, so edit-distance search only visits keys of a possible length. */
  private readonly byLength = new Map<Candidate[], Map<number, Candidate[]>>();
  private readonly provinceNames: Array<{ folded: string; name: string }>;
  /** Collective rules, as regexes over keys, with the nouns they must contain. */
  private readonly collectives: Array<{ template: AgencyTemplate; re: RegExp; nouns: string[]; anyOf: string[]; min: number }> = [];
  private readonly provinceBySlug = new Map<string, string>();

  constructor(
    table: AgencyTable,
    provinces: string[] = [],
    provinceAliases: Record<string, string> = {},
    private readonly abbreviations: Abbreviations = defaultAbbreviations(),
  ) {
    const names = new Map<string, string>();
    for (const p of provinces) names.set(fold(p), p);
    for (const [alias, p] of Object.entries(provinceAliases)) names.set(fold(alias), p);
    this.provinceNames = [...names]
      .map(([folded, name]) => ({ folded: folded.replace(/[^\p{L}\p{N}]+/gu, ' ').trim(), name }))
      .sort((a, b) => b.folded.length - a.folded.length);
    for (const p of provinces) this.provinceBySlug.set(provinceSlug(p), p);

    for (const t of table.agencies) {
      if (this.byTemplateId.has(t.id)) throw new Error(`agency registry: duplicate id ${t.id}`);
      this.byTemplateId.set(t.id, t);
      for (const alias of [t.name, ...t.aliases]) {
        const raw = alias.replace('{province}', PROVINCE_MARK);
        // Dropping "tỉnh"/the province leaves an ordinary word for some names ("Báo {province}" →
        // "báo", "Viễn thông tỉnh" → "viễn thông", "Bưu điện tỉnh"): only public bodies get short forms.
        const shortForms = SHORT_FORM_KINDS.has(t.kind) && !alias.includes('{province}');
        const keys = (k: string): string[] => (shortForms ? this.variants(k).filter((v, i) => i === 0 || v.includes(' ')) : [k]);
        for (const key of keys(this.key(raw))) {
          if (!this.exact.has(key)) this.exact.set(key, t);
          this.canonicalKeys.push({ template: t, key });
          this.firstWords.add(key.split(' ')[0]!);
        }
        for (const key of keys(this.plainKey(raw))) {
          this.plain.push({ template: t, key });
          this.firstWords.add(key.split(' ')[0]!);
        }
      }
    }
    for (const t of table.agencies) {
      const c = t.collective;
      if (!c) continue;
      const k = (w: string): string => this.key(w);
      const alt = (ws: string[]): string => ws.map(k).filter(Boolean).sort((a, b) => b.length - a.length).join('|');
      const nouns = c.nouns.map(k);
      const noun = `(?:${alt(c.nouns)})`;
      const pre = c.prefixes.length ? `(?:(?:${alt(c.prefixes)}) )?` : '';
      const post = c.suffixes.length ? `(?: (?:${alt(c.suffixes)}))*` : '';
      this.collectives.push({ template: t, re: new RegExp(`^${pre}(${noun}(?: (?:va )?${noun})+)${post}(?: ${PROVINCE_MARK})?$`), nouns, anyOf: c.anyOf.map(k), min: c.minNouns });
      for (const w of [...c.prefixes, ...c.nouns]) this.firstWords.add(k(w).split(' ')[0]!);
      for (const w of [...c.nouns, ...c.suffixes]) {
        const words = k(w).split(' ');
        this.lastWords.add(words[words.length - 1]!);
        for (const x of words) this.vocabulary.add(x);
      }
      for (const w of c.prefixes) for (const x of k(w).split(' ')) this.vocabulary.add(x);
    }
    for (const prefix of ROLE_PREFIXES) {
      this.firstWords.add(prefix.split(' ')[0]!);
      for (const w of prefix.split(' ')) this.vocabulary.add(w);
    }
    for (const c of [...this.canonicalKeys, ...this.plain]) {
      const words = c.key.split(' ');
      for (const w of words) this.vocabulary.add(w);
      this.lastWords.add(words[words.length - 1]!);
    }
    for (const pool of [this.plain, this.canonicalKeys]) {
      const m = new Map<number, Candidate[]>();
      for (const c of pool) m.set(c.key.length, [...(m.get(c.key.length) ?? []), c]);
      this.byLength.set(pool, m);
    }
    this.lastWords.add('tinh');
    for (const p of this.provinceNames) this.lastWords.add(p.folded.split(' ').pop()!);
    for (const p of this.provinceNames) for (const w of p.folded.split(' ')) this.vocabulary.add(w);
    for (const w of ['tinh', 'cua', 'tren', 'dia', 'ban', 'thuoc']) this.vocabulary.add(w);
    this.agencies = table.agencies.map((t) => Agency.parse({ id: t.id, name: t.name, kind: t.kind, level: t.level, aliases: t.aliases }));
  }

  /** Load and validate a registry file. Default: the bundled knowledge/agencies.json. */
  static load(path: string = BUNDLED_AGENCIES, provincesPath: string = BUNDLED_PROVINCES): AgencyRegistry {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(path, 'utf8'));
    } catch (err) {
      throw new Error(`agency registry ${path}: cannot read (${(err as Error).message})`, { cause: err });
    }
    const version = (json as { schemaVersion?: unknown })?.schemaVersion;
    if (version !== AGENCY_SCHEMA_VERSION) {
      throw new Error(`agency registry ${path}: unsupported schemaVersion ${String(version)} (expected ${AGENCY_SCHEMA_VERSION})`);
    }
    const parsed = AgencyTable.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`agency registry ${path}: ${issue?.path.join('.') ?? ''} ${issue?.message ?? 'invalid'}`);
    }
    let provinces: z.infer<typeof ProvinceTable> = { provinces: [], aliases: {} };
    try {
      provinces = ProvinceTable.parse(JSON.parse(readFileSync(provincesPath, 'utf8')));
    } catch {
      // Without the province list, names like "Viễn thông Thanh Hóa" only match via explicit aliases.
    }
    return new AgencyRegistry(parsed.data, provinces.provinces, provinces.aliases);
  }

  // ---------------------------------------------------------------- keys

  private markProvinces(folded: string): { text: string; province?: string } {
    let text = ` ${folded.replace(/[^\p{L}\p{N}&]+/gu, ' ')} `;
    let province: string | undefined;
    for (const { folded: name, name: canonical } of this.provinceNames) {
      const needle = ` ${name} `;
      if (text.includes(needle)) {
        province ??= canonical;
        text = text.split(needle).join(` ${PROVINCE_MARK} `);
      }
    }
    return { text, province };
  }

  /** Canonical key: folded, abbreviations rewritten, provinces marked, punctuation dropped. */
  key(text: string): string {
    const canonical = this.abbreviations.canonicalFolded(stripParentheses(text));
    return squash(this.markProvinces(canonical).text.replace(/[^\p{L}\p{N}]+/gu, ' '));
  }

  /** Key without abbreviation rewriting, for edit-distance matching of misspelt long names. */
  private plainKey(text: string): string {
    return squash(this.markProvinces(fold(stripParentheses(text))).text.replace(/[^\p{L}\p{N}]+/gu, ' '));
  }

  private variants(key: string): string[] {
    const out = [key];
    const stripped = key.replace(TRAILING_NOISE, '').trim();
    if (stripped && stripped !== key) out.push(stripped);
    return out;
  }

  // ---------------------------------------------------------------- matching

  /** Match one phrase that should name exactly one agency. */
  match(phrase: string, options: { fuzzy?: boolean; province?: string } = {}): MatchResult | undefined {
    const city = isCentralCity(options.province);
    const cacheKey = `${options.fuzzy === false ? 0 : 1}${city ? 'c' : ''}|${phrase}`;
    const cached = this.matchCache.get(cacheKey);
    if (cached !== undefined) return cached ?? undefined;
    if (this.matchCache.size > 50_000) this.matchCache.clear();
    const result = this.matchUncached(phrase, { ...options, city });
    this.matchCache.set(cacheKey, result ?? null);
    return result;
  }

  private matchUncached(phrase: string, options: { fuzzy?: boolean; city?: boolean }): MatchResult | undefined {
    const text = cleanPhrase(phrase);
    if (!text) return undefined;
    const province = this.markProvinces(fold(text)).province;
    const key = this.key(text);
    const hit = this.exactKey(key, options.city || isCentralCity(province));
    if (hit) return { template: hit.template, province, how: hit.stripped ? 'prefix' : 'exact' };
    if (options.fuzzy === false) return undefined;
    const plain = this.plainKey(text);
    const fuzzy = this.fuzzyKey(plain) ?? this.fuzzyKey(key, this.canonicalKeys);
    if (fuzzy) return { template: fuzzy, province, how: 'fuzzy' };
    return undefined;
  }

  private exactKey(key: string, centralCity = false): { template: AgencyTemplate; stripped: boolean } | undefined {
    const hit = this.exactKeyOnce(key);
    if (hit || !centralCity) return hit;
    // Centrally-run cities (Cần Thơ, Đà Nẵng, Hải Phòng…) name their province-level bodies with
    // "thành phố" where provinces write "tỉnh": "Công an thành phố", "Văn phòng UBND thành phố",
    // "Các sở, ban, ngành thành phố". In a province's document the same words name the city's own
    // (district-level) bodies, so this is only tried for those cities' documents.
    const city = /(^| )thanh pho( zzprovzz)?$/.exec(key);
    return city ? this.exactKeyOnce(`${key.slice(0, city.index)}${city[1]}tinh${city[2] ?? ''}`) : undefined;
  }

  /** The collective a key writes as a list of its nouns, if any. */
  private collectiveKey(key: string): AgencyTemplate | undefined {
    for (const c of this.collectives) {
      const m = c.re.exec(key);
      if (!m) continue;
      // Which nouns the list names: longest first, so "doan the" is not read as two words.
      let list = ` ${m[1]!} `;
      const named = new Set<string>();
      for (const n of [...c.nouns].sort((a, b) => b.length - a.length)) {
        if (list.includes(` ${n} `)) {
          named.add(n);
          list = list.split(` ${n} `).join('  ');
        }
      }
      if (named.size >= c.min && (c.anyOf.length === 0 || c.anyOf.some((n) => named.has(n)))) return c.template;
    }
    return undefined;
  }

  private exactKeyOnce(key: string): { template: AgencyTemplate; stripped: boolean } | undefined {
    for (const k of this.variants(key)) {
      const t = this.exact.get(k);
      if (t) return { template: t, stripped: false };
    }
    const collective = this.collectiveKey(key);
    if (collective) return { template: collective, stripped: false };
    // "Bảo hiểm xã hội tỉnh Nghệ An": the province's name after a "… tỉnh" name adds nothing.
    if (key.endsWith(` tinh ${PROVINCE_MARK}`)) {
      const t = this.exact.get(key.slice(0, -PROVINCE_MARK.length - 1));
      if (t) return { template: t, stripped: false };
    }
    let rest = key;
    // Strip role words repeatedly: "Chủ tịch UBND các huyện", "Giám đốc các Sở".
    for (let guard = 0; guard < 3; guard++) {
      const prefix = ROLE_PREFIXES.find((p) => rest.startsWith(`${p} `));
      if (!prefix) break;
      rest = rest.slice(prefix.length + 1);
      for (const k of this.variants(rest)) {
        const t = this.exact.get(k);
        if (t) return { template: t, stripped: true };
      }
    }
    return undefined;
  }

  private fuzzyKey(key: string, pool: Candidate[] = this.plain): AgencyTemplate | undefined {
    let keys = this.variants(key);
    let rest = key;
    for (let guard = 0; guard < 3; guard++) {
      const prefix = ROLE_PREFIXES.find((p) => rest.startsWith(`${p} `));
      if (!prefix) break;
      rest = rest.slice(prefix.length + 1);
      keys = keys.concat(this.variants(rest));
    }
    let best: { template: AgencyTemplate; d: number } | undefined;
    let tie = false;
    const lengths = this.byLength.get(pool);
    for (const k of keys) {
      const budget = fuzzBudget(k.length);
      if (budget === 0 || k.length > 90) continue;
      const near: Candidate[] = [];
      for (let len = k.length - budget; len <= k.length + budget; len++) near.push(...(lengths?.get(len) ?? []));
      // Truncated cells ("Sở Kế hoạch và Đầu") are shorter than their key by up to a quarter.
      if (k.length >= 12) for (let len = k.length + budget + 1; len <= Math.ceil(k.length / 0.8); len++) near.push(...(lengths?.get(len) ?? []));
      for (const c of near) {
        // A cell cut short by OCR line wrapping ("Sở Kế hoạch và Đầu") still names its agency.
        const truncated = k.length >= 12 && c.key.length > k.length && c.key.startsWith(k) && k.length / c.key.length >= 0.8;
        const d = truncated ? 1 : levenshtein(k, c.key, budget);
        if (d > budget) continue;
        if (!best || d < best.d) {
          best = { template: c.template, d };
          tie = false;
        } else if (d === best.d && c.template.id !== best.template.id) {
          tie = true;
        }
      }
    }
    return best && !tie ? best.template : undefined;
  }

  private toRef(surface: string, m: MatchResult | undefined, context: MatchContext | undefined): AgencyRef {
    const clean = squash(surface).replace(/^[-+*•:\s]+|[\s.;:,]+$/g, '');
    if (!m) return { surface: clean };
    return { surface: clean, agencyId: this.idFor(m.template, context?.province ?? m.province), name: m.template.name, kind: m.template.kind };
  }

  private idFor(t: AgencyTemplate, province: string | undefined): string {
    return t.scope === 'province' && province ? `${t.id}@${provinceSlug(province)}` : t.id;
  }

  /**
   * Split a cell/phrase listing several agencies ("Sở TT&TT, Văn phòng UBND tỉnh; các đơn vị có liên
   * quan") and match each. Names that contain commas or "và" ("Các sở, ban, ngành", "Sở Kế hoạch và
   * Đầu tư") are kept whole: the split maximises what the registry recognises. Unknown names are kept
   * as refs with only `surface`.
   */
  parseList(text: string, context?: MatchContext): AgencyRef[] {
    // Lines are kept apart (cells list agencies one per line); bullets and end punctuation go per line.
    const source = cleanText(stripParentheses(text))
      .split('\n')
      .map((line) => squash(line).replace(/^[-+*•]\s*/, '').replace(/[.:;,\s]+$/, ''))
      .filter(Boolean)
      .join('\n');
    if (!source || /^[-–x*]$/i.test(source)) return [];
    const pieces: Array<{ start: number; end: number; weakBefore: boolean }> = [];
    let last = 0;
    let weak = false;
    for (const m of source.matchAll(LIST_SEPARATOR)) {
      if (m.index! > last) pieces.push({ start: last, end: m.index!, weakBefore: weak });
      weak = WEAK_SEPARATOR.test(m[0]);
      last = m.index! + m[0].length;
    }
    if (last < source.length) pieces.push({ start: last, end: source.length, weakBefore: weak });
    const n = pieces.length;
    if (n === 0) return [];
    const MAX_SPAN = 8;
    // best[i]: best score for pieces i..n-1, with the chosen segment end.
    const best: Array<{ score: number; end: number; m?: MatchResult } | undefined> = new Array(n + 1);
    best[n] = { score: 0, end: n };
    for (let i = n - 1; i >= 0; i--) {
      let choice: { score: number; end: number; m?: MatchResult } | undefined;
      for (let j = i + 1; j <= Math.min(n, i + MAX_SPAN); j++) {
        const phrase = source.slice(pieces[i]!.start, pieces[j - 1]!.end);
        const m = this.match(phrase, { fuzzy: j - i <= 3, ...(context?.province ? { province: context.province } : {}) });
        let score: number;
        if (m) score = (j - i) * 10 - (m.how === 'fuzzy' ? 3 : 1);
        else {
          // Unknown spans may only cross "và/với", never a comma: "Sở A, Sở B" are two names.
          let onlyWeak = true;
          for (let k = i + 1; k < j; k++) if (!pieces[k]!.weakBefore) onlyWeak = false;
          if (!onlyWeak) continue;
          score = -2;
        }
        const total = score + best[j]!.score;
        if (!choice || total > choice.score) choice = { score: total, end: j, m };
      }
      best[i] = choice;
    }
    const refs: AgencyRef[] = [];
    const seen = new Set<string>();
    for (let i = 0; i < n; ) {
      const c = best[i]!;
      const phrase = source.slice(pieces[i]!.start, pieces[c.end - 1]!.end);
      // In a list, "…, cấp xã" and "…, địa phương" continue the UBND/locality named before them
      // ("UBND cấp huyện, cấp xã"; "Các sở, ban, ngành, địa phương").
      const elliptic = !c.m && i > 0 ? this.ellipticMember(phrase, context) : undefined;
      const ref = this.toRef(phrase, c.m ?? elliptic, context);
      const dedupe = ref.agencyId ?? fold(ref.surface);
      if (ref.surface && !seen.has(dedupe)) {
        seen.add(dedupe);
        refs.push(ref);
      }
      i = c.end;
    }
    return refs;
  }

  private ellipticMember(phrase: string, context: MatchContext | undefined): MatchResult | undefined {
    const f = fold(squash(phrase)).replace(/[^a-z ]+/g, ' ').trim();
    const options = context?.province ? { province: context.province } : {};
    if (/^cap (?:huyen|xa)$/.test(f)) return this.match(`UBND ${phrase}`, options);
    if (/^(?:cac )?dia phuong(?: (?:co )?lien quan)?$/.test(f)) return this.match('UBND các địa phương', options);
    return undefined;
  }

  /**
   * Agency mentions inside a sentence, longest match first, left to right. Exact keys only (no
   * edit distance), so ordinary words are not mistaken for agencies. Each mention carries its
   * character span in `text`.
   */
  findMentionSpans(text: string, context?: MatchContext): Array<AgencyRef & { start: number; end: number }> {
    const tokens = [...text.matchAll(/[\p{L}\p{N}]+(?:[&.\-][\p{L}\p{N}]+)*/gu)].map((m) => ({
      start: m.index!,
      end: m.index! + m[0].length,
      word: fold(m[0]).replace(/[^a-z0-9]+/g, ''),
    }));
    const out: Array<AgencyRef & { start: number; end: number }> = [];
    const MAX_TOKENS = 24;
    for (let i = 0; i < tokens.length; ) {
      let found: { j: number; m: MatchResult } | undefined;
      if (this.firstWords.has(tokens[i]!.word)) {
        let last = i;
        // Names never run across ";" or ":" ("Sở Y tế chủ trì; Bảo hiểm xã hội tỉnh … phối hợp").
        while (
          last + 1 < tokens.length &&
          last + 1 < i + MAX_TOKENS &&
          this.vocabulary.has(tokens[last + 1]!.word) &&
          !/[;:]/.test(text.slice(tokens[last]!.end, tokens[last + 1]!.start))
        )
          last++;
        for (let j = last; j >= i; j--) {
          if (!this.lastWords.has(tokens[j]!.word)) continue;
          const phrase = text.slice(tokens[i]!.start, tokens[j]!.end);
          const m = this.match(phrase, { fuzzy: false, ...(context?.province ? { province: context.province } : {}) });
          if (m) {
            found = { j, m };
            break;
          }
        }
      }
      if (found) {
        const start = tokens[i]!.start;
        const end = tokens[found.j]!.end;
        out.push({ ...this.toRef(text.slice(start, end), found.m, context), start, end });
        i = found.j + 1;
      } else {
        i++;
      }
    }
    return out;
  }

  /** Find agency mentions inside a sentence (for questions and prose). */
  findMentions(text: string, context?: MatchContext): AgencyRef[] {
    return this.findMentionSpans(text, context).map(({ start: _s, end: _e, ...ref }) => ref);
  }

  /**
   * Best matches for a user's free text ("so y te", "STTTT", "van phong ubnd"), ranked, for
   * disambiguation. Score 1 = exact.
   */
  lookup(text: string, options: { province?: string; limit?: number } = {}): Array<{ agency: Agency; score: number }> {
    const limit = options.limit ?? 5;
    const exact = this.match(text);
    const scores = new Map<string, number>();
    if (exact) scores.set(exact.template.id, exact.how === 'fuzzy' ? 0.9 : 1);
    const q = this.key(text);
    const qPlain = this.plainKey(text);
    const STOP = new Set(['va', 'cac', 'cua', 'tinh', PROVINCE_MARK]);
    const qSets = [q, qPlain].map((k) => k.split(' ').filter((w) => w && !STOP.has(w)));
    if (qSets[0]!.length > 0) {
      // Token overlap on both key forms ("dai truyen hinh" ~ "Đài Phát thanh và Truyền hình"); a query
      // word that starts an alias word counts most of a match ("so tt" ~ "sở tttt").
      for (const [pool, qTokens] of [[this.canonicalKeys, qSets[0]!], [this.plain, qSets[1]!]] as const) {
        for (const c of pool) {
          const aTokens = c.key.split(' ').filter((w) => !STOP.has(w));
          let common = 0;
          for (const t of qTokens) {
            if (aTokens.includes(t)) common += 1;
            else if (t.length >= 2 && aTokens.some((a) => a.startsWith(t))) common += 0.8;
          }
          if (common === 0) continue;
          const tokenScore = (0.6 * common) / qTokens.length + (0.4 * Math.min(common, aTokens.length)) / aTokens.length;
          if (tokenScore * 0.95 > (scores.get(c.template.id) ?? 0)) scores.set(c.template.id, tokenScore * 0.95);
        }
      }
      for (const c of this.plain) {
        const max = Math.max(c.key.length, qPlain.length);
        const budget = Math.floor(max * 0.35);
        const d = levenshtein(qPlain, c.key, budget);
        if (d <= budget) {
          const s = (1 - d / max) * 0.9;
          if (s > (scores.get(c.template.id) ?? 0)) scores.set(c.template.id, s);
        }
      }
    }
    return [...scores]
      .filter(([, s]) => s >= 0.4)
      .map(([id, s]) => {
        const t = this.byTemplateId.get(id)!;
        // Provincial agencies first on ties: users ask about their own province's Sở more than a Bộ.
        return { t, s: s + (t.scope === 'province' ? 0.001 : 0) };
      })
      .sort((a, b) => b.s - a.s)
      .slice(0, limit)
      .map(({ t, s }) => ({ agency: this.materialise(t, options.province), score: Math.min(1, Math.round(s * 1000) / 1000) }));
  }

  private materialise(t: AgencyTemplate, province: string | undefined): Agency {
    return {
      id: this.idFor(t, province),
      name: t.name,
      kind: t.kind,
      level: t.level,
      ...(t.scope === 'province' && province ? { province } : {}),
      aliases: t.aliases,
    };
  }

  /** Agency by id, with or without province ("so-tttt", "so-tttt@thanh-hoa"). */
  byId(id: string): Agency | undefined {
    const [templateId, slug] = id.split('@');
    const t = this.byTemplateId.get(templateId ?? '');
    if (!t) return undefined;
    const province = slug ? (this.provinceBySlug.get(slug) ?? slug) : undefined;
    return { ...this.materialise(t, province), id };
  }

  /** The registry template behind an id (for kind/level/members). */
  template(id: string): AgencyTemplate | undefined {
    return this.byTemplateId.get(id.split('@')[0] ?? '');
  }

  /** Does group agency `groupId` include agency `agencyId` (e.g. "các sở, ban, ngành" ⊇ "Sở Y tế")? */
  groupIncludes(groupId: string, agencyId: string): boolean {
    const [gid, gProvince] = groupId.split('@');
    const [aid, aProvince] = agencyId.split('@');
    if (gProvince && aProvince && gProvince !== aProvince) return false;
    if (gid === aid) return true;
    const group = this.byTemplateId.get(gid ?? '');
    const agency = this.byTemplateId.get(aid ?? '');
    if (!group?.members || !agency) return false;
    const m = group.members;
    if (m.ids?.includes(agency.id)) return true;
    if (agency.kind === 'group') return false;
    if (m.all) return true;
    if (!m.kinds && !m.levels) return false;
    return (!m.kinds || m.kinds.includes(agency.kind)) && (!m.levels || m.levels.includes(agency.level));
  }

  /** Ids of the groups that include `agencyId` (same province suffix), e.g. for "tasks of Sở Y tế". */
  groupsOf(agencyId: string): string[] {
    const province = agencyId.split('@')[1];
    return [...this.byTemplateId.values()]
      .filter((t) => t.kind === 'group' && this.groupIncludes(t.id, agencyId))
      .map((t) => (province && t.scope === 'province' ? `${t.id}@${province}` : t.id));
  }

  /** Same agency, ignoring province when one side has none ("so-tttt" ~ "so-tttt@thanh-hoa"). */
  static sameAgency(a: string | undefined, b: string | undefined): boolean {
    if (!a || !b) return false;
    const [ai, ap] = a.split('@');
    const [bi, bp] = b.split('@');
    return ai === bi && (!ap || !bp || ap === bp);
  }
}

/**
 * The centrally-run cities (thành phố trực thuộc trung ương), whose province-level bodies are
 * "… thành phố" and whose districts are "quận, huyện". A fixed legal category, not a document list.
 */
const CENTRAL_CITIES = new Set(['ha noi', 'ho chi minh', 'thanh pho ho chi minh', 'hai phong', 'da nang', 'can tho', 'hue', 'thua thien hue']);

function isCentralCity(province: string | undefined): boolean {
  return province !== undefined && CENTRAL_CITIES.has(fold(province).replace(/[^a-z ]+/g, ' ').replace(/\s+/g, ' ').trim());
}

function stripParentheses(text: string): string {
  return text.replace(/\([^()]*\)/g, ' ');
}

/** Remove list bullets, labels and trailing punctuation around a single agency phrase. */
function cleanPhrase(phrase: string): string {
  return squash(cleanText(phrase))
    .replace(/^[-+*•]\s*/, '')
    .replace(/[.:;,\s]+$/, '')
    .trim();
}

let bundled: AgencyRegistry | undefined;
/** The bundled registry, loaded once. */
export function defaultAgencyRegistry(): AgencyRegistry {
  bundled ??= AgencyRegistry.load();
  return bundled;
}
