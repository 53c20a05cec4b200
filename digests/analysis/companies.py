"""Organisations and people named in articles.

The curated registry lives in ``digests/data/organisations.toml`` (data, not
code).  All its aliases are compiled into ONE regular expression over folded
text, shaped as a trie so that a position is tried against one branch per
first letter, not against hundreds of aliases; greedy optional branches make
the longest alias win ("Viettel Post" over "Viettel").  A name counts only as a
word of its own: "FPT" in "FPTShop" or "MK" in "MKT" is no mention.

Organisations outside the registry are discovered from "Tập đoàn X",
"Tổng Công ty X", "Công ty X", "Đài X", "báo X" and "Nhà xuất bản X", where X
is the run of capitalised words after the trigger, plus the lower-case halves
of the usual name parts ("Cổ phần", "Truyền hình", "Công nghệ" …).

People are linked with a role and an organisation only where the text says so:
"ông Tào Đức Thắng, Chủ tịch Viettel" or "Chủ tịch Giao Hàng Tiết Kiệm Phạm
Hồng Quân".  A name is 2–4 capitalised syllables starting with a Vietnamese
surname, which keeps "Bộ trưởng Bộ TT&TT" from passing for a person.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, cast

from rapidfuzz import fuzz, process

from digests.model import Mention, Organisation, Person, Sentence
from digests.textnorm import fold, fold_nfc, nfc

DEFAULT_REGISTRY = Path(__file__).resolve().parent.parent / "data" / "organisations.toml"
KINDS = ("company", "media", "agency")
OrgKind = Literal["company", "media", "agency"]


class RegistryError(ValueError):
    """The registry file is malformed; the message names the entry."""


# --------------------------------------------------------------------------- folding


_DASHES = re.compile(r"\s*[-–—]\s*")
_SPACES = re.compile(r"\s+")


def alias_key(name: str) -> str:
    """The form names are compared in: folded, dashes as spaces, spaces collapsed."""
    return _SPACES.sub(" ", _DASHES.sub(" ", fold(name))).strip()


# ------------------------------------------------------------------------- registry


@dataclass(frozen=True)
class OrgHit:
    """An organisation found at ``text[start:end]``."""

    start: int
    end: int
    org_key: str
    alias: str  # as written in the text
    discovered: Organisation | None = None  # set when not in the registry


@dataclass
class _Trie:
    children: dict[str, _Trie] = field(default_factory=dict)
    terminal: bool = False

    def add(self, word: str) -> None:
        node = self
        for char in word:
            node = node.children.setdefault(char, _Trie())
        node.terminal = True

    def pattern(self) -> str:
        branches = [
            _char_pattern(c) + child.pattern() for c, child in sorted(self.children.items())
        ]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        # Greedy optional: the longer alias is tried first, the shorter on backtrack.
        return f"(?:{body})?" if self.terminal else body


def _char_pattern(char: str) -> str:
    # A space in an alias key stands for any white space or a dash between words.
    return r"(?:\s*[-–—]\s*|\s+)" if char == " " else re.escape(char)


def trie_pattern(words: Iterable[str]) -> str:
    """One regex alternative for all ``words`` (folded), sharing prefixes, longest first."""
    trie = _Trie()
    for word in words:
        trie.add(word)
    return trie.pattern()


class Registry:
    """The curated organisations, and a matcher for their names in text."""

    def __init__(
        self,
        organisations: Sequence[Organisation],
        case_sensitive: Mapping[str, Iterable[str]] | None = None,
    ) -> None:
        self._organisations = list(organisations)
        self._by_key = {org.key: org for org in self._organisations}
        self._owner: dict[str, str] = {}  # alias key -> org key
        self._exact: dict[str, frozenset[str]] = {}  # alias key -> spellings that count
        for org in self._organisations:
            for name in (org.name, *org.aliases):
                self._claim(alias_key(name), org.key)
        for org_key, spellings in (case_sensitive or {}).items():
            for spelling in spellings:
                key = alias_key(spelling)
                if self._owner.get(key) != org_key:
                    raise RegistryError(f"{org_key}: case-sensitive {spelling!r} is not an alias")
                self._exact[key] = self._exact.get(key, frozenset()) | {_squash(spelling)}
        self.pattern = trie_pattern(self._owner)
        self._matcher = re.compile(rf"(?<!\w)(?:{self.pattern})(?!\w)")
        self._choices = {key: self._by_key[owner].name for key, owner in self._owner.items()}

    def _claim(self, key: str, org_key: str) -> None:
        owner = self._owner.setdefault(key, org_key)
        if owner != org_key:
            raise RegistryError(f"alias {key!r} belongs to both {owner} and {org_key}")

    def all(self) -> list[Organisation]:
        """Every curated organisation, in file order."""
        return list(self._organisations)

    def get(self, key: str) -> Organisation | None:
        """The organisation with this key, if curated."""
        return self._by_key.get(key)

    def resolve(self, name: str) -> Organisation | None:
        """The organisation whose key, name or alias folds to ``name``; case is ignored."""
        key = alias_key(name)
        if key in self._by_key:
            return self._by_key[key]
        owner = self._owner.get(key)
        return self._by_key[owner] if owner else None

    def suggest(self, name: str, n: int = 5) -> list[str]:
        """Canonical names of the ``n`` organisations whose names come closest to ``name``."""
        query = alias_key(name)
        if not query:
            return []
        found: list[str] = []
        matches = process.extract(query, self._choices.keys(), scorer=fuzz.WRatio, limit=n * 4)
        for alias, _score, _index in matches:
            canonical = self._choices[alias]
            if canonical not in found:
                found.append(canonical)
            if len(found) == n:
                break
        return found

    def find(self, text: str, folded: str | None = None) -> list[OrgHit]:
        """Registry organisations named in ``text`` (NFC), left to right, longest alias first."""
        folded = fold_nfc(text) if folded is None else folded
        hits: list[OrgHit] = []
        pos = 0
        while (match := self._matcher.search(folded, pos)) is not None:
            hit = self.accept(text, match.start(), match.end(), match.group())
            if hit is None:
                pos = match.start() + 1  # "mk" is not MK; look on from the next character
                continue
            hits.append(hit)
            pos = match.end()
        return hits

    def accept(self, text: str, start: int, end: int, folded_match: str) -> OrgHit | None:
        """The hit for an alias matched at ``text[start:end]``, unless its case rules it out."""
        key = _SPACES.sub(" ", _DASHES.sub(" ", folded_match)).strip()
        written = text[start:end]
        exact = self._exact.get(key)
        if exact is not None and _squash(written) not in exact:
            return None
        if key.startswith(_CAPITAL_HEADS) and written[0].islower():
            return None
        return OrgHit(start, end, self._owner[key], written)


# "dịch vụ bưu chính" is the postal service, "Vụ Bưu chính" the department: names
# headed by these words count only with the head capitalised.
_CAPITAL_HEADS = ("vu ", "cuc ", "bo ", "ban ", "so ")


def _squash(text: str) -> str:
    return _SPACES.sub(" ", nfc(text)).strip()


def load_registry(path: Path | str | None = None) -> Registry:
    """The registry in ``path``, or the packaged one (built once per file version)."""
    resolved = Path(path).resolve() if path else DEFAULT_REGISTRY
    stat = resolved.stat()
    return _load_registry(str(resolved), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _load_registry(path: str, _mtime_ns: int, _size: int) -> Registry:
    with open(path, "rb") as handle:
        data = tomllib.load(handle)
    entries = data.get("organisation")
    if not isinstance(entries, list) or not entries:
        raise RegistryError(f"{path}: no [[organisation]] entries")
    organisations: list[Organisation] = []
    exact: dict[str, list[str]] = {}
    seen: set[str] = set()
    for number, entry in enumerate(entries, 1):
        org, case_sensitive = _parse_entry(entry, number)
        if org.key in seen:
            raise RegistryError(f"entry {number}: duplicate key {org.key!r}")
        seen.add(org.key)
        organisations.append(org)
        if case_sensitive:
            exact[org.key] = case_sensitive
    return Registry(organisations, exact)


def _parse_entry(entry: Any, number: int) -> tuple[Organisation, list[str]]:
    if not isinstance(entry, dict):
        raise RegistryError(f"entry {number}: not a table")
    key, name, kind = entry.get("key"), entry.get("name"), entry.get("kind")
    aliases = entry.get("aliases", [])
    case_sensitive = entry.get("case_sensitive", [])
    if not isinstance(key, str) or not re.fullmatch(r"[a-z0-9][a-z0-9-]*", key):
        raise RegistryError(f"entry {number}: key must be lower-case letters, digits and -")
    if not isinstance(name, str) or not name.strip():
        raise RegistryError(f"{key}: name missing")
    if kind not in KINDS:
        raise RegistryError(f"{key}: kind must be one of {', '.join(KINDS)}")
    for label, values in (("aliases", aliases), ("case_sensitive", case_sensitive)):
        if not isinstance(values, list) or not all(isinstance(v, str) and v for v in values):
            raise RegistryError(f"{key}: {label} must be a list of names")
    org = Organisation(
        key=key,
        name=nfc(name),
        kind=cast(OrgKind, kind),
        aliases=tuple(nfc(a) for a in aliases),
    )
    return org, [nfc(s) for s in case_sensitive]


# ------------------------------------------------------------------------ discovery

_UPPER = "".join(
    c for c in map(chr, range(0x41, 0x1EFA)) if c.isalpha() and c.isupper() and c != c.lower()
)
_LOWER = "".join(
    c for c in map(chr, range(0x61, 0x1EFA)) if c.isalpha() and c.islower() and c != c.upper()
)
_TRIGGERS = {
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
        "dang",
    )
)  # fmt: skip
_NAME_TOKEN = re.compile(rf"[{_UPPER}0-9][\w&+'’]*(?:[.\-][\w&+'’]+)*|[{_LOWER}]+|\S")
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


def _discover_at(
    text: str, folded: str, start: int, name_start: int, trigger: str
) -> OrgHit | None:
    """The organisation "Trigger X" whose X starts at ``name_start``, if X is a name."""
    if trigger not in _LOWER_CASE_TRIGGERS and text[start].islower():
        return None  # "các công ty Mỹ" is generic; "Công ty Sao Bắc Đẩu" is a name
    if trigger == "bao" and _previous_word(folded, start) in _NOT_NEWSPAPER:
        return None
    end = _name_end(text, folded, name_start)
    if end is None:
        return None
    written = _SPACES.sub(" ", text[start:end])
    name = f"{_TRIGGERS[trigger]} {_SPACES.sub(' ', text[name_start:end])}"
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


# ----------------------------------------------------------------------------- people

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
_SYLLABLE = rf"[{_UPPER}][{_LOWER}]*"
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
_ROLE_PATTERN = trie_pattern(alias_key(role) for role in ROLES)
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


def _people_at_role(
    text: str, role_start: int, role_end: int, orgs_by_start: Mapping[int, OrgHit]
) -> list[PersonHit]:
    """People this role names: "ông Tên, Role Org", "Role Org Tên" or "Role Org: Tên, Tên"."""
    role = _squash(text[role_start:role_end])
    org, after = _org_at(text, role_end, orgs_by_start)
    found: list[PersonHit] = []
    before = None
    if text[max(0, role_start - 3) : role_start].rstrip().endswith(","):  # "ông Tên, Role"
        before = _HONORIFIC_BEFORE.search(text, max(0, role_start - 60), role_start)
    if before is not None:
        found.append(PersonHit(_squash(before.group(1)), role, org, *before.span(1)))
    listed = _LIST_START.match(text, after) if org else None
    position = listed.end() if listed else _skip_space(text, after)
    while (name := _NAME_AT.match(text, position)) is not None:
        if _squash(name.group()) in _PLACES:
            break
        found.append(PersonHit(_squash(name.group()), role, org, name.start(), name.end()))
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


def link_people(people: Sequence[Person]) -> list[Person]:
    """Fill a person's missing organisation from elsewhere in the article, drop repeats.

    "Bộ trưởng Nguyễn Mạnh Hùng" names no ministry, but the same article said
    "Bộ trưởng Bộ TT&TT Nguyễn Mạnh Hùng": the text did say it.
    """
    known: dict[str, str] = {}
    for person in people:
        if person.org_key:
            known.setdefault(person.name, person.org_key)
    linked: list[Person] = []
    seen: set[Person] = set()
    for person in people:
        if person.org_key is None and person.name in known:
            person = Person(person.name, person.role, known[person.name], person.sentence_idx)
        if person not in seen:
            seen.add(person)
            linked.append(person)
    return linked


# --------------------------------------------------------------------------- scanning


@dataclass
class TextScan:
    """What one pass over a text found; offsets index that text."""

    orgs: list[OrgHit]  # curated and discovered, in text order
    people: list[PersonHit]
    extra: dict[str, list[tuple[int, int]]]  # spans of the caller's extra patterns


class Scanner:
    """Organisations, roles, trigger words (and extra cues) found in ONE regex pass.

    Python's regex engine costs about the same per character whatever it looks
    for, so one combined pattern over the folded text is far cheaper than a pass
    per question.  ``extra`` adds named patterns (over folded text, no capturing
    groups) whose spans come back in ``TextScan.extra``: analyse adds the time
    cues that make a sentence worth a look for targets.
    """

    def __init__(self, registry: Registry, extra: Mapping[str, str] | None = None) -> None:
        self.registry = registry
        self._extra_names = list(extra or {})
        parts = [
            rf"(?P<org>{registry.pattern})(?!\w)",
            rf"(?P<role>{_ROLE_PATTERN})(?!\w)",
            rf"(?P<trigger>{trie_pattern(_TRIGGERS)})[^\S\n]+",
        ]
        parts += [f"(?P<x{i}>{pattern})" for i, pattern in enumerate((extra or {}).values())]
        self._master = re.compile(r"(?<!\w)(?:" + "|".join(parts) + ")")

    def scan(self, text: str, folded: str | None = None) -> TextScan:
        """Everything in ``text`` (NFC; may hold many sentences joined by NUL)."""
        folded = fold_nfc(text) if folded is None else folded
        orgs: list[OrgHit] = []
        roles: list[tuple[int, int]] = []
        triggers: list[tuple[int, int, str]] = []
        extra: dict[str, list[tuple[int, int]]] = {name: [] for name in self._extra_names}
        for match in self._master.finditer(folded):
            kind = match.lastgroup
            if kind == "org":
                hit = self.registry.accept(text, match.start(), match.end(), match.group())
                if hit is not None:
                    orgs.append(hit)
            elif kind == "role":
                roles.append(match.span())
            elif kind == "trigger":
                if text[match.end() : match.end() + 1].isupper():  # "Đài Truyền…", not "đại"
                    trigger = _SPACES.sub(" ", match.group("trigger"))
                    triggers.append((match.start(), match.end(), trigger))
            elif kind is not None:
                extra[self._extra_names[int(kind[1:])]].append(match.span())
        discovered = self._discover(text, folded, triggers, orgs)
        if discovered:
            orgs = sorted(orgs + discovered, key=lambda hit: hit.start)
        by_start = {hit.start: hit for hit in orgs}
        people = [p for start, end in roles for p in _people_at_role(text, start, end, by_start)]
        return TextScan(orgs, sorted(people, key=lambda p: p.start), extra)

    @staticmethod
    def _discover(
        text: str, folded: str, triggers: list[tuple[int, int, str]], curated: list[OrgHit]
    ) -> list[OrgHit]:
        found: list[OrgHit] = []
        for start, name_start, trigger in triggers:
            hit = _discover_at(text, folded, start, name_start, trigger)
            # A curated name inside wins: "Tập đoàn Viễn thông Hàn Quốc Korea Telecom".
            if hit and not any(c.start < hit.end and hit.start < c.end for c in curated):
                found.append(hit)
        return found


@lru_cache(maxsize=8)
def scanner_for(registry: Registry) -> Scanner:
    """The plain scanner (no extra cues) for ``registry``, built once."""
    return Scanner(registry)


def scan_sentence(text: str, registry: Registry) -> TextScan:
    """Organisations and people in one sentence."""
    return scanner_for(registry).scan(text)


def _numbered(sentences: Sequence[Sentence | str]) -> Iterator[tuple[int, str]]:
    for position, sentence in enumerate(sentences):
        if isinstance(sentence, Sentence):
            yield sentence.idx, sentence.text
        else:
            yield position, sentence


def mentions_from_hits(sentence_idx: int, hits: Iterable[OrgHit]) -> list[Mention]:
    """One mention per organisation and spelling in a sentence."""
    seen: set[tuple[str, str]] = set()
    mentions: list[Mention] = []
    for hit in hits:
        if (hit.org_key, hit.alias) not in seen:
            seen.add((hit.org_key, hit.alias))
            mentions.append(Mention(hit.org_key, hit.alias, sentence_idx))
    return mentions


def find_mentions(sentences: Sequence[Sentence | str], registry: Registry) -> list[Mention]:
    """Organisations (curated and discovered) mentioned in each sentence."""
    mentions: list[Mention] = []
    for idx, text in _numbered(sentences):
        mentions.extend(mentions_from_hits(idx, scan_sentence(text, registry).orgs))
    return mentions


def find_people(sentences: Sequence[Sentence | str], registry: Registry) -> list[Person]:
    """People named with a role, linked to organisations, across an article."""
    people: list[Person] = []
    for idx, text in _numbered(sentences):
        for hit in scan_sentence(text, registry).people:
            people.append(Person(hit.name, hit.role, hit.org_key, idx))
    return link_people(people)


def discovered_organisations(hits: Iterable[OrgHit]) -> list[Organisation]:
    """The distinct organisations among ``hits`` that are not in the registry."""
    by_key: dict[str, Organisation] = {}
    for hit in hits:
        if hit.discovered is not None:
            by_key.setdefault(hit.org_key, hit.discovered)
    return list(by_key.values())


# ----------------------------------------------------------------- statement scoring

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
        (3.0, r"lợi\s+nhuận|lãi\s+(?:trước|sau)\s+thuế"),
        (2.0, rf"{_NUMBER}\s*(?:nghìn\s+|ngàn\s+)?(?:nhân\s+viên|kỹ\s+sư|lao\s+động|nhân\s+sự)"),
        (2.0, rf"{_NUMBER}\s*(?:quốc\s+gia|nước|thị\s+trường)(?!\w)"),
        (2.0, rf"{_NUMBER}\s*{_MONEY_UNIT}"),
        (1.5, rf"{_NUMBER}\s*(?:%|phần\s+trăm)"),
    )
)
_QUOTED = re.compile(r"[“\"«].{12,}[”\"»]|(?:cho\s+biết|khẳng\s+định|nhấn\s+mạnh|nói)\s*[:,]")


def has_figure(text: str) -> bool:
    """Whether ``text`` states a figure: money, a percentage, a count of people or countries."""
    return _FIGURE.search(text) is not None


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
    score = sum(weight for weight, pattern in _TOPICS if pattern.search(sentence_text))
    found = len(figures(sentence_text))
    score += min(found, 3)
    if _QUOTED.search(sentence_text):
        score += 0.5
    words = len(sentence_text.split())
    if words < 6:
        score -= 1.0
    elif words > 60:
        score -= 0.5
    return float(score)
