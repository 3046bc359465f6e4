/**
 * npm run bench:load [-- --updates 3000 --connections 50 --rate 1200]
 * npm run bench:load -- --replicas [--quick] [--scale 100]   (one replica, then two, on one PostgreSQL)
 *
 * The real server (src/server/main.ts, a child process) on 127.0.0.1 with the fake Telegram and
 * Zalo Bot API servers (test/fakes). autocannon delivers valid webhook updates with distinct ids,
 * bounded in count and time; updates the server refuses with 503 (queue full) are redelivered
 * afterwards, as the platforms do. Reports acknowledged updates/s and ack latency, then checks in
 * the fakes' records that every update got exactly one reply (0 lost, 0 duplicated).
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { Command } from 'commander';
import pg from 'pg';
import { createLogger } from '../src/logging.js';
import { runReindex } from '../src/reindex/pipeline.js';
import { fakeTelegram, fakeZalo, type FakeBotApi } from '../test/fakes/bot-api.js';
import { findPgBin, freshDatabase, PG_MISSING, startPostgres, type PgServer } from '../test/helpers/postgres.js';
import { questionMix } from './questions.js';
import { generateSyntheticCorpus } from './synthetic.js';
import { machineRecord } from './stats.js';

const repoRoot = path.resolve(import.meta.dirname, '..');
const TOKENS = {
  telegram: '424242:LOADtestTOKENtelegram_only_here',
  telegramSecret: 'load_test_secret_tg',
  zalo: '4242:LOADtestTOKENzalo',
  zaloSecret: 'load-test-secret-zalo',
};

const program = new Command()
  .name('bench-load')
  .option('--updates <n>', 'updates per channel', '3000')
  .option('--connections <n>', 'concurrent connections', '50')
  .option('--rate <n>', 'target updates/s per channel (0 = as fast as possible)', '1200')
  .option('--max-seconds <n>', 'upper bound of each delivery phase', '20')
  .option('--reply-timeout <n>', 'seconds to wait for every reply', '240')
  .option('--cpu-prof <dir>', 'write a V8 CPU profile of the server process (HTTP thread) into this directory')
  .option('--server-stdout <file>', 'append the server process\'s stdout (its log lines; --trace-gc output) to this file')
  .option('--server-node-args <args>', 'extra Node options for the server process, space-separated (e.g. "--max-semi-space-size=32")')
  .option('--replicas', 'one replica, then two, on one private PostgreSQL (DATABASE_URL); the ratio in one run')
  .option('--quick', 'short run: 600 updates per channel at 600/s')
  .option('--scale <n>', 'index N synthetic copies of the seed corpus (bench/synthetic.ts) instead of the seed', '1')
  .option('--workers <n>', 'ANSWER_WORKERS of each server (default: cores − 1)');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const questions = questionMix().map((q) => q.text);

function telegramUpdate(id: number) {
  return {
    update_id: id,
    message: {
      message_id: id,
      date: Math.floor(Date.now() / 1000),
      chat: { id, type: 'private', first_name: 'Tải' },
      from: { id, is_bot: false, first_name: 'Tải', language_code: 'vi' },
      text: questions[id % questions.length],
    },
  };
}

function zaloEvent(id: number) {
  return {
    event_name: 'message.text.received',
    message: {
      from: { id: `u${id}`, display_name: 'Tải', is_bot: false },
      chat: { id: `c${id}`, chat_type: 'PRIVATE' },
      text: questions[id % questions.length],
      message_id: `m${id}`,
      date: Date.now(),
    },
  };
}

interface Channel {
  name: 'telegram' | 'zalo';
  path: string;
  headers: Record<string, string>;
  body: (id: number) => unknown;
  chatOf: (id: number) => string;
  api: FakeBotApi;
}

interface PhaseResult {
  channel: string;
  sent: number;
  acknowledged: number;
  refused: Record<string, number>;
  seconds: number;
  ackPerSecond: number;
  /** Responses of any status per second in the first pass (what the endpoint sustains). */
  respondedPerSecond: number;
  /** Updates answered per second, from the first delivery to the last reply. */
  answeredPerSecond: number;
  latencyP50: number;
  latencyP99: number;
  latencyMax: number;
  redeliveryRounds: number;
  lost: number;
  duplicated: number;
  repliesSeconds: number;
  /** autocannon's own duration (rounded up to its 1 s sample tick), for comparison with older runs. */
  autocannonSeconds: number;
}

