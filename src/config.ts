/**
 * Configuration from the environment, validated once at start-up and frozen.
 * A bad value stops start-up with one message naming the variable.
 */
import proxyaddr from 'proxy-addr';
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const idList = z
  .string()
  .default('')
  .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean));

function validProxyList(list: string[]): boolean {
  try {
    proxyaddr.compile(list);
    return true;
  } catch {
    return false;
  }
}

export const ConfigSchema = z.object({
  /**
   * postgres://user:password@host:5432/db — keep the state, inbox queue and index versions in
   * PostgreSQL so several replicas share them. Unset: the embedded SQLite file in DATA_DIR.
   */
  DATABASE_URL: z
    .string()
    .refine((v) => /^postgres(ql)?:\/\/[^\s]+$/.test(v) && URL.canParse(v), 'must be a postgres:// or postgresql:// URL')
    .optional(),
  /** Index, SQLite database, sessions. Default: ./data */
  DATA_DIR: z.string().min(1).default('./data'),
  /** Bundled and admin-added documents and procedure guides. Default: ./knowledge */
  KNOWLEDGE_DIR: z.string().min(1).default('./knowledge'),
  /** Local embedding models, one folder per model id. Default: ./models */
  MODEL_DIR: z.string().min(1).default('./models'),
  /** Model id under MODEL_DIR. Default: Xenova/multilingual-e5-small */
  EMBEDDING_MODEL: z.string().min(1).default('Xenova/multilingual-e5-small'),
  /** Only `npm run fetch-model` downloads, and only when this is true. Default: false */
  ALLOW_REMOTE_MODELS: bool.default('false'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** HTTP server. Default: 127.0.0.1:8080 */
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /** Public https base URL for webhooks, e.g. https://bot.example.gov.vn */
  PUBLIC_URL: z.string().url().optional(),
  TELEGRAM_BOT_TOKEN: z.string().optional(),
  /** Secret Telegram echoes in X-Telegram-Bot-Api-Secret-Token (1-256 chars A-Z a-z 0-9 _ -). */
  TELEGRAM_WEBHOOK_SECRET: z.string().regex(/^[A-Za-z0-9_-]{1,256}$/, 'only A-Z a-z 0-9 _ - (1-256 chars)').optional(),
  /** Default: https://api.telegram.org (tests point it at a local fake). */
  TELEGRAM_API_ROOT: z.string().url().default('https://api.telegram.org'),
  ZALO_BOT_TOKEN: z.string().optional(),
  /** Secret Zalo echoes in X-Bot-Api-Secret-Token (8-256 chars). */
  ZALO_WEBHOOK_SECRET: z.string().min(8).max(256).optional(),
  /** Default: https://bot-api.zaloplatforms.com */
  ZALO_API_BASE: z.string().url().default('https://bot-api.zaloplatforms.com'),
  /** Admin chat/user ids per channel, comma-separated. */
  TELEGRAM_ADMIN_IDS: idList,
  ZALO_ADMIN_IDS: idList,
  /** Messages per chat per minute. Default: 20 */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(20),
  /** Hours an undelivered answer is retried (429/5xx/network) before it is given up with an apology. Default: 6 */
  DELIVERY_MAX_HOURS: z.coerce.number().positive().max(168).default(6),
  /** Web API (/api/ask) requests per client address per minute, whatever the session. Default: 60 */
  WEB_RATE_LIMIT_PER_IP: z.coerce.number().int().positive().default(60),
  /**
   * Reverse proxies whose X-Forwarded-For is believed (comma-separated addresses, CIDR ranges, or
   * loopback / linklocal / uniquelocal). Default: none — the socket address is the client.
   */
  TRUSTED_PROXY: idList.refine(validProxyList, 'each entry must be an IP address, a CIDR range, or loopback / linklocal / uniquelocal'),
  /** Local hour (Asia/Ho_Chi_Minh) when deadline reminders go out. Default: 8 */
  REMINDER_HOUR: z.coerce.number().int().min(0).max(23).default(8),
  TIMEZONE: z.string().default('Asia/Ho_Chi_Minh'),
  /** OCR: Tesseract language(s). Default: vie */
  OCR_LANG: z.string().default('vie'),
  /** OCR: seconds before a page is given up. Default: 120 */
  OCR_PAGE_TIMEOUT: z.coerce.number().int().positive().default(120),
  /** Threads that compute answers for the server (0: on the HTTP thread). Default: cores − 1, at least 1 */
  ANSWER_WORKERS: z.coerce.number().int().min(0).max(64).optional(),
});
export type Config = Readonly<z.infer<typeof ConfigSchema>>;

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(readonly variable: string, detail: string) {
    super(`Invalid configuration: ${variable} ${detail}`);
  }
}

/** Parse the environment (empty strings count as unset). Throws ConfigError naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cleaned: Record<string, string> = {};
  for (const name of Object.keys(ConfigSchema.shape)) {
    const value = env[name];
    if (value !== undefined && value !== '') cleaned[name] = value;
  }
  const parsed = ConfigSchema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(String(issue.path[0] ?? '?'), `— ${issue.message}`);
  }
  return Object.freeze(parsed.data);
}
