/**
 * Child of the poison-loop fault test: drains the inbox of <dbFile> with the real reply queue.
 * An update whose text is "poison" kills this process (SIGKILL, as a fatal heap exhaustion
 * would); others print "ANSWERED <key>". Parked updates print "PARKED <key> <attempts>".
 *   node --import tsx test/faults/poison-child.ts <dbFile>
 */
import { writeSync } from 'node:fs';
import pino from 'pino';
import { InboxQueue } from '../../src/server/queue.js';
import { openSqliteStores } from '../../src/storage/sqlite.js';

const [file] = process.argv.slice(2);
if (!file) throw new Error('usage: poison-child <dbFile>');
const stores = openSqliteStores({ file });
const queue = new InboxQueue({
  inbox: stores.dedupe,
  logger: pino({ level: 'silent' }),
  concurrency: 1,
  handler: async (job) => {
    const text = (job.update as { message?: { text?: string } }).message?.text;
    if (text === 'poison') process.kill(process.pid, 'SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 5));
    writeSync(1, `ANSWERED ${job.key}\n`);
  },
  onParked: (items) => {
    for (const p of items) writeSync(1, `PARKED ${p.key} ${p.attempts}\n`);
  },
});
queue.start();
await queue.idle();
await queue.drain();
stores.close();
writeSync(1, 'IDLE\n');
