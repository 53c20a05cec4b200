"""The SQLite store (sqlite-utils, FTS5, one writer) and its backups."""
