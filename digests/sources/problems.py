"""Why an item cannot become an article: a code, its parameters and an English line.

Templates translate by code (``digests/templates/*/_store.*.j2``, macro ``reason``).
"""

from __future__ import annotations

from typing import ClassVar

from digests.model import BadItem


class SourceProblem(BadItem):
    """A bad item found while reading a source; ``code`` + ``params`` make its reason.

    The message (``str(problem)``) is the English reason; templates translate by code.
    """

    MESSAGES: ClassVar[dict[str, str]] = {
        "missing": "no such file or folder",
        "unreadable": "cannot read: {detail}",
        "empty": "empty file",
        "empty_page": "empty page",
        "binary": "binary file, not text",
        "oversized": "too large ({size}; the limit is 5 MB)",
        "encoding": "not UTF-8 (tried {tried})",
        "bad_url": "not an http(s) URL",
        "connect": "cannot connect: {detail}",  # detail: refused, unknown host, …
        "timeout": "timed out: the server sent nothing for {seconds} s",
        "deadline": "gave up after {seconds} s, the limit per item (the server was too slow)",
        "blocked": (
            "refused: {host} is a {kind} address ({address}); ingest --allow-private permits it"
        ),
        "redirects": "too many redirects",
        "http_status": "server answered HTTP {status}",
        "feed_broken": "not a readable RSS/Atom feed: {detail}",
        "feed_empty": "the feed has no items",
        "no_files": "the folder holds no .txt, .html, .xml, .rss or .atom files",
        "not_article": "not an article (only Vietnamese text, HTML pages and RSS/Atom feeds)",
        "sources_file": "not a usable sources file: {detail}",
        # found while cleaning the text
        "empty_text": "empty document",
        "binary_text": "binary data, not text",
        "undecodable": "undecodable text (many replacement characters)",
        "navigation": "no article text in page (navigation or empty)",
        "no_body": "no article body (only navigation, links or captions)",
        "too_short": "no article body ({words} words of text, no full sentence)",
    }

    def __init__(self, code: str, **params: str) -> None:
        self.code = code
        self.params = params
        super().__init__(self.MESSAGES[code].format(**params))
