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
import dataclasses
import errno
import json
import os
import re
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any, Literal, NoReturn, TextIO

from digests.answers import lookup
from digests.store.connection import APP_DIR, DB_NAME, open_db, resolve_db_path
from digests.store.transactions import StoreError
from digests.templating import render

Handler = Callable[[argparse.Namespace], int]
PROG = "ictdigest"
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
MESSAGE_BREAK = "\n— — —\n"  # between Telegram messages printed by `digest --format html`
SUMMARY_SENTENCES = (1, 10)  # allowed --sentences
SUMMARY_MIN_CHARS = 80  # below this a summary cannot hold one whole sentence


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


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error shows the command's example, in the chosen language."""

    argv: Sequence[str] = ()  # the top-level arguments, for --lang in error messages
    lang = "vi"  # the language of --help, chosen when the parser is built

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
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
        lang = _language(_peek_lang(Parser.argv))
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
    Parser.lang = _language(lang or _peek_lang(sys.argv[1:]))
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
    cmd.add_argument("--since", type=parse_date, metavar="YYYY-MM-DD|DD/MM/YYYY")
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
    cmd.add_argument("--since", type=parse_date, metavar="YYYY-MM-DD|DD/MM/YYYY")
    cmd.add_argument("--until", type=parse_date, metavar="YYYY-MM-DD|DD/MM/YYYY")
    cmd.add_argument(
        "--theme",
        action="append",
        metavar=say("CHỦ_ĐỀ", "THEME"),
        help=say("chỉ chủ đề này (ghi nhiều lần được): ", "only this theme (repeatable): ")
        + ", ".join(_theme_keys()),
    )
    cmd.add_argument("--format", choices=("html", "text", "json"), default="text")
    cmd.add_argument(
        "--per-section",
        type=int,
        default=None,
        help=say(
            "số tin mỗi chủ đề (mặc định: bản tin ngắn, một tin nhắn)",
            "stories per theme (default: the short digest, one message)",
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


def _theme_keys() -> list[str]:
    from digests.analysis.themes import ThemeFileError, load_themes

    try:
        return load_themes().keys
    except ThemeFileError:
        return ["postal", "telecom", "ai", "cybersecurity", "press"]


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
    parser = build_parser()
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
    except lookup.BadArgument as exc:
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


class NoDatabase(Exception):
    """A read-only command pointed at a database that does not exist yet."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(str(path))


def problem_text(args: argparse.Namespace, code: str, **params: Any) -> str:
    """A one-line explanation of a failure (not a usage error), in the user's language."""
    return render(
        "usage",
        lang=lang_of(args),
        fmt="txt",
        code=code,
        params=params,
        command="",
        prefix=f"{PROG} ",
    )


def usage_text(args: argparse.Namespace, code: str, params: dict[str, Any]) -> str:
    return render(
        "usage",
        lang=lang_of(args),
        fmt="txt",
        code=code,
        params=params,
        command=getattr(args, "command", "") or "",
        prefix=f"{PROG} ",
    )


def lang_of(args: argparse.Namespace) -> str:
    return _language(getattr(args, "lang", None))


LANG_ENV, LEGACY_LANG_ENV = "ICTDIGEST_LANG", "ICTDIGEST_LANGUAGE"  # one name, bot and CLI
_warned_languages: set[str] = set()


def _language(explicit: str | None) -> str:
    if explicit:
        return explicit if explicit in ("vi", "en") else "vi"
    var = LANG_ENV if LANG_ENV in os.environ else LEGACY_LANG_ENV
    lang = os.environ.get(var, "vi").strip().lower() or "vi"
    if lang not in ("vi", "en"):
        if lang not in _warned_languages:  # said once, in English: the reader's language is unknown
            _warned_languages.add(lang)
            print(f"{PROG}: {var}={lang!r} is not vi or en; using vi.", file=sys.stderr)
        return "vi"
    return lang


def _peek_lang(argv: Sequence[str]) -> str | None:
    for i, arg in enumerate(argv):
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
    return None


def open_store(args: argparse.Namespace, *, create: bool = False) -> Any:
    """The store; only ``create`` (ingest) may make a new one: a read-only command on a
    mistyped path should say so, not leave new folders and an empty database behind."""
    arg = getattr(args, "db", None)
    if not create:
        path = _db_path_without_creating(arg)
        if not path.exists():
            raise NoDatabase(path)
    return open_db(resolve_db_path(arg))


def _db_path_without_creating(arg: str | None) -> Path:
    """resolve_db_path's answer, without the folder it creates on the way."""
    if arg:
        return Path(arg).expanduser()
    if os.environ.get("ICTDIGEST_DB"):
        return Path(os.environ["ICTDIGEST_DB"]).expanduser()
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home).expanduser() / APP_DIR / DB_NAME


def emit(
    args: argparse.Namespace, template: str, data: Any, out: TextIO | None = None, **context: Any
) -> None:
    """Print ``data`` as JSON (--json) or through ``template`` as text."""
    stream = out or sys.stdout
    if getattr(args, "json", False):
        print(json.dumps(to_jsonable(data), ensure_ascii=False, indent=2), file=stream)
    else:
        print(render(template, lang=lang_of(args), fmt="txt", **context), file=stream)


def to_jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, date | Path):
        return str(value)
    return value


