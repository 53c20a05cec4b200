"""Which outlet an article is from, named the way its readers name it.

Pages say who they are in several ways that the cleaner otherwise throws away as
junk: a lead dateline (``(Tổ Quốc) - ``, ``VOV.VN - ``, ``TTO - ``), a site banner
above the headline, the newsroom's e-mail in a hotline block
(``toasoan@toquoc.gov.vn``), or the HTML ``og:site_name``.  These pure functions
turn such a clue into a name; a clue we cannot read as an outlet gives ``None``, so
the caller falls back to the host or the file name.

Two clues name an outlet by its written name rather than a host: the site suffix of
the HTML title (``… | Báo Tin tức``) and the closing credit of a republished story
(``Nguồn: Báo Tin tức/TTXVN``, ``(Theo ICTnews)``).  Such a name is only accepted when
we know it (a known host, abbreviation or name) or it is shaped like a newsroom's name
(``Báo …``, ``Tạp chí …``, ``Cổng thông tin …``): "Theo ông Thắng" or "- Hoa Kỳ ký
thỏa thuận" must never become an outlet.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import urlsplit

from digests.textnorm import fold_nfc, nfc

# Hosts (without "www.") whose outlet name is unambiguous.  A sub-domain of one of these
# (``m.toquoc.vn``, ``toasoan.toquoc.gov.vn``) is the same outlet.
KNOWN_HOSTS: dict[str, str] = {
    "toquoc.vn": "Tổ Quốc",
    "toquoc.gov.vn": "Tổ Quốc",
    "vov.vn": "VOV",
    "vov.gov.vn": "VOV",
    "tuoitre.vn": "Tuổi Trẻ",
    "thanhnien.vn": "Thanh Niên",
    "vnexpress.net": "VnExpress",
    "vietnamnet.vn": "VietNamNet",
    "ictnews.vn": "ICTnews",
    "ictnews.vietnamnet.vn": "ICTnews",
    "nhandan.vn": "Nhân Dân",
    "nhandan.com.vn": "Nhân Dân",
    "vnanet.vn": "TTXVN",
    "baotintuc.vn": "Báo Tin tức (TTXVN)",
    "vietnamplus.vn": "VietnamPlus",
    "vtv.vn": "VTV",
    "baochinhphu.vn": "Báo Chính phủ",
    "chinhphu.vn": "Báo Chính phủ",
    "mic.gov.vn": "Bộ Thông tin và Truyền thông",
    "dantri.com.vn": "Dân trí",
    "laodong.vn": "Lao Động",
    "tienphong.vn": "Tiền Phong",
    "qdnd.vn": "Quân đội nhân dân",
    "cand.com.vn": "Công an nhân dân",
    "vneconomy.vn": "VnEconomy",
    "baodautu.vn": "Báo Đầu tư",
    "nhadautu.vn": "Nhà đầu tư",
    "cafef.vn": "CafeF",
    "genk.vn": "GenK",
    "zingnews.vn": "Znews",
    "znews.vn": "Znews",
    "vietnamfinance.vn": "VietnamFinance",
    "thoibaonganhang.vn": "Thời báo Ngân hàng",
    "plo.vn": "Pháp Luật TP.HCM",
    "sggp.org.vn": "Sài Gòn Giải Phóng",
    "hanoimoi.vn": "Hà Nội Mới",
    "kinhtedothi.vn": "Kinh tế & Đô thị",
    "congthuong.vn": "Công Thương",
    "vietnamnews.vn": "Việt Nam News",
}

# Dateline abbreviations of well-known newsrooms: "TTO - …" is Tuổi Trẻ Online.
KNOWN_DATELINES: dict[str, str] = {
    "TTO": "Tuổi Trẻ",
    "TTXVN": "TTXVN",
    "VNA": "TTXVN",
    "VOV": "VOV",
    "VTV": "VTV",
    "VGP": "Báo Chính phủ",
    "ICTNEWS": "ICTnews",
    "NDO": "Nhân Dân",
    "PLO": "Pháp Luật TP.HCM",
    "SGGP": "Sài Gòn Giải Phóng",
    "VNEXPRESS": "VnExpress",
    "DÂN TRÍ": "Dân trí",
    "TỔ QUỐC": "Tổ Quốc",
}

# Other names pages and credits give known outlets (compared without accents or case).
NAME_ALIASES: dict[str, str] = {
    "Báo Tin tức": "Báo Tin tức (TTXVN)",
    "Thông tấn xã Việt Nam": "TTXVN",
    "Đài Tiếng nói Việt Nam": "VOV",
    "Đài Truyền hình Việt Nam": "VTV",
    "Báo điện tử Chính phủ": "Báo Chính phủ",
    "Zing News": "Znews",
}

# A dateline that names a writer or a place, not a newsroom.
_NOT_OUTLETS = frozenset({"PV", "P.V", "PV.", "CTV", "TG", "BTV", "HN", "TP.HCM", "ẢNH"})

# Mail services anyone can use: their domain says nothing about the outlet.
_WEBMAIL = frozenset(
    {"gmail.com", "yahoo.com", "yahoo.com.vn", "hotmail.com", "outlook.com", "icloud.com"}
)

_HOST_SHAPE = re.compile(
    r"^(?:(?:[a-z0-9-]+\.)+[a-z]{2,}(?::\d+)?|[a-z0-9-]+:\d+|localhost)$", re.I
)
_IP_SHAPE = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?$")
_EMAIL_HOST = re.compile(r"[\w.+-]+@(?P<host>[\w-]+(?:\.[\w-]+)+)")
_NAME_WORD = re.compile(r"^[A-ZÀ-ỸĐ0-9&(]")
MAX_NAME_WORDS = 12
MAX_DATELINE_WORDS = 5
MAX_CREDIT_NAME_CHARS = 60

# What a credit or a title suffix may say around a known outlet's name: "Báo Nhân Dân",
# "Báo điện tử Tổ Quốc", "Tuổi Trẻ Online" are Nhân Dân, Tổ Quốc and Tuổi Trẻ.
_NAME_LEADS = ("bao dien tu ", "bao ")
_NAME_TAILS = (" online", " dien tu")
# A newsroom's own name opens with what it is ("Báo Lao Động", "Cổng thông tin điện tử
# tỉnh Nghệ An"); compared lower-case with accents, so "Bão Yagi" is no "Báo".
_PRESS_LEADS = ("báo", "tạp chí", "đài", "cổng", "trang tin", "trang thông tin", "kênh")
_PRESS_SECOND = ("điện tử", "thông tin", "tin", "ttđt")
# "Tuổi Trẻ Online", "VTC News": capitalised words ending on what a news site calls itself.
_SITE_TAILS = frozenset({"Online", "News"})
_KEY_WORD = re.compile(r"[\w&]+")

# Title separators, spaced: "Headline | Site", "Headline - Site", "Headline – Site".
_TITLE_SEPARATOR = re.compile(r"\s[|–—-]\s")
# The closing credit of a republished story, as a line of its own: "Nguồn: Báo Tin
# tức/TTXVN", "Theo VnExpress.", "(Theo ICTnews)", "Hải Yến (theo TTXVN)".
_CREDIT_LINE = re.compile(
    r"^(?:(?P<by>[^()]{1,40}?)\s*)?\(\s*(?:theo|nguồn)\s*:?\s*(?P<paren>[^()]{2,60})\)\s*\.?$"
    r"|^(?:theo\s*:?|nguồn(?:\s+tin|\s+bài(?:\s+viết)?)?\s*:)\s*(?P<bare>[^()]{2,60}?)\s*\.?$",
    re.IGNORECASE,
)
# The same credit glued after the last sentence: "… bứt phá./. (Theo TTXVN)", "… toàn
# quốc. Vũ Hoàng (Theo VnExpress)".
_GLUED_CREDIT = re.compile(
    r"(?<=[.!?…\"”])\s+(?:(?:[A-ZÀ-ỸĐ][^.!?…:;\"“”()]{0,40}?\s)?"
    r"\(\s*(?:[Tt]heo|[Nn]guồn)\s*:?\s*(?P<paren>[^()]{2,60})\)"
    r"|(?:Theo|Nguồn\s*:)\s+(?P<bare>[^.()]{2,40}))\s*\.?$"
)


def host_of(url_or_host: str) -> str:
    """The host readers recognise: lower case, no "www.", no port ("127.0.0.1:42917" →
    "127.0.0.1")."""
    text = url_or_host.strip()
    host = urlsplit(text if "//" in text else f"//{text}").hostname or text
    return host.lower().removeprefix("www.")


def known_outlet(host: str) -> str | None:
    """The outlet name of a well-known host or one of its sub-domains, else ``None``."""
    host = host_of(host)
    parts = host.split(".")
    for start in range(len(parts) - 1):
        name = KNOWN_HOSTS.get(".".join(parts[start:]))
        if name:
            return name
    return None


def looks_like_host(text: str) -> bool:
    return bool(_HOST_SHAPE.match(text.strip()) or _IP_SHAPE.match(text.strip()))


def from_sitename(sitename: str | None) -> str | None:
    """An HTML page's declared site name; a host-shaped one (trafilatura falls back to the
    URL's netloc) is given as a host, so it names the same outlet as the page's URL."""
    if not sitename or not sitename.strip():
        return None
    name = " ".join(sitename.split())
    if looks_like_host(name):
        return host_of(name)
    return name


def from_dateline(label: str) -> str | None:
    """The outlet in a lead dateline's label: "Tổ Quốc", "VOV.VN", "TTO", "Chinhphu.vn"."""
    label = " ".join(label.split()).strip().removeprefix("Theo ")
    if not label or label.upper() in _NOT_OUTLETS:
        return None
    if label.upper() in KNOWN_DATELINES:
        return KNOWN_DATELINES[label.upper()]
    if looks_like_host(label):
        return known_outlet(label) or host_of(label)
    words = label.split()
    if len(words) > MAX_DATELINE_WORDS or not all(_NAME_WORD.match(w) for w in words):
        return None  # "(theo báo cáo) - …" is text, not a newsroom
    return label


