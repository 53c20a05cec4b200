"""RawDocument → CleanArticle: the real headline, the publication date and a junk-free body.

The text is handled line by line (one line = one paragraph). Page chrome is recognised by
general rules, each a small pure function, with the junk phrases kept as data below:

* header: every line above the headline (hotline/contact blocks, site banners) and the
  date line itself (``Thứ hai, 17/10/2022 15:10``, ``Thời sự 06/07/2020 20:45``);
* site banners anywhere: a line written twice in a row (``XX``), its half, a line the page
  repeats, the site's own name;
* contact lines: only phone numbers, e-mail addresses or web addresses;
* junk phrases (whole line or line start, accent-insensitive): ``Đường dây nóng``,
  ``Liên hệ quảng cáo``, ``Xem thêm``, ``Tin liên quan``, ``Tài liệu …`` links, ``banner``,
  ``icon``, ``Top``, ``Cổng dịch vụ công`` …;
* images: file names (``bt1.jpg``), placeholders (``<headline> - Ảnh 1.``), a credit at the
  end of a line (``(Ảnh: Chí Hiếu)``, ``(ảnh nhadautu.vn)``, ``(ản mic.gov.vn)``,
  ``… Ảnh: Đức Huy``), the caption right after an image marker (a line without final
  punctuation that names a person), ``Toàn cảnh …``/``Quang cảnh …`` lines, and lines that
  are only a title and a name (``Thứ trưởng Bộ Ngoại giao Đỗ Hùng Việt.``);
* pull quotes: ``Person: paraphrase`` whose words repeat another paragraph;
* tail: after the last real sentence, short lines without final punctuation (bylines
  such as ``Hồng Hà (t/h)``, portal blocks, ``NỔI BẬT TRANG CHỦ``);
* credit lines of a republished story, with or without a final period: ``Theo
  VnExpress.``, ``(Theo ICTnews).``, ``Hải Yến (theo TTXVN)`` (the outlet they name is
  kept as the article's source, see :func:`find_credit`);
* the dateline prefix ``(Tổ Quốc) - `` of the lead paragraph.

A line that ends a sentence and matches none of these stays, verbatim.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from itertools import pairwise

from digests.model import BadItem, CleanArticle, RawDocument
from digests.sources import dates, outlets
from digests.sources.extract import Block, extract_blocks
from digests.textnorm import fold_nfc, nfc

_fold = fold_nfc


@lru_cache(maxsize=512)
def _key(text: str) -> str:
    """Accent-, case- and punctuation-insensitive form used to compare lines and phrases.

    Cached: the header's lines are keyed by the banner, headline and junk rules alike.
    """
    return " ".join(_KEY_WORD.findall(_fold(text)))


_KEY_WORD = re.compile(r"[\w&]+")

# --- junk data ------------------------------------------------------------------------------
# Whole lines that are page chrome (compared with _key: no accents, case or punctuation).
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
SITE_BANNER_PHRASES = ("trang thong tin dien tu", "cong thong tin dien tu", "bao dien tu")

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

# --- patterns -------------------------------------------------------------------------------
_IMAGE_FILE = re.compile(r"^\S+\.(?:jpe?g|png|gif|webp|bmp|svg|tiff?)(?:\?\S*)?$", re.I)
_IMAGE_PLACEHOLDER = re.compile(r"\s[-–—]\s*(?:Ảnh|Hình|Photo)\s*\d+\s*\.?$", re.I)
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
_DATELINE = re.compile(
    r"^(?:\((?P<paren>[^()]{2,40})\)|(?P<bare>[A-ZĐ][\w.]*\.(?:vn|VN|com|net)|TTO|TTXVN|VOV|"
    r"VTV|VNA|PV|ICTnews|ICTNews))\s*[-–—]\s+(?=\S)"
)
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_TERMINAL = re.compile(r"(?:[.!?…;:]|\./\.)[\"”’»)\]]*$")
_ENDS_QUOTE = re.compile(r"[\"”»]$")
_CAPITALISED = re.compile(r"^[A-ZÀ-ỸĐ0-9\"“‘'(«]")
# A headline may open on a lower-case brand: "e - Cabinet: …", "iPhone 15 …", "eKYC …".
_TITLE_START = re.compile(r"^(?:[A-ZÀ-ỸĐ0-9\"“‘'(«]|[a-z]{1,2}\b|[a-z]+[A-Z])")
_HAS_SENTENCE_END = re.compile(r"[.!?…](?:[\"”’»)]*)(?:\s|$)")
# A byline glued after the last sentence: "… chuẩn bị cho phiên toà. Mộc Miên (Tổng hợp)",
# or a bare credit: "… bứt phá./. (Theo TTXVN)".
_GLUED_BYLINE = re.compile(
    r"(?<=[.!?…\"”])\s+(?P<tail>(?:[A-ZÀ-ỸĐ]|\([Tt]heo\s)[^.!?…:;\"“”]{1,60})$"
)
_BYLINE_WORD = re.compile(
    r"^(?:[A-ZÀ-ỸĐ][\w.]*|[-–—,/&]|và|\((?:t/h|[Tt]ổng hợp|[Tt]heo [^()]*)\)|"
    r"\([Tt]heo|\([Tt]ổng|hợp\)|\(?t/h\)?|[\w.]+\))$"
)
_WORD = re.compile(r"[^\W\d_][\w&]*", re.UNICODE)
_UPPER_WORD = re.compile(r"^[A-ZÀ-ỸĐ][\w&.]*$")
_PULL_QUOTE = re.compile(r"^(?P<who>[^:]{3,120}?):\s+(?P<what>\S.+)$")
_TITLE_TAIL_DATE = re.compile(
    r"[\s,|\-–—]*(?:(?:thứ\s*(?:hai|ba|tư|năm|sáu|bảy|[2-7])|chủ\s*nhật|ngày)[\s,|\-–—]*)?$",
    re.IGNORECASE,
)

HEADING_MAX_WORDS = 25
HEADLINE_MIN_WORDS = 4
MAX_TOP_LABELS = 2
HEADLINE_MAX_WORDS = 40
CAPTION_MAX_WORDS = 30
PREFIX_CHARS = 40  # longer than any junk prefix: long lines are only looked at this far
BANNER_MAX_CHARS = 250  # banners and headlines are shorter; longer lines skip that check
CONTACT_MAX_WORDS = 12
PULL_QUOTE_OVERLAP = 0.6
BYLINE_MAX_WORDS = 10
PULL_QUOTE_MAX_CHARS = 400
TITLE_FALLBACK_CHARS = 160
MIN_BODY_WORDS = 12
MIN_SENTENCE_WORDS = 8
CREDIT_MAX_WORDS = 12  # "Nguồn: Báo Tin tức/TTXVN", "Hải Yến (theo TTXVN)." are short
CREDIT_LINES = 8  # a closing credit sits in the page's last few lines
CREDIT_TAIL_CHARS = 80  # … or glued to the last paragraph's end


# --- small predicates -----------------------------------------------------------------------
def word_count(line: str) -> int:
    """Words in a line whose spaces are already squashed (as all cleaned lines are)."""
    return line.count(" ") + 1 if line else 0


def ends_sentence(line: str) -> bool:
    """Whether a line ends like a sentence (a long line closing on a quote counts too)."""
    end = line[-12:].rstrip()
    if _TERMINAL.search(end):
        return True
    return bool(_ENDS_QUOTE.search(end)) and word_count(line) >= 12


def ends_statement(line: str) -> bool:
    """Whether a line ends like a long statement: a short "Ảnh: Internet." does not."""
    return ends_sentence(line) and word_count(line) > 12


def is_heading_like(line: str) -> bool:
    """A short line without final punctuation that starts like a title."""
    words = word_count(line)
    return (
        2 <= words <= HEADING_MAX_WORDS
        and not ends_sentence(line)
        and not line.endswith(",")
        and bool(_CAPITALISED.match(line))
    )


def _starts_with_any(key: str, prefixes: Iterable[str]) -> bool:
    return any(key == p or key.startswith(p + " ") for p in prefixes)


def _doubled_half(line: str) -> str | None:
    """``AB`` where A == B (a banner glued to itself) → A."""
    n = len(line)
    if n >= 8 and n % 2 == 0 and line[: n // 2] == line[n // 2 :]:
        return line[: n // 2].strip()
    return None


def is_contact_line(line: str) -> bool:
    """Only phone numbers, e-mail or web addresses (and their labels)."""
    stripped = _EMAIL.sub(" ", line)
    stripped = _PHONE.sub(" ", stripped)
    stripped = _WEB.sub(" ", stripped)
    return stripped != line and bool(_CONTACT_LEFTOVER.match(stripped.strip()))


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
    key = _fold(" ".join(words)).lower()
    title = next((t for t in PERSON_TITLES if key.startswith(t + " ")), None)
    if title is None:
        return False
    middle = words[len(title.split()) : len(words) - name_len]
    if not middle:
        return True
    lower = [w for w in middle if not _UPPER_WORD.match(w)]
    return bool(_UPPER_WORD.match(middle[0])) and len(lower) <= 4


def is_caption_after_image(line: str) -> bool:
    """The line right after an image: a caption unless it is a sentence or a sub-heading."""
    if ends_sentence(line) or word_count(line) > CAPTION_MAX_WORDS:
        return False
    key = _key(line)
    return mentions_person(line) or _starts_with_any(key, CAPTION_PREFIXES)


def is_image_marker(line: str) -> bool:
    return bool(_IMAGE_FILE.match(line) or _IMAGE_PLACEHOLDER.search(line[-40:]))


def junk_reason(line: str) -> str | None:
    """Why a line is page junk on its own, or ``None`` for a possible body line.

    Rules that only short lines can meet are tried only on short lines, and end-anchored
    rules only look at the line's end: most lines are long sentences, and cleaning must
    stay cheap.
    """
    words = word_count(line)
    key = _key(line if words <= CAPTION_MAX_WORDS else line[:PREFIX_CHARS])
    if not key:
        return "no words"
    if key in JUNK_LINES:
        return "chrome phrase"
    if JUNK_LEADS.match(line):
        return "related link"
    if not ends_sentence(line) and _starts_with_any(key, JUNK_PREFIXES):
        return "chrome prefix"
    end = line[-100:]
    if (words == 1 and _IMAGE_FILE.match(line)) or _IMAGE_PLACEHOLDER.search(end):
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
    if words <= CAPTION_MAX_WORDS and _starts_with_any(key, CAPTION_PREFIXES[:3]):
        return "photo caption"
    if is_title_and_name(line):
        return "photo caption"
    return None


# --- pull quotes ----------------------------------------------------------------------------
@lru_cache(maxsize=1024)
def _bigrams(text: str) -> frozenset[tuple[str, str]]:
    words = _key(text).split()
    return frozenset(pairwise(words))


def is_pull_quote(line: str, others: Sequence[str]) -> bool:
    """``Person: paraphrase`` whose paraphrase repeats another paragraph's words."""
    if len(line) > PULL_QUOTE_MAX_CHARS or ": " not in line[:130]:
        return False
    m = _PULL_QUOTE.match(line)
    if m is None or word_count(m["who"]) > 15 or word_count(m["what"]) < 4:
        return False
    who = m["who"]
    who_key = _fold(who).lower()
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


