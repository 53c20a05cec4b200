"""Vietnamese personal names and the titles before them (``Thứ trưởng … Đỗ Hùng Việt``):
how the cleaner tells a photo caption or a pull quote that names a person.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from digests.textnorm import fold_nfc

# Titles that open a caption naming a person (compared folded).
PERSON_TITLES = (
    "pho thu tuong",
    "thu tuong",
    "tong bi thu",
    "chu tich",
    "pho chu tich",
    "bo truong",
    "thu truong",
    "tong giam doc",
    "pho tong giam doc",
    "giam doc",
    "pho giam doc",
    "cuc truong",
    "pho cuc truong",
    "vu truong",
    "pho vu truong",
    "truong ban",
    "pho truong ban",
    "tong bien tap",
    "pho tong bien tap",
    "dai su",
    "chu nhiem",
    "uy vien",
    "dong chi",
    "ong",
    "ba",
)
# Family names that open a Vietnamese personal name (short, ambiguous ones like Hà, Giang,
# Mai are left out: "Hà Nội" is no person).
SURNAMES = frozenset(
    (
        "Nguyễn",
        "Trần",
        "Lê",
        "Phạm",
        "Hoàng",
        "Huỳnh",
        "Phan",
        "Vũ",
        "Võ",
        "Đặng",
        "Bùi",
        "Đỗ",
        "Hồ",
        "Ngô",
        "Dương",
        "Lý",
        "Tô",
        "Tạ",
        "Đào",
        "Đinh",
        "Trịnh",
        "Lương",
        "Triệu",
        "Vương",
        "Cao",
        "Lâm",
        "Tào",
        "Chu",
        "Đoàn",
        "Trương",
        "Quách",
        "Kiều",
        "Lưu",
        "Châu",
        "Phùng",
        "Từ",
        "Đàm",
        "Nghiêm",
        "Doãn",
        "Khúc",
        "Lại",
        "Mạc",
        "Tăng",
        "Thân",
        "Khổng",
    )
)
_WORD = re.compile(r"[^\W\d_][\w&]*", re.UNICODE)
_UPPER_WORD = re.compile(r"^[A-ZÀ-ỸĐ][\w&.]*$")


def person_name_length(words: Sequence[str]) -> int:
    """How many of the last words form a personal name led by a family name (0 if none)."""
    for size in (4, 3, 2):
        if len(words) < size:
            continue
        tail = words[-size:]
        if tail[0] in SURNAMES and all(_UPPER_WORD.match(w) for w in tail):
            return size
    return 0


def mentions_person(line: str) -> bool:
    """A family-name-led run of capitalised words (``Nguyễn Mạnh Hùng``)."""
    words = _WORD.findall(line)
    for i, word in enumerate(words[:-1]):
        if word in SURNAMES and _UPPER_WORD.match(words[i + 1]):
            return True
    return False


def is_title_and_name(line: str) -> bool:
    """A caption that is only a title and a name: ``Thứ trưởng Bộ Ngoại giao Đỗ Hùng Việt.``

    Between the title and the name only an organisation may stand: it starts with a
    capital and has few lower-case syllables ("Bộ Thông tin và Truyền thông"); a verb
    there ("Thứ trưởng tiếp ông Nguyễn Văn An") makes it a sentence.
    """
    if len(line) > 120:
        return False
    words = line.rstrip(" .").split()
    name_len = person_name_length(words)
    if not 2 <= len(words) <= 12 or name_len == 0:
        return False
    key = fold_nfc(" ".join(words)).lower()
    title = next((t for t in PERSON_TITLES if key.startswith(t + " ")), None)
    if title is None:
        return False
    middle = words[len(title.split()) : len(words) - name_len]
    if not middle:
        return True
    lower = [w for w in middle if not _UPPER_WORD.match(w)]
    return bool(_UPPER_WORD.match(middle[0])) and len(lower) <= 4
