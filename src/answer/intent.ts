/**
 * Question understanding by rules over the folded, abbreviation-canonical text. Rules are cheap
 * (microseconds), explainable, and measured by `npm run eval`; retrieval scores decide the rest.
 * Cue lists are folded (no diacritics) so "ai chu tri" and "ai chủ trì" behave the same.
 */
import type { Intent } from '../domain/answer.js';
import { defaultAbbreviations } from '../text/abbreviations.js';
import { fold } from '../text/normalize.js';

export interface QuestionFrame {
  /** Question as typed (cleaned). */
  raw: string;
  /** Folded + canonical abbreviations, single-spaced. */
  folded: string;
  intent: Intent;
  /** The question refers to the asker's own agency ("đơn vị tôi", "của tôi"). */
  mine: boolean;
  /** "ai là Trưởng ban …?" asks for a person, which only a sentence naming one can answer. */
  asksPerson: boolean;
  /** "ai ký?", "người ký là ai": the signer of a document. */
  asksSigner: boolean;
  /** Follow-up with little content of its own ("còn thời hạn thì sao?", "ai phối hợp?"). */
  followUp: boolean;
  /** Time window asked about. */
  window?: TimeWindow;
  /** Document numbers mentioned ("114", "1118/qđ-ubnd"), digits only. */
  docNumbers: string[];
  /** Content syllables (folded, canonical) with question words removed. */
  content: string[];
  /** Words that place the question in plan documents ("chủ trì", "kế hoạch", "chỉ tiêu", "sở"). */
  planWords: boolean;
}

export type TimeWindow =
  /**
   * Due on or before `date`; with `from`, a closed period ("trong tháng 11 năm 2022", "Quý III/2024",
   * "6 tháng đầu năm 2024", "trong năm 2024"), named in `label` the way documents write it.
   */
  | { kind: 'before'; date: string; from?: string; label?: string }
  | { kind: 'upcoming'; days: number }
  | { kind: 'overdue' }
  | { kind: 'year'; year: number };

const cues = (list: string[]): RegExp =>
  new RegExp(`(?:^|\\s)(?:${list.map((c) => fold(c).replace(/\s+/g, '\\s+')).join('|')})(?=\\s|$|[?.,!])`);

const GREETING = /^(xin chao|chao|hello|hi|alo|a lo|hey|good (morning|afternoon))( (ban|anh|chi|em|bot|ad|admin|tro ly( ao)?))?( (oi|a|nhe|nha))?[\s!.?]*$/;
const THANKS = /^(xin )?(cam on|thank(s| you)?|ok(e|ay)?( cam on)?)( (ban|bot|ad|admin|em|nhieu|tro ly( ao)?))*( (a|nhe|nha|nhieu))*[\s!.?]*$/;
const HELP = cues(['giúp tôi với', 'hướng dẫn sử dụng', 'bạn làm được gì', 'bạn có thể làm gì', 'bạn biết gì', 'help', 'trợ giúp', 'cách dùng', 'dùng thế nào']);
/** "bot làm được gì", "em biết làm gì": a question about the assistant itself, addressed by name. */
const ABOUT_BOT = /^(bot|ban|em|tro ly( ao)?|chatbot)( (oi|nay))?( (co the|biet|lam duoc))? (lam (duoc )?(gi|nhung gi)|ho tro (duoc )?(gi|nhung gi)|tra loi (duoc )?(gi|nhung gi)|biet (gi|nhung gi))\b/;