# --------------------------------------------------------------------------- commands


def cmd_ingest(args: argparse.Namespace) -> int:
    """Ingest every target and print the failures and the summary line."""
    targets = [t.strip() for t in args.targets if t.strip()]
    if not targets:
        raise lookup.BadArgument("empty", what="path")
    if any(len(t) > 4096 for t in targets):
        raise lookup.BadArgument("too_long", what="path", limit=4096, length=max(map(len, targets)))
    if not 1 <= args.timeout <= 3600:
        raise lookup.BadArgument(
            "out_of_range", option="--timeout", low=1, high=3600, value=f"{args.timeout:g}"
        )
    try:
        from digests.ingest import ingest
        from digests.progress import Progress, ProgressState
        from digests.sources.fetch import Fetcher
        from digests.sources.netguard import AddressPolicy
    except ImportError as exc:
        module = exc.name or str(exc).splitlines()[0][:120]
        print(problem_text(args, "missing_module", module=module), file=sys.stderr)
        return EXIT_FAILED
    lang = lang_of(args)

    def line(state: ProgressState) -> str:
        return render("ingest_report", lang=lang, fmt="txt", progress=state)

    db = open_store(args, create=True)
    progress = None if getattr(args, "json", False) else Progress(sys.stderr, render=line)
    policy = AddressPolicy(allow_private=args.allow_private)
    with Fetcher(deadline=args.timeout, policy=policy) as fetcher:
        report = ingest(db, targets, progress=progress, fetcher=fetcher, outlet=args.outlet.strip())
    emit(args, "ingest_report", report, report=report, progress=None)
    return EXIT_OK if not report.failed and not report.stopped else EXIT_FAILED


def cmd_articles(args: argparse.Namespace) -> int:
    """List stored articles, newest first."""
    lookup.check_page(args.limit, args.offset)
    result = lookup.list_articles(open_store(args), args.limit, args.offset)
    emit(args, "articles", result, result=result)
    return EXIT_OK


def cmd_stories(args: argparse.Namespace) -> int:
    """List stories with their outlets and dates, the most recent first."""
    from digests.answers.stories import list_stories

    lookup.check_page(args.limit, args.offset)
    result = list_stories(open_store(args), args.since, args.limit, args.offset)
    emit(args, "stories", result, result=result)
    return EXIT_OK


def cmd_company(args: argparse.Namespace) -> int:
    """Show what the store knows about one company."""
    name = lookup.clean_argument(" ".join(args.name))
    lookup.check_page(args.limit, 0)
    report = lookup.company_report(open_store(args), name, limit=args.limit)
    emit(args, "company", report, report=report)
    return EXIT_OK if report.found else EXIT_FAILED


def cmd_person(args: argparse.Namespace) -> int:
    """Show what one person said or is quoted in."""
    name = lookup.clean_argument(" ".join(args.name))
    lookup.check_page(args.limit, 0)
    report = lookup.person_answer(open_store(args), name, limit=args.limit)
    emit(args, "person", report, report=report)
    return EXIT_OK if report.found else EXIT_FAILED


def cmd_companies(args: argparse.Namespace) -> int:
    """List organisations with mention counts."""
    companies = lookup.list_companies(open_store(args), include_unmentioned=args.all)
    emit(args, "companies", companies, companies=companies)
    return EXIT_OK


def cmd_target(args: argparse.Namespace) -> int:
    """Goals for a year or range, or the years that have goals."""
    text = " ".join(args.years).strip()
    if not text:
        years = lookup.target_years(open_store(args))
        emit(args, "target_years", [{"year": y, "count": n} for y, n in years], years=years)
        return EXIT_OK
    year_from, year_to = lookup.parse_year_range(text)
    report = lookup.targets_report(open_store(args), year_from, year_to, limit=args.limit)
    emit(args, "targets", report, report=report)
    return EXIT_OK


def cmd_search(args: argparse.Namespace) -> int:
    """Full-text search."""
    words = lookup.clean_argument(" ".join(args.words), what="words")
    lookup.check_words(words)
    lookup.check_page(args.limit, args.offset)
    result = lookup.search(open_store(args), words, args.limit, args.offset)
    emit(args, "search", result, result=result)
    return EXIT_OK


