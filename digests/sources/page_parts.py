"""What a news page's markup says around its headline: the sapo, the dateline, the byline.

trafilatura finds an article's paragraphs well but reads its surroundings poorly: the sapo
(the lead paragraph, styled apart and often outside ``<article>``) is dropped, a header's
"today" date or a licence date is taken for the publication date, a byline stays as a
paragraph. Vietnamese outlets build these parts the same few ways (learned from public
scrapers of VnExpress, VietNamNet, Tuổi Trẻ, Dân trí, Báo Đầu tư, CafeF and the ministry
portals), so they are read here from the tree, by general rules rather than per-site code:

* the headline is the ``<h1>`` that reads like the page's declared title (not a logo's),
  else the first ``<h1>`` outside the page chrome, else the element that reads like that
  title (portals set headlines in ``<h2>`` or ``<div class="title">``);
* the sapo is the first element after it whose class names a lead (``description``,
  ``sapo``, ``detail-sapo``, ``singular-sapo``, ``content-detail-sapo``, ``sapo_detail`` …,
  or ``data-role="sapo"``), outside link lists;
* the dateline is the short date-only element nearest the headline, outside the chrome;
  a date the chrome shows (header "today", licence, copyright) is kept apart, so that it
  can never be taken for the publication date;
* bylines are the short texts of author elements.

Chrome is ``<header>``, ``<nav>``, ``<footer>``, ``<aside>`` and elements whose class or id
says header, footer, menu, today, cookie …, unless they hold the headline or article
paragraphs. Everything above the headline, related-headline boxes and cookie notices are
pruned from the tree before trafilatura reads it (:func:`prune`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from digests.sources import dates, outlets
from digests.textnorm import nfc, squash_spaces

_CHROME_TAGS = frozenset({"header", "nav", "footer", "aside"})
# One class or id token that marks page chrome: "header", "site-footer", "header__top",
# "time-now", "cookie-banner"; not "header-content" (VnExpress keeps its dateline there).
_CHROME_TOKEN = re.compile(
    r"^(?:[a-z]+[-_]+)?(?:header|footer|menu|main-?menu|menu-?top|menu-?nav|main-?nav|navbar|"
    r"topbar|top-bar)(?:[-_]+(?:top|bottom|wrap|inner|main|time|date|nav))?$"
    r"|today|time-?now|date-?now|cookie|consent|gdpr|copyright",
    re.IGNORECASE,
)
# Lists of other stories, and cookie banners: pruned before trafilatura reads the page.
_PRUNE_TOKEN = re.compile(
    r"relate|lien-?quan|lienquan|noi-?bat|noibat|most-?viewed|xem-?nhieu|doc-?nhieu|"
    r"other-?news|tin-?khac|tinkhac|box-category|topstory|cung-?chuyen-?muc|"
    r"cookie|consent|gdpr",
    re.IGNORECASE,
)
_PRUNE_TYPES = frozenset({"relatednewsbox"})
_COOKIE_XPATH = (
    "//text()[contains(translate(., 'COKIE', 'cokie'), 'cookie')]"
    "[not(ancestor::script) and not(ancestor::style)]"
)
_COPYRIGHT_XPATH = (
    "//text()[contains(., '©') or contains(., 'opyright') or contains(., 'OPYRIGHT')"
    " or contains(., 'ản quyền') or contains(., 'ẢN QUYỀN')]"
)
_CONSENT_TOKEN = re.compile(r"cookie|consent|gdpr|^cc-", re.IGNORECASE)
_CONSENT_WORDS = frozenset(
    {"đồng ý", "tôi đồng ý", "chấp nhận", "chấp nhận tất cả", "accept", "accept all", "agree",
     "i agree", "ok", "got it"}
)  # fmt: skip
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_SAPO_TOKEN = re.compile(
    r"^(?:sapo|[a-z-]*[-_]sapo(?:[-_][a-z0-9]+)*|sapo[-_][a-z]+|description|lead|"
    r"article[-_]?lead|articlelead|summary|chapeau|excerpt)$",
    re.IGNORECASE,
)
_AUTHOR_TOKEN = re.compile(r"author|byline|tac-?gia", re.IGNORECASE)
_LIST_ITEM_TOKEN = re.compile(r"^(?:item|item-news|article-item|news-item|story)$", re.I)

_HEADLINE_TAGS = frozenset({"h2", "h3", "div", "p", "span", "strong", "b", "td"})
TITLE_MIN_WORDS = 4  # a title shorter than this names a section, not a story
SAPO_MIN_WORDS = 8
SAPO_MAX_WORDS = 150  # a sapo is one paragraph, two or three sentences
SAPO_REACH = 80  # elements after the headline: a lead styled further down is something else
BYLINE_MAX_WORDS = 6
DATELINE_MAX_CHARS = 80
DATELINE_REACH = 60  # elements from the headline: a date further away belongs elsewhere
UNTIMED_REACH_BEFORE = 12  # a date with no time above the headline must sit right above it
ARTICLE_PARAGRAPH_WORDS = 15
ARTICLE_PARAGRAPHS = 3  # chrome never holds this many long paragraphs
ABOVE_MAX_SHARE = 0.75  # a "headline" above most of the page's text is no article's
COOKIE_NOTICE_MAX_WORDS = 120  # a consent notice is short; an article about cookies is not


@dataclass(frozen=True)
class PageParts:
    """What the markup around a page's headline says; empty fields when it says nothing."""

    headline: str | None = None
    sapo: str | None = None
    dateline: datetime | date | None = None
    chrome_dates: frozenset[date] = frozenset()
    bylines: frozenset[str] = field(default_factory=frozenset)


