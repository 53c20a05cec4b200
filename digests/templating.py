"""The Jinja2 environment every user-facing text is rendered through.

Templates live in ``<package>/templates/<lang>/<name>.<fmt>.j2`` with ``fmt``
one of ``html`` (Telegram HTML, autoescaped), ``txt`` (terminal) and ``json``.
An operator may override any template by putting a file with the same relative
path in their template folder. Dates are written with the ``reader_date``
filter (``{{ published|reader_date("en") }}``), the one place that knows how
readers of each language write them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, StrictUndefined

Format = Literal["html", "txt", "json"]
LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"
# Spelled out rather than strftime("%b"), whose month names follow the process locale.
ENGLISH_MONTHS = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)


def _autoescape(name: str | None) -> bool:
    # Telegram HTML and JSON are escaped; terminal text must show "TT&TT" as written.
    return name is None or not name.endswith(".txt.j2")


def reader_date(value: date | str | None, lang: str) -> str:
    """A date as readers write it: 30/01/2024 (vi, and any unknown language), 30 Jan 2024 (en).

    ``value`` is a date (or datetime, shown as its own calendar day) or an ISO
    string such as the store's "2024-01-30" or "2024-01-30T07:00:00+07:00".
    Missing dates give "" so the template chooses its own wording; a string
    that is not an ISO date is shown as stored rather than hidden or garbled.
    """
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return ""
        try:
            value = date.fromisoformat(text[:10])
        except ValueError:
            return text
    if value is None:
        return ""
    if lang == "en":
        return f"{value.day} {ENGLISH_MONTHS[value.month - 1]} {value.year:04d}"
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def _tojson(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


@lru_cache(maxsize=16)
def make_environment(
    packages: Sequence[str] = ("digests",), override_dir: str | None = None
) -> Environment:
    """An environment that looks in ``override_dir`` first, then in each package."""
    loaders: list[Any] = []
    if override_dir:
        loaders.append(FileSystemLoader(override_dir))
    loaders.extend(PackageLoader(p, "templates") for p in packages)
    env = Environment(
        loader=ChoiceLoader(loaders),
        autoescape=_autoescape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters["tojson_raw"] = _tojson
    env.filters["reader_date"] = reader_date
    return env


def template_name(name: str, lang: str, fmt: Format) -> str:
    lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    return f"{lang}/{name}.{fmt}.j2"


def render(
    name: str,
    *,
    lang: str = DEFAULT_LANGUAGE,
    fmt: Format = "txt",
    packages: Sequence[str] = ("digests",),
    override_dir: Path | None = None,
    **context: Any,
) -> str:
    """Render template ``name`` for ``lang`` and ``fmt`` with ``context``."""
    env = make_environment(tuple(packages), str(override_dir) if override_dir else None)
    template = env.get_template(template_name(name, lang, fmt))
    return template.render(lang=lang, fmt=fmt, **context).strip()