# --- header: banners, headline, date --------------------------------------------------------
def find_banners(lines: Sequence[str], sitename: str | None = None) -> set[str]:
    """Keys of lines that are the site's banner rather than article text."""
    banners: set[str] = set()
    counts: dict[str, int] = {}
    for line in lines[: dates.HEADER_LINES]:
        if len(line) > BANNER_MAX_CHARS:
            continue  # a paragraph, not a banner: keying it was a third of the clean step
        half = _doubled_half(line)
        if half:
            banners.add(_key(half))
            banners.add(_key(line))
        key = _key(line)
        counts[key] = counts.get(key, 0) + 1
        if any(key == phrase for phrase in SITE_BANNER_PHRASES):
            banners.add(key)
    banners.update(key for key, n in counts.items() if n > 1 and key)
    if sitename:
        banners.add(_key(sitename))
    return banners


def is_headline_like(line: str) -> bool:
    """A title-shaped line: unlike a sub-heading, a headline may ask or exclaim
    ("Vì sao …?") or end on a quote; it never ends like a statement (".", ";", ":", ",")."""
    last = line.rstrip("\"”’»')] ")[-1:]
    return (
        HEADLINE_MIN_WORDS <= word_count(line) <= HEADLINE_MAX_WORDS
        and bool(_TITLE_START.match(line))
        and (last not in ".;:," or line.endswith("..."))
    )


