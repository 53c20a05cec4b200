"""How much a sentence says about an organisation: figures (money, counts, shares)
and whether the organisation is its subject, for ranking statements."""

from __future__ import annotations

import re
from collections.abc import Sequence

_NUMBER = r"\d+(?:[.,]\d+)*(?:\s*[-–]\s*\d+(?:[.,]\d+)*)?"


_APPROX = r"(?:(?:gần|xấp\s+xỉ|khoảng|hơn|trên|dưới|tới|đến|gấp|hàng|chỉ|lên\s+đến|lên\s+tới)\s+)?"


_MONEY_UNIT = r"(?:nghìn\s+|ngàn\s+|triệu\s+|tỷ\s+|tỉ\s+)*(?:USD|đô\s+la|đồng|VND|VNĐ|euro|EUR)"


_COUNT_UNIT = (
    r"(?:nghìn|ngàn|triệu|tỷ|tỉ)?\s*(?:nhân\s+viên|kỹ\s+sư|lao\s+động|nhân\s+sự|cán\s+bộ|người|"
    r"quốc\s+gia|nước|thị\s+trường|doanh\s+nghiệp|DN|khách\s+hàng|thuê\s+bao|trạm|tin\s+nhắn|"
    r"sản\s+phẩm|dự\s+án|văn\s+phòng|chi\s+nhánh|bưu\s+cục|điểm|hộ|trường|lượt)"
)


_FIGURE = re.compile(
    rf"(?<![\w/.,]){_APPROX}{_NUMBER}\s*(?:%|phần\s+trăm|{_MONEY_UNIT}|{_COUNT_UNIT}|"
    rf"nghìn|ngàn|triệu|tỷ|tỉ)(?!\w)|(?i:top)\s+{_NUMBER}(?!\w)",
)


_TOPICS: tuple[tuple[float, re.Pattern[str]], ...] = tuple(
    (weight, re.compile(pattern, re.IGNORECASE))
    for weight, pattern in (
        (3.0, r"doanh\s+thu|doanh\s+số"),
        (3.0, r"lợi\s+nhuận|lãi\s+(?:trước|sau)\s+thuế|(?-i:LNTT|LNST)"),
        (2.0, rf"{_NUMBER}\s*(?:nghìn\s+|ngàn\s+)?(?:nhân\s+viên|kỹ\s+sư|lao\s+động|nhân\s+sự)"),
        (2.0, rf"{_NUMBER}\s*(?:quốc\s+gia|nước|thị\s+trường)(?!\w)"),
        (2.0, rf"{_NUMBER}\s*{_MONEY_UNIT}"),
        (1.5, rf"{_NUMBER}\s*(?:%|phần\s+trăm)"),
    )
)


_DIGIT = re.compile(r"\d")


_QUOTED = re.compile(r"[“\"«].{12,}[”\"»]|(?:cho\s+biết|khẳng\s+định|nhấn\s+mạnh|nói)\s*[:,]")


def has_figure(text: str) -> bool:
    """Whether ``text`` states a figure: money, a percentage, a count of people or countries."""
    return _FIGURE.search(text) is not None


def first_figure(text: str) -> int | None:
    """Where the first figure in ``text`` starts, or None."""
    match = _FIGURE.search(text)
    return None if match is None else match.start()


def figures(text: str) -> list[str]:
    """Figures in ``text``, verbatim with their qualifier ("gần 9.000 tỷ đồng", "xấp xỉ 10%")."""
    return [match.group().strip() for match in _FIGURE.finditer(text)]


CROWDED = 4  # a sentence naming this many organisations is a list, not a statement


SUBJECT_REACH = 90  # characters: a name this early is what the sentence is about


def statement_focus(sentence_text: str, aliases: Sequence[str], organisations: int) -> int:
    """How much a sentence is about the company named by ``aliases``.

    0: it only lists it among many ("… gồm VNPT, Viettel, FPT, CMC …"); 1: it
    names it in passing; 2: the company leads the sentence, as its subject or the
    speaker's employer ("ông Giang, Phụ trách HĐTV VNPost đề cập …").
    """
    if organisations >= CROWDED:
        return 0
    positions = [sentence_text.find(alias) for alias in aliases]
    first = min((p for p in positions if p >= 0), default=-1)
    return 2 if 0 <= first < SUBJECT_REACH else 1


def statement_score(sentence_text: str) -> float:
    """How informative a statement is; figures about revenue, profit, staff, money rank first.

    Pure and cheap, for ordering a company's statements: revenue and profit
    weigh most, then staff, countries and money, then percentages; any figure
    adds one more, a quoted statement a little; fragments and walls of text lose.
    """
    # Without a digit only the first two topics (revenue, profit words) can match, and no
    # figure: skipping the rest halves the cost of ranking a company's statements.
    digits = _DIGIT.search(sentence_text) is not None
    topics = _TOPICS if digits else _TOPICS[:2]
    score = sum(weight for weight, pattern in topics if pattern.search(sentence_text))
    if digits:
        score += min(len(figures(sentence_text)), 3)
    if _QUOTED.search(sentence_text):
        score += 0.5
    words = len(sentence_text.split())
    if words < 6:
        score -= 1.0
    elif words > 60:
        score -= 0.5
    return float(score)
