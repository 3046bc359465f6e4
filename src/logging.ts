/**
 * One pino root for the whole app. Tokens never reach a log line: known secret fields are
 * redacted by path, and every string is scrubbed of configured secrets and token-bearing URLs.
 * On a terminal the lines are made readable by pino-pretty; anywhere else (a pipe, a file, a log
 * collector) they stay one JSON object per line.
 */
import pino, { type Logger, type DestinationStream } from 'pino';
import pretty from 'pino-pretty';

const REDACT_PATHS = [
  'token',
  '*.token',
  'secret',
  '*.secret',
  'headers.authorization',
  'headers["x-telegram-bot-api-secret-token"]',
  'headers["x-bot-api-secret-token"]',
  'req.headers.authorization',
  'req.headers["x-telegram-bot-api-secret-token"]',
  'req.headers["x-bot-api-secret-token"]',
  'config.TELEGRAM_BOT_TOKEN',
  'config.ZALO_BOT_TOKEN',
  'config.TELEGRAM_WEBHOOK_SECRET',
  'config.ZALO_WEBHOOK_SECRET',
];

/** Bot tokens embedded in URLs: api.telegram.org/bot<token>/…, bot-api…/bot<token>/… */
const TOKEN_URL_RE = /\/bot[^/\s"']+/g;

export interface LoggerOptions {
  level?: string;
  /** Values that must never appear in output (bot tokens, webhook secrets). */
  secrets?: Array<string | undefined>;
  /** Where to write; default stdout. Tests pass an in-memory stream. */
  destination?: DestinationStream;
  /**
   * Human-readable lines (pino-pretty) instead of JSON. Default: true when writing to stdout and
   * stdout is a terminal, unless LOG_FORMAT=json.
   */
  pretty?: boolean;
}

/** Pretty output only for a person at a terminal; LOG_FORMAT=json forces JSON there too. */
export function wantsPretty(env: NodeJS.ProcessEnv = process.env, isTTY = process.stdout.isTTY === true): boolean {
  if (env.LOG_FORMAT === 'json') return false;
  if (env.LOG_FORMAT === 'pretty') return true;
  return isTTY;
}

export function scrub(text: string, secrets: string[]): string {
  let out = text.replace(TOKEN_URL_RE, '/bot<redacted>');
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join('<redacted>');
  return out;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const secrets = (options.secrets ?? []).filter((s): s is string => typeof s === 'string' && s.length > 0);
  const base =
    options.destination ??
    ((options.pretty ?? wantsPretty())
      ? // Formats the already scrubbed JSON line; synchronous so the last lines before exit are kept.
        pretty({ destination: 1, sync: true, colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' })
      : pino.destination({ dest: 1, sync: false }));
  // Scrub the serialized line so secrets inside error messages and nested fields are caught too.
  const destination: DestinationStream = {
    write(line: string) {
      base.write(scrub(line, secrets));
    },
  };
  return pino(
    {
      level: options.level ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '<redacted>' },
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

export type { Logger };