def _tokens(element: Any) -> list[str]:
    attrs = f"{element.get('class') or ''} {element.get('id') or ''}"
    return attrs.split()


def _tag(element: Any) -> str:
    return element.tag.lower() if isinstance(element.tag, str) else ""


def _chrome_roots(elements: list[Any], story_titles: list[Any]) -> set[Any]:
    """The elements that are page chrome. An element marked as chrome is not when it holds
    the story's headline (HTML5 ``<article><header><h1>``, a ``detail__header``) or
    article paragraphs (an unclosed ``<div class="menu">`` swallowing the page)."""
    holding_title = {node for h1 in story_titles for node in h1.iterancestors()}
    roots: set[Any] = set()
    for element in elements:
        if _tag(element) in _CHROME_TAGS or any(_CHROME_TOKEN.search(t) for t in _tokens(element)):
            if element in holding_title:
                continue
            long_paragraphs = sum(
                1 for p in element.iter("p") if len(_text(p).split()) >= ARTICLE_PARAGRAPH_WORDS
            )
            if long_paragraphs < ARTICLE_PARAGRAPHS:
                roots.add(element)
    return roots


def _story_titles(elements: list[Any], titles: list[str]) -> list[Any]:
    """The ``<h1>`` elements that read like the story's headline: the page's declared title
    when it has one, else any of at least :data:`TITLE_MIN_WORDS` words (not a logo)."""
    keys = {_fold_key(title) for title in titles}
    found = []
    for element in elements:
        if _tag(element) != "h1":
            continue
        text = _text(element)
        if (_fold_key(text) in keys) if keys else len(text.split()) >= TITLE_MIN_WORDS:
            found.append(element)
    return found


def _is_chrome(element: Any, roots: set[Any]) -> bool:
    """Whether ``element`` or one of its ancestors is page chrome."""
    return element in roots or any(node in roots for node in element.iterancestors())


def _in_list_item(element: Any) -> bool:
    node = element.getparent()
    while node is not None:
        if _tag(node) == "li" or any(_LIST_ITEM_TOKEN.match(t) for t in _tokens(node)):
            return True
        node = node.getparent()
    return False


def _text(element: Any) -> str:
    return nfc(squash_spaces(" ".join(element.itertext())))


def _is_prunable(element: Any) -> bool:
    if _tag(element) in {"html", "body", "h1"}:
        return False
    kind = (element.get("type") or "").lower()
    return kind in _PRUNE_TYPES or any(_PRUNE_TOKEN.search(t) for t in _tokens(element))


