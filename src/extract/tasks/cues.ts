/**
 * Cue phrases of task text, kept as data in knowledge/letter-cues.json (zod-checked): the hand-over,
 * lead and action words of assignments in running text, and the partner cues ("phối hợp với …")
 * after which the agencies named are cooperating agencies — in a plan's prose, a letter or a task's
 * own words alike.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { fold } from '../../text/normalize.js';

export const LetterCues = z.object({
  schemaVersion: z.literal(1),
  description: z.string().optional(),
  handover: z.array(z.string().min(2)).min(1),
  lead: z.array(z.string().min(2)).min(1),
  pastMarkers: z.array(z.string().min(2)),
  actionVerbs: z.array(z.string().min(2)).min(1),
  procedureHeadings: z.array(z.string().min(2)).default([]),
  /** Words right before the agencies that cooperate ("phối hợp với", "phối hợp chặt chẽ cùng", "phối hợp"). */
  partners: z.array(z.string().min(2)).min(1).default(['phối hợp với', 'phối hợp cùng']),
  /** Words standing for a letter's addressees ("các đơn vị", "quý cơ quan"): the "Kính gửi" agencies. */
  addressees: z.array(z.string().min(2)).default([]),
  /** Cues of the facts read once per document (src/extract/facts.ts). */
  documentFacts: z
    .object({
      signingTitles: z.array(z.string().min(2)).min(1),
      recipients: z.array(z.string().min(2)).min(1),
      distribution: z.array(z.string().min(2)).min(1),
      proposal: z.array(z.string().min(2)).min(1),
    })
    .default({ signingTitles: ['CHỦ TỊCH', 'PHÓ CHỦ TỊCH', 'GIÁM ĐỐC', 'PHÓ GIÁM ĐỐC'], recipients: ['Kính gửi'], distribution: ['Nơi nhận'], proposal: ['theo đề nghị của'] }),
});
export type LetterCues = z.infer<typeof LetterCues>;

const BUNDLED = fileURLToPath(new URL('../../../knowledge/letter-cues.json', import.meta.url));

export interface CompiledCues {
  /** Text before the first agency of an assignment: a hand-over cue, or nothing but a sentence start. */
  before: RegExp;
  lead: RegExp;
  past: RegExp;
  action: RegExp;
  procedureHeading: RegExp | undefined;
  /** A partner cue in folded text (global): the cooperating agencies start right after it. */
  partner: RegExp;
  /** A sentence handing a task to the addressees: "Đề nghị các đơn vị (nêu trên) <action> …". */
  addressee: RegExp | undefined;
}

const alt = (words: string[]): string =>
  words
    .map((w) => fold(w).replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+'))
    .sort((a, b) => b.length - a.length)
    .join('|');

export function compileCues(cues: LetterCues): CompiledCues {
  return {
    before: new RegExp(`(?:^|[:;.]|\\b(?:${alt(cues.handover)}))[\\s\\-+*•,]*$`),
    lead: new RegExp(`^[\\s,]*(?:${alt(cues.lead)})\\b`),
    past: new RegExp(`\\b(?:${alt(cues.pastMarkers)})\\s*$`),
    action: new RegExp(`^[\\s,:]*(?:${alt(cues.actionVerbs)})\\b`),
    procedureHeading: cues.procedureHeadings.length ? new RegExp(`^[\\s\\d.+\\-*•]*(?:${alt(cues.procedureHeadings)})\\b`) : undefined,
    partner: new RegExp(`\\b(?:${alt(cues.partners)})\\b[.,:]?\\s*`, 'g'),
    addressee: cues.addressees.length
      ? new RegExp(`^[\\s\\-+*•]*(?:[^,;:]{0,40}\\s)?(?:${alt(cues.handover)})\\s+(?:${alt(cues.addressees)})(?:\\s+(?:neu tren|tren|noi tren|lien quan|co lien quan|duoc giao))?[\\s,]*(?=(?:${alt(cues.lead)}|${alt(cues.actionVerbs)})\\b)`)
      : undefined,
  };
}

let table: LetterCues | undefined;
let cached: CompiledCues | undefined;
/** The bundled table, parsed once. */
export function cueTable(): LetterCues {
  table ??= LetterCues.parse(JSON.parse(readFileSync(BUNDLED, 'utf8')));
  return table;
}
export function loadCues(): CompiledCues {
  cached ??= compileCues(cueTable());
  return cached;
}
