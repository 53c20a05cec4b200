"""The operator's list of sources: a TOML file of feeds, each with its outlet's name.

    [[source]]
    name = "VnExpress Số hóa"          # the outlet readers see on every line
    url = "https://vnexpress.net/rss/so-hoa.rss"
    sector = false                      # true for a sector outlet (ICTnews, the ministry)
    found = "https://vnexpress.net/rss" # where the URL was found, for the next maintainer
    enabled = true                      # false keeps an entry listed but not fetched

A file named ``*.toml`` given to ``ingest`` (or listed in the bot's ``sources``)
is read as such a list.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

SOURCES_SUFFIX = ".toml"
MAX_SOURCES_BYTES = 1024 * 1024


@dataclass(frozen=True)
class SourceSpec:
    """One thing to ingest and what the operator said about it."""

    target: str  # a feed or page URL, a file or a folder
    name: str = ""  # the outlet readers see; "" lets the page or its host name it
    sector: bool = False  # the operator marked it a sector outlet (ICTnews, the ministry)
    found: str = ""  # where its URL was found


class SourcesFileError(ValueError):
    """A sources file that cannot be used; the message is the one-line reason."""


def is_sources_file(target: str) -> bool:
    return target.lower().endswith(SOURCES_SUFFIX) and "://" not in target


def load_sources(path: Path) -> list[SourceSpec]:
    """The enabled entries of a sources file, in order; SourcesFileError if it is unusable."""
    try:
        if path.stat().st_size > MAX_SOURCES_BYTES:
            raise SourcesFileError("larger than 1 MB")
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SourcesFileError(exc.strerror or type(exc).__name__) from exc
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SourcesFileError(str(exc).splitlines()[0][:160]) from exc
    entries = data.get("source", [])
    if not isinstance(entries, list) or not entries:
        raise SourcesFileError("no [[source]] entries")
    return [spec for i, entry in enumerate(entries, 1) if (spec := _entry(i, entry))]


def _entry(number: int, entry: Any) -> SourceSpec | None:
    if not isinstance(entry, dict):
        raise SourcesFileError(f"entry {number} is not a table")
    url = entry.get("url")
    if not isinstance(url, str) or not url.strip():
        raise SourcesFileError(f"entry {number} has no url")
    for key, kind in (("name", str), ("found", str), ("sector", bool), ("enabled", bool)):
        if key in entry and not isinstance(entry[key], kind):
            raise SourcesFileError(f"entry {number}: {key} must be {kind.__name__}")
    if not entry.get("enabled", True):
        return None
    return SourceSpec(
        target=url.strip(),
        name=str(entry.get("name", "")).strip(),
        sector=bool(entry.get("sector", False)),
        found=str(entry.get("found", "")),
    )


def shown_names(targets: list[str]) -> list[str]:
    """What readers may be told the configured sources are: outlet names from sources
    files, hosts of URLs; never a local path or file name."""
    shown: list[str] = []
    for target in targets:
        if is_sources_file(target):
            try:
                specs = load_sources(Path(target).expanduser())
            except SourcesFileError:
                continue
            names = [spec.name or _host(spec.target) for spec in specs]
        elif "://" in target:
            names = [_host(target)]
        else:
            names = []
        shown.extend(name for name in names if name and name not in shown)
    return shown


def _host(url: str) -> str:
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")
