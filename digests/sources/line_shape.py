"""What a line of page text looks like: its comparison key, its word count, whether it
ends a sentence or reads like a heading. The cleaning rules are built on these.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from digests.textnorm import fold_nfc

_fold = fold_nfc


@lru_cache(maxsize=512)
def line_key(text: str) -> str:
    """Accent-, case- and punctuation-insensitive form used to compare lines and phrases.

    Cached: the header's lines are keyed by the banner, headline and junk rules alike.
    """
    return " ".join(_KEY_WORD.findall(_fold(text)))


_KEY_WORD = re.compile(r"[\w&]+")
_TERMINAL = re.compile(r"(?:[.!?…;:]|\./\.)[\"”’»)\]]*$")
_ENDS_QUOTE = re.compile(r"[\"”»]$")
CAPITALISED = re.compile(r"^[A-ZÀ-ỸĐ0-9\"“‘'(«]")

HEADING_MAX_WORDS = 25


# --- small predicates -----------------------------------------------------------------------
def word_count(line: str) -> int:
    """Words in a line whose spaces are already squashed (as all cleaned lines are)."""
    return line.count(" ") + 1 if line else 0


def ends_sentence(line: str) -> bool:
    """Whether a line ends like a sentence (a long line closing on a quote counts too)."""
    end = line[-12:].rstrip()
    if _TERMINAL.search(end):
        return True
    return bool(_ENDS_QUOTE.search(end)) and word_count(line) >= 12


def ends_statement(line: str) -> bool:
    """Whether a line ends like a long statement: a short "Ảnh: Internet." does not."""
    return ends_sentence(line) and word_count(line) > 12


def is_heading_like(line: str) -> bool:
    """A short line without final punctuation that starts like a title."""
    words = word_count(line)
    return (
        2 <= words <= HEADING_MAX_WORDS
        and not ends_sentence(line)
        and not line.endswith(",")
        and bool(CAPITALISED.match(line))
    )


def starts_with_any(key: str, prefixes: Iterable[str]) -> bool:
    return any(key == p or key.startswith(p + " ") for p in prefixes)
