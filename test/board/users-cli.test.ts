/**
 * `npm run users`: add (password from stdin, agency resolved with the registry), list, passwd,
 * disable, link — as a real child process on a temp DATA_DIR; the account then logs in (argon2
 * verify) and a short password, an unknown agency or a taken login exits 2 with a Vietnamese error.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyPassword } from '../../src/board/auth.js';
import { boardDbFile } from '../../src/board/index.js';
import { BoardStore } from '../../src/storage/board.js';
import { repoRoot } from '../server/harness.js';
import { boardKnowledge } from './helpers.js';

function users(args: string[], env: Record<string, string>, stdin = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/users.ts', ...args], {
      cwd: repoRoot, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

describe('npm run users', () => {
  it('adds, lists, changes the password of, links and disables accounts', { timeout: 120_000 }, async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'troly-users-'));
    const env = { DATA_DIR: dataDir, KNOWLEDGE_DIR: boardKnowledge };
    const add = await users(['add', 'stttt.na', '--role', 'agency', '--agency', 'Sở TT&TT', '--province', 'Nghệ An'], env, 'mat-khau-so-tttt\n');
    expect(add.stderr).toBe('');
    expect(add).toMatchObject({ code: 0 });
    expect(add.stdout).toContain('so-tttt@nghe-an');
    expect((await users(['add', 'lanhdao', '--role', 'leader'], env, 'mat-khau-lanh-dao\n')).code).toBe(0);

    const short = await users(['add', 'ngan', '--role', 'admin'], env, 'abc\n');
    expect(short.code).toBe(2);
    expect(short.stderr).toContain('ít nhất 8 ký tự');
    const unknown = await users(['add', 'la', '--role', 'agency', '--agency', 'Cục Hàng không Vũ trụ'], env, 'mat-khau-dai-du\n');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('không nhận ra cơ quan');
    expect((await users(['add', 'lanhdao', '--role', 'leader'], env, 'mat-khau-lanh-dao\n')).stderr).toContain('đã có');
    expect((await users(['add', 'x', '--role', 'chief'], env, 'mat-khau-lanh-dao\n')).code).not.toBe(0);

    const list = JSON.parse((await users(['list', '--json'], env)).stdout) as Array<Record<string, unknown>>;
    expect(list.map((u) => u.login)).toEqual(['lanhdao', 'stttt.na']);
    expect(list[1]).toMatchObject({ role: 'agency', agencyId: 'so-tttt@nghe-an', province: 'Nghệ An', disabled: false });
    expect(JSON.stringify(list)).not.toContain('argon2');

    expect((await users(['passwd', 'stttt.na'], env, 'mat-khau-moi-2024\n')).code).toBe(0);
    expect((await users(['link', 'lanhdao', 'telegram:602'], env)).code).toBe(0);
    expect((await users(['link', 'lanhdao', 'fax:602'], env)).code).toBe(2);

    let store = BoardStore.open(boardDbFile(dataDir));
    expect(await verifyPassword(store, 'stttt.na', 'mat-khau-so-tttt')).toBeUndefined();
    expect((await verifyPassword(store, 'stttt.na', 'mat-khau-moi-2024'))?.agencyId).toBe('so-tttt@nghe-an');
    expect(store.chatUser('telegram', '602')?.login).toBe('lanhdao');
    store.close();

    expect((await users(['disable', 'stttt.na'], env)).code).toBe(0);
    store = BoardStore.open(boardDbFile(dataDir));
    expect(await verifyPassword(store, 'stttt.na', 'mat-khau-moi-2024')).toBeUndefined();
    store.close();
    expect((await users(['disable', 'khong-co'], env)).code).toBe(2);
  });
});
