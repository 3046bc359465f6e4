/**
 * The web chat page: one static HTML document with inline CSS/JS (no build step). It keeps a
 * session id in localStorage so follow-up questions carry context, and shows citations.
 * Answer text is inserted with textContent only (never innerHTML), and a Content-Security-Policy
 * allows only this page's own inline script and style (by hash) and requests to this server.
 */
import { createHash } from 'node:crypto';

export const WEB_CHAT_HTML = `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Trợ lý ảo — tra cứu kế hoạch và thủ tục</title>
<style>
  body { font-family: system-ui, "Segoe UI", Roboto, sans-serif; margin: 0; background: #f4f6f8; color: #1d2733; }
  header { background: #b71c1c; color: #fff; padding: 12px 16px; }
  header h1 { font-size: 1.15rem; margin: 0; }
  header p { margin: 4px 0 0; font-size: .85rem; opacity: .9; }
  main { max-width: 820px; margin: 0 auto; padding: 12px; }
  #log { display: flex; flex-direction: column; gap: 10px; min-height: 50vh; }
  .msg { padding: 10px 12px; border-radius: 10px; white-space: pre-wrap; line-height: 1.45; }
  .user { align-self: flex-end; background: #dbeafe; max-width: 80%; }
  .bot { align-self: flex-start; background: #fff; border: 1px solid #dde3ea; max-width: 95%; }
  .bot.refused { border-color: #f0b429; }
  .sources { margin-top: 8px; font-size: .85rem; color: #44515f; border-top: 1px dashed #ccd; padding-top: 6px; }
  .sources ol { margin: 4px 0 0 18px; padding: 0; }
  .choices button { margin: 6px 6px 0 0; }
  form { display: flex; gap: 8px; position: sticky; bottom: 0; background: #f4f6f8; padding: 12px 0; }
  textarea { flex: 1; font: inherit; padding: 8px; border-radius: 8px; border: 1px solid #aab; resize: vertical; min-height: 2.6em; }
  button { font: inherit; padding: 8px 14px; border-radius: 8px; border: 0; background: #b71c1c; color: #fff; cursor: pointer; }
  button:disabled { opacity: .6; }
  .hint { font-size: .8rem; color: #5b6775; }
</style>
</head>
<body>
<header>
  <h1>Trợ lý ảo</h1>
  <p>Hỏi về nhiệm vụ trong các kế hoạch, văn bản và thủ tục hành chính. Mọi câu trả lời đều ghi nguồn.</p>
</header>
<main>
  <div id="log" aria-live="polite">
    <div class="msg bot">Xin chào! Bạn có thể hỏi, ví dụ: "Sở TT&amp;TT phải làm gì trước tháng 11?" hoặc "lam giay khai sinh can giay to gi".</div>
  </div>
  <form id="ask">
    <textarea id="question" name="question" maxlength="2000" placeholder="Nhập câu hỏi (có dấu hoặc không dấu)…" aria-label="Câu hỏi"></textarea>
    <button id="send" type="submit">Gửi</button>
  </form>
  <p class="hint">Nhấn Enter để gửi, Shift+Enter để xuống dòng. <a href="#" id="reset">Cuộc trò chuyện mới</a></p>
</main>
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

  function add(text, cls) {
    var div = document.createElement('div');
    div.className = 'msg ' + cls;
    div.textContent = text;
    log.appendChild(div);
    div.scrollIntoView({ block: 'end' });
    return div;
  }
  function fmtDate(iso) {
    var m = /^(\\d{4})-(\\d{2})-(\\d{2})/.exec(iso || '');
    return m ? m[3] + '/' + m[2] + '/' + m[1] : (iso || '');
  }
  function showAnswer(a) {
    var div = add(a.answer, 'bot' + (a.refused ? ' refused' : ''));
    if (a.citations && a.citations.length) {
      var box = document.createElement('div');
      box.className = 'sources';
      box.appendChild(document.createTextNode('Nguồn:'));
      var ol = document.createElement('ol');
      a.citations.forEach(function (c) {
        var li = document.createElement('li');
        li.className = 'citation';
        li.textContent = c.document + (c.date ? ' ngày ' + fmtDate(c.date) : '') + (c.issuer ? ' — ' + c.issuer : '') +
          ' · ' + c.section + ' · ' + c.file;
        li.title = c.title;
        ol.appendChild(li);
      });
      box.appendChild(ol);
      div.appendChild(box);
    }
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
  }
  function ask(question, shown) {
    add(shown || question, 'user');
    button.disabled = true;
    fetch('/api/ask', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ question: question, session: session })
    }).then(function (res) {
      return res.json().then(function (body) { return { ok: res.ok, body: body }; });
    }).then(function (r) {
      if (r.ok) showAnswer(r.body);
      else add(r.body && r.body.message ? r.body.message : 'Xin lỗi, đã có lỗi. Vui lòng thử lại.', 'bot refused');
    }).catch(function () {
      add('Không kết nối được máy chủ. Vui lòng thử lại.', 'bot refused');
    }).then(function () { button.disabled = false; input.focus(); });
  }
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var q = input.value.trim();
    if (!q) return;
    input.value = '';
    ask(q);
  });
  input.addEventListener('keydown', function (e) {
    if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); form.requestSubmit(); }
  });
  document.getElementById('reset').addEventListener('click', function (e) {
    e.preventDefault();
    session = newSession();
    add('Đã bắt đầu cuộc trò chuyện mới.', 'bot');
  });
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
