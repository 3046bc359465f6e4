/**
 * Numbered PostgreSQL migrations, applied at start-up under an advisory lock (several replicas may
 * start at once). A number is never reused or edited once released; the SQLite file keeps its own
 * numbering (src/storage/sqlite.ts), the two schemas hold the same data.
 */
export const PG_MIGRATIONS: ReadonlyArray<{ version: number; sql: string }> = [
  {
    version: 1,
    sql: `
      CREATE TABLE profiles (
        channel TEXT NOT NULL, chat_id TEXT NOT NULL,
        agency_id TEXT, province TEXT, reminders BOOLEAN NOT NULL DEFAULT FALSE,
        updated_at TIMESTAMPTZ NOT NULL,
        PRIMARY KEY (channel, chat_id));
      CREATE INDEX profiles_subscribers ON profiles (reminders) WHERE reminders AND agency_id IS NOT NULL;
      -- Kept as text, not jsonb: a state an older version wrote must still be read (and reset).
      CREATE TABLE conversations (
        channel TEXT NOT NULL, chat_id TEXT NOT NULL, state TEXT NOT NULL, updated_at TIMESTAMPTZ NOT NULL,
        PRIMARY KEY (channel, chat_id));
      CREATE TABLE questions (
        id BIGSERIAL PRIMARY KEY,
        channel TEXT NOT NULL, chat_id TEXT NOT NULL,
        question TEXT NOT NULL, answer TEXT NOT NULL, intent TEXT NOT NULL,
        refused BOOLEAN NOT NULL, reason TEXT, latency_ms INTEGER NOT NULL, asked_at TIMESTAMPTZ NOT NULL);
      CREATE INDEX questions_asked_at ON questions (asked_at);
      CREATE TABLE feedback (
        question_id BIGINT NOT NULL REFERENCES questions(id),
        channel TEXT NOT NULL, chat_id TEXT NOT NULL,
        rating SMALLINT NOT NULL, question TEXT NOT NULL, answer TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL,
        PRIMARY KEY (question_id, channel, chat_id));
      CREATE INDEX feedback_created_at ON feedback (created_at);
      CREATE TABLE reminder_ledger (
        channel TEXT NOT NULL, chat_id TEXT NOT NULL, task_id TEXT NOT NULL, due TEXT NOT NULL,
        threshold TEXT NOT NULL, status TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL,
        PRIMARY KEY (channel, chat_id, task_id, due, threshold));
      CREATE TABLE scheduler_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      -- The inbox: dedupe keys and the durable reply backlog. seq orders the backlog (rowid in SQLite).
      CREATE TABLE inbox (
        seq BIGSERIAL UNIQUE,
        channel TEXT NOT NULL, key TEXT NOT NULL, payload TEXT NOT NULL,
        received_at TIMESTAMPTZ NOT NULL, done_at TIMESTAMPTZ,
        attempts INTEGER NOT NULL DEFAULT 0, parked_at TIMESTAMPTZ, error TEXT,
        PRIMARY KEY (channel, key));
      CREATE INDEX inbox_pending ON inbox (seq) WHERE done_at IS NULL;
      CREATE INDEX inbox_received_at ON inbox (received_at);
      CREATE TABLE outbox (
        id BIGSERIAL PRIMARY KEY,
        channel TEXT NOT NULL, chat_id TEXT NOT NULL, source TEXT,
        reply TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
        next_at TIMESTAMPTZ NOT NULL, lease_until TIMESTAMPTZ, created_at TIMESTAMPTZ NOT NULL,
        done_at TIMESTAMPTZ, error TEXT);
      CREATE INDEX outbox_chat ON outbox (channel, chat_id, status);
      CREATE INDEX outbox_status ON outbox (status, next_at);
      CREATE INDEX outbox_source ON outbox (channel, source);
    `,
  },
  {
    // The inbox as a queue shared by replicas (src/storage/postgres-queue.ts): each update is
    // leased to one replica until lease_until (renewed while it runs; a dead replica's lease runs
    // out and another takes the update). lane = the chat, read from the stored update the same way
    // src/server/queue.ts reads it, so one chat's updates start one at a time, oldest first; an
    // update naming no chat is a lane of its own. Inserts wake the other replicas (NOTIFY).
    version: 2,
    sql: `
      ALTER TABLE inbox ADD COLUMN lease_owner TEXT;
      ALTER TABLE inbox ADD COLUMN lease_until TIMESTAMPTZ;
      ALTER TABLE inbox ADD COLUMN lane TEXT GENERATED ALWAYS AS (
        channel || ':' || COALESCE(
          CASE WHEN channel = 'zalo' THEN payload::jsonb #>> '{message,chat,id}'
          ELSE COALESCE(
            payload::jsonb #>> '{message,chat,id}',
            payload::jsonb #>> '{edited_message,chat,id}',
            payload::jsonb #>> '{channel_post,chat,id}',
            payload::jsonb #>> '{callback_query,message,chat,id}',
            payload::jsonb #>> '{callback_query,from,id}') END,
          '#' || key)) STORED;
      CREATE INDEX inbox_lane_pending ON inbox (lane, seq) WHERE done_at IS NULL;
      CREATE FUNCTION inbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM pg_notify('tla_inbox', ''); RETURN NULL; END $$;
      CREATE TRIGGER inbox_inserted AFTER INSERT ON inbox FOR EACH STATEMENT EXECUTE FUNCTION inbox_notify();
    `,
  },
  {
    // Index versions for replicas without a shared filesystem (src/storage/postgres-index.ts):
    // each version's files in parts, and the one live version.
    version: 3,
    sql: `
      CREATE TABLE index_versions (
        name TEXT PRIMARY KEY, published_at TIMESTAMPTZ NOT NULL, bytes BIGINT NOT NULL, files INTEGER NOT NULL);
      CREATE TABLE index_files (
        version TEXT NOT NULL REFERENCES index_versions(name) ON DELETE CASCADE,
        path TEXT NOT NULL, part INTEGER NOT NULL, data BYTEA NOT NULL,
        PRIMARY KEY (version, path, part));
      CREATE TABLE index_live (
        id BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (id),
        name TEXT NOT NULL REFERENCES index_versions(name), published_at TIMESTAMPTZ NOT NULL);
    `,
  },
  {
    // Rate limits shared by replicas (src/storage/postgres-stores.ts PgRateLimits): the hits of
    // the last window per key, so a chat gets RATE_LIMIT_PER_MINUTE whichever replica answers.
    version: 4,
    sql: `
      CREATE TABLE rate_limits (
        key TEXT PRIMARY KEY, hits BIGINT[] NOT NULL, warned BOOLEAN NOT NULL DEFAULT FALSE,
        updated_at TIMESTAMPTZ NOT NULL);
      CREATE INDEX rate_limits_updated_at ON rate_limits (updated_at);
    `,
  },
  {
    // The task board (src/storage/postgres-board.ts): accounts, login sessions, reported task
    // status with its full history, the list a chat was last shown, chats linked to accounts —
    // the same tables as the SQLite board (src/storage/board.ts), so every replica sees one board.
    // Times are ISO text as in SQLite: the store compares them as the embedded one does.
    version: 5,
    sql: `
      CREATE TABLE board_users (
        login TEXT PRIMARY KEY, password_hash TEXT NOT NULL, role TEXT NOT NULL,
        agency_id TEXT, agency_name TEXT, province TEXT,
        disabled BOOLEAN NOT NULL DEFAULT FALSE, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
      CREATE TABLE board_sessions (
        token_hash TEXT PRIMARY KEY, login TEXT NOT NULL REFERENCES board_users(login),
        created_at TEXT NOT NULL, expires_at TEXT NOT NULL);
      CREATE INDEX board_sessions_login ON board_sessions (login);
      CREATE INDEX board_sessions_expires ON board_sessions (expires_at);
      CREATE TABLE board_status (
        task_key TEXT PRIMARY KEY, record_id TEXT NOT NULL, doc_id TEXT NOT NULL, title TEXT NOT NULL,
        status TEXT NOT NULL, note TEXT, updated_by TEXT NOT NULL, updated_at TEXT NOT NULL);
      CREATE INDEX board_status_record ON board_status (record_id);
      CREATE TABLE board_status_history (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        task_key TEXT NOT NULL, record_id TEXT NOT NULL, doc_id TEXT NOT NULL, title TEXT NOT NULL,
        status TEXT NOT NULL, note TEXT, changed_by TEXT NOT NULL, changed_at TEXT NOT NULL, via TEXT NOT NULL);
      CREATE INDEX board_status_history_key ON board_status_history (task_key);
      CREATE TABLE board_chat_lists (
        channel TEXT NOT NULL, chat_id TEXT NOT NULL, tasks TEXT NOT NULL, listed_at TEXT NOT NULL,
        PRIMARY KEY (channel, chat_id));
      CREATE TABLE board_chat_links (
        channel TEXT NOT NULL, chat_id TEXT NOT NULL, login TEXT NOT NULL REFERENCES board_users(login),
        PRIMARY KEY (channel, chat_id));
    `,
  },
];
