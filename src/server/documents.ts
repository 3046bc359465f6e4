/**
 * GET /documents/<id>?lines=a-b#La — the page a citation links to: the document's metadata and its
 * indexed text in source order, the cited lines highlighted (server-side, so it works without
 * script and from a Telegram or Zalo link) and scrolled to by the fragment. The page never shows
 * where the file sits on the server. Text is escaped; markdown from web exports is cleaned.
 */
import { createHash } from 'node:crypto';
import type { Assistant, DocumentView } from '../answer/assistant.js';
import { viDate } from '../answer/cite.js';
import { cleanMarkdown } from '../channels/web/api.js';
import { HttpError, sendText, type Route } from './http.js';

export const DOCUMENTS_PATH = '/documents/';

const STYLE = `
  body { font-family: system-ui, "Segoe UI", Roboto, sans-serif; margin: 0; background: #f4f6f8; color: #1d2733; line-height: 1.5; }
  header { background: #b71c1c; color: #fff; padding: 12px 16px; }
  header a { color: #fff; }
  header h1 { font-size: 1.1rem; margin: 4px 0 0; }
  main { max-width: 860px; margin: 0 auto; padding: 12px 16px 48px; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 12px; background: #fff; border: 1px solid #dde3ea; border-radius: 8px; padding: 12px; }
  dt { font-weight: 600; color: #44515f; }
  dd { margin: 0; }
  .block { background: #fff; border: 1px solid #dde3ea; border-radius: 8px; padding: 8px 12px; margin: 8px 0; scroll-margin-top: 16px; }
  .block h2 { font-size: .8rem; color: #5b6775; margin: 0 0 4px; font-weight: 600; }
  .block p { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }
  .cited { border: 2px solid #f0b429; background: #fff8e1; }
  .cited-label { display: inline-block; font-size: .75rem; font-weight: 700; color: #7a4f01; margin-bottom: 4px; }
  .note { font-size: .85rem; color: #5b6775; }
`;

const styleHash = `'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`;
const HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-security-policy': `default-src 'none'; style-src ${styleHash}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
});

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

/** "12-18" → [12, 18]; anything else → undefined (the page then highlights nothing). */
export function parseLines(value: string | null): [number, number] | undefined {
  const m = /^(\d{1,7})(?:-(\d{1,7}))?$/.exec(value ?? '');
  if (!m) return undefined;
  const from = Number(m[1]);
  const to = m[2] ? Number(m[2]) : from;
  return to >= from ? [from, to] : undefined;
}

function documentName(d: DocumentView): string {
  return d.number ? `${d.type} ${d.number}` : d.title;
}

export function renderDocumentPage(d: DocumentView, cited?: [number, number]): string {
  const overlaps = (lines: [number, number]) => cited !== undefined && lines[0] <= cited[1] && lines[1] >= cited[0];
  const meta: Array<[string, string | undefined]> = [
    ['Loại văn bản', d.type],
    ['Số, ký hiệu', d.number],
    ['Ngày ban hành', viDate(d.date)],
    ['Cơ quan ban hành', d.issuer],
    ['Tỉnh/thành phố', d.province],
    ['Trích yếu', d.title],
  ];
  let firstCited = true;
  const blocks = d.blocks.map((b) => {
    const hit = overlaps(b.lines);
    // The fragment of the link (#L<first cited line>) lands on the first highlighted block.
    const id = hit && firstCited && cited ? `L${cited[0]}` : `L${b.lines[0]}`;
    const label = hit ? '<span class="cited-label">Đoạn được trích dẫn</span>' : '';
    if (hit) firstCited = false;
    const heading = b.heading ? `<h2>${esc(b.heading)}</h2>` : '';
    return `<section class="block${hit ? ' cited' : ''}" id="${id}"${hit ? ' aria-current="location"' : ''}>${label}${heading}<p>${esc(cleanMarkdown(b.text))}</p></section>`;
  });
  const name = documentName(d);
  return `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(name)} — Trợ lý ảo</title>
<style>${STYLE}</style>
</head>
<body>
<header><a href="/">← Quay lại trò chuyện</a><h1>${esc(name)}</h1></header>
<main>
<dl>${meta.filter(([, v]) => v).map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v!)}</dd>`).join('')}</dl>
<p class="note">Nội dung văn bản như đã được lập chỉ mục${cited ? '; phần được trích dẫn được tô màu' : ''}.</p>
${blocks.join('\n')}
</main>
</body>
</html>
`;
}

/** The document page route (prefix /documents/). 404 for an unknown id or an assistant without pages. */
export function documentRoutes(assistant: Assistant): Route[] {
  return [
    {
      method: 'GET', path: DOCUMENTS_PATH, channel: 'web', prefix: true,
      handler: async ({ req, res }) => {
        const url = new URL(req.url ?? '/', 'http://localhost');
        let id: string;
        try {
          id = decodeURIComponent(url.pathname.slice(DOCUMENTS_PATH.length));
        } catch {
          throw new HttpError(400, 'INVALID_PATH', 'document id is not valid percent-encoding');
        }
        const view = id ? await assistant.documentView?.(id) : undefined;
        if (!view) {
          sendText(res, 404, '<!doctype html><html lang="vi"><meta charset="utf-8"><title>Không tìm thấy</title><p>Không tìm thấy văn bản này trong chỉ mục hiện tại. <a href="/">Quay lại trò chuyện</a></p></html>', 'text/html; charset=utf-8', HEADERS);
          return;
        }
        sendText(res, 200, renderDocumentPage(view, parseLines(url.searchParams.get('lines'))), 'text/html; charset=utf-8', HEADERS);
      },
    },
  ];
}