def from_contact(lines: Sequence[str]) -> str | None:
    """The outlet of the first newsroom e-mail in a header's contact lines."""
    for line in lines:
        for match in _EMAIL_HOST.finditer(line):
            host = host_of(match["host"])
            if host in _WEBMAIL:
                continue
            return known_outlet(host) or host
    return None


def from_banner(banner: str) -> str | None:
    """A site banner line read as the site's name ("Trung tâm … Nghệ An")."""
    name = " ".join(banner.split())
    words = name.split()
    if not 2 <= len(words) <= MAX_NAME_WORDS or not _NAME_WORD.match(name):
        return None
    if name[-1] in ".!?:;,":
        return None
    return name


def _name_key(name: str) -> str:
    return " ".join(_KEY_WORD.findall(fold_nfc(nfc(name))))


_KNOWN_NAMES: dict[str, str] = {
    _name_key(name): name
    for name in (*KNOWN_HOSTS.values(), *KNOWN_DATELINES.values(), *NAME_ALIASES.values())
}
_KNOWN_NAMES.update({_name_key(alias): name for alias, name in NAME_ALIASES.items()})


def known_name(name: str) -> str | None:
    """A known outlet's usual name for a name written another way: "Báo Tin tức/TTXVN",
    "báo Nhân Dân", "Tuổi Trẻ Online", "VOV.VN", "ictnews" (``None`` if unknown)."""
    key = _name_key(name)
    variants = [key]
    variants += [key.removeprefix(lead) for lead in _NAME_LEADS if key.startswith(lead)]
    variants += [v.removesuffix(tail) for v in list(variants) for tail in _NAME_TAILS]
    for variant in variants:
        if variant in _KNOWN_NAMES:
            return _KNOWN_NAMES[variant]
    return KNOWN_DATELINES.get(name.strip().upper())


