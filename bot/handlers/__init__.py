"""The core Telegram command handlers, one module per command family.

Pure decisions live in parsing.py, shared reply helpers in common.py. Text comes from
templates (bot/texts.py); settings changes are guarded by ``@admin_only``; database work
runs on the DbWorker's threads."""