const WHO_COOPERATES = cues(['phối hợp', 'cùng thực hiện', 'cùng với ai', 'hỗ trợ thực hiện']);
const WHO_LEADS = cues([
  'ai chủ trì',
  'chủ trì',
  'ai lo',
  'ai phụ trách',
  'phụ trách',
  'giao cho ai',
  'giao ai',
  'ai thực hiện',
  'ai làm',
  'đơn vị nào',
  'cơ quan nào',
  'sở nào',
  'ai triển khai',
  'ai chịu trách nhiệm',
  'do ai',
  'ai đảm nhiệm',
]);
const DEADLINE = cues([
  'khi nào',
  'bao giờ',
  'thời hạn',
  'hạn chót',
  'hạn hoàn thành',
  'hạn nộp',
  'hạn là',
  'hạn khi',
  'hạn nào',
  'hạn ngày nào',
  'hạn bao giờ',
  'hạn đến',
  'đến hạn',
  'thời gian hoàn thành',
  'thời gian thực hiện',
  'thời gian nào',
  'ngày nào',
  'tháng nào',
  'năm nào',
  'chậm nhất',
  'trước ngày nào',
  'xong trước',
  'phải xong',
  'deadline',
  'tiến độ',
  'lúc nào',
]);
const TARGET = cues([
  'chỉ tiêu',
  'bao nhiêu %',
  'bao nhiêu phần trăm',
  'tỷ lệ',
  'tỉ lệ',
  'tỷ trọng',
  'tỉ trọng',
  'đạt bao nhiêu',
  'mục tiêu',
  'bao nhiêu',
]);
const AGENCY_TASKS = cues([
  'phải làm gì',
  'làm gì',
  'làm những gì',
  'nhiệm vụ gì',
  'nhiệm vụ nào',
  'những nhiệm vụ',
  'các nhiệm vụ',
  'nhiệm vụ của',
  'có nhiệm vụ',
  'trách nhiệm gì',
  'có trách nhiệm',
  'việc gì',
  'việc nào',
  'việc của',
  'những việc',
  'các việc',
  'được giao',
  'những gì',
  'sắp đến hạn',
  'quá hạn',
  'trễ hạn',
]);
const PROCEDURE = cues([
  'thủ tục',
  'giấy tờ gì',
  'giấy tờ nào',
  'hồ sơ gì',
  'cần hồ sơ',
  'hồ sơ những gì',
  'cần giấy tờ',
  'hồ sơ gồm',
  'hồ sơ cần',
  'cần những gì',
  'cần gì',
  'mang gì',
  'làm thẻ',
  'cấp thẻ',
  'cấp lại',
  'cấp đổi',
  'nộp ở đâu',
  'nộp đâu',
  'nộp online',
  'nộp trực tuyến',
  'lệ phí',
  'mất bao lâu',
  'bao lâu',
  'bao nhiêu tiền',
  'các bước',
  'làm giấy',
  'xin giấy',
  'cấp giấy',
  'đăng ký',
  'khai sinh',
  'khai tử',
  'kết hôn',
  'chứng thực',
  'lý lịch tư pháp',
  'hộ kinh doanh',
  'thường trú',
  'tạm trú',
  'sổ đỏ',
  'giấy phép xây dựng',
  'trợ cấp',
]);
/** Life events and papers that only procedure guides talk about. */
const PROCEDURE_SUBJECT = cues([
  'thủ tục',
  'giấy tờ gì',
  'cần giấy tờ',
  'khai sinh',
  'khai tử',
  'kết hôn',
  'chứng thực',
  'sao y',
  'lý lịch tư pháp',
  'hộ kinh doanh',
  'thường trú',
  'tạm trú',
  'hộ khẩu',
  'sổ đỏ',
  'giấy phép xây dựng',
  'xin phép xây',
  'giấy phép xây',
  'trợ cấp xã hội',
  'trích lục',
  'đăng ký doanh nghiệp',
  'thành lập doanh nghiệp',
  'lệ phí',
]);
/** With a period ("trong Quý III/2024"), words asking for the tasks of it rather than one task's date. */
const PERIOD_LIST = /\b(?:danh sach|cac nhiem vu|nhung nhiem vu|nhiem vu nao|viec (?:gi|nao)|nhung viec|cac viec|(?:hoan thanh|xong|lam|thuc hien) (?:gi|nhung gi|nhung viec gi))\b/;

