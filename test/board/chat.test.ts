/**
 * The board from Telegram, through the real webhook, queue and conversation: /nhiemvu numbers the
 * agency's tasks, /baocao by the lead agency records a status the board API shows (who = the
 * chat), another agency's task is refused, /hanchot shows status, /tonghop only for leaders'
 * chats and chat admins, and the daily reminders leave out a task reported done.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseReport } from '../../src/board/chat.js';
import { boardDbFile } from '../../src/board/index.js';
import { BoardStore } from '../../src/storage/board.js';
import type { Harness } from '../server/harness.js';
import { addUser, boardHarness, getJson, login, postStatus, tgSay } from './helpers.js';

let h: Harness;
let admin: string;
const STAFF = 601;

/** The number a /nhiemvu list gives the task starting with `title`. */
const numberOf = (list: string, title: string): number => {
  const m = new RegExp(`^(\\d+)\\. ${title}`, 'm').exec(list);
  if (!m) throw new Error(`"${title}" not in the list:\n${list}`);
  return Number(m[1]);
};

const boardTask = async (start: string): Promise<any> => {
  const r = await getJson(`${h.url}/api/tasks`, admin);
  return r.body.tasks.find((t: any) => t.title.startsWith(start));
};

beforeAll(async () => {
  h = await boardHarness();
  await addUser(h.dataDir, 'quantri', 'admin');
  await addUser(h.dataDir, 'chutich', 'leader');
  admin = await login(h.url, 'quantri');
  await tgSay(h, '/donvi Nghệ An', STAFF);
  const set = await tgSay(h, '/donvi Sở Thông tin và Truyền thông', STAFF);
  expect(set.join('\n')).toMatch(/Đã đặt đơn vị: Sở Thông tin và Truyền thông.*\(Nghệ An\)/);
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe('/baocao after /nhiemvu', () => {
  it('parses the status words with or without tone marks and keeps the note as typed', () => {
    expect(parseReport('2 xong')).toEqual({ n: 2, status: 'hoan_thanh' });
    expect(parseReport('3 đang làm: chờ kinh phí bổ sung')).toEqual({ n: 3, status: 'dang_thuc_hien', note: 'chờ kinh phí bổ sung' });
    expect(parseReport('1 dang thuc hien')).toEqual({ n: 1, status: 'dang_thuc_hien' });
    expect(parseReport('1 Đã hoàn thành ngày 5/11')).toEqual({ n: 1, status: 'hoan_thanh', note: 'ngày 5/11' });
    expect(parseReport('xong 1')).toBeUndefined();
    expect(parseReport('1 sắp xong')).toBeUndefined();
  });

  it('records the lead agency’s report, shown on the board with the chat as author; refuses a task it does not lead', async () => {
    const before = await tgSay(h, '/baocao 1 xong', STAFF);
    expect(before.join('\n')).toContain('/nhiemvu');

    const list = (await tgSay(h, '/nhiemvu', STAFF)).join('\n');
    expect(list).toContain('chưa có báo cáo nào');
    const kho = numberOf(list, 'Xây dựng kho dữ liệu dùng chung');
    const soHoa = numberOf(list, 'Số hóa hồ sơ');

    const ok = (await tgSay(h, `/baocao ${kho} xong Đã nghiệm thu kho dữ liệu`, STAFF)).join('\n');
    expect(ok).toContain('Đã ghi nhận');
    expect(ok).toContain('Hoàn thành');
    expect(await boardTask('Xây dựng kho dữ liệu')).toMatchObject({ status: 'hoan_thanh', statusNote: 'Đã nghiệm thu kho dữ liệu', statusBy: `telegram:${STAFF}` });

    // Số hóa hồ sơ is led by Văn phòng UBND; Sở TT&TT only cooperates.
    const refused = (await tgSay(h, `/baocao ${soHoa} đang làm`, STAFF)).join('\n');
    expect(refused).toContain('không do đơn vị của bạn chủ trì');
    expect((await boardTask('Số hóa hồ sơ')).status).toBe('chua_bat_dau');

    expect((await tgSay(h, '/baocao 9 xong', STAFF)).join('\n')).toMatch(/chỉ có \d+ nhiệm vụ/);
    expect((await tgSay(h, '/baocao 1 hình như xong', STAFF)).join('\n')).toContain('Cú pháp');
  });

  it('shows the reported status under /nhiemvu and /hanchot', async () => {
    const list = (await tgSay(h, '/nhiemvu', STAFF)).join('\n');
    const kho = numberOf(list, 'Xây dựng kho dữ liệu dùng chung');
    expect(list).toContain(`Tình trạng do đơn vị báo cáo:\n${kho}. Hoàn thành — Đã nghiệm thu kho dữ liệu (10/11/2024)`);
    // /hanchot numbers its own list; /baocao follows the list shown last.
    const due = (await tgSay(h, '/hanchot 30', STAFF)).join('\n');
    const mang = numberOf(due, 'Nâng cấp mạng truyền số liệu');
    expect((await tgSay(h, `/baocao ${mang} đang làm Còn 12 xã`, STAFF)).join('\n')).toContain('Đã ghi nhận');
    const again = (await tgSay(h, '/hanchot 30', STAFF)).join('\n');
    expect(again).toContain(`Tình trạng do đơn vị báo cáo:\n${mang}. Đang thực hiện — Còn 12 xã (10/11/2024)`);
  });
});

describe('/tonghop', () => {
  it('is refused to staff chats and given to a chat linked to a leader account and to chat admins', async () => {
    expect((await tgSay(h, '/tonghop', STAFF)).join('\n')).toBe('Bạn không có quyền dùng lệnh này.');
    const store = BoardStore.open(boardDbFile(h.dataDir));
    store.linkChat('telegram', '602', 'chutich');
    store.close();
    const summary = (await tgSay(h, '/tonghop', 602)).join('\n');
    expect(summary).toContain('9 nhiệm vụ — hoàn thành 1, đang thực hiện 1, quá hạn 4.');
    expect(summary).toContain('• Sở Thông tin và Truyền thông (Nghệ An): 1 / 1 / 0 / 2');
    expect(summary).toContain('• Sở Thông tin và Truyền thông (Hưng Yên): 0 / 0 / 1 / 1');
    expect(summary).toContain('• Sở Tư pháp (Hưng Yên): 0 / 0 / 1 / 1');
    expect((await tgSay(h, '/tonghop', 900)).join('\n')).toContain('Theo cơ quan chủ trì');
  });
});

describe('reminders', () => {
  it('skip a task its agency reported done, and remind it again once it is not', async () => {
    expect((await tgSay(h, '/nhacviec on', STAFF)).join('\n')).toContain('Đã bật nhắc việc');
    const mang = await boardTask('Nâng cấp mạng truyền số liệu'); // Sở TT&TT leads, due 15/11/2024
    expect((await postStatus(h.url, mang.id, { status: 'hoan_thanh' }, admin)).status).toBe(200);
    const sent = () => h.telegram.sentTexts(STAFF).filter((t) => t.startsWith('⏰'));
    const report = await h.app.reminders.runDay('2024-11-10');
    expect(report.chats).toBeGreaterThanOrEqual(1);
    expect(sent().join('\n')).not.toContain('Nâng cấp mạng truyền số liệu');

    expect((await postStatus(h.url, mang.id, { status: 'dang_thuc_hien', note: 'Còn 12 xã' }, admin)).status).toBe(200);
    await h.app.reminders.runDay('2024-11-12');
    const texts = sent();
    expect(texts).toHaveLength(1);
    expect(texts[0]).toContain('Nâng cấp mạng truyền số liệu');
  });
});
