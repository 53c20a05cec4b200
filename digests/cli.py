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
import json
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, Literal, NoReturn, TextIO

from digests import lookup, store
from digests.templating import render

Handler = Callable[[argparse.Namespace], int]
PROG = "ictdigest"
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error shows the command's example, in the chosen language."""

    argv: Sequence[str] = ()  # the top-level arguments, for --lang in error messages

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        if " " not in self.prog:
            Parser.argv = list(sys.argv[1:] if args is None else args)
        return super().parse_known_args(args, namespace)

    def error(self, message: str) -> NoReturn:
        command = self.prog.split()[-1] if " " in self.prog else ""
        lang = _language(_peek_lang(Parser.argv))
        self.print_usage(sys.stderr)
        print(
            render(
                "usage",
                lang=lang,
                fmt="txt",
                code="argparse",
                command=command,
                prefix=f"{PROG} ",
                params={"message": f"{PROG}: {message}"},
            ),
            file=sys.stderr,
        )
        self.exit(EXIT_USAGE)


def common_options() -> argparse.ArgumentParser:
    """--db, --lang and --json, accepted before or after the command name."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "--db",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="database file (else $ICTDIGEST_DB, else ~/.local/share/ictdigest/ictdigest.db)",
    )
    parent.add_argument(
        "--lang",
        choices=("vi", "en"),
        default=argparse.SUPPRESS,
        help="language of the output (else $ICTDIGEST_LANG, else vi)",
    )
    parent.add_argument(
        "--json",
        action="store_true",
        default=argparse.SUPPRESS,
        help="print JSON instead of text",
    )
    return parent


def subcommands(parser: argparse.ArgumentParser) -> argparse._SubParsersAction[Any]:
    """The subcommand group of a parser made by build_parser(), for adding commands."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    raise LookupError("parser has no subcommands")


def add_command(
    parser: argparse.ArgumentParser, name: str, help: str, handler: Handler
) -> argparse.ArgumentParser:
    """Add a subcommand with the common options and its handler."""
    command: argparse.ArgumentParser = subcommands(parser).add_parser(
        name, help=help, description=help, parents=[common_options()]
    )
    command.set_defaults(handler=handler)
    return command


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog=PROG,
        description="Vietnamese ICT-sector news: ingest articles, ask about companies, "
        "targets and words, print digests.",
        parents=[common_options()],
    )
    parser.add_subparsers(title="commands", dest="command", metavar="COMMAND", parser_class=Parser)

    cmd = add_command(
        parser, "ingest", "ingest files, folders, RSS/Atom feeds and URLs", cmd_ingest
    )
    cmd.add_argument("targets", nargs="*", metavar="PATH_OR_URL")
    cmd.add_argument(
        "--timeout",
        type=float,
        default=15.0,
        metavar="SECONDS",
        help="read timeout per download (default 15)",
    )

    cmd = add_command(
        parser, "articles", "list stored articles: id, date, source, title", cmd_articles
    )
    _paging(cmd, 20)

    cmd = add_command(
        parser, "company", "what the articles say about a company or agency", cmd_company
    )
    cmd.add_argument("name", nargs="*", metavar="NAME")
    cmd.add_argument("--limit", type=int, default=8, help="statements to show (default 8)")

    cmd = add_command(
        parser, "companies", "companies and agencies with article counts", cmd_companies
    )
    cmd.add_argument("--all", action="store_true", help="include registry entries not mentioned")

    cmd = add_command(
        parser, "target", "goals for a year or range; without one, years with goals", cmd_target
    )
    cmd.add_argument("years", nargs="*", metavar="YEAR|FROM-TO")
    cmd.add_argument("--limit", type=int, default=20, help="goals to show (default 20)")

    cmd = add_command(parser, "search", "full-text search with highlighted snippets", cmd_search)
    cmd.add_argument("words", nargs="*", metavar="WORDS")
    _paging(cmd, 10)

    cmd = add_command(
        parser, "summarize", "summarise an article file or a JSONL of articles", cmd_summarize
    )
    cmd.add_argument("path", metavar="PATH")
    cmd.add_argument("--sentences", type=int, default=2, help="sentences per summary")
    cmd.add_argument("--max-chars", type=int, default=None, help="cut summaries to this length")

    cmd = add_command(parser, "digest", "print the digest of stored articles by theme", cmd_digest)
    cmd.add_argument("--since", type=_iso_date, metavar="YYYY-MM-DD")
    cmd.add_argument("--until", type=_iso_date, metavar="YYYY-MM-DD")
    cmd.add_argument(
        "--theme",
        action="append",
        metavar="THEME",
        help="only this theme (repeatable): postal, telecom, ai, cybersecurity, press",
    )
    cmd.add_argument("--format", choices=("html", "text", "json"), default="text")
    cmd.add_argument("--per-section", type=int, default=5, help="bullets per theme")

    cmd = add_command(
        parser, "backup", "copy the database safely, even while the bot runs", cmd_backup
    )
    cmd.add_argument("path", metavar="PATH")

    cmd = add_command(
        parser, "restore", "replace the database by a backup (keeps the old one)", cmd_restore
    )
    cmd.add_argument("path", metavar="PATH")
    cmd.add_argument("--force", action="store_true", help="restore even if the bot seems to run")
    return parser


