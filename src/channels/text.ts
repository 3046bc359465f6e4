/** Message formatting shared by the channels: HTML escaping and splitting at platform limits. */

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Splits text into messages of at most `limit` (as measured by `measure`, e.g. the escaped
 * length for HTML), preferring paragraph breaks, then line breaks, then spaces; a hard cut only
 * when a single word is longer than the limit.
 */
export function splitMessage(text: string, limit: number, measure: (s: string) => number = (s) => s.length): string[] {
  const out: string[] = [];
  let rest = text.trim();
  while (rest.length > 0) {
    if (measure(rest) <= limit) {
      out.push(rest);
      break;
    }
    const cut = bestCut(rest, limit, measure);
    const head = rest.slice(0, cut).trimEnd();
    out.push(head);
    rest = rest.slice(cut).trimStart();
  }
  return out.length > 0 ? out : [''];
}

function bestCut(text: string, limit: number, measure: (s: string) => number): number {
  // Longest prefix that fits (binary search on code units; measure is monotonic in length).
  let lo = 1;
  let hi = text.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (measure(text.slice(0, mid)) <= limit) lo = mid;
    else hi = mid - 1;
  }
  for (const sep of ['\n\n', '\n', ' ']) {
    // A separator starting right at the limit still counts: the text before it fits.
    const at = text.lastIndexOf(sep, lo);
    // Do not accept a break that leaves a tiny first message.
    if (at > lo / 4) return at + sep.length;
  }
  // Never cut a surrogate pair in half.
  const code = text.charCodeAt(lo - 1);
  return code >= 0xd800 && code <= 0xdbff ? lo - 1 : lo;
}
