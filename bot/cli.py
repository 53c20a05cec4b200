"""The ``ictdigest`` command: digests' commands plus run, console, chats, send and doctor."""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from collections.abc import Sequence

from bot.settings import Settings, SettingsError, load_settings
from digests import cli as digests_cli
from digests import cli_common

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
        print(format_chat_rows(rows, cli_common.lang_of(args)))
    return EXIT_OK


def cmd_send(args: argparse.Namespace) -> int:
    from bot.runner import send

    return send(_settings(args), args.chat, args.theme, cli_common.lang_of(args))


def cmd_doctor(args: argparse.Namespace) -> int:
    from bot.doctor import run_doctor

    lang = cli_common.lang_of(args)
    return run_doctor(_settings(args), out=sys.stdout, quick=args.quick, lang=lang)


HELP = {
    "en": {
        "run": "run the bot (Telegram with a token, else the terminal console)",
        "console": "chat with the bot in the terminal (local emulator)",
        "chats": "list chats with their settings and last delivery",
        "send": "send a chat its digest now, through the outbox",
        "doctor": "check database, schema, token, scheduler, sources",
        "quick": "only the checks needing no network",
    },
    "vi": {
        "run": "chạy bot (Telegram nếu có token, không thì trò chuyện ngay trong terminal)",
        "console": "trò chuyện với bot trong terminal (máy chủ Telegram giả lập tại chỗ)",
        "chats": "liệt kê các cuộc trò chuyện, cài đặt và lần gửi gần nhất",
        "send": "gửi ngay bản tin cho một cuộc trò chuyện, qua hàng đợi gửi",
        "doctor": "kiểm tra cơ sở dữ liệu, lược đồ, token, lịch gửi, nguồn tin",
        "quick": "chỉ những bước kiểm tra không cần mạng",
    },
}


def build_parser(lang: str | None = None) -> argparse.ArgumentParser:
    parser = digests_cli.build_parser(lang)
    say = HELP.get(digests_cli.Parser.lang, HELP["en"])  # the language --help speaks
    add = digests_cli.add_command
    add(parser, "run", say["run"], cmd_run)
    add(parser, "console", say["console"], cmd_console)
    add(parser, "chats", say["chats"], cmd_chats)
    send = add(parser, "send", say["send"], cmd_send)
    send.add_argument("--chat", type=int, required=True, metavar="ID")
    send.add_argument("--theme", metavar="THEME", default=None)
    doctor = add(parser, "doctor", say["doctor"], cmd_doctor)
    doctor.add_argument("--quick", action="store_true", help=say["quick"])
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser(cli_common.peek_lang(argv) if argv is not None else None)
    args = parser.parse_args(argv)
    try:
        return digests_cli.dispatch(args, parser)
    except SettingsError as exc:
        print(f"ictdigest: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
        # A damaged page met mid-command (not at open): one line, never a traceback.
        from digests.store.transactions import RESTORE_HINT, explain

        line = (
            explain(exc) if isinstance(exc, sqlite3.Error) else f"database damaged; {RESTORE_HINT}"
        )
        print(f"ictdigest: {line}", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    raise SystemExit(main())
