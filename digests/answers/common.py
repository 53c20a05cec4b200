"""What every answer shares: polite refusals of bad arguments (BadArgument), argument
and paging checks, and the NotFound answer with suggestions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from digests.answers.resolve import (
    Candidate,
)
from digests.textnorm import nfc, squash_spaces, words

MAX_ARGUMENT = 200


MAX_LIMIT = 50


class BadArgument(ValueError):
    """A user argument we cannot use; ``code`` picks the polite explanation."""

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(f"{code}: {params}" if params else code)


@dataclass(frozen=True)
class NotFound:
    query: str
    suggestions: list[str]
    found: bool = False
    candidates: list[Candidate] = field(default_factory=list)  # for buttons: label and key


def clean_argument(text: str | None, *, what: str = "name") -> str:
    """NFC, single-spaced, non-empty and at most MAX_ARGUMENT characters, else BadArgument."""
    value = squash_spaces(nfc(text or ""))
    if not value:
        raise BadArgument("empty", what=what)
    if len(value) > MAX_ARGUMENT:
        raise BadArgument("too_long", what=what, limit=MAX_ARGUMENT, length=len(value))
    return value


def check_words(text: str) -> list[str]:
    """The folded words of a search, else BadArgument("no_words")."""
    tokens = words(text)
    if not tokens:
        raise BadArgument("no_words")
    return tokens


def check_page(limit: int, offset: int) -> tuple[int, int]:
    """(limit capped at MAX_LIMIT, offset), else BadArgument for a negative offset or limit < 1."""
    if offset < 0:
        raise BadArgument("bad_offset", value=offset)
    if limit < 1:
        raise BadArgument("bad_limit", value=limit, high=MAX_LIMIT)
    return min(limit, MAX_LIMIT), offset
