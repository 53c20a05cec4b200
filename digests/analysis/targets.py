"""Targets: goals and deadlines tied to a year ("phấn đấu … vào năm 2045").

A time expression becomes a target when
- it points at the article's year or later ("đến năm 2030", "trong tháng 10/2022",
  "trong năm nay", "năm tới", "trong 3 năm tới" — relative ones resolved
  against the publication date);
- it is no term of office or date range ("nhiệm kỳ 2024 - 2027",
  "Từ tháng 02 đến tháng 12/2020"), no comparison ("cùng kỳ năm 2019");
- its clause speaks of an aim (phấn đấu, mục tiêu, sẽ, phải, để, trở thành, top …)
  and is not a report of the past (đã, vừa, từng) unless the past verb is a
  directive ("đã chỉ đạo hoàn thành trước năm 2025").

A sentence that only says what a year is like — "năm 2025 là năm Việt Nam có
nhiều sự kiện", "năm 2024 là năm để doanh nghiệp ICT Việt Nam cất cánh" — sets no
goal and is no target: there is nothing to check against it later.

Matching runs on folded text (same offsets as the original), the verbatim goal
and setter are cut from the original sentence.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date

from digests.analysis.target_goals import find_goal
from digests.analysis.target_setters import (
    PLANS_NOTHING,
    closing_speaker,
    find_setter,
    paragraph_speaker,
)
from digests.analysis.target_times import ABSOLUTE_KINDS, TIME_CUE_PATTERN, goal_times
from digests.model import Mention, Person, Sentence, Target
from digests.textnorm import fold_nfc


def extract_targets(
    sentences: Sequence[Sentence],
    published: date,
    *,
    people: Sequence[Person] = (),
    mentions: Sequence[Mention] = (),
    candidates: Collection[int] | None = None,
    dated: bool = True,
) -> list[Target]:
    """The goals and deadlines the sentences set, each tied to a year.

    ``candidates`` (sentence idx values) limits the search to sentences a
    cheaper scan already found a time cue in; None looks at every sentence.
    ``dated`` False (the article gave no date): relative forms ("năm nay") are skipped.
    """
    targets: list[Target] = []
    for position, sentence in enumerate(sentences):
        if candidates is not None and sentence.idx not in candidates:
            continue
        folded = fold_nfc(sentence.text)
        if candidates is None and not TIME_CUE_PATTERN.search(folded):
            continue
        seen: set[tuple[int, int | None]] = set()
        for time in goal_times(sentence.text, folded, published):
            if not dated and time.kind not in ABSOLUTE_KINDS:
                continue  # "năm nay" in an undated article: no year to count from
            if (time.year, time.month) in seen:
                continue
            seen.add((time.year, time.month))
            previous = sentences[position - 1] if position else None
            context = previous if previous and previous.paragraph == sentence.paragraph else None
            # "…, Thủ tướng Phạm Minh Chính cho biết.": the speaker named last, out of the goal.
            said_by = closing_speaker(sentence, time.end, people)
            speaker, end = said_by or (None, len(sentence.text))
            setter, subject = find_setter(sentence, context, people, mentions, speaker)
            if setter is None or PLANS_NOTHING.match(setter):
                # "Theo đó, Việt Nam coi CĐS …" after "Ông X, Vụ trưởng … chia sẻ": X said it.
                setter = paragraph_speaker(sentences, position, people) or setter
            goal = find_goal(sentence.text[:end], time, subject, context)
            targets.append(Target(time.year, time.month, goal, setter, sentence.idx, sentence.text))
    return targets