def _is_banner(line: str, banners: set[str]) -> bool:
    return len(line) <= BANNER_MAX_CHARS and _key(line) in banners


def _is_headline_candidate(line: str, banners: set[str]) -> bool:
    return is_headline_like(line) and junk_reason(line) is None and not _is_banner(line, banners)


def find_headline(lines: Sequence[str], date_idx: int | None, banners: set[str]) -> int | None:
    """Index of the headline line, or ``None`` when the text opens without one.

    With a date line near the top, the headline is the nearest title-like line above it
    (banners and contact blocks sit higher up). Without one, only the first real line
    can be the headline (after at most :data:`MAX_TOP_LABELS` section labels such as
    "Thời sự"): a title-like line there, not the lead sentence.
    """
    if date_idx is not None:
        for idx in range(date_idx - 1, -1, -1):
            if _is_headline_candidate(lines[idx], banners):
                return idx
    labels = 0
    for idx, line in enumerate(lines[: dates.HEADER_LINES]):
        if _is_banner(line, banners) or junk_reason(line) is not None:
            continue
        if _is_headline_candidate(line, banners):
            return idx
        if labels < MAX_TOP_LABELS and is_section_label(line):
            labels += 1  # "Thời sự", "Kinh tế số": a section name above the headline
            continue
        return None
    return None


