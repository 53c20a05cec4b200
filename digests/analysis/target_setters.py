"""Who set a target: the sentence's subject, a closing "…, X cho biết", the one who
directed an obliged subject, or the paragraph's speaker, resolved to a named person."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from digests.analysis.people import ROLES
from digests.analysis.quotes import present
from digests.model import Mention, Person, Sentence
from digests.textnorm import fold_nfc

# "Bộ trưởng chỉ đạo, … . Cục X phải …": the one who directs set the goal; X carries it out.
_DIRECTS = re.compile(r"(?<!\w)(?:chỉ đạo|giao|yêu cầu|đề nghị)(?!\w)")
_OBLIGED = re.compile(r"^\s*(?:phải|cần|có trách nhiệm)(?!\w)")

# Openings that are not the subject: connectives, topics, times, places.
_PREFIX = re.compile(
    r"^(?:theo đó|ngoài ra|đồng thời|bên cạnh đó|tuy nhiên|vì vậy|do đó|cụ thể|trước đó|sắp tới"
    r"|hiện nay|hiện|về|đối với|trong|năm|vào|đến|tới|tại|phát biểu|chia sẻ|với|sau|trước"
    r"|nhân dịp|từ|cuối|đầu|giữa|ngay|cũng tại|kế hoạch|mục tiêu|chỉ tiêu)(?!\w)[^,]{0,120},\s*",
    re.IGNORECASE,
)
_SOURCE = re.compile(r"^(?:cũng\s+)?theo\s+(?P<source>[^,]{2,80}),\s*", re.IGNORECASE)
# Words (lower case, with their tones) that end a sentence's subject.
_PREDICATES = frozenset(
    (
        "có", "là", "sẽ", "đã", "đang", "phải", "cần", "giao", "lấy", "coi", "muốn", "cũng",
        "vẫn", "vừa", "nhằm", "đặt", "nêu", "nên", "được", "chỉ đạo", "cho biết", "cho rằng",
        "đặt ra", "phấn đấu", "mong muốn", "dự kiến", "cam kết", "yêu cầu", "đề nghị",
        "quyết tâm", "nhấn mạnh", "khẳng định", "tiếp tục", "đề xuất", "hướng tới",
        "triển khai", "thông tin", "chia sẻ", "tuyên bố", "xác định", "đề ra", "lên kế hoạch",
        "đạt mục",  # "Viettel đạt mục tiêu …"; "đạt" alone may follow "Doanh thu Viettel"
    )
)  # fmt: skip
_MAX_SUBJECT_WORDS = 12
_ROLE_KEYS = frozenset(fold_nfc(role) for role in ROLES)
_HONORIFIC = re.compile(r"^(?:[Ôô]ng|[Bb]à)\s+(?P<name>\S+)$")
# "…, Thủ tướng Phạm Minh Chính cho biết.": who said it, named after what was said.
_SAID_BY = re.compile(
    r",\s*(?P<speaker>[^,;:“”\"()]{2,80}?)\s+(?:cho biết|cho hay|cho rằng|nói|nhấn mạnh"
    r"|khẳng định|chia sẻ|thông tin|nêu rõ|phát biểu)(?!\w)[\s.!…”\"]*$"
)


# Subjects that plan nothing themselves: a country, a document.  A person the paragraph
# names as saying it is the better answer to "who set it".
PLANS_NOTHING = re.compile(
    r"^(?:Việt Nam|Nước ta|Chiến lược|Kế hoạch|Quyết định|Nghị quyết|Đề án|Chương trình"
    r"|Quy hoạch|Luật|Chỉ thị|Nghị định|Thông tư|Dự thảo)(?!\w)"
)


def paragraph_speaker(
    sentences: Sequence[Sentence], position: int, people: Sequence[Person]
) -> str | None:
    """Who the paragraph makes the speaker of sentence ``position`` (digests.analysis.quotes)."""
    sentence = sentences[position]
    own = [s for s in sentences if s.paragraph == sentence.paragraph and not s.is_heading]
    index = next((i for i, s in enumerate(own) if s.idx == sentence.idx), None)
    if index is None:
        return None
    pairs = [(p.name, p.role) for p in people]
    return present([s.text for s in own], index, pairs).speaker


def find_setter(
    sentence: Sentence,
    context: Sentence | None,
    people: Sequence[Person],
    mentions: Sequence[Mention],
    speaker: str | None = None,
) -> tuple[str | None, str | None]:
    """Who set the goal (resolved for readers) and, if that is the subject, as written.

    A ``speaker`` named at the sentence's end ("…, Bộ trưởng X cho biết.") sets the goal as
    one named at its start would: over the subject, not over "Theo X," or a director.
    """
    text = sentence.text.lstrip('“"‘ ')
    source = _SOURCE.match(text)
    if source:
        named = source.group("source").strip()
        if named[:1].isupper():
            return _resolve_person(named, sentence.idx, people), None
        text = text[source.end() :]
    while (prefix := _PREFIX.match(text)) is not None:
        text = text[prefix.end() :]
    aliases = [m.alias for m in mentions if m.sentence_idx == sentence.idx]
    subject = _subject(text, aliases)
    if subject and _OBLIGED.match(text[len(subject) :]):
        director = _director(sentence, context, people)
        if director:
            return director, None  # the assignee stays in the goal: "Cục X phải …"
    if speaker:
        # The goal reads as it would without the closing speaker: a named subject leaves it.
        return speaker, subject if subject and subject[:1].isupper() else None
    if subject and subject[:1].isupper():
        return _resolve_person(subject, sentence.idx, people), subject
    if subject:
        for mention in mentions:
            if mention.sentence_idx == sentence.idx and mention.alias in subject:
                return mention.alias, None  # the subject stays in the goal
    here = _speaker(sentence.idx, people)
    return here or _speaker(context.idx if context else None, people), None


def closing_speaker(
    sentence: Sentence, after: int, people: Sequence[Person]
) -> tuple[str, int] | None:
    """Who a closing "…, X cho biết." names after ``after``, and where the words naming
    them start (a comma), or None.  A person the article linked wins over the bare words:
    "…, ông Tào Đức Thắng, Chủ tịch Viettel cho biết." is Chủ tịch Tào Đức Thắng."""
    text = sentence.text
    tail = _SAID_BY.search(text, after)
    if tail is None:
        return None
    for person in people:
        if person.sentence_idx != sentence.idx:
            continue
        at = text.find(person.name, after)
        if at >= 0 and text.count(",", at, tail.end()) <= 1:
            comma = text.rfind(",", after, at)
            named = f"{person.role} {person.name}" if person.role else person.name
            return named, comma if comma >= 0 else tail.start()
    speaker = tail.group("speaker")
    lowered = speaker.lower().split()
    if any(w in _PREDICATES for w in lowered) or len(lowered) > _MAX_SUBJECT_WORDS:
        return None  # "…, Viettel sẽ tiếp tục thông tin.": no one named, a clause
    if speaker[:1].isupper() or _HONORIFIC.match(speaker):
        return _resolve_person(speaker, sentence.idx, people), tail.start()
    return None


def _director(sentence: Sentence, context: Sentence | None, people: Sequence[Person]) -> str | None:
    """Who gave the order an obliged subject carries out: the subject of "chỉ đạo",
    "giao", "yêu cầu" or "đề nghị" earlier in this sentence or in the one before."""
    for source in (sentence, context):
        if source is None:
            continue
        text = source.text.lstrip('“"‘ ')
        while (prefix := _PREFIX.match(text)) is not None:
            text = text[prefix.end() :]
        directive = _DIRECTS.search(text)
        if directive is None:
            continue
        subject = text[: directive.start()].strip(" ,")
        if subject and subject[:1].isupper() and len(subject.split()) <= _MAX_SUBJECT_WORDS:
            return _resolve_person(subject, source.idx, people)
    return None


def _subject(text: str, aliases: Sequence[str]) -> str | None:
    """The words before the first predicate, if that comes soon enough.

    An organisation's name at the start is taken whole: the "thông tin" of
    "Cục An toàn thông tin" is no verb there.
    """
    words = text.split()
    lowered = text.lower().split()
    if not words or lowered[0] in _PREDICATES or " ".join(lowered[:2]) in _PREDICATES:
        return None  # the sentence opens with its verb: "Phấn đấu đến năm 2030 …"
    first = 1
    for alias in sorted(aliases, key=len, reverse=True):
        if text.startswith(alias):
            first = max(1, len(alias.split()))
            break
    for i in range(first, min(len(words), _MAX_SUBJECT_WORDS + 1)):
        if words[i - 1].endswith((",", ":", ";")):
            return None
        word = lowered[i].strip(",.:;")
        following = lowered[i + 1].strip(",.:;") if i + 1 < len(lowered) else ""
        if word in _PREDICATES or f"{word} {following}" in _PREDICATES:
            return " ".join(words[:i])
    return None


def _resolve_person(subject: str, sentence_idx: int, people: Sequence[Person]) -> str:
    """ "Bộ trưởng" or "Ông Giang" alone become the person the article named that way."""
    if fold_nfc(subject) in _ROLE_KEYS:
        wanted = fold_nfc(subject)
        match = _nearest(people, sentence_idx, lambda p: fold_nfc(p.role or "") == wanted)
        return f"{match.role} {match.name}" if match and match.role else subject
    honorific = _HONORIFIC.match(subject)
    if honorific:
        given = honorific.group("name")
        match = _nearest(people, sentence_idx, lambda p: p.name.split()[-1] == given)
        return f"{match.role} {match.name}" if match and match.role else subject
    return subject


def _nearest(
    people: Sequence[Person], sentence_idx: int, wanted: Callable[[Person], bool]
) -> Person | None:
    """The last matching person at or before the sentence, else the first after it."""
    chosen: Person | None = None
    for person in people:
        if wanted(person):
            if person.sentence_idx <= sentence_idx or chosen is None:
                chosen = person
            if person.sentence_idx > sentence_idx:
                break
    return chosen


def _speaker(sentence_idx: int | None, people: Sequence[Person]) -> str | None:
    """The first person named in that sentence, as "Role Name"."""
    if sentence_idx is None:
        return None
    for person in people:
        if person.sentence_idx == sentence_idx:
            return f"{person.role} {person.name}" if person.role else person.name
    return None