def cmd_summarize(args: argparse.Namespace) -> int:
    """Summarise one article file, or every line of a JSONL file (as JSONL)."""
    from digests.digest.summarize import summarize_article, summarize_path
    from digests.model import BadItem

    low, high = SUMMARY_SENTENCES
    if not low <= args.sentences <= high:
        raise lookup.BadArgument(
            "out_of_range", option="--sentences", value=args.sentences, low=low, high=high
        )
    if args.max_chars is not None and args.max_chars < SUMMARY_MIN_CHARS:
        raise lookup.BadArgument(
            "too_small", option="--max-chars", value=args.max_chars, low=SUMMARY_MIN_CHARS
        )
    path = Path(args.path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return _summary_failed(args, "encoding", path=str(path))
    except OSError as exc:
        code = "missing" if exc.errno == errno.ENOENT else "unreadable"
        return _summary_failed(args, code, path=str(path), detail=exc.strerror or "")
    if path.suffix.lower() != ".jsonl":
        try:
            summary = summarize_path(path, sentences=args.sentences, max_chars=args.max_chars)
        except BadItem as exc:
            return _summary_failed(args, *_bad_item(exc), path=str(path))
        if getattr(args, "json", False):
            print(json.dumps({"summary": summary}, ensure_ascii=False))
        else:
            print(summary)
        return EXIT_OK
    failed = 0
    for number, record in _jsonl_records(text):
        if isinstance(record, str):
            failed += 1
            _summary_failed(args, record, path=str(path), line=number)
            continue
        title = record.get("title") if isinstance(record.get("title"), str) else ""
        summary = summarize_article(
            str(title), record["body"], sentences=args.sentences, max_chars=args.max_chars
        )
        print(
            json.dumps({"id": record.get("id"), "summary": summary}, ensure_ascii=False), flush=True
        )
    return EXIT_FAILED if failed else EXIT_OK


def _jsonl_records(text: str) -> Iterator[tuple[int, dict[str, Any] | str]]:
    """(line number, record or the code of what is wrong with it) per non-empty line."""
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            yield number, "bad_json"
            continue
        if not isinstance(record, dict) or not isinstance(record.get("body"), str):
            yield number, "no_body"
        elif not record["body"].strip():
            yield number, "empty"
        else:
            yield number, record


def _bad_item(exc: Exception) -> tuple[str]:
    """The summarize problem code for the cleaner's one-line English reason."""
    reason = str(exc)
    for prefix, code in (
        ("empty document", "empty"),
        ("binary data", "binary"),
        ("undecodable", "encoding"),
        ("no article", "no_body"),
    ):
        if reason.startswith(prefix):
            return (code,)
    return ("no_body",)


def _summary_failed(args: argparse.Namespace, code: str, **params: Any) -> int:
    print(problem_text(args, "summarize_" + code, **params), file=sys.stderr)
    return EXIT_FAILED


def cmd_digest(args: argparse.Namespace) -> int:
    """Print the digest for a date window, by theme."""
    from digests.digest.pages import cut, short_digest
    from digests.digest.render import render_digest
    from digests.digest.select import DigestWindow, build_digest
    from digests.digest.story_rank import SHORT_PER_THEME

    if args.since and args.until and args.since > args.until:
        raise lookup.BadArgument(
            "reversed_dates", start=args.since.isoformat(), end=args.until.isoformat()
        )
    known = _theme_keys()
    unknown = [t for t in args.theme or [] if t not in known]
    if unknown:
        raise lookup.BadArgument("unknown_theme", value=unknown[0], choices=known)
    if args.per_section is not None and not 1 <= args.per_section <= lookup.MAX_LIMIT:
        raise lookup.BadArgument(
            "out_of_range",
            option="--per-section",
            value=args.per_section,
            low=1,
            high=lookup.MAX_LIMIT,
        )
    db = open_store(args)
    window = DigestWindow(since=args.since, until=args.until)
    try:
        short = args.per_section is None and not args.all
        digest = build_digest(
            db, window, themes=args.theme, per_section=SHORT_PER_THEME if short else None
        )
    except KeyError as exc:
        raise lookup.BadArgument("unknown_theme", value=str(exc).strip("'"), choices=known) from exc
    if args.per_section is not None:
        digest = cut(digest, [args.per_section] * len(digest.sections))
    elif not args.all:  # the operator previews what a group gets
        digest = short_digest(digest, lang=lang_of(args))
    fmt: Literal["html", "txt", "json"] = "txt"
    if getattr(args, "json", False) or args.format == "json":
        fmt = "json"
    elif args.format == "html":
        fmt = "html"
    messages = render_digest(digest, fmt=fmt, lang=lang_of(args))
    for number, message in enumerate(messages):
        if fmt == "html" and number:
            print(MESSAGE_BREAK)  # each is a Telegram message of its own
        print(message)
    return EXIT_OK


def cmd_backup(args: argparse.Namespace) -> int:
    """Back up the database to PATH."""
    from digests.store.backup import BackupError, backup

    try:
        result = backup(resolve_db_path(getattr(args, "db", None)), Path(args.path))
    except BackupError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    print(f"{result.path} ({result.size_bytes / 1024 / 1024:.1f} MB, {result.seconds:.1f} s)")
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    """Restore the database from a backup at PATH."""
    from digests.store.backup import BackupError, restore

    try:
        result = restore(
            Path(args.path), resolve_db_path(getattr(args, "db", None)), force=args.force
        )
    except BackupError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    kept = f" (previous database kept at {result.previous})" if result.previous else ""
    print(f"restored {result.path}{kept}")
    return EXIT_OK
