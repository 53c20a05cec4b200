"""The `ictdigest` command line for the corpus: a thin argparse adapter over digests.*.

Every command takes ``--db PATH`` (else $ICTDIGEST_DB, else the XDG data folder),
``--lang vi|en`` (else $ICTDIGEST_LANG, else Vietnamese, like the bot) and
``--json`` for machine-readable output.  Text comes from the Jinja templates.
Bad arguments print a usage line with an example and exit 2; database problems
print one line and exit 1; nothing prints a traceback.

The bot (bot.cli) builds on ``build_parser()`` and adds its own commands with
``add_command``; each command carries its ``handler(args) -> int``.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import Any, NoReturn

from digests.answers.common import BadArgument
from digests.cli_answers import (
    cmd_articles,
    cmd_companies,
    cmd_company,
    cmd_person,
    cmd_search,
    cmd_stories,
    cmd_target,
)
from digests.cli_common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    PROG,
    NoDatabase,
    chosen_language,
    peek_lang,
    problem_text,
    usage_text,
)
from digests.cli_digest import (
    SUMMARY_MIN_CHARS,
    SUMMARY_SENTENCES,
    cmd_digest,
    cmd_summarize,
    theme_keys,
)
from digests.cli_ingest import cmd_backup, cmd_ingest, cmd_restore
from digests.store.transactions import StoreError
from digests.templating import render

Handler = Callable[[argparse.Namespace], int]


# Command descriptions for --help, by language (the bot adds its own commands).
COMMAND_HELP: dict[str, dict[str, str]] = {
    "vi": {
        "ingest": "nạp tệp, thư mục, nguồn RSS/Atom và URL vào kho",
        "articles": "liệt kê bài đã lưu: số, ngày, nguồn, tiêu đề",
        "stories": "liệt kê sự kiện: các bài cùng một việc, nguồn và ngày",
        "company": "các bài nói gì về một doanh nghiệp hay cơ quan",
        "companies": "doanh nghiệp và cơ quan kèm số bài nhắc đến",
        "person": "một người đã nói gì, được nhắc đến ở đâu, với chức vụ lúc ấy",
        "target": "mục tiêu của một năm hay khoảng năm; không ghi năm: các năm có mục tiêu",
        "search": 'tìm theo từ khoá, có đoạn trích tô đậm; "cụm từ", -bỏ_từ, A OR B',
        "summarize": "tóm tắt một tệp bài báo hoặc một tệp JSONL nhiều bài",
        "digest": "in bản tin theo chủ đề từ các bài trong kho",
        "backup": "sao lưu kho an toàn, kể cả khi bot đang chạy",
        "restore": "thay kho bằng một bản sao lưu (giữ lại kho cũ)",
    },
    "en": {
        "ingest": "ingest files, folders, RSS/Atom feeds and URLs",
        "articles": "list stored articles: id, date, source, title",
        "stories": "list stories: articles about one event, their outlets and dates",
        "company": "what the articles say about a company or agency",
        "companies": "companies and agencies with article counts",
        "person": "what a person said or is quoted in, with their role at the time",
        "target": "goals for a year or range; without one, years with goals",
        "search": 'full-text search with highlighted snippets; "a phrase", -word, A OR B',
        "summarize": "summarise an article file or a JSONL of articles",
        "digest": "print the digest of stored articles by theme",
        "backup": "copy the database safely, even while the bot runs",
        "restore": "replace the database by a backup (keeps the old one)",
    },
}
OPTION_HELP: dict[str, dict[str, str]] = {
    "vi": {
        "help": "hiện hướng dẫn này rồi thoát",
        "db": "tệp cơ sở dữ liệu (nếu không ghi: $ICTDIGEST_DB, rồi "
        "~/.local/share/ictdigest/ictdigest.db)",
        "lang": "ngôn ngữ hiển thị (nếu không ghi: $ICTDIGEST_LANG, rồi vi)",
        "json": "in JSON thay cho văn bản",
        "description": "Tin ngành thông tin và truyền thông Việt Nam: nạp bài, hỏi về doanh "
        "nghiệp, mục tiêu và từ khoá, in bản tin.",
        "commands": "các lệnh",
    },
    "en": {
        "help": "show this help message and exit",
        "db": "database file (else $ICTDIGEST_DB, else ~/.local/share/ictdigest/ictdigest.db)",
        "lang": "language of the output (else $ICTDIGEST_LANG, else vi)",
        "json": "print JSON instead of text",
        "description": "Vietnamese ICT-sector news: ingest articles, ask about companies, "
        "targets and words, print digests.",
        "commands": "commands",
    },
}

# argparse's own messages, recognised so that they can be said politely in the user's language.
_ARGPARSE_ERRORS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (code, re.compile(pattern))
    for code, pattern in (
        ("bad_number", r"^argument (?P<option>\S+): invalid (?:int|float) value: '(?P<value>.*)'$"),
        (
            "bad_choice",
            r"^argument (?P<option>\S+): invalid choice: '(?P<value>.*)' "
            r"\(choose from (?P<choices>.*)\)$",
        ),
        ("bad_value", r"^argument (?P<option>\S+): (?P<value>.*)$"),
        ("unknown_arguments", r"^unrecognized arguments: (?P<value>.*)$"),
        ("missing_arguments", r"^the following arguments are required: (?P<value>.*)$"),
        ("missing_value", r"^argument (?P<option>\S+): expected one argument$"),
    )
)


def argparse_error(message: str) -> tuple[str, dict[str, Any]]:
    """(usage code, params) for an argparse error message; unknown ones keep their text."""
    for code, pattern in _ARGPARSE_ERRORS:
        match = pattern.match(message)
        if match is None:
            continue
        params: dict[str, Any] = dict(match.groupdict())
        if code == "bad_choice":
            params["choices"] = [c.strip(" '") for c in params["choices"].split(",")]
        if code == "bad_value" and params["option"] == "--lang":
            continue
        return code, params
    return "argparse", {"message": f"{PROG}: {message}"}


class _DateError(argparse.ArgumentTypeError):
    """A --since/--until value that is no date; its text is the value itself."""


# argparse's own headings, which it would print in English whatever the language.
HEADINGS = {
    "vi": {"usage": "cách dùng: ", "positional": "đối số", "options": "tùy chọn"},
    "en": {"usage": "usage: ", "positional": "positional arguments", "options": "options"},
}


class _Formatter(argparse.HelpFormatter):
    """Help text whose "usage:" speaks the parser's language."""

    def add_usage(
        self,
        usage: str | None,
        actions: Iterable[argparse.Action],
        groups: Iterable[argparse._MutuallyExclusiveGroup],
        prefix: str | None = None,
    ) -> None:
        heading = HEADINGS[Parser.lang]["usage"] if prefix is None else prefix
        super().add_usage(usage, actions, groups, heading)


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error shows the command's example, in the chosen language."""

    argv: Sequence[str] = ()  # the top-level arguments, for --lang in error messages
    lang = "vi"  # the language of --help, chosen when the parser is built

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["add_help"] = False
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)
        self._positionals.title = HEADINGS[Parser.lang]["positional"]
        self._optionals.title = HEADINGS[Parser.lang]["options"]
        self.add_argument(
            "-h", "--help", action="help", default=argparse.SUPPRESS, help=_option("help")
        )

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        if " " not in self.prog:
            Parser.argv = list(sys.argv[1:] if args is None else args)
        return super().parse_known_args(args, namespace)

    def error(self, message: str) -> NoReturn:
        command = self.prog.split()[-1] if " " in self.prog else ""
        lang = chosen_language(peek_lang(Parser.argv))
        code, params = argparse_error(message)
        print(
            render(
                "usage",
                lang=lang,
                fmt="txt",
                code=code,
                command=command,
                prefix=f"{PROG} ",
                params=params,
            ),
            file=sys.stderr,
        )
        self.exit(EXIT_USAGE)


