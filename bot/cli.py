"""The ``ictdigest`` command: digests' commands plus run, console, chats, send and doctor."""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from collections.abc import Sequence

from bot.settings import Settings, SettingsError, load_settings
from digests import cli as digests_cli

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _settings(args: argparse.Namespace) -> Settings:
    from bot.runner import with_db

    return with_db(load_settings(), getattr(args, "db", None))


def cmd_run(args: argparse.Namespace) -> int:
    from bot.runner import run

    return run(_settings(args))


def cmd_console(args: argparse.Namespace) -> int:
    from bot.runner import console

    return console(_settings(args))


def cmd_chats(args: argparse.Namespace) -> int:
    from bot.runner import chat_rows, format_chat_rows

    rows = chat_rows(_settings(args))
    if getattr(args, "json", False):
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        print(format_chat_rows(rows, digests_cli.lang_of(args)))
    return EXIT_OK


def cmd_send(args: argparse.Namespace) -> int:
    from bot.runner import send

    return send(_settings(args), args.chat, args.theme)


def cmd_doctor(args: argparse.Namespace) -> int:
    from bot.doctor import run_doctor

    return run_doctor(_settings(args), out=sys.stdout, quick=args.quick)


def build_parser() -> argparse.ArgumentParser:
    parser = digests_cli.build_parser()
    add = digests_cli.add_command
    add(parser, "run", "run the bot (Telegram with a token, else the terminal console)", cmd_run)
    add(parser, "console", "chat with the bot in the terminal (local emulator)", cmd_console)
    add(parser, "chats", "list chats with their settings and last delivery", cmd_chats)
    send = add(parser, "send", "send a chat its digest now, through the outbox", cmd_send)
    send.add_argument("--chat", type=int, required=True, metavar="ID")
    send.add_argument("--theme", metavar="THEME", default=None)
    doctor = add(parser, "doctor", "check database, schema, token, scheduler, sources", cmd_doctor)
    doctor.add_argument("--quick", action="store_true", help="only the checks needing no network")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return digests_cli.dispatch(args, parser)
    except SettingsError as exc:
        print(f"ictdigest: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
        # A damaged page met mid-command (not at open): one line, never a traceback.
        from digests.store.store import RESTORE_HINT, explain

        line = (
            explain(exc) if isinstance(exc, sqlite3.Error) else f"database damaged; {RESTORE_HINT}"
        )
        print(f"ictdigest: {line}", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    raise SystemExit(main())