/** Words that place a question in plan documents rather than citizen procedures. */
const PLAN_WORDS = cues(['chủ trì', 'phối hợp', 'kế hoạch', 'kh', 'qđ', 'nhiệm vụ', 'chỉ tiêu', 'ubnd tỉnh', 'triển khai', 'cđs', 'dvc trực tuyến']);
/** "Sở" as a department ("sở tttt", "sở, ban, ngành"); folded "so" alone is also "sổ" (sổ đỏ, sổ hộ khẩu) and "số". */
const PLAN_SO = /(?:^|\s)so,?\s+(?:tttt|noi vu|tai chinh|khdt|y te|cong thuong|tu phap|xay dung|khcn|tnmt|gddt|gtvt|nnptnt|ldtbxh|vhttdl|ngoai vu|ban|nganh|nao)\b/;
const MINE = cues(['đơn vị tôi', 'đơn vị của tôi', 'của tôi', 'cơ quan tôi', 'sở tôi', 'bên tôi', 'chúng tôi', 'đơn vị mình', 'của mình', 'tôi phải', 'tôi cần làm']);
// "ai là đơn vị chủ trì" asks for an agency, not a person.
const PERSON = /\bai (la|giu chuc|dang la)\b(?! (don vi|co quan|so|ban|cac|nhung|ubnd|dau moi|ben)\b)|\b(ho ten|ten (cua )?(ong|ba|nguoi))\b|\bnguoi (ky|dung dau)\b|\bai (ky|da ky|la nguoi ky)\b|\bky boi ai\b/;
const SIGNER = /\b(ai (ky|da ky|la nguoi ky)|nguoi ky|ky boi ai|ky ban hanh)\b/;
/** Chat courtesy around a question ("cho em hỏi chút ạ", "em cảm ơn"): says nothing about the subject. */
const COURTESY = /\b(?:(?:xin )?cho(?: em| minh| toi| anh| chi| chau)? hoi(?: chut| xiu| ti| voi)?|(?:em |minh |toi )?(?:xin )?cam on(?: ad| admin| ban| bot| nhieu| a| nhe)*|thank(?:s| you))\b/g;
const FOLLOW_UP_LEAD = /^(con|the con|vay con|con ve|thi|vay|the)\b/;
const FOLLOW_UP_TAIL = /(thi sao|the nao|ra sao|nhi|a)\s*\??$/;

/**
 * Question words and glue that say nothing about the subject. Compared folded, so a word that folds
 * onto a content word stays out ("mình" = "minh" of "thông minh", "minh bạch").
 */
const STOP = new Set(
  fold(
    'ai là gì nào sao thế vậy thì của và các những cho được có không với về theo trong tại ở đến từ trên khi bao giờ nhiêu hay hoặc mà này đó kia rồi đã sẽ đang cần phải làm chủ trì phối hợp hạn thời gian hoàn thành thực hiện đơn vị cơ quan nhiệm vụ việc tỉnh năm hỏi xin cho biết tôi bạn ạ nhé ơi thưa vui lòng giúp còn một số em ad admin chút xíu ấy cái nha nhỉ sếp xem',
  ).split(/\s+/),
);

function vnMonthEnd(year: number, month: number): string {
  const d = new Date(Date.UTC(year, month, 0));
  return d.toISOString().slice(0, 10);
}

const ROMAN: Record<string, number> = { i: 1, ii: 2, iii: 3, iv: 4, '1': 1, '2': 2, '3': 3, '4': 4 };
const ROMAN_OUT = ['', 'I', 'II', 'III', 'IV'];
const pad = (n: number): string => String(n).padStart(2, '0');
/** "/2024", " năm 2024", "-2024" after a period (folded). */
const YEAR_TAIL = '(?:\\s*(?:\\/|-|nam)\\s*(\\d{4}))?';
/** Words that make a period an end point ("trước Quý III", "đến hết tháng 10"), not a period to list. */
const UNTIL = '(?:truoc|den het|den|cuoi|cham nhat)\\s+';

