"""The `ictdigest` commands that write for readers: summarize (one file or a JSONL)
and digest (the digest by theme for a date window)."""

from __future__ import annotations

import argparse
import errno
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

from digests.answers.common import MAX_LIMIT, BadArgument
from digests.cli_common import EXIT_FAILED, EXIT_OK, lang_of, open_store, problem_text

MESSAGE_BREAK = "\n— — —\n"  # between Telegram messages printed by `digest --format html`


SUMMARY_SENTENCES = (1, 10)  # allowed --sentences


SUMMARY_MIN_CHARS = 80  # below this a summary cannot hold one whole sentence


def cmd_summarize(args: argparse.Namespace) -> int:
    """Summarise one article file, or every line of a JSONL file (as JSONL)."""
    from digests.digest.summarize import summarize_article, summarize_path
    from digests.model import BadItem

    low, high = SUMMARY_SENTENCES
    if not low <= args.sentences <= high:
        raise BadArgument(
            "out_of_range", option="--sentences", value=args.sentences, low=low, high=high
        )
    if args.max_chars is not None and args.max_chars < SUMMARY_MIN_CHARS:
        raise BadArgument(
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
        raise BadArgument(
            "reversed_dates", start=args.since.isoformat(), end=args.until.isoformat()
        )
    known = theme_keys()
    unknown = [t for t in args.theme or [] if t not in known]
    if unknown:
        raise BadArgument("unknown_theme", value=unknown[0], choices=known)
    if args.per_section is not None and not 1 <= args.per_section <= MAX_LIMIT:
        raise BadArgument(
            "out_of_range",
            option="--per-section",
            value=args.per_section,
            low=1,
            high=MAX_LIMIT,
        )
    db = open_store(args)
    window = DigestWindow(since=args.since, until=args.until)
    try:
        short = args.per_section is None and not args.all
        digest = build_digest(
            db, window, themes=args.theme, per_section=SHORT_PER_THEME if short else None
        )
    except KeyError as exc:
        raise BadArgument("unknown_theme", value=str(exc).strip("'"), choices=known) from exc
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


def theme_keys() -> list[str]:
    from digests.analysis.themes import ThemeFileError, load_themes

    try:
        return load_themes().keys
    except ThemeFileError:
        return ["postal", "telecom", "ai", "cybersecurity", "press"]
