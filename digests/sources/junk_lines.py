"""Page junk, line by line: chrome phrases, related links, contacts, images and their
captions, pull quotes, and the bylines after an article's last sentence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from itertools import pairwise

from digests.sources import dates, outlets
from digests.sources.line_shape import (
    ends_sentence,
    ends_statement,
    line_key,
    starts_with_any,
    word_count,
)
from digests.sources.person_names import PERSON_TITLES, is_title_and_name, mentions_person
from digests.textnorm import fold_nfc

# --- junk data ------------------------------------------------------------------------------
# Whole lines that are page chrome (compared with line_key: no accents, case or punctuation).
JUNK_LINES = frozenset(
    {
        "banner",
        "icon",
        "top",
        "menu",
        "trang chu",
        "noi bat trang chu",
        "len dau trang",
        "ve dau trang",
        "duong day nong",
        "lien he quang cao",
        "lien he",
        "hotline",
        "quang cao",
        "advertisement",
        "xem chi tiet",
        "xem chi tiet icon",
        "xem them",
        "doc them",
        "tin lien quan",
        "bai lien quan",
        "tin cung chuyen muc",
        "tin khac",
        "tin moi",
        "tin noi bat",
        "doc nhieu",
        "xem nhieu",
        "chia se",
        "chia se bai viet",
        "in bai",
        "in bai viet",
        "gui bai",
        "binh luan",
        "facebook",
        "twitter",
        "zalo",
        "email",
        "print",
        "share",
        "tags",
        "tu khoa",
        "tim kiem",
        "dang nhap",
        "dang ky",
        "trang thong tin dien tu",
        "cong thong tin dien tu",
        "cong dich vu cong",
        "cong dich vu cong quoc gia",
    }
)
# Line starts that mark a related-articles link whatever follows ("Xem thêm: …").
JUNK_LEADS = re.compile(
    r"^(?:>>+|»|xem thêm\s*[:>]|đọc thêm\s*[:>]|tin liên quan\s*[:>]|bài liên quan\s*[:>]|"
    r"tin cùng chuyên mục\s*[:>])",
    re.IGNORECASE,
)
# Line starts that mark a link, a contact or a footer line, but only on a line that is not a
# sentence: "Tài liệu hội nghị giao ban …" is a document link, "Tài liệu cho thấy …." is not;
# "Hotline: 0901…" is contact, "Hotline 1800 1091 của VNPost đã tiếp nhận …." is news.
JUNK_PREFIXES = (
    "xem them",
    "doc them",
    "tin lien quan",
    "bai lien quan",
    "bai viet lien quan",
    "tin cung chuyen muc",
    "duong day nong",
    "hotline",
    "lien he quang cao",
    "cong thong tin dien tu cua",
    "cong dich vu cong",
    "ban quyen",
    "copyright",
    "giay phep",
    "chiu trach nhiem",
    "tu khoa",
    "tags",
    "nguon anh",
    "tai lieu",
    "tai ve",
    "tai xuong",
    "file dinh kem",
    "tep dinh kem",
)
CAPTION_PREFIXES = ("toan canh", "quang canh", "anh minh hoa", "anh:", "anh :")

# --- patterns -------------------------------------------------------------------------------
_IMAGE_FILE = re.compile(r"^\S+\.(?:jpe?g|png|gif|webp|bmp|svg|tiff?)(?:\?\S*)?$", re.I)
IMAGE_PLACEHOLDER = re.compile(r"\s[-–—]\s*(?:Ảnh|Hình|Photo)\s*\d+\s*\.?$", re.I)
_PHOTO_CREDIT = re.compile(
    r"\(\s*(?:ảnh|ản|anh|hình|hình ảnh|photo|nguồn ảnh|ảnh minh họa|ảnh minh hoạ)\b"
    r"[^()]{0,60}\)\s*[.;]?$"
    r"|[.)\s]\s*(?:Ảnh|Nguồn ảnh|Photo)\s*:\s*[^.:()]{2,50}$",
    re.I,
)
# A whole line that credits a photo or labels a video/source: "Ảnh: VGP/Nhật Bắc", "Video: …".
_CREDIT_LINE = re.compile(
    r"^(?:Ảnh|Hình|Nguồn ảnh|Nguồn|Photo|Video|Clip)\s*:\s*[^:]{1,80}$", re.IGNORECASE
)
# "Trang chủ > Kinh tế > Viễn thông", "Trang chủ » Thời sự": a breadcrumb trail.
_BREADCRUMB = re.compile(r"^[^>»›]{1,30}(?:\s[>»›]\s[^>»›]{1,30}){1,5}$")
_PHONE = re.compile(r"(?:\+?84|\b0)\d{1,3}(?:[.\s-]?\d{2,4}){2,4}\b")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_WEB = re.compile(r"(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:vn|com|net|org)\b", re.I)
_CONTACT_LEFTOVER = re.compile(
    r"^(?:hotline|điện thoại|đt|tel|fax|email|e-mail|website|liên hệ|[\s•·:,;/|\-–—()])*$",
    re.I,
)
# A byline glued after the last sentence: "… chuẩn bị cho phiên toà. Mộc Miên (Tổng hợp)",
# or a bare credit: "… bứt phá./. (Theo TTXVN)".
_GLUED_BYLINE = re.compile(
    r"(?<=[.!?…\"”])\s+(?P<tail>(?:[A-ZÀ-ỸĐ]|\([Tt]heo\s)[^.!?…:;\"“”]{1,60})$"
)
_BYLINE_WORD = re.compile(
    r"^(?:[A-ZÀ-ỸĐ][\w.]*|[-–—,/&]|và|\((?:t/h|[Tt]ổng hợp|[Tt]heo [^()]*)\)|"
    r"\([Tt]heo|\([Tt]ổng|hợp\)|\(?t/h\)?|[\w.]+\))$"
)
_PULL_QUOTE = re.compile(r"^(?P<who>[^:]{3,120}?):\s+(?P<what>\S.+)$")
CAPTION_MAX_WORDS = 30
PREFIX_CHARS = 40  # longer than any junk prefix: long lines are only looked at this far
CONTACT_MAX_WORDS = 12
PULL_QUOTE_OVERLAP = 0.6
BYLINE_MAX_WORDS = 10
PULL_QUOTE_MAX_CHARS = 400
CREDIT_MAX_WORDS = 12  # "Nguồn: Báo Tin tức/TTXVN", "Hải Yến (theo TTXVN)." are short


def is_contact_line(line: str) -> bool:
    """Only phone numbers, e-mail or web addresses (and their labels)."""
    stripped = _EMAIL.sub(" ", line)
    stripped = _PHONE.sub(" ", stripped)
    stripped = _WEB.sub(" ", stripped)
    return stripped != line and bool(_CONTACT_LEFTOVER.match(stripped.strip()))


def is_caption_after_image(line: str) -> bool:
    """The line right after an image: a caption unless it is a sentence or a sub-heading."""
    if ends_sentence(line) or word_count(line) > CAPTION_MAX_WORDS:
        return False
    key = line_key(line)
    return mentions_person(line) or starts_with_any(key, CAPTION_PREFIXES)


def is_image_marker(line: str) -> bool:
    return bool(_IMAGE_FILE.match(line) or IMAGE_PLACEHOLDER.search(line[-40:]))


def junk_reason(line: str) -> str | None:
    """Why a line is page junk on its own, or ``None`` for a possible body line.

    Rules that only short lines can meet are tried only on short lines, and end-anchored
    rules only look at the line's end: most lines are long sentences, and cleaning must
    stay cheap.
    """
    words = word_count(line)
    key = line_key(line if words <= CAPTION_MAX_WORDS else line[:PREFIX_CHARS])
    if not key:
        return "no words"
    if key in JUNK_LINES:
        return "chrome phrase"
    if JUNK_LEADS.match(line):
        return "related link"
    if not ends_sentence(line) and starts_with_any(key, JUNK_PREFIXES):
        return "chrome prefix"
    end = line[-100:]
    if (words == 1 and _IMAGE_FILE.match(line)) or IMAGE_PLACEHOLDER.search(end):
        return "image"
    if _PHOTO_CREDIT.search(end):
        return "photo caption"
    if words <= CAPTION_MAX_WORDS and _CREDIT_LINE.match(line) and not ends_statement(line):
        return "credit line"
    if words <= CAPTION_MAX_WORDS and _BREADCRUMB.match(line) and not ends_sentence(line):
        return "breadcrumb"
    if words <= CONTACT_MAX_WORDS and is_contact_line(line):
        return "contact"
    if words <= CREDIT_MAX_WORDS and outlets.is_credit_line(line):
        return "credit line"
    if dates.is_date_line(line) is not None:
        return "date line"
    if words <= CAPTION_MAX_WORDS and starts_with_any(key, CAPTION_PREFIXES[:3]):
        return "photo caption"
    if is_title_and_name(line):
        return "photo caption"
    return None


# --- pull quotes ----------------------------------------------------------------------------
@lru_cache(maxsize=1024)
def _bigrams(text: str) -> frozenset[tuple[str, str]]:
    words = line_key(text).split()
    return frozenset(pairwise(words))


def is_pull_quote(line: str, others: Sequence[str]) -> bool:
    """``Person: paraphrase`` whose paraphrase repeats another paragraph's words."""
    if len(line) > PULL_QUOTE_MAX_CHARS or ": " not in line[:130]:
        return False
    m = _PULL_QUOTE.match(line)
    if m is None or word_count(m["who"]) > 15 or word_count(m["what"]) < 4:
        return False
    who = m["who"]
    who_key = fold_nfc(who).lower()
    if not (mentions_person(who) or any(who_key.startswith(t + " ") for t in PERSON_TITLES)):
        return False
    quote = _bigrams(m["what"])
    if not quote:
        return False
    for other in others:
        if other is line or len(other) < len(m["what"]) * 0.8:
            continue
        if len(quote & _bigrams(other)) / len(quote) >= PULL_QUOTE_OVERLAP:
            return True
    return False


def trim_tail(lines: list[str]) -> list[str]:
    """Drop bylines and portal blocks after the last real sentence."""
    end = len(lines)
    while end > 0:
        line = lines[end - 1]
        if junk_reason(line) is not None or (not ends_sentence(line) and word_count(line) <= 15):
            end -= 1
            continue
        break
    return lines[:end]


def strip_glued_byline(paragraph: str) -> str:
    """Drop a byline glued after the last sentence (``… phiên toà. Mộc Miên (Tổng hợp)``).

    Only a short tail without final punctuation made of capitalised names, dashes and
    "(t/h)"-like notes is dropped: an article never ends on an unfinished sentence.
    """
    m = _GLUED_BYLINE.search(paragraph[-80:])
    if m is None:
        return paragraph
    tail = m["tail"].split()
    if len(tail) > BYLINE_MAX_WORDS or not all(_BYLINE_WORD.match(w) for w in tail):
        return paragraph
    return paragraph[: len(paragraph) - len(m["tail"])].rstrip()
