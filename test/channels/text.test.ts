import { describe, expect, it } from 'vitest';
import { displayDate, formatCitation, isAmbiguous, localDate, parseCommand } from '../../src/channels/conversation.js';
import { renderPlain } from '../../src/channels/zalo/channel.js';
import { escapeHtml, splitMessage } from '../../src/channels/text.js';

describe('splitMessage', () => {
  it('keeps a short text whole', () => {
    expect(splitMessage('Sở TT&TT chủ trì.', 100)).toEqual(['Sở TT&TT chủ trì.']);
  });

  it('cuts at paragraph breaks first, then lines, then spaces', () => {
    const p = (n: number) => `Đoạn ${n}: ${'nhiệm vụ '.repeat(5).trim()}`;
    const text = [p(1), p(2), p(3)].join('\n\n');
    const parts = splitMessage(text, p(1).length + p(2).length + 3);
    expect(parts).toEqual([`${p(1)}\n\n${p(2)}`, p(3)]);
    expect(splitMessage('dòng một\ndòng hai dài hơn', 12)).toEqual(['dòng một', 'dòng hai dài', 'hơn']);
  });

  it('measures with the given function (escaped HTML length) so no part exceeds the limit after escaping', () => {
    const text = Array.from({ length: 50 }, () => 'A & B <c>').join(' ');
    const parts = splitMessage(text, 60, (s) => escapeHtml(s).length);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(escapeHtml(part).length).toBeLessThanOrEqual(60);
    expect(parts.join(' ')).toBe(text);
  });

  it('hard-cuts a word longer than the limit without splitting a surrogate pair', () => {
    const parts = splitMessage('👍'.repeat(10), 5);
    for (const part of parts) expect(part).toMatch(/^(👍)+$/u);
    expect(parts.join('')).toBe('👍'.repeat(10));
  });
});

describe('escapeHtml', () => {
  it('escapes the three characters Telegram HTML needs', () => {
    expect(escapeHtml('Sở TT&TT <b>x</b> > y')).toBe('Sở TT&amp;TT &lt;b&gt;x&lt;/b&gt; &gt; y');
  });
});

describe('parseCommand', () => {
  it('reads the command, a @bot suffix and the arguments', () => {
    expect(parseCommand('/donvi@troly_bot Sở TT&TT')).toEqual({ name: 'donvi', args: 'Sở TT&TT' });
    expect(parseCommand('/HanChot 30')).toEqual({ name: 'hanchot', args: '30' });
    expect(parseCommand('/start')).toEqual({ name: 'start', args: '' });
    expect(parseCommand('Sở TT&TT / Sở Nội vụ')).toBeUndefined();
  });
});

describe('isAmbiguous', () => {
  const c = (score: number) => ({ id: `a${score}`, name: 'x', score });
  it('asks when the runner-up scores within 10% of the best, unless the best is the only exact match', () => {
    expect(isAmbiguous([c(0.9), c(0.85)])).toBe(true);
    expect(isAmbiguous([c(1), c(0.95)])).toBe(false);
    expect(isAmbiguous([c(1), c(1)])).toBe(true);
    expect(isAmbiguous([c(1), c(0.5)])).toBe(false);
    expect(isAmbiguous([c(1)])).toBe(false);
  });
  it('asks to confirm a weak best match even when it is alone', () => {
    expect(isAmbiguous([c(0.5)])).toBe(true);
    expect(isAmbiguous([c(0.64), c(0.47)])).toBe(false);
  });
});

describe('dates and citations', () => {
  it('uses the local day in the configured time zone', () => {
    // 18:30 UTC is already the next day in Hà Nội (UTC+7).
    expect(localDate(new Date('2024-11-10T18:30:00Z'), 'Asia/Ho_Chi_Minh')).toBe('2024-11-11');
    expect(displayDate('2024-04-25')).toBe('25/04/2024');
  });

  it('formats a citation with document, date, issuer, section and lines; a page link with PUBLIC_URL, never the file', () => {
    const c = { docId: 'd', document: 'Kế hoạch 27/KH-UBND', title: 'Triển khai Đề án', date: '2024-02-15', issuer: 'UBND tỉnh Quảng Trị', section: 'mục II.1', file: 'kehoach-27.txt', lines: [9, 12] as [number, number] };
    expect(formatCitation(c, 1)).toBe('1. Kế hoạch 27/KH-UBND ngày 15/02/2024 — UBND tỉnh Quảng Trị\n   Triển khai Đề án\n   mục II.1 (dòng 9–12)');
    expect(formatCitation(c, 1, 'https://troly.example.gov.vn')).toBe(
      '1. Kế hoạch 27/KH-UBND ngày 15/02/2024 — UBND tỉnh Quảng Trị\n   Triển khai Đề án\n   mục II.1 (dòng 9–12)\n   Xem: https://troly.example.gov.vn/documents/d?lines=9-12#L9',
    );
  });
});

describe('renderPlain (Zalo)', () => {
  it('numbers choice buttons and drops feedback buttons', () => {
    const text = renderPlain({
      text: 'Bạn là đơn vị nào?',
      buttons: [[{ label: 'Sở Y tế', data: 'ch:0', kind: 'choice' }], [{ label: 'Sở Tư pháp', data: 'ch:1', kind: 'choice' }], [{ label: '👍', data: 'fb:1:u', kind: 'feedback' }]],
    });
    expect(text).toBe('Bạn là đơn vị nào?\n\n1. Sở Y tế\n2. Sở Tư pháp\n\nTrả lời bằng số thứ tự để chọn.');
    expect(renderPlain({ text: 'Chào', buttons: [[{ label: '👍', data: 'fb:1:u', kind: 'feedback' }]] })).toBe('Chào');
  });
});
