/**
 * npm run users -- add <login> --role leader|agency|admin [--agency "Sở TT&TT"] [--province "Nghệ An"]
 * npm run users -- list [--json]
 * npm run users -- disable <login> | enable <login>
 * npm run users -- passwd <login>
 * npm run users -- link <login> telegram:<chat id>|zalo:<user id>
 *
 * Accounts of the task board (/board, /api/tasks) in DATA_DIR/app.db (in PostgreSQL with DATABASE_URL). Passwords are read from
 * standard input (first line; typed without echo on a terminal), never from arguments, and stored
 * as argon2id hashes. `link` lets a leader's chat use /tonghop.
 */
import readline from 'node:readline';
import { Command, Option } from 'commander';
import { hashPassword } from '../src/board/auth.js';
import { boardDbFile, boardRegistry } from '../src/board/index.js';
import { loadConfig } from '../src/config.js';
import { BoardStore, Role } from '../src/storage/board.js';
import { openPostgresStores } from '../src/storage/postgres.js';
import { exitWhenFlushed } from './exit.js';

const LOGIN = /^[a-z0-9][a-z0-9._-]{1,63}$/;

/** First line of stdin; on a terminal, asks and hides the typing. */
async function readPassword(prompt: string): Promise<string> {
  if (process.stdin.isTTY) {
    const rl = readline.createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    const out = rl as unknown as { _writeToOutput: (s: string) => void };
    let asked = false;
    out._writeToOutput = (s: string) => {
      if (!asked) process.stderr.write(s);
      asked = true;
    };
    const answer = await new Promise<string>((resolve) => rl.question(prompt, resolve));
    rl.close();
    process.stderr.write('\n');
    return answer;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
    if (size > 4096) break;
  }
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}

/** PostgreSQL's board with DATABASE_URL (the one the replicas share), else DATA_DIR/app.db. */
function openStore(dataDir: string | undefined): BoardStore {
  const config = loadConfig();
  if (config.DATABASE_URL) {
    const stores = openPostgresStores({ url: config.DATABASE_URL });
    return new Proxy(stores.board, { get: (board, key) => (key === 'close' ? () => stores.close() : Reflect.get(board, key)) });
  }
  return BoardStore.open(boardDbFile(dataDir ?? config.DATA_DIR));
}

const fail = (message: string): never => {
  throw Object.assign(new Error(message), { userError: true });
};

const program = new Command()
  .name('users')
  .description('Tài khoản bảng theo dõi nhiệm vụ (/board)')
  .option('--data-dir <dir>', 'data directory (default: DATA_DIR or ./data)')
  .showHelpAfterError();

program
  .command('add <login>')
  .description('thêm tài khoản (mật khẩu đọc từ stdin)')
  .addOption(new Option('--role <role>', 'vai trò').choices(Role.options).makeOptionMandatory())
  .option('--agency <name>', 'cơ quan của tài khoản (bắt buộc với --role agency)')
  .option('--province <name>', 'tỉnh của cơ quan')
  .action(async (login: string, opts: { role: Role; agency?: string; province?: string }) => {
    if (!LOGIN.test(login)) fail('tên đăng nhập: 2–64 ký tự a-z, 0-9, . _ - (chữ thường)');
    if (opts.role === 'agency' && !opts.agency) fail('tài khoản cơ quan cần --agency "<tên cơ quan>"');
    let agency: { id: string; name: string } | undefined;
    if (opts.agency) {
      const registry = boardRegistry(loadConfig().KNOWLEDGE_DIR);
      const best = registry.lookup(opts.agency, { ...(opts.province ? { province: opts.province } : {}), limit: 2 });
      if (!best[0] || best[0].score < 0.6) fail(`không nhận ra cơ quan "${opts.agency}" trong danh mục cơ quan (knowledge/agencies.json)`);
      agency = { id: best[0]!.agency.id, name: best[0]!.agency.name };
    }
    const password = await readPassword('Mật khẩu: ');
    const passwordHash = await hashPassword(password).catch((err: Error) => fail(err.message));
    const store = openStore(program.opts<{ dataDir?: string }>().dataDir);
    try {
      store.addUser({
        login, role: opts.role, passwordHash,
        ...(agency ? { agencyId: agency.id, agencyName: agency.name } : {}),
        ...(opts.province ? { province: opts.province } : {}),
      }, new Date());
    } catch (err) {
      fail((err as Error).message);
    } finally {
      store.close();
    }
    process.stdout.write(`Đã thêm ${login} (${opts.role}${agency ? `, ${agency.name} — ${agency.id}` : ''}).\n`);
  });

program
  .command('list')
  .description('liệt kê tài khoản')
  .option('--json', 'in JSON')
  .action((opts: { json?: boolean }) => {
    const store = openStore(program.opts<{ dataDir?: string }>().dataDir);
    const users = store.users();
    store.close();
    if (opts.json) {
      process.stdout.write(`${JSON.stringify(users, null, 2)}\n`);
      return;
    }
    if (users.length === 0) process.stdout.write('Chưa có tài khoản nào.\n');
    for (const u of users) {
      process.stdout.write(`${u.login}\t${u.role}\t${u.agencyName ?? '—'}${u.province ? ` (${u.province})` : ''}\t${u.disabled ? 'đã khóa' : 'đang dùng'}\n`);
    }
  });

for (const [name, disabled] of [['disable', true], ['enable', false]] as const) {
  program
    .command(`${name} <login>`)
    .description(disabled ? 'khóa tài khoản (kết thúc các phiên đăng nhập)' : 'mở lại tài khoản')
    .action((login: string) => {
      const store = openStore(program.opts<{ dataDir?: string }>().dataDir);
      const ok = store.setDisabled(login, disabled, new Date());
      store.close();
      if (!ok) fail(`không có tài khoản "${login}"`);
      process.stdout.write(`${disabled ? 'Đã khóa' : 'Đã mở lại'} ${login}.\n`);
    });
}

program
  .command('passwd <login>')
  .description('đặt mật khẩu mới (đọc từ stdin; kết thúc các phiên đăng nhập)')
  .action(async (login: string) => {
    const store = openStore(program.opts<{ dataDir?: string }>().dataDir);
    try {
      if (!store.user(login)) fail(`không có tài khoản "${login}"`);
      const hash = await hashPassword(await readPassword('Mật khẩu mới: ')).catch((err: Error) => fail(err.message));
      store.setPasswordHash(login, hash, new Date());
    } finally {
      store.close();
    }
    process.stdout.write(`Đã đổi mật khẩu ${login}.\n`);
  });

program
  .command('link <login> <chat>')
  .description('gắn một cuộc trò chuyện (telegram:<id> hoặc zalo:<id>) với tài khoản, để lãnh đạo dùng /tonghop')
  .action((login: string, chat: string) => {
    const m = /^(telegram|zalo):(\S{1,64})$/.exec(chat);
    if (!m) fail('cuộc trò chuyện viết dạng telegram:<chat id> hoặc zalo:<user id>');
    const store = openStore(program.opts<{ dataDir?: string }>().dataDir);
    try {
      store.linkChat(m![1]!, m![2]!, login);
    } catch (err) {
      fail((err as Error).message);
    } finally {
      store.close();
    }
    process.stdout.write(`Đã gắn ${chat} với ${login}.\n`);
  });

program.parseAsync().then(
  () => exitWhenFlushed(0),
  (err: unknown) => {
    const e = err as Error & { userError?: boolean };
    process.stderr.write(e.userError ? `Lỗi: ${e.message}\n` : `${e.stack ?? String(err)}\n`);
    exitWhenFlushed(e.userError ? 2 : 1);
  },
);
