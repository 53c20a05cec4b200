-- ictdigest schema as first released: corpus v1 + bot v1.
-- FROZEN: never edit. tests/test_upgrade.py builds an old database from it and upgrades it.
-- (FTS5 shadow tables are left out: CREATE VIRTUAL TABLE makes them.)

CREATE TABLE schema_migrations ( namespace TEXT NOT NULL, version INTEGER NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (namespace, version));

CREATE TABLE articles (
  id INTEGER PRIMARY KEY,
  url TEXT UNIQUE,
  content_hash TEXT NOT NULL UNIQUE,
  source TEXT NOT NULL,
  origin TEXT NOT NULL,
  title TEXT NOT NULL,
  published TEXT NOT NULL,
  published_at TEXT,
  body TEXT NOT NULL,
  raw TEXT NOT NULL,
  kind TEXT NOT NULL,
  story_id INTEGER,
  ingested_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE INDEX articles_published ON articles (published, id);

CREATE INDEX articles_story ON articles (story_id);

CREATE INDEX articles_origin ON articles (origin);

CREATE TABLE sentences (
  article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  paragraph INTEGER NOT NULL,
  text TEXT NOT NULL,
  folded TEXT NOT NULL,
  is_heading INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (article_id, idx)
) WITHOUT ROWID;

CREATE TABLE mentions (
  article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
  org_key TEXT NOT NULL,
  alias TEXT NOT NULL,
  sentence_idx INTEGER NOT NULL
);

CREATE INDEX mentions_org ON mentions (org_key, article_id);

CREATE INDEX mentions_article ON mentions (article_id);

CREATE TABLE organisations (
  key TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  aliases TEXT NOT NULL DEFAULT '[]',
  discovered INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE people (
  article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  role TEXT,
  org_key TEXT,
  sentence_idx INTEGER NOT NULL
);

CREATE INDEX people_org ON people (org_key);

CREATE INDEX people_article ON people (article_id);

CREATE TABLE targets (
  article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
  year INTEGER NOT NULL,
  month INTEGER,
  goal TEXT NOT NULL,
  setter TEXT,
  sentence_idx INTEGER NOT NULL,
  sentence TEXT NOT NULL
);

CREATE INDEX targets_year ON targets (year, month);

CREATE INDEX targets_article ON targets (article_id);

CREATE VIRTUAL TABLE articles_fts USING fts5 (
  title, body, content = '', tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TABLE story_sketches (
  article_id INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
  signature BLOB NOT NULL
);

CREATE TABLE story_bands (
  band_key INTEGER NOT NULL,
  article_id INTEGER NOT NULL,
  PRIMARY KEY (band_key, article_id)
) WITHOUT ROWID;

CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);

CREATE TABLE chats (
            chat_id INTEGER PRIMARY KEY,
            type TEXT NOT NULL,
            title TEXT,
            language TEXT NOT NULL DEFAULT 'vi',
            themes TEXT,                -- JSON list of theme keys; NULL means every theme
            time TEXT NOT NULL DEFAULT '07:00',
            active INTEGER NOT NULL DEFAULT 1,
            last_article_id INTEGER,    -- highest article id the chat has received
            schedule_since TEXT NOT NULL, -- when the current daily time took effect
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );

CREATE TABLE deliveries (
            id INTEGER PRIMARY KEY,
            chat_id INTEGER NOT NULL,
            digest_day TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('pending','sending','sent','failed','uncertain')),
            messages TEXT NOT NULL,      -- JSON list of rendered Telegram HTML parts
            parts_sent INTEGER NOT NULL DEFAULT 0,
            uncertain_parts TEXT,        -- JSON list of part indexes possibly not delivered
            max_article_id INTEGER,
            article_count INTEGER NOT NULL DEFAULT 0,
            error TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            finished_at TEXT,
            UNIQUE (chat_id, digest_day)
        );

CREATE INDEX deliveries_state ON deliveries(state);

CREATE TABLE page_queries (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            arg TEXT NOT NULL,
            created_at TEXT NOT NULL,
            UNIQUE (kind, arg)
        );

INSERT INTO schema_migrations (namespace, version, applied_at) VALUES ('corpus', 1, '2025-05-01T00:00:00+00:00');
INSERT INTO schema_migrations (namespace, version, applied_at) VALUES ('bot', 1, '2025-05-01T00:00:00+00:00');
