/**
 * The web chat page: one static HTML document with inline CSS/JS (no build step). It keeps a
 * session id in localStorage so follow-up questions carry context.
 *
 * Layout: header, a scrolling conversation and the composer stacked in a full-height column, so no
 * answer ever sits under the input; after each answer the conversation scrolls so the whole answer
 * shows (its top when it is taller than the view). Answers are built with text nodes and <a>
 * elements only (never innerHTML); http(s) URLs and this server's /documents links are clickable.
 * The answer's "Nguồn:" line is replaced by one sources list, a document per item and each cited
 * place a link to the document page with the place highlighted. Chat commands (/nhiemvu, /hanchot,
 * /donvi, /thutuc, /nguon, /help) work here too. A typing indicator shows while waiting; the
 * conversation is an ARIA log, the examples and choices are buttons, Enter sends.
 * A Content-Security-Policy allows only this page's own inline script and style (by hash) and
 * requests to this server.
 */
import { createHash } from 'node:crypto';

/** Example questions offered on the welcome bubble; each answers over the bundled knowledge. */
export const WEB_CHAT_EXAMPLES: readonly string[] = Object.freeze([
  'Sở TT&TT phải làm gì trước tháng 11?',
  'Ai chủ trì nhiệm vụ chuyển đổi số năm 2023?',
  'Nhiệm vụ nào của Sở Nội vụ sắp đến hạn?',
  'lam giay khai sinh can giay to gi',
]);

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

const exampleButtons = WEB_CHAT_EXAMPLES.map((q) => `<button type="button" class="example" data-example="${escapeHtml(q)}">${escapeHtml(q)}</button>`).join('\n        ');

