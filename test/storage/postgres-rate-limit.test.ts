/** The per-chat rate limit held in PostgreSQL: one limit across replicas, the in-memory limiter's answers. */
import { afterEach, describe, expect, it } from 'vitest';
import { SlidingWindowLimiter } from '../../src/server/rate-limit.js';
import { openPostgresStores, type PostgresStores } from '../../src/storage/postgres.js';
import { freshDatabase, PG_MISSING } from '../helpers/postgres.js';
import { pgServerUrl } from './pg-url.js';

const serverUrl = pgServerUrl();
if (!serverUrl) console.warn(PG_MISSING);
const opened: PostgresStores[] = [];
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
});

describe.skipIf(!serverUrl)('rate limits shared by replicas', () => {
  it('two replicas count one chat together and answer as the in-memory limiter does', async () => {
    const url = await freshDatabase(serverUrl!);
    const a = openPostgresStores({ url });
    const b = openPostgresStores({ url });
    opened.push(a, b);
    const shared = [a.rateLimiter(3), b.rateLimiter(3)];
    const local = new SlidingWindowLimiter(3);
    const t0 = Date.parse('2024-11-10T02:00:00Z');
    // Hits alternate between the replicas: the limit is reached after 3 in all, not 3 on each.
    const times = [0, 1_000, 2_000, 3_000, 4_000, 30_000, 60_500, 61_000, 62_500];
    const got = times.map((dt, i) => [shared[i % 2]!.hit('telegram:501', t0 + dt), shared[(i + 1) % 2]!.hit('telegram:502', t0 + dt)]);
    const want = times.map((dt) => [local.hit('telegram:501', t0 + dt), local.hit('telegram:502', t0 + dt)]);
    expect(got).toEqual(want);
    expect(got.map((g) => g[0])).toEqual(['ok', 'ok', 'ok', 'limited', 'silent', 'silent', 'ok', 'ok', 'ok']);
  });
});
