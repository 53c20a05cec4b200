"""A statement as a reader sees it: quote marks balanced and, where the text says who, a speaker.

A company's statements are single sentences cut from their paragraph.  Two things
then go wrong for a reader:

- A quotation that runs over several sentences leaves a lone mark: the sentence
  that opens it has “ and no ”, the one that closes it has ” and no “, and those
  in between have neither although they are someone's words.
- A sentence that goes on from the one before ("Vì vậy, …", "Theo đó, …") or sits
  inside a quotation loses the person who said it, who was named a sentence or
  two earlier.

``present`` fixes both at read time, from the sentences of the statement's
paragraph and the people the article names; stored text is never changed.

Quote marks: a sentence that starts inside a quotation opened earlier gets “… in
front; one whose quotation goes on past it gets …” at the end (before a final
full stop, as these outlets write “…”.); the "…" tells the reader the quotation
was cut there.  A stray ” whose “ never came gets its “ (nothing was cut).

Speaker: a quotation's speaker is the subject of the saying verb before its “
("ông Tào Đức Thắng khẳng định: “…") or after its ” ("”, ông Quân nói."); a
paragraph that is nothing but a quotation continues the paragraph before when
exactly one person speaks there (the usual "Ông X cho hay, … ¶ “…”.").  A
sentence opening with a connective goes with the speaker of the sentence just
before it in the same paragraph ("Bộ trưởng Nguyễn Mạnh Hùng cho rằng, … Vì
vậy, …").  A sentence that names its own speaker gets none.  The subject must be
a person the text names: "ông X", "Role [Organisation] X", a role alone when the
article names exactly one person with that role, a given name ("ông Quân") when
exactly one person of the article carries it.  Anything else: no speaker.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from digests.analysis.people import ROLES

OPEN, CLOSE = "“", "”"
CUT = "…"  # where a quotation shown in part was cut
_OPENS_BEFORE = frozenset(" \t\n([{–—-:/")  # a straight " after these opens a quotation
_CLOSES_BEFORE = frozenset(",.;:!?…)]")  # … unless one of these (or the end) follows it
# A final full stop the added ” goes in front of ("…tốt”."), also the "./." that ends
# an article; "…" "!" "?" belong to the quoted words and stay inside.
_FINAL_STOP = re.compile(r"(?<![.…])\.(?:/\.)?$")

_SAYING = (
    "cho biết", "cho hay", "cho rằng", "khẳng định", "nhấn mạnh", "chia sẻ", "nói",
    "phát biểu", "nhận định", "nhận xét", "đánh giá", "đề xuất", "đề nghị", "kiến nghị",
    "bày tỏ", "thông tin", "lưu ý", "yêu cầu", "chỉ đạo", "nêu", "giới thiệu", "tiết lộ",
    "trao đổi", "giải thích", "nhắn nhủ", "cam kết", "thừa nhận", "phân tích", "cảnh báo",
    "đồng tình", "khuyến nghị", "tâm sự", "trả lời", "bình luận", "thông báo", "đề cập",
    "hy vọng", "mong muốn", "dự báo", "ước tính",
)  # fmt: skip
_SAYING_VERB = re.compile(
    r"(?<!\w)(?:" + "|".join(sorted(map(re.escape, _SAYING), key=len, reverse=True)) + r")(?!\w)"
)  # lower case: "Bộ Thông tin và Truyền thông" is no one saying something
# "Theo Bộ trưởng Nguyễn Mạnh Hùng, …", "Cũng theo Thứ trưởng, …"
_ACCORDING_TO = re.compile(r"(?:^|[,;:\n]\s*)(?:[Cc]ũng\s+)?[Tt]heo\s+([^,;:\n]+),")
_CONNECTIVE = re.compile(
    r"^(?:Chính vì vậy|Cũng vì vậy|Vì vậy|Vì thế|Do đó|Do vậy|Bởi vậy|Vậy nên|Theo đó"
    r"|Ngoài ra|Bên cạnh đó|Cùng với đó|Đồng thời|Tuy nhiên|Tuy vậy|Dù vậy|Song|Nhưng"
    r"|Trong đó|Hơn nữa|Mặt khác|Như vậy|Từ đó|Qua đó|Nhờ đó|Thậm chí)(?=[\s,])[\s,]*"
)
# Words between a subject and its verb: "ông X cũng đã cho biết".
_ADVERBS = frozenset(("cũng", "đã", "vừa", "còn", "thì", "đều", "lại", "từng", "mới", "sẽ"))
_HONORIFICS = frozenset(("ông", "bà"))
_CLAUSE_BREAK = re.compile(r"[,;:\n]|\s[-–—]\s")
_ROLE_WORDS = sorted((tuple(r.casefold().split()) for r in ROLES), key=len, reverse=True)
_ORG_JOINERS = frozenset(("của", "ty", "đoàn"))  # lower-case words inside "Công ty X", "Tập đoàn X"
_MAX_NAME_WORDS = 5


@dataclass(frozen=True)
class Shown:
    text: str
    speaker: str | None  # who said it, as "Role Name", "ông Name" or "Name"


@dataclass(frozen=True)
class _Subject:
    honorific: str | None  # "ông" / "bà"
    role: str | None  # as written: "Bộ trưởng", "Chủ tịch"
    words: tuple[str, ...]  # the rest: a name, an organisation, or both
    person: bool = True  # False for "Đại diện RikkeiSoft": a speaker, but not a person


def present(
    paragraph: Sequence[str],
    index: int,
    people: Sequence[tuple[str, str | None]],
    before: Sequence[str] = (),
) -> Shown:
    """``paragraph[index]`` balanced, with its speaker where the text names one.

    ``people`` are the (name, role) pairs the article names, in text order; ``before``
    the sentences of the paragraph before (none when that was a heading).
    """
    marks = [_marks(text) for text in paragraph]
    depths = _depths_at_start(marks)
    text = paragraph[index]
    joined = "".join(paragraph)
    straight = '"' in joined and OPEN not in joined and CLOSE not in joined
    shown = balance(text, inside=depths[index] > 0, straight=straight)
    return Shown(shown, _speaker(paragraph, marks, depths, index, people, before))


def speakers_in(text: str, people: Sequence[tuple[str, str | None]]) -> list[str]:
    """Who ``text`` itself names as speaking, outside its quotations, as "Role Name"."""
    marks = _marks(text)
    found = (_resolve(subject, people) for subject in _subjects(_outside(text, marks, 0)))
    return [speaker for speaker in found if speaker]


def balance(text: str, *, inside: bool = False, straight: bool = False) -> str:
    """``text`` with every quotation mark paired.

    ``inside``: the sentence starts inside a quotation opened in an earlier sentence.
    Where the quotation was cut (it started before this sentence or goes on after it), "…"
    says so.
    >>> balance("Tôi nói: “Năm nay khó.")
    'Tôi nói: “Năm nay khó…”.'
    """
    opening, closing = ('"', '"') if straight else (OPEN, CLOSE)
    depth, missing = int(inside), 0
    for _pos, is_open, _straight in _marks(text):
        if is_open:
            depth += 1
        elif depth:
            depth -= 1
        else:
            missing += 1  # a ” whose “ was in an earlier sentence (or never written)
    # A quotation cut where this sentence starts or ends is marked so: “… and …”.
    front = opening * (missing + int(inside)) + (CUT if inside else "")
    if not depth:
        return front + text
    stop = _FINAL_STOP.search(text)
    body, tail = (text, "") if stop is None else (text[: stop.start()], text[stop.start() :])
    return front + body + ("" if body.endswith(CUT) else CUT) + closing * depth + tail


def _marks(text: str) -> list[tuple[int, bool, bool]]:
    """(position, opens?, straight?) of each quotation mark in ``text``."""
    found = []
    for pos, char in enumerate(text):
        if char in OPEN + CLOSE:
            found.append((pos, char == OPEN, False))
        elif char == '"':
            # After a space it opens, unless punctuation or the end follows: the spaced
            # closing mark of '" Các cửa hàng … hết hàng ", người này chia sẻ.'
            after = text[pos + 1 : pos + 2]
            opens = pos == 0 or text[pos - 1] in _OPENS_BEFORE
            found.append((pos, opens and bool(after) and after not in _CLOSES_BEFORE, True))
    return found


def _depths_at_start(marks: Sequence[Sequence[tuple[int, bool, bool]]]) -> list[int]:
    """How many quotations are open where each sentence starts (a stray ” opens none)."""
    depths, depth = [], 0
    for sentence in marks:
        depths.append(depth)
        for _pos, is_open, _straight in sentence:
            depth = depth + 1 if is_open else max(0, depth - 1)
    return depths


# --------------------------------------------------------------------------- speaker


def _speaker(
    paragraph: Sequence[str],
    marks: Sequence[Sequence[tuple[int, bool, bool]]],
    depths: Sequence[int],
    index: int,
    people: Sequence[tuple[str, str | None]],
    before: Sequence[str],
) -> str | None:
    text = paragraph[index]
    if next(_subjects(_outside(text, marks[index], depths[index])), None) is not None:
        return None  # the sentence says who speaks
    quote = _crossing_quote(marks, index)
    if quote is not None:
        (opener, at_open), closer = quote
        intro = _outside(paragraph[opener][:at_open], marks[opener], depths[opener])
        subject = next(_subjects(intro), None)
        if subject is None and closer is not None:
            tag = paragraph[closer[0]][closer[1] + 1 :]
            subject = next(_subjects(_outside(tag, [], 0)), None)
        if subject is None and (opener, at_open) == (0, 0):
            return _sole_speaker(before, people)
        return None if subject is None else _resolve(subject, people)
    if index > 0 and _CONNECTIVE.match(text):
        previous = _outside(paragraph[index - 1], marks[index - 1], depths[index - 1])
        subject = next(_subjects(previous), None)
        return None if subject is None else _resolve(subject, people)
    return None


def _sole_speaker(paragraph: Sequence[str], people: Sequence[tuple[str, str | None]]) -> str | None:
    """The one person who speaks in ``paragraph``, if exactly one does: a paragraph that is
    nothing but a quotation goes on with the speaker of the paragraph before it."""
    marks = [_marks(text) for text in paragraph]
    depths = _depths_at_start(marks)
    speakers = {
        _resolve(subject, people)
        for text, sentence, depth in zip(paragraph, marks, depths, strict=True)
        for subject in _subjects(_outside(text, sentence, depth))
    }
    return speakers.pop() if len(speakers) == 1 else None  # a None among them: unknown


def _crossing_quote(
    marks: Sequence[Sequence[tuple[int, bool, bool]]], index: int
) -> tuple[tuple[int, int], tuple[int, int] | None] | None:
    """The quotation open where sentence ``index`` starts or ends, as the (sentence,
    position) of its “ and of its ” (None when the paragraph never closes it)."""
    for opener, closer in _quotations(marks):
        ends = len(marks) if closer is None else closer[0]
        if opener[0] <= index <= ends and not opener[0] == index == ends:
            return opener, closer
    return None


def _quotations(
    marks: Sequence[Sequence[tuple[int, bool, bool]]],
) -> list[tuple[tuple[int, int], tuple[int, int] | None]]:
    """The outermost quotations of a paragraph: where each opens and closes."""
    found: list[tuple[tuple[int, int], tuple[int, int] | None]] = []
    depth, opener = 0, (0, 0)
    for i, sentence in enumerate(marks):
        for pos, is_open, _straight in sentence:
            if is_open:
                depth += 1
                opener = opener if depth > 1 else (i, pos)
            elif depth:
                depth -= 1
                if depth == 0:
                    found.append((opener, (i, pos)))
    if depth:
        found.append((opener, None))
    return found


def _outside(text: str, marks: Sequence[tuple[int, bool, bool]], depth: int) -> str:
    """The words of ``text`` outside quotations (a line break where a quotation was)."""
    kept, start = [], 0
    for pos, is_open, _straight in marks:
        if pos >= len(text):
            break
        if is_open:
            if depth == 0:
                kept.append(text[start:pos])
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                kept.append("\n")
                start = pos + 1
    if depth == 0:
        kept.append(text[start:])
    return "".join(kept)


def _subjects(text: str) -> Iterator[_Subject]:
    """Who says something in ``text``, in order: the subject of each saying verb and
    each "Theo X," that parses as a subject."""
    found: list[tuple[int, _Subject]] = []
    for match in _ACCORDING_TO.finditer(text):
        subject = _parse(match.group(1))
        if subject is not None:
            found.append((match.start(), subject))
    for match in _SAYING_VERB.finditer(text):
        subject = _subject_before(text[: match.start()])
        if subject is not None:
            found.append((match.start(), subject))
    for _start, subject in sorted(found, key=lambda item: item[0]):
        yield subject


def _subject_before(head: str) -> _Subject | None:
    """The subject that ends ``head`` (text before a verb), skipping an apposition:
    "ông Tào Đức Thắng, Chủ tịch Viettel" is ông Tào Đức Thắng."""
    pieces = [p.strip() for p in _CLAUSE_BREAK.split(head)]
    words = pieces[-1].split()
    while words and words[-1].casefold() in _ADVERBS:
        words.pop()
    pieces[-1] = " ".join(words)
    if len(pieces) >= 2 and _role_length(pieces[-1].split()):
        named = _parse(pieces[-2])
        if named is not None and named.words and named.person:
            return named
    return _parse(pieces[-1])


def _parse(clause: str) -> _Subject | None:
    """``clause`` as a whole subject, else None."""
    words = _CONNECTIVE.sub("", clause.strip()).split()
    if not words:
        return None
    if words[0].casefold() in _HONORIFICS:
        name = tuple(words[1:])
        if 0 < len(name) <= _MAX_NAME_WORDS and all(map(_is_name_word, name)):
            return _Subject(words[0].casefold(), None, name)
        if not name or name == ("ấy",):  # "bà cho biết": someone speaks, but who is unsaid
            return _Subject(words[0].casefold(), None, (), person=False)
        return None
    if [w.casefold() for w in words[:2]] == ["đại", "diện"]:
        rest = tuple(words[2:])
        ok = 0 < len(rest) <= _MAX_NAME_WORDS and all(map(_is_org_word, rest))
        return _Subject(None, None, rest, person=False) if ok else None
    size = _role_length(words)
    rest = tuple(words[size:])
    if len(rest) > 2 * _MAX_NAME_WORDS or not all(map(_is_org_word, rest)):
        return None
    if size:
        return _Subject(None, " ".join(words[:size]), rest)
    if len(rest) <= _MAX_NAME_WORDS and all(map(_is_name_word, rest)):
        return _Subject(None, None, rest)
    return None


def _role_length(words: Sequence[str]) -> int:
    folded = [w.casefold() for w in words]
    for role in _ROLE_WORDS:
        if tuple(folded[: len(role)]) == role:
            return len(role)
    return 0


def _is_name_word(word: str) -> bool:
    return word.isalpha() and word[0].isupper()


def _is_org_word(word: str) -> bool:
    bare = word.strip("()")
    return bool(bare) and (bare[0].isupper() or bare[0].isdigit() or bare in _ORG_JOINERS)


def _resolve(subject: _Subject, people: Sequence[tuple[str, str | None]]) -> str | None:
    """How to name ``subject`` in an attribution, if the article makes it one known person."""
    if not subject.person:
        return None
    roles: dict[str, str | None] = {}
    for name, role in people:
        roles[name] = roles.get(name) or role
    words = subject.words
    person = next(
        (n for n in sorted(roles, key=len, reverse=True) if _ends_with(words, n.split())), None
    )
    if person is None and subject.honorific and len(words) == 1:
        given = [n for n in roles if n.split()[-1] == words[0]]  # "ông Quân"
        person = given[0] if len(given) == 1 else None
    if person is None and subject.role and not words:
        same = {n for n, r in people if r and r.casefold() == subject.role.casefold()}
        person = same.pop() if len(same) == 1 else None  # "Bộ trưởng" and one minister named
    if person is not None:
        role = subject.role or roles[person]
        return f"{role} {person}" if role else _with_honorific(subject.honorific, person)
    if subject.honorific and len(words) >= 2:
        return _with_honorific(subject.honorific, " ".join(words))  # a full name, no role given
    return None


def _ends_with(words: Sequence[str], name: Sequence[str]) -> bool:
    return 0 < len(name) <= len(words) and tuple(words[-len(name) :]) == tuple(name)


def _with_honorific(honorific: str | None, name: str) -> str:
    return f"{honorific} {name}" if honorific else name


def names_speaker(text: str) -> bool:
    """The sentence itself says who speaks ("…”, ông Quân nói."; "Theo Bộ trưởng X, …")."""
    marks = _marks(text)
    return any(s.words or s.role for s in _subjects(_outside(text, marks, 0)))


def carried_speaker(
    paragraph: Sequence[str],
    index: int,
    people: Sequence[tuple[str, str | None]],
    before: Sequence[str] = (),
) -> str | None:
    """Who speaks in ``paragraph[index]`` when the sentence does not say: the speaker
    ``present`` finds, else the one who speaks in the sentence just before it in the
    paragraph ("Bộ trưởng chỉ đạo, … Các công ty phải …"), else the sole speaker of
    the paragraph before when this one opens with it."""
    speaker = present(paragraph, index, people, before).speaker
    if speaker is not None:
        return speaker
    if index == 0:
        return _sole_speaker(before, people) if before else None
    previous = paragraph[index - 1]
    subject = next(_subjects(_outside(previous, _marks(previous), 0)), None)
    return None if subject is None else _resolve(subject, people)
