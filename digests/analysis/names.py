"""People's names: foreign names in Vietnamese text, and who a reader's query names.

Vietnamese names start with a surname from a known list (digests.analysis.companies); foreign
ones ("Ted G. Osius", "Marc Knapper") do not, and are written in plain Latin letters.
A capitalised run of such words counts as a foreign name only where it stands in an
apposition with a role ("Ted G. Osius, Chủ tịch USABC") or right after one ("CEO Jensen
Huang"), and only the part of it that cannot be Vietnamese: "Việt Nam Ted G. Osius" is
"Ted G. Osius", since "Nam" may be a Vietnamese syllable and "Ted" may not.
"""

from __future__ import annotations

import re

# A Vietnamese syllable written without its marks: onset, vowels, a permitted final.
_VIETNAMESE_SYLLABLE = re.compile(
    r"^(?:ngh|ch|gh|gi|kh|ng|nh|ph|qu|th|tr|[bcdghklmnpqrstvx])?[aeiouy]{1,3}"
    r"(?:ch|ng|nh|[cmnpt])?$",
    re.IGNORECASE,
)
_WORD = r"(?:[A-Z][a-z]+(?:-[A-Z][a-z]+)?|[A-Z]\.)"
_RUN_BEFORE = re.compile(rf"((?:{_WORD}\s+){{1,4}}{_WORD})\s*,\s*$")
_RUN_AT = re.compile(rf"{_WORD}(?:\s+{_WORD}){{1,3}}(?![\w.])")
MIN_WORDS = 2


def looks_foreign(word: str) -> bool:
    """Whether ``word`` cannot be a Vietnamese syllable: "Ted", "Osius", "Marc", "G."."""
    return word.endswith(".") or not _VIETNAMESE_SYLLABLE.match(word)


def foreign_name(words: list[str], whole: bool) -> str | None:
    """The longest tail of ``words`` that is a foreign name: two words or more, opening
    with a word no Vietnamese syllable could be (or the whole run, if any word is one)."""
    for start in range(0, len(words) - MIN_WORDS + 1):
        tail = words[start:]
        if tail[-1].endswith("."):
            continue  # a name ends with its surname, not an initial
        if looks_foreign(tail[0]) or (whole and start == 0 and any(map(looks_foreign, tail))):
            return " ".join(tail)
    return None


def foreign_name_before(text: str, role_start: int) -> tuple[str, int, int] | None:
    """A foreign name in apposition before a role: "Ted G. Osius, Chủ tịch …"."""
    match = _RUN_BEFORE.search(text, max(0, role_start - 80), role_start)
    if match is None:
        return None
    words = match.group(1).split()
    # A run that starts the sentence or follows a lower-case word may be a name whole;
    # after a capitalised word ("Việt Nam Ted …") it may continue that word's name.
    previous = text[max(0, match.start(1) - 30) : match.start(1)].split()
    whole = not previous or not previous[-1][:1].isupper()
    name = foreign_name(words, whole)
    if name is None:
        return None
    end = match.end(1)
    return name, end - len(name), end


def foreign_name_at(text: str, position: int) -> tuple[str, int, int] | None:
    """A foreign name right at ``position`` (after a role): "CEO Jensen Huang"."""
    match = _RUN_AT.match(text, position)
    if match is None:
        return None
    name = foreign_name(match.group().split(), True)
    if name is None or not match.group().startswith(name):
        return None
    return name, match.start(), match.start() + len(name)
