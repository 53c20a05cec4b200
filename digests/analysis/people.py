"""People linked with a role and an organisation only where the text says so:
"ông Tào Đức Thắng, Chủ tịch Viettel" or "Chủ tịch Giao Hàng Tiết Kiệm Phạm
Hồng Quân".  A name is 2–4 capitalised syllables starting with a Vietnamese
surname, which keeps "Bộ trưởng Bộ TT&TT" from passing for a person."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from digests.analysis.companies import (
    OrgHit,
    alias_key,
    squash_nfc,
    trie_pattern,
)
from digests.analysis.names import foreign_name_at, foreign_name_before
from digests.analysis.org_discovery import (
    LOWER_LETTERS,
    UPPER_LETTERS,
)
from digests.model import Person

_SURNAMES = (
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
    "Hồ", "Ngô", "Dương", "Lý", "Tào", "Tô", "Tạ", "Triệu", "Vương", "Đinh", "Trịnh", "Mai",
    "Trương", "Lương", "Đào", "Lâm", "Hà", "Cao", "Chu", "Đoàn", "Kiều", "Lưu", "Thái", "La",
    "Văn", "Tăng", "Quách", "Thân", "Khổng", "Hứa", "Châu", "Giang", "Lại", "Lò", "Mạc", "Nghiêm",
    "Phí", "Phùng", "Quan", "Tôn", "Từ", "Viên", "Diệp", "Doãn", "Đàm", "Đồng", "Khúc", "Kim",
    "Lục", "Mẫn", "Nông", "Tiêu", "Thạch", "Trình", "Ứng", "Vi", "Âu", "Bạch", "Cù", "Cung",
    "Hầu", "Khương", "Lã", "Lạc", "Ninh", "Sơn", "Thiều", "Tống", "Trà", "Trầm", "Yên", "Lữ",
    "Đới", "Bế", "Ma", "Nhữ", "Tiết", "Thiệu", "Dư", "Đậu", "Hồng", "Kha", "Khuất", "Giáp",
    "Lường",
)  # fmt: skip


_SYLLABLE = rf"[{UPPER_LETTERS}][{LOWER_LETTERS}]*"


_NAME = (
    rf"(?:{'|'.join(sorted(set(_SURNAMES), key=len, reverse=True))})"
    rf"(?:[^\S\n]+{_SYLLABLE}){{1,3}}(?!\w)"
)


_NAME_AT = re.compile(_NAME)


# Capitalised runs that start like a surname but are places.
_PLACES = frozenset(
    (
        "Hà Nội", "Hà Nam", "Hà Tĩnh", "Hà Giang", "Thái Lan", "Thái Bình", "Thái Nguyên",
        "Lâm Đồng", "Cao Bằng", "Lào Cai", "Bạch Long Vĩ", "Quan Hóa", "Kim Bôi", "Vĩnh Long",
    )
)  # fmt: skip


_HONORIFIC_BEFORE = re.compile(rf"(?<!\w)(?:[Ôô]ng|[Bb]à)\s+({_NAME})\s*,\s*$")


ROLES = (
    "Phó Tổng Giám đốc thường trực", "Phó Tổng Giám đốc", "Tổng Giám đốc điều hành",
    "Tổng Giám đốc", "Phó Giám đốc", "Giám đốc điều hành", "Giám đốc",
    "Phó Chủ tịch thường trực", "Phó Chủ tịch HĐQT", "Phó Chủ tịch HĐTV", "Phó Chủ tịch",
    "Chủ tịch HĐQT", "Chủ tịch HĐTV", "Chủ tịch Hội đồng quản trị",
    "Chủ tịch Hội đồng thành viên", "Chủ tịch", "Phụ trách HĐTV",
    "Phụ trách Hội đồng thành viên", "Phó Tổng biên tập", "Tổng biên tập", "Bộ trưởng",
    "Thứ trưởng thường trực", "Thứ trưởng", "Phó Thủ tướng", "Thủ tướng", "Phó Cục trưởng",
    "Cục trưởng", "Phó Vụ trưởng", "Vụ trưởng", "Phó Viện trưởng", "Viện trưởng",
    "Chánh Văn phòng", "Chánh Thanh tra", "Người phát ngôn", "Phó Trưởng ban", "Trưởng ban",
    "Trưởng phòng", "Trưởng đại diện", "Tổng thư ký", "Đại sứ", "Nhà sáng lập",
    "Đồng sáng lập", "CEO", "CTO", "Founder",
)  # fmt: skip


ROLE_PATTERN = trie_pattern(alias_key(role) for role in ROLES)


_OF = re.compile(r"\s*(?:của\s+)?")


_COMPANY_WORD = re.compile(r"(?:Tổng\s+[Cc]ông\s+ty|[Cc]ông\s+ty|[Tt]ập\s+đoàn|[Bb]áo|[Đđ]ài)\s+")


_LIST_START = re.compile(r"\s*:\s*")


_LIST_NEXT = re.compile(r"\s*(?:,|và)\s*")


@dataclass(frozen=True)
class PersonHit:
    """A person named at ``text[start:end]`` with a role (and maybe an organisation)."""

    name: str
    role: str
    org_key: str | None
    start: int
    end: int


def people_at_role(
    text: str, role_start: int, role_end: int, orgs_by_start: Mapping[int, OrgHit]
) -> list[PersonHit]:
    """People this role names: "ông Tên, Role Org", "Role Org Tên" or "Role Org: Tên, Tên"."""
    role = squash_nfc(text[role_start:role_end])
    org, after = _org_at(text, role_end, orgs_by_start)
    found: list[PersonHit] = []
    before = None
    if text[max(0, role_start - 3) : role_start].rstrip().endswith(","):  # "ông Tên, Role"
        before = _HONORIFIC_BEFORE.search(text, max(0, role_start - 60), role_start)
    if before is not None:
        found.append(PersonHit(squash_nfc(before.group(1)), role, org, *before.span(1)))
    elif text[max(0, role_start - 3) : role_start].rstrip().endswith(","):
        foreign = foreign_name_before(text, role_start)  # "Ted G. Osius, Chủ tịch USABC"
        if foreign is not None:
            found.append(PersonHit(foreign[0], role, org, foreign[1], foreign[2]))
    listed = _LIST_START.match(text, after) if org else None
    position = listed.end() if listed else _skip_space(text, after)
    if _NAME_AT.match(text, position) is None and (named := foreign_name_at(text, position)):
        found.append(PersonHit(named[0], role, org, named[1], named[2]))  # "CEO Jensen Huang"
    while (name := _NAME_AT.match(text, position)) is not None:
        if squash_nfc(name.group()) in _PLACES:
            break
        found.append(PersonHit(squash_nfc(name.group()), role, org, name.start(), name.end()))
        more = _LIST_NEXT.match(text, name.end()) if listed else None
        if more is None:
            break
        position = more.end()
    return found


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\u00a0":
        position += 1
    return position


def _org_at(
    text: str, position: int, orgs_by_start: Mapping[int, OrgHit]
) -> tuple[str | None, int]:
    """The organisation named right at ``position`` (after "của", "Công ty"…) and its end."""
    of = _OF.match(text, position)
    position = of.end() if of else position
    hit = orgs_by_start.get(position)
    if hit is None and (word := _COMPANY_WORD.match(text, position)) is not None:
        hit = orgs_by_start.get(word.end())
    return (hit.org_key, hit.end) if hit else (None, position)


# Roles an article usually gives several people of one body: an unlinked one shares it.
_SHARED_ROLES = frozenset(("Thứ trưởng", "Thứ trưởng thường trực", "Bộ trưởng"))


def link_people(people: Sequence[Person]) -> list[Person]:
    """Fill a person's missing organisation from elsewhere in the article, drop repeats.

    "Bộ trưởng Nguyễn Mạnh Hùng" names no ministry, but the same article said
    "Bộ trưởng Bộ TT&TT Nguyễn Mạnh Hùng": the text did say it.
    """
    known: dict[str, str] = {}
    by_role: dict[str, set[str]] = {}
    for person in people:
        if person.org_key:
            known.setdefault(person.name, person.org_key)
            by_role.setdefault(person.role or "", set()).add(person.org_key)
    linked: list[Person] = []
    seen: set[Person] = set()
    for person in people:
        org = known.get(person.name)
        same_role = by_role.get(person.role or "", set()) if person.role in _SHARED_ROLES else set()
        if org is None and len(same_role) == 1:
            # "Thứ trưởng Phạm Đức Long" beside "các Thứ trưởng Bộ TT&TT: …": one ministry.
            org = next(iter(same_role))
        if person.org_key is None and org is not None:
            person = Person(person.name, person.role, org, person.sentence_idx)
        if person not in seen:
            seen.add(person)
            linked.append(person)
    return linked