def is_section_label(line: str) -> bool:
    """A one-to-three-word line without punctuation, like a section name."""
    return word_count(line) < HEADLINE_MIN_WORDS and not re.search(r"[.,;:!?]", line)


def clean_meta_title(title: str | None, sitename: str | None) -> str | None:
    """An HTML title without its `` | Site name`` suffix; ``None`` if it is only the site."""
    if not title:
        return None
    title = nfc(title).strip()
    parts = outlets.split_title(title)
    if parts and parts[0]:
        head, suffix = parts
        # Only a suffix that names a site goes: "Việt Nam - Hoa Kỳ thúc đẩy hợp tác công
        # nghệ" keeps its second half although "công" looks like "Cổng".
        if (sitename and _key(suffix) == _key(sitename)) or outlets.from_title(title):
            title = head
    written_date = dates.first_date_span(title)
    if written_date is not None:
        # an unclosed <h1> swallowed the date line: "Headline Thứ tư - 22/03/2023 16:08 6620"
        title = _TITLE_TAIL_DATE.sub("", title[: written_date[0]]).strip()
    if sitename and _key(title) == _key(sitename):
        return None
    if word_count(title) < 2:
        return None
    return title or None


def _same_headline(text_title: str | None, meta_title: str) -> bool:
    if text_title is None:
        return False
    a, b = _key(text_title), _key(meta_title)
    return a == b or a.startswith(b) or b.startswith(a)


def fallback_title(paragraphs: Sequence[str]) -> str:
    """A headline from the lead when the page has none: its first sentence, shortened at a
    word boundary with "…" past :data:`TITLE_FALLBACK_CHARS` characters, final period dropped.
    """
    lead = next((p for p in paragraphs if ends_sentence(p)), paragraphs[0])
    m = re.search(r"(?<=[^\d\s][.!?])\s+(?=[A-ZÀ-ỸĐ\"“])", lead)
    sentence = lead[: m.start()] if m else lead
    sentence = sentence.rstrip(" .")
    if len(sentence) <= TITLE_FALLBACK_CHARS:
        return sentence
    cut = sentence[:TITLE_FALLBACK_CHARS].rsplit(" ", 1)[0].rstrip(" ,;:-–")
    return cut + "…"


# --- the pipeline ---------------------------------------------------------------------------
@dataclass
class _Draft:
    lines: list[str]
    headings: set[int] = field(default_factory=set)  # indexes into lines (HTML <h*>)


def _split_lines(text: str) -> list[str]:
    out: list[str] = []
    for raw_line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = " ".join(raw_line.replace("\u00a0", " ").replace("\u200b", "").split())
        line = line.lstrip("•·▪►»*- ").strip() if line[:1] in "•·▪►»*" else line
        if line:
            out.append(nfc(line))
    return out


def _check_usable(raw: str) -> None:
    if not raw or not raw.strip():
        raise BadItem("empty document")
    sample = raw[:4096]
    controls = len(_CONTROL_CHARS.findall(sample))
    if "\x00" in sample or controls > len(sample) * 0.01:
        raise BadItem("binary data, not text")
    if sample.count("\ufffd") > max(3, len(sample) * 0.01):
        raise BadItem("undecodable text (many replacement characters)")


def split_dateline(paragraph: str) -> tuple[str, str | None]:
    """The lead paragraph without its dateline, and the dateline's label:
    ``(Tổ Quốc) - Sáng 6/7, …`` → (``Sáng 6/7, …``, ``Tổ Quốc``)."""
    m = _DATELINE.match(paragraph)
    if m is None:
        return paragraph, None
    name = m["paren"]
    if name is not None and not _CAPITALISED.match(name):
        return paragraph, None  # "(tức là) - …" is text, not an outlet
    return paragraph[m.end() :], name if name is not None else m["bare"]


