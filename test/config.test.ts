import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { USER_MESSAGES, AppError, isAppError, userMessage, type ErrorCode } from '../src/errors.js';
import { INGEST_ERROR_CODES } from '../src/domain/document.js';

describe('loadConfig', () => {
  it('applies the documented defaults and freezes the result', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      DATA_DIR: './data',
      KNOWLEDGE_DIR: './knowledge',
      MODEL_DIR: './models',
      EMBEDDING_MODEL: 'Xenova/multilingual-e5-small',
      ALLOW_REMOTE_MODELS: false,
      LOG_LEVEL: 'info',
      PORT: 8080,
      RATE_LIMIT_PER_MINUTE: 20,
      TIMEZONE: 'Asia/Ho_Chi_Minh',
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('treats empty strings as unset and parses numbers, booleans and id lists', () => {
    const config = loadConfig({ PORT: '9000', ALLOW_REMOTE_MODELS: 'true', DATA_DIR: '', TELEGRAM_ADMIN_IDS: ' 1, 22 ,,333' });
    expect(config.PORT).toBe(9000);
    expect(config.ALLOW_REMOTE_MODELS).toBe(true);
    expect(config.DATA_DIR).toBe('./data');
    expect(config.TELEGRAM_ADMIN_IDS).toEqual(['1', '22', '333']);
    expect(loadConfig({}).ANSWER_WORKERS).toBeUndefined(); // the server then uses cores − 1
    expect(loadConfig({ ANSWER_WORKERS: '0' }).ANSWER_WORKERS).toBe(0);
  });

  it('names the variable in the error', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ ZALO_WEBHOOK_SECRET: 'short' })).toThrow(/ZALO_WEBHOOK_SECRET/);
    expect(() => loadConfig({ TELEGRAM_WEBHOOK_SECRET: 'has spaces!' })).toThrow(/TELEGRAM_WEBHOOK_SECRET/);
    expect(() => loadConfig({ ANSWER_WORKERS: '-1' })).toThrow(/ANSWER_WORKERS/);
  });
});

describe('error catalogue', () => {
  it('has Vietnamese user text for every code, including every ingestion code', () => {
    for (const [code, text] of Object.entries(USER_MESSAGES)) {
      expect(text.length, code).toBeGreaterThan(10);
      // Vietnamese, not an English placeholder: at least one letter with a diacritic.
      expect(text, code).toMatch(/[àáảãạăắằẳẵặâấầẩẫậèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵđ]/i);
    }
    for (const code of INGEST_ERROR_CODES) expect(Object.keys(USER_MESSAGES)).toContain(code);
  });

  it('keeps the code on AppError and never needs err.message for users', () => {
    const err = new AppError('INDEX_MISSING', 'no index in /data', { cause: new Error('ENOENT') });
    expect(isAppError(err, 'INDEX_MISSING')).toBe(true);
    expect(isAppError(err, 'INDEX_CORRUPT')).toBe(false);
    expect(userMessage(err.code as ErrorCode)).not.toContain('/data');
  });
});