def _option(key: str) -> str:
    return OPTION_HELP[Parser.lang][key]


def common_options() -> argparse.ArgumentParser:
    """--db, --lang and --json, accepted before or after the command name."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "--db",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help=_option("db"),
    )
    parent.add_argument(
        "--lang",
        choices=("vi", "en"),
        default=argparse.SUPPRESS,
        help=_option("lang"),
    )
    parent.add_argument(
        "--json",
        action="store_true",
        default=argparse.SUPPRESS,
        help=_option("json"),
    )
    return parent


def subcommands(parser: argparse.ArgumentParser) -> argparse._SubParsersAction[Any]:
    """The subcommand group of a parser made by build_parser(), for adding commands."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    raise LookupError("parser has no subcommands")


def add_command(
    parser: argparse.ArgumentParser, name: str, help: str | Mapping[str, str], handler: Handler
) -> argparse.ArgumentParser:
    """Add a subcommand with the common options and its handler.

    ``help`` is one text, or one per language ({"vi": …, "en": …}) for --help in
    the language the parser was built for.
    """
    if not isinstance(help, str):
        help = help.get(Parser.lang) or next(iter(help.values()))
    command: argparse.ArgumentParser = subcommands(parser).add_parser(
        name, help=help, description=help, parents=[common_options()]
    )
    command.set_defaults(handler=handler)
    return command


