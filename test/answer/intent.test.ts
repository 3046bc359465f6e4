import { describe, expect, it } from 'vitest';
import { isThanks, understand } from '../../src/answer/intent.js';

const today = '2026-11-24';

describe('understand', () => {
  it('"ai là đơn vị chủ trì" asks for an agency, "ai là Trưởng ban" for a person', () => {
    expect(understand('ai la don vi chu tri bao cao ket qua thu nghiem', today).asksPerson).toBe(false);
    expect(understand('ai là cơ quan phối hợp?', today).asksPerson).toBe(false);
    expect(understand('Năm 2019 ai là Trưởng Ban Chỉ đạo xây dựng Chính quyền điện tử?', today).asksPerson).toBe(true);
  });

  it('leaves chat courtesy out of the content words', () => {
    const f = understand('cho em hoi chut a, trung tam dieu hanh thong minh ay ai chu tri vay a, em cam on ad', today);
    expect(f.intent).toBe('who_leads');
    expect(f.content).toEqual(['trung', 'tam', 'dieu', 'hanh', 'thong', 'minh']);
    expect(understand('cho hỏi khai sinh cần giấy tờ gì, cảm ơn', today).content).toEqual(['khai', 'sinh', 'giay', 'to']);
  });

  it('marks questions that use plan words', () => {
    expect(understand('Sở TT&TT chủ trì những nhiệm vụ nào?', today).planWords).toBe(true);
    expect(understand('lam giay khai sinh het bao nhieu', today).planWords).toBe(false);
  });

  it('greets back whoever is addressed ("alo bot ơi", "chào ad")', () => {
    expect(understand('alo bot oi', today).intent).toBe('greeting');
    expect(understand('Chào ad ạ!', today).intent).toBe('greeting');
    expect(understand('chao ban, so tttt lam gi', today).intent).not.toBe('greeting');
  });

  it('reads "cần gì" about a paper as a procedure question', () => {
    expect(understand('lam the can cuoc cho con can gi', today).intent).toBe('procedure');
    expect(understand('cấp đổi giấy phép lái xe ở đâu', today).intent).toBe('procedure');
  });

  it('reads "hạn nào" as a deadline question', () => {
    expect(understand('các sở ngành báo cáo tình hình thực hiện kế hoạch hạn nào', today).intent).toBe('deadline');
  });

  it('a task list in a window is not a deadline question', () => {
    expect(understand('sở tttt phải xong những việc gì trước tháng 6 năm 2022', today).intent).toBe('agency_tasks');
    expect(understand('kho dữ liệu dùng chung phải xong khi nào', today).intent).toBe('deadline');
  });

  it('"sở" marks a plan question only as a department ("sổ đỏ", "sổ hộ khẩu" fold the same)', () => {
    expect(understand('lam so do lan dau can giay to gi', today).planWords).toBe(false);
    expect(understand('cap lai so ho khau bi mat can gi', today).planWords).toBe(false);
    expect(understand('so tttt chu tri viec gi', today).planWords).toBe(true);
    expect(understand('các sở, ban, ngành phải làm gì', today).planWords).toBe(true);
  });

  it('a percentage is a target even when it names a procedure', () => {
    expect(understand('bao nhiêu % dịch vụ công trực tuyến dùng dữ liệu về đăng ký doanh nghiệp', today).intent).toBe('target');
    expect(understand('đăng ký doanh nghiệp hết bao nhiêu tiền', today).intent).toBe('procedure');
  });

  it('reads "trong tháng 11 năm 2022" as that calendar month', () => {
    expect(understand('sở tttt có việc gì đến hạn trong tháng 11 năm 2022', today)).toMatchObject({
      intent: 'agency_tasks',
      window: { kind: 'before', date: '2022-11-30', from: '2022-11-01' },
    });
  });

  it('tells thanks from a greeting', () => {
    expect(isThanks(understand('cam on bot nhe', today).folded)).toBe(true);
    expect(understand('cam on bot nhe', today).intent).toBe('greeting');
    expect(isThanks(understand('xin chao', today).folded)).toBe(false);
  });
});