def _trim_tail(lines: list[str]) -> list[str]:
    """Drop bylines and portal blocks after the last real sentence."""
    end = len(lines)
    while end > 0:
        line = lines[end - 1]
        if junk_reason(line) is not None or (not ends_sentence(line) and word_count(line) <= 15):
            end -= 1
            continue
        break
    return lines[:end]


def _body(
    lines: Sequence[str],
    *,
    skip: set[int],
    banners: set[str],
    title: str | None,
    marked_headings: set[int],
) -> tuple[list[str], set[int], str | None]:
    """Body paragraphs, which of them are headings, and the lead dateline's label."""
    title_key = _key(title) if title else None
    kept: list[tuple[str, bool]] = []
    after_image = False
    for idx, line in enumerate(lines):
        if idx in skip:
            continue
        key = _key(line) if len(line) <= BANNER_MAX_CHARS else ""
        if key and (key in banners or key == title_key):
            after_image = False
            continue
        if is_image_marker(line):
            after_image = True
            continue
        if after_image and is_caption_after_image(line):
            after_image = False
            continue
        after_image = False
        if junk_reason(line) is not None:
            continue
        kept.append((line, idx in marked_headings))
    texts = [text for text, _ in kept]
    kept = [(t, h) for t, h in kept if not is_pull_quote(t, texts)]
    trimmed = _trim_tail([t for t, _ in kept])
    kept = kept[: len(trimmed)]
    if kept and not kept[-1][1]:
        kept[-1] = (strip_glued_byline(kept[-1][0]), False)
    paragraphs: list[str] = []
    headings: set[int] = set()
    dateline: str | None = None
    for text, marked in kept:
        if not paragraphs and not marked:
            text, dateline = split_dateline(text)
        if marked or is_heading_like(text):
            headings.add(len(paragraphs))
        paragraphs.append(text)
    return paragraphs, headings, dateline


def _published(
    text_date: datetime | date | None,
    meta_date: str | None,
    doc: RawDocument,
    today: date,
) -> tuple[date, datetime | None, bool]:
    """Publication date, time if given, and whether the document gave them at all: with
    no date in the page, its metadata or its feed, the day it was loaded stands in."""
    value: datetime | date | None = None
    if meta_date:
        value = dates.parse_vietnamese_date(meta_date)
    if value is None or (not isinstance(value, datetime) and isinstance(text_date, datetime)):
        value = text_date or value
    value = value or doc.date_hint
    if value is None:
        return (doc.fetched_at.date() if doc.fetched_at else today), None, False
    if isinstance(value, datetime):
        naive = value.replace(tzinfo=None)
        return naive.date(), naive, True
    return value, None, True


def clean_document(doc: RawDocument, *, today: date | None = None) -> CleanArticle:
    """The article in ``doc`` with its headline, date and junk-free paragraphs.

    ``today`` bounds year inference (no publication date in the future); it defaults to
    the document's fetch date, else the current date. Raises :class:`BadItem` for empty,
    binary, navigation-only or body-less documents.
    """
    _check_usable(doc.raw)
    if today is None:
        today = doc.fetched_at.date() if doc.fetched_at else date.today()
    meta: dict[str, str | None] = {}
    marked: set[int] = set()
    if doc.kind == "html":
        blocks, meta = extract_blocks(doc.raw, doc.url)
        if not blocks:
            raise BadItem("no article text in page (navigation or empty)")
        lines, marked = _lines_from_blocks(blocks)
    else:
        lines = _split_lines(doc.raw)
    if not lines:
        raise BadItem("empty document")

    sitename = meta.get("sitename")
    title_site = outlets.from_title(meta.get("page_title")) or outlets.from_title(meta.get("title"))
    banners = find_banners(lines, sitename)
    text_date, date_idx = dates.find_publication_date(lines, today=today)
    meta_title = clean_meta_title(meta.get("title"), sitename)
    skip: set[int] = set() if date_idx is None else {date_idx}
    head_idx = find_headline(lines, date_idx, banners)
    title: str | None = None
    if head_idx is not None:
        title = lines[head_idx]
        skip.update(range(head_idx + 1))
    if meta_title and _key(meta_title) not in banners and not _same_headline(title, meta_title):
        # The page's declared title beats a guess from the text, unless the guess is the
        # same headline (then the text's copy is dropped and its wording kept).
        title = meta_title
    if title is None and doc.title_hint:
        title = nfc(doc.title_hint).strip() or None
    paragraphs, headings, dateline = _body(
        lines, skip=skip, banners=banners, title=title, marked_headings=marked
    )
    _check_body(paragraphs, headings)
    if title is None:
        title = fallback_title([p for i, p in enumerate(paragraphs) if i not in headings])
    published, published_at, date_known = _published(text_date, meta.get("date"), doc, today)
    return CleanArticle(
        title=_strip_image_suffix(title),
        published=published,
        published_at=published_at,
        date_known=date_known,
        paragraphs=tuple(paragraphs),
        headings=frozenset(headings),
        url=meta.get("url") or doc.url,
        source=find_outlet(
            lines[: head_idx if head_idx is not None else (date_idx or 0)],
            sitename,
            dateline,
            title_site=title_site,
            credit=find_credit(lines),
        ),
    )


