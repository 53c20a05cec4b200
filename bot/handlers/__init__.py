"""The core Telegram command handlers, one module per command family.

Pure decisions live in parsing.py, shared reply helpers in common.py."""
