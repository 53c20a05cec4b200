"""Which outlet an article is from, named the way its readers name it.

Pages say who they are in several ways that the cleaner otherwise throws away as
junk: a lead dateline (``(Tổ Quốc) - ``, ``VOV.VN - ``, ``TTO - ``), a site banner
above the headline, the newsroom's e-mail in a hotline block
(``toasoan@toquoc.gov.vn``), or the HTML ``og:site_name``.  These pure functions
turn such a clue into a name; a clue we cannot read as an outlet gives ``None``, so
the caller falls back to the host or the file name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import urlsplit

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