def build_parser(lang: str | None = None) -> argparse.ArgumentParser:
    """The corpus commands; --help speaks ``lang`` (else --lang in argv, $ICTDIGEST_LANG, vi)."""
    Parser.lang = chosen_language(lang or peek_lang(sys.argv[1:]))
    parser = Parser(prog=PROG, description=_option("description"), parents=[common_options()])
    parser.add_subparsers(
        title=_option("commands"), dest="command", metavar="COMMAND", parser_class=Parser
    )
    helps = {
        name: {k: texts[name] for k, texts in COMMAND_HELP.items()} for name in COMMAND_HELP["en"]
    }
    vi = Parser.lang == "vi"

    def say(vi_text: str, en_text: str) -> str:
        return vi_text if vi else en_text

    cmd = add_command(parser, "ingest", helps["ingest"], cmd_ingest)
    cmd.add_argument("targets", nargs="*", metavar=say("TỆP_THƯ_MỤC_HOẶC_URL", "PATH_OR_URL"))
    cmd.add_argument(
        "--timeout",
        type=float,
        default=20.0,
        metavar=say("GIÂY", "SECONDS"),
        help=say(
            "thời hạn cho mỗi bài, gồm mọi lần thử và chuyển hướng (mặc định 20)",
            "total time allowed per item, retries and redirects included (default 20)",
        ),
    )
    cmd.add_argument(
        "--outlet",
        default="",
        metavar=say("TÊN_BÁO", "NAME"),
        help=say(
            "tên báo bạn đọc thấy khi trang hay tệp không tự ghi tên báo",
            "the outlet readers see when a page or file does not name its own",
        ),
    )
    cmd.add_argument(
        "--allow-private",
        action="store_true",
        help=say(
            "cho phép tải từ địa chỉ nội bộ (127.0.0.1, mạng riêng, link-local)",
            "allow fetching from loopback, private and link-local addresses",
        ),
    )

    cmd = add_command(parser, "articles", helps["articles"], cmd_articles)
    _paging(cmd, 20, say)

    cmd = add_command(parser, "stories", helps["stories"], cmd_stories)
    cmd.add_argument(
        "--since",
        type=parse_date,
        metavar="YYYY-MM-DD|DD/MM/YYYY",
        help=say("chỉ các sự kiện từ ngày này", "only stories from this day on"),
    )
    _paging(cmd, 20, say)

    cmd = add_command(parser, "company", helps["company"], cmd_company)
    cmd.add_argument("name", nargs="*", metavar=say("TÊN", "NAME"))
    cmd.add_argument(
        "--limit",
        type=int,
        default=8,
        help=say("số thông tin hiện ra (mặc định 8)", "statements to show (default 8)"),
    )

    cmd = add_command(parser, "companies", helps["companies"], cmd_companies)
    cmd.add_argument(
        "--all",
        action="store_true",
        help=say(
            "kể cả tên trong danh bạ chưa bài nào nhắc", "include registry entries not mentioned"
        ),
    )

    cmd = add_command(parser, "person", helps["person"], cmd_person)
    cmd.add_argument("name", nargs="*", metavar=say("TÊN", "NAME"))
    cmd.add_argument(
        "--limit",
        type=int,
        default=10,
        help=say("số câu hiện ra (mặc định 10)", "statements to show (default 10)"),
    )

    cmd = add_command(parser, "target", helps["target"], cmd_target)
    cmd.add_argument("years", nargs="*", metavar=say("NĂM|TỪ-ĐẾN", "YEAR|FROM-TO"))
    cmd.add_argument(
        "--limit",
        type=int,
        default=20,
        help=say("số mục tiêu hiện ra (mặc định 20)", "goals to show (default 20)"),
    )

    cmd = add_command(parser, "search", helps["search"], cmd_search)
    cmd.add_argument("words", nargs="*", metavar=say("TỪ_KHOÁ", "WORDS"))
    _paging(cmd, 10, say)

    cmd = add_command(parser, "summarize", helps["summarize"], cmd_summarize)
    cmd.add_argument("path", metavar=say("TỆP", "PATH"))
    cmd.add_argument(
        "--sentences",
        type=int,
        default=2,
        help=say(
            f"số câu mỗi bản tóm tắt ({SUMMARY_SENTENCES[0]}–{SUMMARY_SENTENCES[1]}, mặc định 2)",
            f"sentences per summary ({SUMMARY_SENTENCES[0]}–{SUMMARY_SENTENCES[1]}, default 2)",
        ),
    )
    cmd.add_argument(
        "--max-chars",
        type=int,
        default=None,
        help=say(
            f"cắt bản tóm tắt ở độ dài này (ít nhất {SUMMARY_MIN_CHARS} ký tự)",
            f"cut summaries to this length (at least {SUMMARY_MIN_CHARS} characters)",
        ),
    )

    cmd = add_command(parser, "digest", helps["digest"], cmd_digest)
    cmd.add_argument(
        "--since",
        type=parse_date,
        metavar="YYYY-MM-DD|DD/MM/YYYY",
        help=say(
            "bài đăng từ ngày này (mặc định: mọi bài)", "articles from this day (default: all)"
        ),
    )
    cmd.add_argument(
        "--until",
        type=parse_date,
        metavar="YYYY-MM-DD|DD/MM/YYYY",
        help=say("bài đăng đến ngày này", "articles up to this day"),
    )
    cmd.add_argument(
        "--theme",
        action="append",
        metavar=say("CHỦ_ĐỀ", "THEME"),
        help=say("chỉ chủ đề này (ghi nhiều lần được): ", "only this theme (repeatable): ")
        + ", ".join(theme_keys()),
    )
    cmd.add_argument(
        "--format",
        choices=("html", "text", "json"),
        default="text",
        help=say(
            "text: đọc trên màn hình; html: đúng như Telegram nhận; json",
            "text: to read here; html: as Telegram gets it; json",
        ),
    )
    cmd.add_argument(
        "--per-section",
        type=int,
        default=None,
        help=say(
            "số tin mỗi chủ đề, 1–50 (mặc định: bản tin ngắn, một tin nhắn)",
            "stories per theme, 1–50 (default: the short digest, one message)",
        ),
    )
    cmd.add_argument(
        "--all",
        action="store_true",
        help=say("in mọi tin trong khoảng thời gian", "print every story in the window"),
    )

    from digests.answers import why  # `why` and `rescore`: the relevance decision (digests/why.py)

    why.register(parser, add_command, say)

    cmd = add_command(parser, "backup", helps["backup"], cmd_backup)
    cmd.add_argument("path", metavar=say("TỆP", "PATH"))

    cmd = add_command(parser, "restore", helps["restore"], cmd_restore)
    cmd.add_argument("path", metavar=say("TỆP", "PATH"))
    cmd.add_argument(
        "--force",
        action="store_true",
        help=say("khôi phục cả khi bot có vẻ đang chạy", "restore even if the bot seems to run"),
    )
    return parser