def prune(tree: Any, keep: list[Any], headline: Any | None = None) -> None:
    """Remove related-headline lists and cookie banners, never an ancestor of ``keep``.

    With a ``headline`` element, everything above it goes too: pages put breadcrumbs,
    the date and other stories' teasers there, never the article's text (its dateline
    and sapo were read before).
    """
    # lxml makes a new proxy object for a node whenever none is alive: ids are only
    # stable while the proxies are kept, so the sets hold the elements themselves.
    protected: set[Any] = set()
    for element in keep:
        protected.update([element, *element.iterancestors()])
    doomed = [el for el in tree.iter() if _is_prunable(el) and el not in protected]
    doomed += _cookie_notices(tree, protected)
    if headline is not None:
        above = _above(headline)
        if _words(above) <= ABOVE_MAX_SHARE * _words([tree]):
            doomed += above
    for element in doomed:
        parent = element.getparent()
        if parent is None:
            continue
        if element.tail and element.tail.strip():  # text after it belongs to its parent
            previous = element.getprevious()
            if previous is not None:
                previous.tail = (previous.tail or "") + element.tail
            else:
                parent.text = (parent.text or "") + element.tail
        parent.remove(element)


def _words(elements: list[Any]) -> int:
    """Words in the paragraphs of ``elements``."""
    return sum(len(_text(p).split()) for el in elements for p in el.iter("p"))


def _above(headline: Any) -> list[Any]:
    """The elements before ``headline`` in the body: its ancestors' earlier siblings."""
    above: list[Any] = []
    node = headline
    while node is not None and _tag(node) not in {"body", "html"}:
        above += [sib for sib in node.itersiblings(preceding=True) if isinstance(sib.tag, str)]
        node = node.getparent()
    return above


def _cookie_notices(tree: Any, protected: set[Any]) -> list[Any]:
    """Consent notices: the largest small element around a mention of cookies that asks
    for consent (a button, an "Đồng ý" link, a dialog role). A paragraph of a story about
    third-party cookies asks nothing and stays."""
    notices: list[Any] = []
    for text in tree.xpath(_COOKIE_XPATH):
        node = text.getparent()
        best = None
        while node is not None and _tag(node) not in {"body", "html"} and node not in protected:
            if len(_text(node).split()) > COOKIE_NOTICE_MAX_WORDS:
                break
            best = node
            node = node.getparent()
        if best is not None and _asks_consent(best):
            notices.append(best)
    return notices


def _asks_consent(element: Any) -> bool:
    for node in element.iter():
        if not isinstance(node.tag, str):
            continue
        if _tag(node) == "button" or (node.get("role") or "") in {"dialog", "alertdialog"}:
            return True
        if any(_CONSENT_TOKEN.search(t) for t in _tokens(node)):
            return True
        if _tag(node) in {"a", "span"} and _fold_key(_text(node)) in _CONSENT_WORDS:
            return True
    return False


def _headline(
    elements: list[Any], roots: set[Any], titles: list[str], story_titles: list[Any]
) -> tuple[int | None, str | None]:
    """The article's headline: the ``<h1>`` that reads like the declared title, else the
    first ``<h1>`` outside the chrome, else the first element outside the chrome that
    reads like the page's declared title (some portals set their headline in an ``<h2>``
    or a ``<div class="title">``)."""
    h1s = [
        (idx, element)
        for idx, element in enumerate(elements)
        if _tag(element) == "h1" and not _is_chrome(element, roots) and _text(element)
    ]
    for idx, element in h1s:
        if element in story_titles:
            return idx, _text(element)
    if h1s:
        return h1s[0][0], _text(h1s[0][1])
    keys = {_fold_key(t) for t in titles}
    for idx, element in enumerate(elements):
        if _tag(element) not in _HEADLINE_TAGS or element.text is None:
            continue
        own = nfc(squash_spaces(element.text))
        if not own or not any(title.startswith(own[:12]) for title in titles):
            continue
        text = _text(element)
        if _fold_key(text) in keys and not _is_chrome(element, roots):
            return idx, text
    return None, None


def _declared_titles(elements: list[Any]) -> list[str]:
    """The page's og:title and <title>, whole and without a site suffix."""
    titles: list[str] = []
    for element in elements:
        tag = _tag(element)
        if tag == "body":
            break
        if tag == "title" or (tag == "meta" and element.get("property") == "og:title"):
            title = nfc(squash_spaces(element.get("content") or element.text_content() or ""))
            if len(title.split()) >= TITLE_MIN_WORDS:
                titles.append(title)
                parts = outlets.split_title(title)
                if parts and parts[0]:
                    titles.append(parts[0])
    return titles


def _fold_key(text: str) -> str:
    return " ".join(text.lower().split())


