import { describe, expect, it } from 'vitest';
import { expandChatSpelling } from '../../src/text/chat.js';

describe('expandChatSpelling', () => {
  it('reads unambiguous chat shorthand as words', () => {
    expect(expandChatSpelling('bot lam dc j')).toBe('bot lam được gì');
    expect(expandChatSpelling('lam giay khai sinh ntn')).toBe('lam giay khai sinh như thế nào');
    expect(expandChatSpelling('nop online dc ko')).toBe('nop online được không');
  });

  it('reads "bn" as "bạn" first or before "ơi", else as "bao nhiêu"', () => {
    expect(expandChatSpelling('phi ly lich tu phap bn')).toBe('phi ly lich tu phap bao nhiêu');
    expect(expandChatSpelling('het bn tien vay')).toBe('het bao nhiêu tien vay');
    expect(expandChatSpelling('bn oi cho hoi')).toBe('bạn oi cho hoi');
    expect(expandChatSpelling('bn lam dc j')).toBe('bạn lam được gì');
  });

  it('reads "k" as "không" only where a question ends', () => {
    expect(expandChatSpelling('khai sinh co mat phi k')).toBe('khai sinh co mat phi không');
    expect(expandChatSpelling('co mat phi k vay')).toBe('co mat phi không vay');
    // a list point ("điểm k mục 3") is not shorthand
    expect(expandChatSpelling('điểm k mục 3 phần III do ai chủ trì')).toBe('điểm k mục 3 phần III do ai chủ trì');
  });

  it('leaves document abbreviations, diacritics and punctuation alone', () => {
    expect(expandChatSpelling('KH 114: Sở TT&TT làm gì?')).toBe('KH 114: Sở TT&TT làm gì?');
    expect(expandChatSpelling('đủ đk kết hôn chưa')).toBe('đủ đk kết hôn chưa');
    expect(expandChatSpelling('dk ket hon o dau')).toBe('đăng ký ket hon o dau');
  });
});