def find_outlet(
    header: Sequence[str],
    sitename: str | None,
    dateline: str | None,
    *,
    title_site: str | None = None,
    credit: str | None = None,
) -> str | None:
    """The outlet the page names itself, from the strongest clue it gives: its declared
    site name, the site suffix of its HTML title, a banner line above the headline, a
    newsroom e-mail in the header's contact block, the lead's dateline; a host-shaped
    site name (trafilatura's fallback from the URL) comes last, and ``None`` leaves the
    choice to the caller.

    A closing credit ("Theo ICTnews") never replaces the page's own name: the page is
    who ran this copy and where the reader finds it, so the credit is added after it,
    "VietNamNet (theo ICTnews)". Only a page with no name at all, not even a host, is
    shown under the outlet it credits (see :func:`outlets.with_credit`).
    """
    declared = outlets.from_sitename(sitename)
    if declared and not outlets.looks_like_host(declared):
        return outlets.with_credit(declared, credit)
    own = title_site or find_banner_name(header)
    own = own or outlets.from_contact([line for line in header if is_contact_line(line)])
    own = own or (outlets.from_dateline(dateline) if dateline else None)
    return outlets.with_credit(own or declared, credit)


def find_credit(lines: Sequence[str]) -> str | None:
    """The outlet a republished story credits at its end: a line of its own among the
    last few ("Nguồn: Báo Tin tức/TTXVN", "(Theo ICTnews)") or a credit glued after the
    last paragraph ("… ./. (Theo TTXVN)"). The search stops at the last long sentence,
    so a "Theo …" inside the story is never read, and only short lines are matched:
    the cost per article stays a handful of anchored regex matches."""
    for line in reversed(lines[-CREDIT_LINES:]):
        if word_count(line) <= CREDIT_MAX_WORDS:
            name = outlets.from_credit(line)
        else:
            name = outlets.from_glued_credit(line[-CREDIT_TAIL_CHARS:])
            if name is None and ends_sentence(line):
                return None  # the story's last paragraph: above it is the story
        if name:
            return name
    return None


def find_banner_name(header: Sequence[str]) -> str | None:
    """A site banner above the headline, written twice (glued or on two lines): the name."""
    seen: set[str] = set()
    for line in header:
        half = _doubled_half(line)
        candidate = half or (line if _key(line) in seen else None)
        seen.add(_key(line))
        if candidate and _key(candidate) not in SITE_BANNER_PHRASES:
            name = outlets.from_banner(candidate)
            if name and not is_contact_line(name) and junk_reason(name) is None:
                return name
    return None


def _strip_image_suffix(title: str) -> str:
    return _IMAGE_PLACEHOLDER.sub("", title).strip()


def _lines_from_blocks(blocks: Sequence[Block]) -> tuple[list[str], set[int]]:
    lines: list[str] = []
    marked: set[int] = set()
    for block in blocks:
        for line in _split_lines(block.text):
            if block.is_heading:
                marked.add(len(lines))
            lines.append(line)
    return lines, marked


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


def _check_body(paragraphs: Sequence[str], headings: set[int]) -> None:
    body = [p for i, p in enumerate(paragraphs) if i not in headings]
    words = sum(word_count(p) for p in body)
    has_sentence = any(
        word_count(p) >= MIN_SENTENCE_WORDS and _HAS_SENTENCE_END.search(p) for p in body
    )
    if not body:
        raise BadItem("no article body (only navigation, links or captions)")
    if words < MIN_BODY_WORDS or not has_sentence:
        raise BadItem(f"no article body ({words} words of text, no full sentence)")