def _is_press_name(name: str) -> bool:
    """Shaped like a newsroom's own name: "Báo Lao Động", "Cổng thông tin điện tử tỉnh X",
    "VTC News"; not "Báo lãi kỷ lục" (a verb) nor "Hoa Kỳ ký thỏa thuận"."""
    words = name.split()
    if not 2 <= len(words) <= MAX_NAME_WORDS:
        return False
    if words[-1] in _SITE_TAILS and all(_NAME_WORD.match(w) for w in words):
        return True
    lower = name.lower()
    lead = next((p for p in _PRESS_LEADS if lower.startswith(p + " ")), None)
    if lead is None:
        return False
    rest = name[len(lead) + 1 :]
    return bool(_NAME_WORD.match(rest)) or rest.lower().startswith(_PRESS_SECOND)


def outlet_name(text: str) -> str | None:
    """The outlet a credit or title suffix names, normalised to the name used elsewhere
    ("ictnews.vn" → "ICTnews"), or ``None`` when it is not recognisably a newsroom."""
    name = " ".join(text.split()).strip(" .,;:")
    if not name or len(name) > MAX_CREDIT_NAME_CHARS:
        return None
    first = name.split()[0]
    if "//" in first or looks_like_host(first):
        host = host_of(first)  # "Nguồn: https://ictnews.vn/viettel-…"
        return known_outlet(host) or host
    known = known_name(name)
    if known:
        return known
    if "/" in name:  # "Minh Anh/TTXVN", "VGP/Nhật Bắc": the known part
        for part in name.split("/"):
            found = known_name(part) if part.strip() else None
            if found:
                return found
    if _is_press_name(name):
        return name[0].upper() + name[1:]  # "theo báo Người Lao Động"
    return None


