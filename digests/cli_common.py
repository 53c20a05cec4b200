"""What every `ictdigest` command shares: exit codes, the output language, the store,
and printing results as text or JSON and problems as one polite line."""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from digests.store.connection import APP_DIR, DB_NAME, open_db, resolve_db_path
from digests.templating import render

PROG = "ictdigest"


EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


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


class NoDatabase(Exception):
    """A read-only command pointed at a database that does not exist yet."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(str(path))


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
    return chosen_language(getattr(args, "lang", None))


LANG_ENV, LEGACY_LANG_ENV = "ICTDIGEST_LANG", "ICTDIGEST_LANGUAGE"  # one name, bot and CLI


_warned_languages: set[str] = set()


def chosen_language(explicit: str | None) -> str:
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


def peek_lang(argv: Sequence[str]) -> str | None:
    for i, arg in enumerate(argv):
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
    return None