def _paging(cmd: argparse.ArgumentParser, default: int) -> None:
    cmd.add_argument("--limit", type=int, default=default, help=f"rows to show (default {default})")
    cmd.add_argument("--offset", type=int, default=0, help="rows to skip (default 0)")


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from exc


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
    except lookup.BadArgument as exc:
        print(usage_text(args, exc.code, exc.params), file=sys.stderr)
        return EXIT_USAGE
    except store.StoreError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130


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


def _language(explicit: str | None) -> str:
    lang = explicit or os.environ.get("ICTDIGEST_LANG", "vi")
    return lang if lang in ("vi", "en") else "vi"


def _peek_lang(argv: Sequence[str]) -> str | None:
    for i, arg in enumerate(argv):
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
    return None


def open_store(args: argparse.Namespace) -> Any:
    return store.open_db(store.resolve_db_path(getattr(args, "db", None)))


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
    from digests.fetch import Fetcher
    from digests.ingest import ingest
    from digests.progress import Progress, ProgressState

    targets = [t.strip() for t in args.targets if t.strip()]
    if not targets:
        raise lookup.BadArgument("empty", what="path")
    if any(len(t) > 4096 for t in targets):
        raise lookup.BadArgument("too_long", what="path", limit=4096, length=max(map(len, targets)))
    lang = lang_of(args)

    def line(state: ProgressState) -> str:
        return render("ingest_report", lang=lang, fmt="txt", progress=state)

    db = open_store(args)
    progress = None if getattr(args, "json", False) else Progress(sys.stderr, render=line)
    with Fetcher(read_timeout=args.timeout) as fetcher:
        report = ingest(db, targets, progress=progress, fetcher=fetcher)
    emit(args, "ingest_report", report, report=report, progress=None)
    return EXIT_OK if not report.failed and not report.stopped else EXIT_FAILED


def cmd_articles(args: argparse.Namespace) -> int:
    """List stored articles, newest first."""
    result = lookup.list_articles(open_store(args), args.limit, args.offset)
    emit(args, "articles", result, result=result)
    return EXIT_OK


def cmd_company(args: argparse.Namespace) -> int:
    """Show what the store knows about one company."""
    report = lookup.company_report(open_store(args), " ".join(args.name), limit=args.limit)
    emit(args, "company", report, report=report)
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
    result = lookup.search(open_store(args), " ".join(args.words), args.limit, args.offset)
    emit(args, "search", result, result=result)
    return EXIT_OK


def cmd_summarize(args: argparse.Namespace) -> int:
    """Summarise one article file, or every line of a JSONL file (as JSONL)."""
    from digests.model import BadItem
    from digests.summarize import SummarizeInputError, summarize_path

    try:
        result = summarize_path(Path(args.path), sentences=args.sentences, max_chars=args.max_chars)
        if isinstance(result, str):
            if getattr(args, "json", False):
                print(json.dumps({"summary": result}, ensure_ascii=False))
            else:
                print(result)
        else:
            for record in result:
                print(json.dumps(record, ensure_ascii=False), flush=True)
    except (SummarizeInputError, BadItem) as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def cmd_digest(args: argparse.Namespace) -> int:
    """Print the digest for a date window, by theme."""
    from digests.render import render_digest
    from digests.select import DigestWindow, build_digest

    db = open_store(args)
    window = DigestWindow(since=args.since, until=args.until)
    try:
        digest = build_digest(db, window, themes=args.theme, per_section=args.per_section)
    except KeyError as exc:
        params = {"message": f"{PROG}: unknown theme {exc}"}
        print(usage_text(args, "argparse", params), file=sys.stderr)
        return EXIT_USAGE
    fmt: Literal["html", "txt", "json"] = "txt"
    if getattr(args, "json", False) or args.format == "json":
        fmt = "json"
    elif args.format == "html":
        fmt = "html"
    for message in render_digest(digest, fmt=fmt, lang=lang_of(args)):
        print(message)
    return EXIT_OK


def cmd_backup(args: argparse.Namespace) -> int:
    """Back up the database to PATH."""
    from digests.backup import BackupError, backup

    try:
        result = backup(store.resolve_db_path(getattr(args, "db", None)), Path(args.path))
    except BackupError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    print(f"{result.path} ({result.size_bytes / 1024 / 1024:.1f} MB, {result.seconds:.1f} s)")
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    """Restore the database from a backup at PATH."""
    from digests.backup import BackupError, restore

    try:
        result = restore(
            Path(args.path), store.resolve_db_path(getattr(args, "db", None)), force=args.force
        )
    except BackupError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    kept = f" (previous database kept at {result.previous})" if result.previous else ""
    print(f"restored {result.path}{kept}")
    return EXIT_OK