function parseWindow(folded: string, today: string): TimeWindow | undefined {
  if (/\b(qua han|tre han|cham tien do)\b/.test(folded)) return { kind: 'overdue' };
  const upcoming = /\bsap (den han|het han|toi han)\b/.test(folded) || /\bden han\b.*\b(sap|gan)\b/.test(folded);
  const days = folded.match(/\btrong (\d{1,3}) ngay\b/);
  if (days) return { kind: 'upcoming', days: Number(days[1]) };
  if (upcoming) return { kind: 'upcoming', days: 14 };
  const year = Number(today.slice(0, 4));
  const yearOf = (s: string | undefined): number => (s ? Number(s) : year);
  // A period to list ("trong Quý III/2024", "quý 3 năm 2024"); "trước/đến hết quý III" ends there.
  const quarter = folded.match(new RegExp(`\\b(${UNTIL})?quy\\s+(iv|iii|ii|i|[1-4])\\b${YEAR_TAIL}`));
  if (quarter) {
    const q = ROMAN[quarter[2]!]!;
    const y = yearOf(quarter[3]);
    const date = vnMonthEnd(y, q * 3);
    if (quarter[1]) return { kind: 'before', date };
    return { kind: 'before', date, from: `${y}-${pad(q * 3 - 2)}-01`, label: `Quý ${ROMAN_OUT[q]}/${y}` };
  }
  const half = folded.match(/\b(?:6 thang|sau thang|nua)\s+(dau|cuoi)\s+nam(?:\s*[/-]?\s*(\d{4}))?/);
  if (half) {
    const y = yearOf(half[2]);
    return half[1] === 'dau'
      ? { kind: 'before', date: `${y}-06-30`, from: `${y}-01-01`, label: `6 tháng đầu năm ${y}` }
      : { kind: 'before', date: `${y}-12-31`, from: `${y}-07-01`, label: `6 tháng cuối năm ${y}` };
  }
  // "trong tháng 11 năm 2022", "hạn tháng 8/2024": that calendar month. Without a year only after
  // "trong"/"vào" ("hạn tháng 8" alone may be asking which month).
  const inMonth =
    folded.match(/\b(?:trong|vao)\s+thang\s+(\d{1,2})(?:\s*(?:\/|nam)\s*(\d{4}))?/) ??
    folded.match(new RegExp(`\\b(?<!${UNTIL})thang\\s+(\\d{1,2})\\s*(?:\\/|nam)\\s*(\\d{4})`));
  if (inMonth && !new RegExp(`\\b${UNTIL}thang\\s+${inMonth[1]}\\b`).test(folded)) {
    const month = Number(inMonth[1]);
    const y = yearOf(inMonth[2]);
    if (month >= 1 && month <= 12) return { kind: 'before', date: vnMonthEnd(y, month), from: `${y}-${pad(month)}-01`, label: `tháng ${month}/${y}` };
  }
  const before = folded.match(/\b(?:truoc|den|cuoi)\s+thang\s+(\d{1,2})(?:\s*(?:\/|nam)\s*(\d{4}))?/);
  if (before) {
    const month = Number(before[1]);
    const y = yearOf(before[2]);
    if (month >= 1 && month <= 12) return { kind: 'before', date: vnMonthEnd(y, month) };
  }
  const beforeDate = folded.match(/\b(?:truoc|den|den het|cham nhat)\s+ngay\s+(\d{1,2})\/(\d{1,2})(?:\/(\d{4}))?/);
  if (beforeDate) {
    const y = yearOf(beforeDate[3]);
    return { kind: 'before', date: `${y}-${pad(Number(beforeDate[2]))}-${pad(Number(beforeDate[1]))}` };
  }
  // "trong năm 2024", "hoàn thành năm 2024", "trong năm nay": the calendar year. A bare "năm 2024"
  // is often the plan's own name ("Kế hoạch … năm 2024") and says nothing about deadlines.
  const inYear = folded.match(/\b(trong|hoan thanh|xong|han|het|cuoi)\s+nam\s+(\d{4}|nay)\b/);
  if (inYear) {
    const y = inYear[2] === 'nay' ? year : Number(inYear[2]);
    if (inYear[1] === 'het' || inYear[1] === 'cuoi') return { kind: 'before', date: `${y}-12-31` };
    return { kind: 'before', date: `${y}-12-31`, from: `${y}-01-01`, label: `năm ${y}` };
  }
  return undefined;
}