def _paging(cmd: argparse.ArgumentParser, default: int, say: Callable[[str, str], str]) -> None:
    cmd.add_argument(
        "--limit",
        type=int,
        default=default,
        help=say(f"số dòng hiện ra (mặc định {default})", f"rows to show (default {default})"),
    )
    cmd.add_argument(
        "--offset",
        type=int,
        default=0,
        help=say("bỏ qua bấy nhiêu dòng đầu (mặc định 0)", "rows to skip (default 0)"),
    )


_DMY = re.compile(r"^(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>\d{4})$")


def parse_date(text: str) -> date:
    """A --since/--until date as ISO (2024-01-31) or as Vietnamese readers write it (31/01/2024)."""
    value = text.strip()
    try:
        dmy = _DMY.match(value)
        if dmy:
            return date(int(dmy["y"]), int(dmy["m"]), int(dmy["d"]))
        return date.fromisoformat(value)
    except ValueError as exc:
        raise _DateError(value) from exc


# --------------------------------------------------------------------------- dispatch


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser(None if argv is None else peek_lang(argv))
    args = parser.parse_args(argv)
    return dispatch(args, parser)


def dispatch(args: argparse.Namespace, parser: argparse.ArgumentParser | None = None) -> int:
    """Run the command in ``args``; return its exit code; never raise for user errors."""
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        (parser or build_parser()).print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return handler(args)
    except BrokenPipeError:
        return _reader_went_away()
    except BadArgument as exc:
        print(usage_text(args, exc.code, exc.params), file=sys.stderr)
        return EXIT_USAGE
    except StoreError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except NoDatabase as exc:
        print(problem_text(args, "no_db", path=str(exc.path)), file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130


def _reader_went_away() -> int:
    """`ictdigest search … | head`: the reader closed the pipe, which is no error.

    Python would still complain when it flushes stdout at exit, so stdout is
    pointed at /dev/null first (as the Python docs on SIGPIPE advise).
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    return EXIT_OK