def _sapo(elements: list[Any], head_idx: int | None, roots: set[Any]) -> Any | None:
    """The lead paragraph: styled as one, right after the headline, one paragraph long."""
    start = head_idx + 1 if head_idx is not None else 0
    end = start + SAPO_REACH if head_idx is not None else len(elements)
    for element in elements[start:end]:
        if element.get("data-role") != "sapo" and not any(
            _SAPO_TOKEN.match(t) for t in _tokens(element)
        ):
            continue
        if _tag(element) in {"meta", "body", "html"} or _in_list_item(element):
            continue
        if _is_chrome(element, roots) or _is_prunable(element):
            continue
        if sum(1 for _ in element.iter("p")) > 1:
            continue  # a container of paragraphs ("article-lead" around the body), no sapo
        words = len(_text(element).split())
        if SAPO_MIN_WORDS <= words <= SAPO_MAX_WORDS:
            return element
    return None


def _short_text(element: Any, limit: int) -> str | None:
    """The text of ``element`` if it is at most ``limit`` characters long, else ``None``:
    reading stops early, so asking every wrapper of a big page stays cheap."""
    pieces: list[str] = []
    size = 0
    for piece in element.itertext():
        size += len(piece)
        if size > limit * 4:  # raw text has spaces to squash; this bounds the work
            return None
        pieces.append(piece)
    text = nfc(squash_spaces(" ".join(pieces)))
    return text if len(text) <= limit else None


def _date_of(element: Any) -> dates.DateMatch | None:
    text = _short_text(element, DATELINE_MAX_CHARS)
    return dates.is_date_line(text) if text else None


def _datelines(
    elements: list[Any], head_idx: int | None, roots: set[Any]
) -> tuple[datetime | date | None, frozenset[date]]:
    """The date shown beside the headline, and the dates shown in the page chrome."""
    chrome: set[date] = set()
    best: tuple[int, datetime | date] | None = None
    for idx, element in enumerate(elements):
        if len(element) > 3:
            continue  # a container: its date is read from the child that holds it
        found = _date_of(element)
        if found is None:
            continue
        value = found.value
        if _is_chrome(element, roots):
            chrome.add(value.date() if isinstance(value, datetime) else value)
            continue
        if head_idx is None:
            continue
        distance = abs(idx - head_idx)
        timed = isinstance(value, datetime)
        if distance > DATELINE_REACH:
            continue
        if not timed and idx < head_idx and distance > UNTIMED_REACH_BEFORE:
            continue
        rank = distance - (DATELINE_REACH if timed else 0)
        if best is None or rank < best[0]:
            best = (rank, value)
    return (best[1] if best else None), frozenset(chrome)


def _copyright_days(tree: Any) -> set[date]:
    """1 January of every year a copyright line names ("© 1997-2024"): what a library
    guesses from such a line when it finds no other date."""
    days: set[date] = set()
    for text in tree.xpath(_COPYRIGHT_XPATH):
        for year in _YEAR.findall(str(text)):
            if dates.MIN_YEAR <= int(year) <= dates.MAX_YEAR:
                days.add(date(int(year), 1, 1))
    return days


def _bylines(elements: list[Any]) -> frozenset[str]:
    names: set[str] = set()
    for element in elements:
        if not any(_AUTHOR_TOKEN.search(t) for t in _tokens(element)):
            continue
        text = _text(element)
        if text and len(text.split()) <= BYLINE_MAX_WORDS and not dates.first_date_span(text):
            names.add(text)
    return frozenset(names)


def read_parts(tree: Any) -> tuple[PageParts, list[Any], Any | None]:
    """The parts of the page in ``tree``, the elements that must survive pruning and the
    headline element."""
    elements = [el for el in tree.iter() if isinstance(el.tag, str)]
    titles = _declared_titles(elements)
    story_titles = _story_titles(elements, titles)
    roots = _chrome_roots(elements, story_titles)
    head_idx, headline = _headline(elements, roots, titles, story_titles)
    sapo_element = _sapo(elements, head_idx, roots)
    dateline, chrome_dates = _datelines(elements, head_idx, roots)
    parts = PageParts(
        headline=headline,
        sapo=_text(sapo_element) if sapo_element is not None else None,
        dateline=dateline,
        chrome_dates=chrome_dates | _copyright_days(tree),
        bylines=_bylines(elements),
    )
    head = elements[head_idx] if head_idx is not None else None
    keep = [head] if head is not None else []
    keep += [sapo_element] if sapo_element is not None else []
    return parts, keep, head