/** "cảm ơn bot nhé", "ok cảm ơn": thanks rather than a greeting (folded text). */
export function isThanks(folded: string): boolean {
  return THANKS.test(folded);
}

/** Understand a question. `today` feeds relative windows ("trước tháng 11" = this year's November). */
export function understand(question: string, today: string): QuestionFrame {
  const abbr = defaultAbbreviations();
  const folded = abbr.canonicalFolded(question).replace(/\s+/g, ' ').trim();
  const content = (folded.replace(COURTESY, ' ').match(/[\p{L}\p{N}%]+/gu) ?? []).filter((t) => !STOP.has(t) && t.length > 0);
  const docNumbers = [...folded.matchAll(/\b(?:kh|qd|bc|nq|ct|so)\s*(?:so\s*)?(\d{1,5})\b|\b(\d{1,5})\s*[/-]\s*(?:kh|qd|bc|ubnd)/g)]
    .map((m) => m[1] ?? m[2] ?? '')
    .filter(Boolean);

  const window = parseWindow(folded, today);
  let intent: Intent;
  const planWords = PLAN_WORDS.test(folded) || PLAN_SO.test(folded);
  if (PROCEDURE_SUBJECT.test(folded) && !planWords) intent = 'procedure';
  else if (GREETING.test(folded) || THANKS.test(folded)) intent = 'greeting';
  else if (HELP.test(folded) || ABOUT_BOT.test(folded) || folded === '/help' || folded === '/start') intent = 'help';
  else if (WHO_COOPERATES.test(folded)) intent = 'who_cooperates';
  // "Danh sách nhiệm vụ đến hạn tháng 8/2024", "Quý III cần hoàn thành gì?": tasks of a period, listed.
  else if (window?.kind === 'before' && window.from && PERIOD_LIST.test(folded)) intent = 'agency_tasks';
  // "phải xong những việc gì trước tháng 6" lists tasks in a window; it does not ask a deadline.
  else if (DEADLINE.test(folded) && !/\bsap den han\b|\bqua han\b/.test(folded) && !(window?.kind === 'before' && AGENCY_TASKS.test(folded))) intent = 'deadline';
  else if (AGENCY_TASKS.test(folded)) intent = 'agency_tasks';
  else if (WHO_LEADS.test(folded)) intent = 'who_leads';
  // A percentage, or a figure in a plan's words, is a target even when it names a procedure ("… đăng ký doanh nghiệp").
  else if (TARGET.test(folded) && (!PROCEDURE.test(folded) || planWords || /\bbao nhieu %|\bphan tram\b|\bty le\b|\bti le\b/.test(folded))) intent = 'target';
  else if (PROCEDURE.test(folded)) intent = 'procedure';
  else intent = 'fact';

  // "bao lâu"/"lệ phí" are procedure words even though "bao" looks like a target cue.
  if ((intent === 'target' || intent === 'deadline' || intent === 'fact') && PROCEDURE.test(folded) && !/\bchi tieu\b|\bty (le|trong)\b/.test(folded)) {
    if (/\b(thu tuc|giay to|ho so|le phi|nop|khai sinh|khai tu|ket hon|chung thuc|ly lich tu phap|so do|giay phep xay dung|thuong tru|tam tru|ho kinh doanh|tro cap)\b/.test(folded)) {
      intent = 'procedure';
    }
  }

  const followUp = content.length === 0 || (content.length <= 3 && (FOLLOW_UP_LEAD.test(folded) || FOLLOW_UP_TAIL.test(folded)));

  return {
    raw: question,
    folded,
    intent,
    mine: MINE.test(folded),
    asksPerson: PERSON.test(folded),
    asksSigner: SIGNER.test(folded),
    followUp,
    window,
    docNumbers,
    content,
    planWords,
  };
}
