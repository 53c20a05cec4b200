"""Organisations outside the registry, discovered from "Tập đoàn X",
"Tổng Công ty X", "Công ty X", "Đài X", "báo X" and "Nhà xuất bản X", where X
is the run of capitalised words after the trigger, plus the lower-case halves
of the usual name parts ("Cổ phần", "Truyền hình", "Công nghệ" …)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from digests.analysis.companies import (
    SPACES,
    OrgHit,
    OrgKind,
)
from digests.model import Organisation
from digests.textnorm import fold

UPPER_LETTERS = "".join(
    c for c in map(chr, range(0x41, 0x1EFA)) if c.isalpha() and c.isupper() and c != c.lower()
)


LOWER_LETTERS = "".join(
    c for c in map(chr, range(0x61, 0x1EFA)) if c.isalpha() and c.islower() and c != c.upper()
)


ORG_TRIGGERS = {
    "tong cong ty": "Tổng Công ty",
    "cong ty": "Công ty",
    "tap doan": "Tập đoàn",
    "dai": "Đài",
    "bao": "Báo",
    "nha xuat ban": "Nhà xuất bản",
}


_MEDIA_TRIGGERS = ("dai", "bao", "nha xuat ban")


# Only these may be written in lower case: "đài Truyền hình X", "báo VnExpress".
_LOWER_CASE_TRIGGERS = ("dai", "bao", "tap doan")


# "báo" after these is part of a verb or another noun, not a newspaper.
_NOT_NEWSPAPER = frozenset(
    (
        "canh", "thong", "du", "tinh", "khai", "cap", "trinh", "loan", "dien", "hoi", "mach", "to",
        "dang", "nha",  # "nhà báo Nguyễn Việt Phú" is a journalist, not a newspaper
    )
)  # fmt: skip


_NAME_TOKEN = re.compile(rf"[{UPPER_LETTERS}0-9][\w&+'’]*(?:[.\-][\w&+'’]+)*|[{LOWER_LETTERS}]+|\S")


# Lower-case words that continue a capitalised one inside an organisation's name.
_NAME_PARTS = frozenset(
    [
        "co phan", "trach nhiem huu han", "truyen hinh", "truyen thong", "phat thanh",
        "tieng noi", "vien thong", "cong nghe", "cong nghiep", "buu chinh", "buu dien",
        "thuong mai", "dich vu", "dau tu", "phat trien", "tai chinh", "thong tin", "giai phap",
        "phan mem", "dien tu", "xay dung", "san xuat", "xuat ban", "xuat nhap khau", "ha tang",
        "an ninh", "an toan", "du lieu", "ky thuat", "thanh toan", "chuyen phat", "giao hang",
        "van tai", "di dong", "truc tuyen", "quoc te", "toan cau", "giai tri", "noi dung",
    ]
)  # fmt: skip


# First words that make "công ty X" generic ("các công ty Mỹ", "công ty ICT Việt Nam").
_GENERIC_FIRST = frozenset(
    (
        "viet", "nam", "my", "hoa", "han", "nhat", "trung", "an", "anh", "phap", "duc", "nga",
        "uc", "thai", "chau", "asean", "ict", "cntt", "it", "ai", "internet", "nha", "chinh",
        "dang", "nuoc", "quoc", "bo", "so", "trong", "ngoai", "cac", "nhung", "moi",
    )
)  # fmt: skip


_MAX_NAME_TOKENS = 8


def discover_at(text: str, folded: str, start: int, name_start: int, trigger: str) -> OrgHit | None:
    """The organisation "Trigger X" whose X starts at ``name_start``, if X is a name."""
    if trigger not in _LOWER_CASE_TRIGGERS and text[start].islower():
        return None  # "các công ty Mỹ" is generic; "Công ty Sao Bắc Đẩu" is a name
    if trigger == "bao" and _previous_word(folded, start) in _NOT_NEWSPAPER:
        return None
    end = _name_end(text, folded, name_start)
    if end is None:
        return None
    written = SPACES.sub(" ", text[start:end])
    name = f"{ORG_TRIGGERS[trigger]} {SPACES.sub(' ', text[name_start:end])}"
    kind: OrgKind = "media" if trigger in _MEDIA_TRIGGERS else "company"
    org = Organisation(key=_slug(name), name=name, kind=kind, discovered=True)
    return OrgHit(start, end, org.key, written, org)


def _previous_word(folded: str, position: int) -> str:
    words = folded[max(0, position - 20) : position].split()
    return words[-1] if words else ""


def _name_end(text: str, folded: str, start: int) -> int | None:
    """End of the organisation name starting at ``start``, or None if it is generic."""
    if start >= len(text) or not text[start].isupper():
        return None
    tokens = list(_NAME_TOKEN.finditer(text, start, min(len(text), start + 160)))
    end: int | None = None
    proper = 0  # capitalised words that are not generic name parts
    i = 0
    while i < len(tokens) and i < _MAX_NAME_TOKENS:
        token = tokens[i]
        if i and text[tokens[i - 1].end() : token.start()].strip():
            break  # punctuation between words ends the name
        if _joins_name_parts(text, folded, tokens, i):
            i += 1  # "Đài Phát thanh và Truyền hình Nghệ An"
            continue
        if not (token.group()[0].isupper() or token.group()[0].isdigit()):
            break
        if i == 0 and folded[token.start() : token.end()] in _GENERIC_FIRST:
            return None
        width = _name_part_width(folded, tokens, i)
        if width == 0:
            proper += 1
            width = 1
        end = tokens[i + width - 1].end()
        i += width
    return end if end is not None and proper else None


def _joins_name_parts(text: str, folded: str, tokens: Sequence[re.Match[str]], i: int) -> bool:
    """Whether token ``i`` is a "và" between two generic name parts."""
    if folded[tokens[i].start() : tokens[i].end()] != "va" or i == 0 or i + 1 >= len(tokens):
        return False
    return _name_part_width(folded, tokens, i + 1) > 0 and text[tokens[i + 1].start()].isupper()


def _name_part_width(folded: str, tokens: Sequence[re.Match[str]], i: int) -> int:
    """How many tokens from ``i`` form a generic name part like "Truyền hình" (0 if none)."""
    for width in (4, 3, 2):
        if i + width > len(tokens):
            continue
        if not all(t.group()[0].islower() for t in tokens[i + 1 : i + width]):
            continue
        if " ".join(folded[t.start() : t.end()] for t in tokens[i : i + width]) in _NAME_PARTS:
            return width
    return 0


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-")