export const WEB_CHAT_HTML = `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Trợ lý ảo — tra cứu kế hoạch và thủ tục</title>
<style>
  * { box-sizing: border-box; }
  html, body { height: 100%; }
  body { font-family: system-ui, "Segoe UI", Roboto, sans-serif; margin: 0; background: #f4f6f8; color: #1d2733; display: flex; flex-direction: column; height: 100vh; height: 100dvh; }
  header { background: #b71c1c; color: #fff; padding: 10px 16px; flex: none; }
  header h1 { font-size: 1.1rem; margin: 0; }
  header p { margin: 2px 0 0; font-size: .82rem; opacity: .92; }
  #log { flex: 1 1 auto; overflow-y: auto; padding: 12px; display: flex; flex-direction: column; gap: 10px; outline: none; }
  #log > * { width: 100%; max-width: 820px; margin-left: auto; margin-right: auto; }
  .msg { padding: 10px 12px; border-radius: 10px; line-height: 1.45; overflow-wrap: anywhere; }
  .body { white-space: pre-wrap; }
  .user { background: #dbeafe; white-space: pre-wrap; width: auto !important; max-width: min(80%, 660px) !important; margin-left: auto !important; margin-right: max(0px, calc((100% - 820px) / 2)) !important; }
  .bot { background: #fff; border: 1px solid #dde3ea; }
  .bot.refused { border-color: #f0b429; }
  .bot a { color: #0b57d0; }
  .sources { margin-top: 8px; font-size: .86rem; color: #44515f; border-top: 1px dashed #ccd; padding-top: 6px; }
  .sources h2 { font-size: .86rem; margin: 0; }
  .sources ol { margin: 4px 0 0 18px; padding: 0; }
  .sources li { margin: 2px 0; }
  .examples, .choices { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 8px; }
  .examples button, .choices button { background: #fff; color: #8e1414; border: 1px solid #d7a3a3; font-size: .88rem; padding: 6px 10px; text-align: left; }
  .typing { color: #5b6775; font-style: italic; }
  .typing .dot { display: inline-block; animation: blink 1.2s infinite; }
  .typing .dot:nth-child(2) { animation-delay: .2s; }
  .typing .dot:nth-child(3) { animation-delay: .4s; }
  @keyframes blink { 0%, 80%, 100% { opacity: .2; } 40% { opacity: 1; } }
  @media (prefers-reduced-motion: reduce) { .typing .dot { animation: none; } }
  .composer { flex: none; background: #f4f6f8; border-top: 1px solid #dde3ea; padding: 8px 12px 10px; }
  form { display: flex; gap: 8px; max-width: 820px; margin: 0 auto; }
  textarea { flex: 1; font: inherit; padding: 8px; border-radius: 8px; border: 1px solid #8a96a3; resize: none; height: 2.75em; max-height: 8em; }
  button { font: inherit; padding: 8px 14px; border-radius: 8px; border: 0; background: #b71c1c; color: #fff; cursor: pointer; }
  button:disabled { opacity: .6; cursor: default; }
  :focus-visible { outline: 3px solid #1d4ed8; outline-offset: 2px; }
  .hint { font-size: .78rem; color: #4b5866; max-width: 820px; margin: 4px auto 0; }
  .hint a { color: #4b5866; }
  .sr-only { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
</style>
</head>
<body>
<header>
  <h1>Trợ lý ảo</h1>
  <p>Hỏi về nhiệm vụ trong các kế hoạch, văn bản và thủ tục hành chính. Mọi câu trả lời đều ghi nguồn.</p>
</header>
<main id="log" role="log" aria-live="polite" aria-relevant="additions" aria-label="Cuộc trò chuyện" tabindex="-1">
  <div class="msg bot" id="welcome">
    <div class="body">Xin chào! Tôi trả lời dựa trên các văn bản đã được nạp và luôn ghi nguồn. Khi văn bản không nói, tôi sẽ nói là không có thông tin. Bạn có thể hỏi, ví dụ:</div>
    <div class="examples">
        ${exampleButtons}
    </div>
    <div class="body">Lệnh: /donvi &lt;tên đơn vị&gt; để đặt đơn vị của bạn, rồi /nhiemvu, /hanchot 30; /thutuc &lt;tên thủ tục&gt;; /help.</div>
  </div>
</main>
<div class="composer">
  <form id="ask">
    <label for="question" class="sr-only">Câu hỏi</label>
    <textarea id="question" name="question" maxlength="2000" rows="1" placeholder="Nhập câu hỏi, có dấu hoặc không…" aria-describedby="hint"></textarea>
    <button id="send" type="submit">Gửi</button>
  </form>
  <p class="hint" id="hint">Enter để gửi, Shift+Enter để xuống dòng. <a href="#" id="reset">Cuộc trò chuyện mới</a></p>
</div>
<script>
(function () {
  var KEY = 'troly.session';
  function newSession() {
    var id = (self.crypto && crypto.randomUUID) ? crypto.randomUUID() : String(Date.now()) + Math.random().toString(16).slice(2);
    localStorage.setItem(KEY, id);
    return id;
  }
  var session = localStorage.getItem(KEY) || newSession();
  var log = document.getElementById('log');
  var form = document.getElementById('ask');
  var input = document.getElementById('question');
  var button = document.getElementById('send');
  var LINK = /(https?:\\/\\/[^\\s<>()\\u201c\\u201d"]+[^\\s<>()\\u201c\\u201d".,;:!?]|\\/documents\\/[^\\s<>()"]+)/g;

  // Text with its URLs as links; text nodes only, so nothing in an answer is ever markup.
  function appendText(parent, text) {
    var last = 0;
    text.replace(LINK, function (url, _m, offset) {
      if (offset > last) parent.appendChild(document.createTextNode(text.slice(last, offset)));
      var a = document.createElement('a');
      a.href = url;
      a.textContent = url;
      a.target = '_blank';
      a.rel = 'noopener';
      parent.appendChild(a);
      last = offset + url.length;
      return url;
    });
    if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
  }
  function reveal(div) {
    // The whole answer above the composer; its top when it is taller than the view.
    var top = div.offsetTop - log.offsetTop;
    var fits = div.offsetHeight <= log.clientHeight - 8;
    log.scrollTop = fits ? top + div.offsetHeight - log.clientHeight + 8 : top - 8;
  }
  function bubble(cls) {
    var div = document.createElement('div');
    div.className = 'msg ' + cls;
    log.appendChild(div);
    return div;
  }
  function addText(text, cls) {
    var div = bubble(cls);
    var body = document.createElement('div');
    body.className = 'body';
    appendText(body, text);
    div.appendChild(body);
    reveal(div);
    return div;
  }
  function fmtDate(iso) {
    var m = /^(\\d{4})-(\\d{2})-(\\d{2})/.exec(iso || '');
    return m ? Number(m[3]) + '/' + Number(m[2]) + '/' + m[1] : (iso || '');
  }
  // One item per document; each cited place once, as a link to the document page.
  function sourcesBox(citations) {
    var docs = [];
    var byDoc = {};
    citations.forEach(function (c) {
      var d = byDoc[c.docId];
      if (!d) { d = byDoc[c.docId] = { c: c, places: [], seen: {} }; docs.push(d); }
      if (!d.seen[c.section]) { d.seen[c.section] = true; d.places.push(c); }
    });
    var box = document.createElement('section');
    box.className = 'sources';
    var h = document.createElement('h2');
    h.textContent = 'Nguồn';
    box.appendChild(h);
    var ol = document.createElement('ol');
    docs.forEach(function (d) {
      var li = document.createElement('li');
      li.className = 'citation';
      var c = d.c;
      li.appendChild(document.createTextNode(c.document + (c.date ? ' ngày ' + fmtDate(c.date) : '') + (c.issuer ? ' của ' + c.issuer : '') + ': '));
      d.places.forEach(function (p, i) {
        if (i > 0) li.appendChild(document.createTextNode('; '));
        var a = document.createElement('a');
        a.href = p.link;
        a.textContent = p.section + (p.page !== undefined ? ', trang ' + p.page : '');
        a.target = '_blank';
        a.rel = 'noopener';
        a.setAttribute('aria-label', 'Xem ' + c.document + ', ' + a.textContent);
        li.appendChild(a);
      });
      if (c.title) li.title = c.title;
      ol.appendChild(li);
    });
    box.appendChild(ol);
    return box;
  }
  function showAnswer(a) {
    var div = bubble('bot' + (a.refused ? ' refused' : ''));
    var text = a.answer || '';
    if (a.citations && a.citations.length) {
      // The sources list below says it once, with links: drop the text's own "Nguồn:" line.
      text = text.split('\\n').filter(function (l) { return !/^Nguồn:/.test(l); }).join('\\n').replace(/\\s+$/, '');
    }
    var body = document.createElement('div');
    body.className = 'body';
    appendText(body, text);
    div.appendChild(body);
    if (a.citations && a.citations.length) div.appendChild(sourcesBox(a.citations));
    if (a.choices && a.choices.length) {
      var ch = document.createElement('div');
      ch.className = 'choices';
      a.choices.forEach(function (c) {
        var b = document.createElement('button');
        b.type = 'button';
        b.textContent = c.label;
        b.addEventListener('click', function () { ask(c.query, c.label); });
        ch.appendChild(b);
      });
      div.appendChild(ch);
    }
    reveal(div);
  }
  function typing() {
    var div = bubble('bot typing');
    div.setAttribute('role', 'status');
    div.appendChild(document.createTextNode('Đang soạn câu trả lời'));
    for (var i = 0; i < 3; i++) {
      var s = document.createElement('span');
      s.className = 'dot';
      s.setAttribute('aria-hidden', 'true');
      s.textContent = '.';
      div.appendChild(s);
    }
    reveal(div);
    return div;
  }
  var busy = false;
  function ask(question, shown) {
    if (busy) return;
    busy = true;
    addText(shown || question, 'user');
    button.disabled = true;
    log.setAttribute('aria-busy', 'true');
    var dots = typing();
    fetch('/api/ask', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ question: question, session: session })
    }).then(function (res) {
      return res.json().then(function (body) { return { ok: res.ok, body: body }; });
    }).then(function (r) {
      dots.remove();
      if (r.ok) showAnswer(r.body);
      else addText(r.body && r.body.message ? r.body.message : 'Xin lỗi, đã có lỗi. Vui lòng thử lại.', 'bot refused');
    }).catch(function () {
      dots.remove();
      addText('Không kết nối được máy chủ. Vui lòng thử lại.', 'bot refused');
    }).then(function () {
      busy = false;
      log.removeAttribute('aria-busy');
      button.disabled = false;
      input.focus();
    });
  }
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var q = input.value.trim();
    if (!q || busy) return;
    input.value = '';
    ask(q);
  });
  input.addEventListener('keydown', function (e) {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); form.requestSubmit(); }
  });
  Array.prototype.forEach.call(document.querySelectorAll('[data-example]'), function (b) {
    b.addEventListener('click', function () { ask(b.getAttribute('data-example')); });
  });
  document.getElementById('reset').addEventListener('click', function (e) {
    e.preventDefault();
    session = newSession();
    addText('Đã bắt đầu cuộc trò chuyện mới.', 'bot');
    input.focus();
  });
  input.focus();
})();
</script>
</body>
</html>
`;

function inlineHash(tag: 'script' | 'style'): string {
  const m = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(WEB_CHAT_HTML);
  if (!m) throw new Error(`web chat page has no <${tag}>`);
  return `'sha256-${createHash('sha256').update(m[1]!).digest('base64')}'`;
}

/** Headers sent with the page. */
export const WEB_CHAT_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-security-policy': [
    "default-src 'none'",
    `script-src ${inlineHash('script')}`,
    `style-src ${inlineHash('style')}`,
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; '),
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
});