def split_title(title: str) -> tuple[str, str] | None:
    """A title cut at its last spaced separator: "A - B | Site" → ("A - B", "Site")."""
    matches = list(_TITLE_SEPARATOR.finditer(title))
    if not matches:
        return None
    last = matches[-1]
    return title[: last.start()].strip(), title[last.end() :].strip()


def from_title(title: str | None) -> str | None:
    """The outlet in an HTML title's site suffix: "… | Báo Tin tức", "… - VnExpress"."""
    parts = split_title(title) if title else None
    return outlet_name(parts[1]) if parts and parts[0] else None


def _credit_name(match: re.Match[str]) -> str:
    return match["paren"] if match["paren"] is not None else match["bare"]


def _is_byline(text: str | None) -> bool:
    """What stands before "(theo X)" on a credit line: a writer's name, not a sentence."""
    if text is None:
        return True
    words = text.replace("-", " ").replace(",", " ").split()
    return len(words) <= MAX_DATELINE_WORDS + 1 and all(_NAME_WORD.match(w) for w in words)


def from_credit(line: str) -> str | None:
    """The outlet a closing credit line names: "Nguồn: Báo Tin tức/TTXVN" → "Báo Tin tức
    (TTXVN)", "(Theo ICTnews)" → "ICTnews"; ``None`` for anything else."""
    m = _CREDIT_LINE.match(line)
    if m is None or not _is_byline(m["by"]):
        return None
    return outlet_name(_credit_name(m))


def from_glued_credit(tail: str) -> str | None:
    """The outlet credited right after a paragraph's last sentence: "… ./. (Theo TTXVN)"."""
    m = _GLUED_CREDIT.search(tail)
    return outlet_name(_credit_name(m)) if m else None


def is_credit_line(line: str) -> bool:
    """A credit line of its own, known outlet or not ("Theo Reuters."): page furniture
    that is never a paragraph of the story."""
    m = _CREDIT_LINE.match(line)
    if m is None or not _is_byline(m["by"]):
        return False
    name = _credit_name(m).strip(" .")
    words = name.replace("/", " ").split()
    return outlet_name(name) is not None or (
        0 < len(words) <= MAX_DATELINE_WORDS and all(_NAME_WORD.match(w) for w in words)
    )


def same_outlet(a: str, b: str) -> bool:
    """Whether two names are one newsroom: "Báo Tin tức (TTXVN)" and "TTXVN" are."""
    key_a, key_b = f" {_name_key(a)} ", f" {_name_key(b)} "
    return key_a in key_b or key_b in key_a


def with_credit(own: str | None, credit: str | None) -> str | None:
    """The name to show for a page under ``own`` that credits ``credit``.

    The page's own name comes first: it is who ran this copy and where the reader finds
    it; the credited newsroom follows, short: "VietNamNet (theo ICTnews)".  A page that
    gives no name of its own (a saved file) is shown under the outlet it credits, since
    the text is that outlet's story; a credit of the page's own newsroom adds nothing.
    """
    if credit is None or (own is not None and same_outlet(own, credit)):
        return own
    if own is None:
        return credit
    # "Báo Tin tức (TTXVN)" is credited as "Báo Tin tức": no brackets inside brackets
    return f"{own} (theo {credit.split(' (')[0]})"
