/**
 * The small ports the conversation service depends on. src/server implements them (prom-client
 * metrics, in-memory or PostgreSQL rate limits) and src/reindex formats the summary; channels
 * import neither, so dependencies point one way (server → channels, never back).
 */
import type { ReindexSummary } from '../answer/assistant.js';

/** Per-key rate limit: 'ok' to process; 'limited' the first time in a window (reply politely); 'silent' afterwards. */
export interface RateLimiter {
  hit(key: string, now: number): 'ok' | 'limited' | 'silent';
}

/** The answer counters the conversation service reports (a prom-client registry in src/server). */
export interface AnswerMetrics {
  answers: { inc(labels: { channel: string; intent: string }): void };
  refusals: { inc(labels: { channel: string; reason: string }): void };
  latency: { observe(labels: { channel: string }, seconds: number): void };
}

/** Chat text of a /reindex summary (the CLI's wording, file names only). */
export type ReindexSummaryText = (summary: ReindexSummary) => string;
