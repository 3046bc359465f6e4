/** The PostgreSQL server of this test run (test/helpers/postgres.ts), read inside test files. */
import { inject } from 'vitest';
import '../helpers/postgres.js';

/** The run's server URL, or undefined when PostgreSQL is missing (the tests skip). */
export function pgServerUrl(): string | undefined {
  const url = inject('pgUrl');
  return url ? url : undefined;
}