async function deliver(url: string, ch: Channel, ids: number[], connections: number, rate: number, maxSeconds: number) {
  const statuses = new Map<number, number>();
  let next = 0;
  // autocannon's result.duration only advances on its 1 s sample tick (the run stops at the next
  // tick after the last response), so 3,000 updates offered at 1,200/s always "took" 3.0 s and
  // could never show more than 1,000/s. Time the phase ourselves: start → last response.
  const started = performance.now();
  let lastResponse = started;
  const result = await autocannon({
    url,
    connections: Math.min(connections, ids.length),
    amount: ids.length,
    duration: maxSeconds,
    timeout: 10,
    ...(rate > 0 ? { overallRate: rate, ...({ ignoreCoordinatedOmission: true } as object) } : {}),
    // Latency of the responses actually received. With a rate set, autocannon 8 "corrects" for
    // coordinated omission with an expected interval of ceil(1/rate) = 1 ms (it passes a per-second
    // rate where milliseconds are due), so one 400 ms response adds ~400 synthetic samples (3,000
    // requests gave a histogram of ~55,000) and p90/p99 describe a few slow requests, not the 99th.
    // (ignoreCoordinatedOmission is not in autocannon's type definitions; only valid with a rate.)
    requests: [
      {
        method: 'POST',
        path: ch.path,
        headers: { 'content-type': 'application/json', ...ch.headers },
        setupRequest: (req, context) => {
          const id = ids[next++ % ids.length]!;
          context.id = id;
          return { ...req, body: JSON.stringify(ch.body(id)) };
        },
        onResponse: (status, _body, context) => {
          statuses.set(context.id as number, status);
          lastResponse = performance.now();
        },
      },
    ],
  });
  return { result, statuses, seconds: (lastResponse - started) / 1000 };
}

interface Server {
  url: string;
  pid: number;
  stop(): Promise<void>;
  /** Highest resident set size seen while sampling (the whole process: HTTP thread + workers). */
  peakRssMb(): number;
  stderr(): string;
}

