"""How a sentence words a target's time, read back when the target is shown.

The store keeps a target's year and month; "trước năm 2026" is not "năm 2026", so the
wording is found again, at read time, with the forms digests.analysis.target_times finds them by.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from digests.analysis.target_times import (
    ABSOLUTE_KINDS,
    NUMBER_WORDS,
    QUARTERS,
    form_matches,
    is_goal_time,
    resolve_time,
)
from digests.textnorm import fold_nfc, squash_spaces

# ------------------------------------------------------------------------ deadline
# Read time, not ingest: the store keeps a target's year and month; how the sentence put
# them ("trước năm 2026" is not "năm 2026") is found again when a target is shown.

_RELATIONS = {
    "": "", "trong": "within", "ngay trong": "within", "trong vong": "within", "vong": "within",
    "vao": "in", "sang": "", "den": "by", "toi": "by", "tu nay den": "by", "cho den": "by",
    "het": "by", "truoc": "before", "sau": "after",
}  # fmt: skip
_PARTS = {"": "", "cuoi": "end", "het": "end", "dau": "start", "giua": "middle"}
# What stands before the time itself: "đến hết", "ngay trong", "trước cuối" …
_HEAD = re.compile(
    r"[\"“]?\s*(?:(?P<prep>ngay\s+trong|trong\s+vong|tu\s+nay\s+den|cho\s+den|trong|vong|vao"
    r"|den|toi|truoc|het|sau|sang)(?!\w)\s*)?(?:(?P<part>cuoi|dau|giua|het)(?!\w)\s*)?"
)
_QUOTES = '“”"‘’ '


@dataclass(frozen=True)
class Deadline:
    """How a sentence words a target's time, so an answer can say it back truthfully.

    The empty Deadline (no ``kind``) means no wording was found: templates then show
    the plain year or month, as before.
    """

    said: str = ""  # the article's words, e.g. "trước năm 2026", "trong 3 năm tới"
    kind: str = ""  # the form: year, month, quarter, years_ahead, this_year, next_year, …
    relation: str = ""  # by, before, after, in, within; "" when the time stands bare
    part: str = ""  # start, middle or end of the year, month or quarter; "" for all of it
    quarter: int | None = None
    count: int | None = None  # "trong 3 năm tới": 3
    relative: bool = False  # counted from the publication date ("năm nay", "3 năm tới")


def deadline(sentence: str, year: int, month: int | None, published: date | None) -> Deadline:
    """The wording of the time expression in ``sentence`` that gave the target (year, month).

    ``published`` is the date relative forms were counted from; without it only absolute
    forms ("đến năm 2030") can be recognised.  The first expression that is a goal's time
    wins, as at extraction; if none resolves to (year, month), the empty Deadline.
    """
    folded = fold_nfc(sentence)
    same = []
    for kind, match in form_matches(folded):
        if kind not in ABSOLUTE_KINDS and published is None:
            continue
        if resolve_time(kind, match, published or date.min) == (year, month):
            same.append((kind, match))
    if not same:
        return Deadline()
    same.sort(key=lambda found: found[1].start())
    if published is not None:
        goals = [
            (kind, match)
            for kind, match in same
            if is_goal_time(sentence, folded, *match.span(), published, year, month, kind)
        ]
        same = goals or same
    kind, match = same[0]
    return _wording(kind, match, sentence)


def _wording(kind: str, match: re.Match[str], sentence: str) -> Deadline:
    start, end = match.span()
    groups = match.groupdict()
    # A count's own words ("sáu năm tới") are no preposition: only what precedes it is.
    head_end = match.start("n") if kind == "years_ahead" else end
    head = _HEAD.match(match.string, start, head_end)
    prep = squash_spaces(head.group("prep") or "") if head else ""
    part = (head.group("part") or "") if head else ""
    if prep == "het" and not part:
        part = "het"  # "hết năm 2025": by the end of it
    said = squash_spaces(sentence[start:end].strip(_QUOTES))
    quarter = groups.get("quarter")
    count = groups.get("n")
    return Deadline(
        said=said[:1].lower() + said[1:],
        kind=kind,
        relation=_RELATIONS[prep],
        part=_PARTS[part],
        quarter=QUARTERS[quarter] if quarter else None,
        count=(int(count) if count.isdigit() else NUMBER_WORDS[count]) if count else None,
        relative=kind not in ABSOLUTE_KINDS,
    )