/** VmRSS of a process in MB (Linux /proc), 0 when unknown. */
function rssMb(pid: number): number {
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** The real server (src/server/main.ts) as a child process, sampled for RSS every 200 ms. */
async function startServer(options: { dataDir: string; env: Record<string, string>; nodeArgs: string[]; stdout?: string; readyTimeoutMs?: number }): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, [...options.nodeArgs, '--import', 'tsx', path.join(repoRoot, 'src/server/main.ts')], {
    cwd: repoRoot,
    stdio: ['ignore', options.stdout ? openSync(path.resolve(options.stdout), 'a') : 'ignore', 'pipe'],
    env: { ...process.env, ...options.env, DATA_DIR: options.dataDir, HOST: '127.0.0.1', PORT: String(port) },
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb(child.pid!))), 200);
  const url = `http://127.0.0.1:${port}`;
  const server: Server = {
    url,
    pid: child.pid!,
    peakRssMb: () => Math.max(peak, rssMb(child.pid!)),
    stderr: () => stderr,
    stop: async () => {
      clearInterval(sampler);
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
  const deadline = Date.now() + (options.readyTimeoutMs ?? 600_000);
  for (;;) {
    if (await fetch(`${url}/readyz`).then((r) => r.status === 200, () => false)) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      await server.stop();
      throw new Error(`server did not start: ${stderr.slice(-500)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return server;
}

/** Commits and row changes of one database, and CPU seconds of the PostgreSQL server's processes. */
interface PgLoad { commits: number; rows: number; cpuSeconds: number }

async function pgLoad(url: string, postmasterPid: number | undefined): Promise<PgLoad> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ commits: string; rows: string }>(
      'SELECT xact_commit AS commits, tup_inserted + tup_updated + tup_deleted AS rows FROM pg_stat_database WHERE datname = current_database()',
    );
    return { commits: Number(rows[0]!.commits), rows: Number(rows[0]!.rows), cpuSeconds: postmasterPid ? processTreeCpuSeconds(postmasterPid) : 0 };
  } finally {
    await client.end();
  }
}

/** utime + stime of a process and its direct children (PostgreSQL's backends), in seconds. */
function processTreeCpuSeconds(root: number): number {
  const ticks = 100; // USER_HZ on Linux
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ppid = Number(fields[1]);
      if (Number(entry) !== root && ppid !== root) continue;
      total += (Number(fields[11]) + Number(fields[12])) / ticks;
    } catch {
      // The process ended while we read.
    }
  }
  return total;
}

interface Deployment {
  label: string;
  replicas: number;
  results: PhaseResult[];
  rssMb: number[];
  pg?: { commitsPerSecond: number; rowsPerSecond: number; cpuPercent: number };
}

async function runPhases(
  label: string,
  servers: Server[],
  base: number,
  channelsOf: (urls: string[]) => Channel[],
  o: { perChannel: number; connections: number; rate: number; maxSeconds: number; replyTimeout: number },
): Promise<PhaseResult[]> {
  const results: PhaseResult[] = [];
  for (const [n, ch] of channelsOf(servers.map((s) => s.url)).entries()) {
    const ids = Array.from({ length: o.perChannel }, (_, i) => base + 1_000_000 * (n + 1) + i);
    const started = performance.now();
    // A load balancer in front of the replicas: the updates are spread over them round-robin,
    // each replica's share offered at its share of the rate, all at the same time.
    const shares = servers.map((_, r) => ids.filter((_, i) => i % servers.length === r));
    const parts = await Promise.all(
      servers.map((s, r) => deliver(s.url, ch, shares[r]!, Math.ceil(o.connections / servers.length), o.rate / servers.length, o.maxSeconds)),
    );
    const statuses = new Map<number, number>();
    for (const part of parts) for (const [id, st] of part.statuses) statuses.set(id, st);
    const seconds = Math.max(...parts.map((p) => p.seconds));
    const acknowledged = [...statuses.values()].filter((st) => st === 200).length;
    const refused: Record<string, number> = {};
    for (const st of statuses.values()) if (st !== 200) refused[st] = (refused[st] ?? 0) + 1;
    const unsent = ids.length - statuses.size;
    if (unsent > 0) refused.unsent = unsent;

    // Redeliver what was refused or never sent, as the platform would, until accepted.
    let pending = ids.filter((id) => statuses.get(id) !== 200);
    let rounds = 0;
    while (pending.length > 0 && rounds < 100) {
      rounds++;
      const again = await deliver(servers[rounds % servers.length]!.url, ch, pending, o.connections, 0, o.maxSeconds);
      pending = pending.filter((id) => again.statuses.get(id) !== 200);
      if (pending.length > 0) await new Promise((r) => setTimeout(r, 500));
    }
    const chats = new Set(ids.map(ch.chatOf));
    const repliesDone = (): boolean => {
      const got = new Set(ch.api.callsTo('sendMessage').filter((c) => c.status === 200).map((c) => String(c.params.chat_id)));
      return [...chats].every((c) => got.has(c));
    };
    await ch.api.waitFor(repliesDone, o.replyTimeout * 1000).catch(() => undefined);
    const repliesSeconds = (performance.now() - started) / 1000;
    const perChat = new Map<string, number>();
    for (const c of ch.api.callsTo('sendMessage')) if (c.status === 200) perChat.set(String(c.params.chat_id), (perChat.get(String(c.params.chat_id)) ?? 0) + 1);
    const lost = [...chats].filter((c) => !perChat.has(c)).length;
    const duplicated = [...chats].filter((c) => (perChat.get(c) ?? 0) > distinctTexts(ch, c)).length;
    const latencies = parts.map((p) => p.result.latency);
    results.push({
      channel: `${ch.name} (${label})`,
      sent: ids.length,
      acknowledged,
      refused,
      seconds,
      ackPerSecond: acknowledged / seconds,
      respondedPerSecond: statuses.size / seconds,
      answeredPerSecond: ids.length / repliesSeconds,
      // Per replica percentiles: the worst replica's (a conservative merge without the raw samples).
      latencyP50: Math.max(...latencies.map((l) => l.p50)),
      latencyP99: Math.max(...latencies.map((l) => l.p99)),
      latencyMax: Math.max(...latencies.map((l) => l.max)),
      redeliveryRounds: rounds,
      lost,
      duplicated,
      repliesSeconds,
      autocannonSeconds: Math.max(...parts.map((p) => p.result.duration)),
    });
  }
  return results;
}

async function main(): Promise<void> {
  program.parse();
  const o = program.opts<{ updates: string; connections: string; rate: string; maxSeconds: string; replyTimeout: string; cpuProf?: string; serverNodeArgs?: string; serverStdout?: string; replicas?: boolean; quick?: boolean; scale: string; workers?: string }>();
  const quick = o.quick === true;
  const phase = {
    perChannel: quick ? 600 : Number(o.updates),
    connections: Number(o.connections),
    rate: quick ? 600 : Number(o.rate),
    maxSeconds: Number(o.maxSeconds),
    replyTimeout: Number(o.replyTimeout),
  };
  const scale = Math.max(1, Number(o.scale));
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'troly-load-'));
  const telegram = fakeTelegram(TOKENS.telegram);
  const zalo = fakeZalo(TOKENS.zalo);
  await telegram.start();
  await zalo.start();
  const servers: Server[] = [];
  let pgServer: PgServer | undefined;

  try {
    // The seed corpus indexed beside the bundled knowledge (lexical-only), like a real deployment;
    // --scale N indexes N synthetic copies of it (bench/synthetic.ts) instead.
    const dataDir = path.join(tmp, 'data');
    const corpus = path.resolve(repoRoot, '../shared/corpus');
    const knowledgeDir = path.join(repoRoot, 'knowledge');
    let paths = existsSync(corpus) ? [corpus] : [];
    if (scale > 1 && existsSync(corpus)) {
      const outDir = path.join(tmp, `synthetic-${scale}`);
      generateSyntheticCorpus({ seedDir: corpus, outDir, copies: scale, provincesFile: path.join(knowledgeDir, 'provinces.json') });
      paths = [outDir];
    }
    await runReindex({ dataDir, knowledgeDir, paths, modelDir: path.join(tmp, 'no-models'), embeddingModel: 'none', logger: createLogger({ level: 'silent' }) });

    const nodeArgs = [
      ...(o.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(o.cpuProf)}`] : []),
      ...(o.serverNodeArgs ? o.serverNodeArgs.split(/\s+/).filter(Boolean) : []),
    ];
    const env: Record<string, string> = {
      KNOWLEDGE_DIR: knowledgeDir,
      MODEL_DIR: path.join(tmp, 'no-models'),
      LOG_LEVEL: 'warn',
      TELEGRAM_BOT_TOKEN: TOKENS.telegram,
      TELEGRAM_WEBHOOK_SECRET: TOKENS.telegramSecret,
      TELEGRAM_API_ROOT: telegram.url,
      ZALO_BOT_TOKEN: TOKENS.zalo,
      ZALO_WEBHOOK_SECRET: TOKENS.zaloSecret,
      ZALO_API_BASE: zalo.url,
      // Every update comes from its own chat; the per-chat limit is not what is measured here.
      RATE_LIMIT_PER_MINUTE: '1000000',
      REMINDER_HOUR: '23',
      ...(o.workers !== undefined ? { ANSWER_WORKERS: o.workers } : {}),
    };
    const channelsOf = (): Channel[] => [
      { name: 'telegram', path: '/telegram/webhook', headers: { 'x-telegram-bot-api-secret-token': TOKENS.telegramSecret }, body: telegramUpdate, chatOf: (id) => String(id), api: telegram },
      { name: 'zalo', path: '/zalo/webhook', headers: { 'x-bot-api-secret-token': TOKENS.zaloSecret }, body: zaloEvent, chatOf: (id) => `c${id}`, api: zalo },
    ];

    if (!o.replicas) {
      const server = await startServer({ dataDir, env, nodeArgs, ...(o.serverStdout ? { stdout: o.serverStdout } : {}) });
      servers.push(server);
      const results = await runPhases('embedded', [server], 0, channelsOf, phase);
      process.stdout.write(render(results, { updates: phase.perChannel, connections: phase.connections, rate: phase.rate }));
      process.stdout.write(`RSS (peak, HTTP thread + answering workers, ${scale}× corpus): ${server.peakRssMb().toFixed(0)} MB\n`);
      return;
    }

    // Replicas: one PostgreSQL (a private server on loopback, as the tests start it), one
    // replica against it, then two replicas (each its own DATA_DIR) against a fresh database.
    const bin = findPgBin();
    if (!bin) throw new Error(PG_MISSING);
    pgServer = await startPostgres(bin);
    const admin = new pg.Client({ connectionString: pgServer.url });
    await admin.connect();
    const pgDataDir = (await admin.query<{ data_directory: string }>('SHOW data_directory')).rows[0]!.data_directory;
    await admin.end();
    const postmasterPid = Number(readFileSync(path.join(pgDataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);

    const deployments: Deployment[] = [];
    for (const [d, replicas] of [1, 2].entries()) {
      const url = await freshDatabase(pgServer.url);
      const group: Server[] = [];
      for (let r = 0; r < replicas; r++) {
        // Replicas share no filesystem: each starts from its own copy of the built index.
        const own = path.join(tmp, `replica-${replicas}-${r}`);
        cpSync(dataDir, own, { recursive: true });
        // One after another: the first applies the migrations and publishes the index version.
        group.push(await startServer({ dataDir: own, env: { ...env, DATABASE_URL: url }, nodeArgs }));
      }
      servers.push(...group);
      const before = await pgLoad(url, postmasterPid);
      const t0 = performance.now();
      const results = await runPhases(`${replicas} replica${replicas > 1 ? 's' : ''}`, group, 10_000_000 * (d + 1), channelsOf, phase);
      const wall = (performance.now() - t0) / 1000;
      const after = await pgLoad(url, postmasterPid);
      deployments.push({
        label: `${replicas} replica${replicas > 1 ? 's' : ''}`,
        replicas,
        results,
        rssMb: group.map((s) => s.peakRssMb()),
        pg: {
          commitsPerSecond: (after.commits - before.commits) / wall,
          rowsPerSecond: (after.rows - before.rows) / wall,
          cpuPercent: (100 * (after.cpuSeconds - before.cpuSeconds)) / wall,
        },
      });
      for (const s of group) await s.stop();
    }
    process.stdout.write(renderReplicas(deployments, { updates: phase.perChannel, connections: phase.connections, rate: phase.rate, scale, quick }));
  } finally {
    for (const s of servers) await s.stop();
    pgServer?.stop();
    await telegram.close();
    await zalo.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}

function renderReplicas(deployments: Deployment[], run: { updates: number; connections: number; rate: number; scale: number; quick: boolean }): string {
  const out = [render(deployments.flatMap((d) => d.results), run).trimEnd(), ''];
  out.push(`## Two replicas against one (one PostgreSQL, ${run.scale}× corpus${run.quick ? ', --quick' : ''})`, '');
  out.push('| deployment | telegram ack/s | zalo ack/s | telegram answered/s | zalo answered/s | lost | duplicated | peak RSS per replica | PostgreSQL commits/s | rows changed/s | PostgreSQL CPU |');
  out.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const d of deployments) {
    const [t, z] = d.results;
    out.push(
      `| ${d.label} | ${t!.ackPerSecond.toFixed(0)} | ${z!.ackPerSecond.toFixed(0)} | ${t!.answeredPerSecond.toFixed(0)} | ${z!.answeredPerSecond.toFixed(0)} | ${t!.lost + z!.lost} | ${t!.duplicated + z!.duplicated} | ${d.rssMb.map((m) => `${m.toFixed(0)} MB`).join(' + ')} | ${d.pg!.commitsPerSecond.toFixed(0)} | ${d.pg!.rowsPerSecond.toFixed(0)} | ${d.pg!.cpuPercent.toFixed(0)} % of a core |`,
    );
  }
  const [one, two] = deployments;
  if (one && two) {
    const ratio = (f: (r: PhaseResult) => number) => two.results.map((r, i) => (f(r) / f(one.results[i]!)).toFixed(2));
    out.push('');
    out.push(`Ratio two/one — ack/s: telegram ${ratio((r) => r.ackPerSecond)[0]}, zalo ${ratio((r) => r.ackPerSecond)[1]}; answered/s: telegram ${ratio((r) => r.answeredPerSecond)[0]}, zalo ${ratio((r) => r.answeredPerSecond)[1]}.`);
  }
  out.push('');
  out.push('All replicas and PostgreSQL share this machine\'s cores, so two replicas here measure the coordination cost (shared queue, leases, one database), not the gain of a second machine. PostgreSQL runs with fsync off (the test server): commit costs on a durable server are higher.');
  out.push('');
  return `${out.join('\n')}\n`;
}

/** Distinct texts delivered to a chat: one answer split into parts has distinct parts; a duplicate repeats one. */
function distinctTexts(ch: Channel, chat: string): number {
  const texts = ch.api.callsTo('sendMessage').filter((c) => c.status === 200 && String(c.params.chat_id) === chat).map((c) => String(c.params.text));
  return new Set(texts).size;
}

function render(results: PhaseResult[], run: { updates: number; connections: number; rate: number }): string {
  const m = machineRecord();
  const out = [
    '# Webhook load benchmark',
    '',
    `Machine: ${m.cores} cores, ${m.cpu}, Node ${m.node}; run ${m.date}. Real server (child process) on 127.0.0.1, fake Bot APIs, ${run.updates} updates per channel, ${run.connections} connections, target ${run.rate > 0 ? `${run.rate} updates/s` : 'max rate'}.`,
    '',
    '| channel | acknowledged (200) | refused (first pass) | ack updates/s | responses/s (any status) | latency p50 | p99 | max | redelivery rounds | lost | duplicated | all replied after | answered/s | targets (p99 ≤ 50 ms at ≥ 1,000/s, 0 lost) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of results) {
    const met = r.latencyP99 <= 50 && r.ackPerSecond >= 1000 && r.lost === 0 && r.duplicated === 0;
    out.push(
      `| ${r.channel} | ${r.acknowledged}/${r.sent} | ${Object.entries(r.refused).map(([k, v]) => `${k}: ${v}`).join(', ') || '0'} | ${r.ackPerSecond.toFixed(0)} | ${r.respondedPerSecond.toFixed(0)} | ${r.latencyP50} ms | ${r.latencyP99} ms | ${r.latencyMax} ms | ${r.redeliveryRounds} | ${r.lost} | ${r.duplicated} | ${r.repliesSeconds.toFixed(1)} s | ${r.answeredPerSecond.toFixed(0)} | ${met ? 'met' : '**missed**'} |`,
    );
  }
  out.push('');
  out.push(`Delivery time is measured from the start of a phase to its last response; autocannon's own duration (${results.map((r) => `${r.channel} ${r.autocannonSeconds} s`).join(', ')}) ends on its next 1 s sample tick.`);
  out.push('');
  return `${out.join('\n')}\n`;
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:load failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
