"""Telegram HTML: measuring, validating and packing messages.

Telegram limits a message to 4096 characters *after entity parsing*: tags do
not count, ``&amp;`` counts as one character, and length is measured in UTF-16
code units, so an emoji outside the Basic Multilingual Plane counts as two.
Messages are packed from whole blocks (a section heading, a bullet), so a split
never falls inside a tag or a sentence.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

TELEGRAM_LIMIT = 4096
ALLOWED_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "a",
        "code",
        "pre",
        "tg-spoiler",
        "span",
        "blockquote",
        "tg-emoji",
    }
)
_ALLOWED_ATTRIBUTES = {
    "a": {"href"},
    "span": {"class"},
    "tg-emoji": {"emoji-id"},
    "code": {"class"},
    "blockquote": {"expandable"},
}
_TOKEN = re.compile(r"<[^<>]*>|&[^&;<>\s]*;?|[^<>&]+|[<>&]")
_TAG = re.compile(r"^<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^<>]*)?)\s*(/?)>$")
_ATTRIBUTE = re.compile(r'\s+([a-zA-Z-]+)(?:="([^"<>]*)")?')
_ENTITY = re.compile(r"^&(?:lt|gt|amp|quot|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});$")
_SENTENCE_END = re.compile(r"[.!?…][\"”’)]*\s")


def utf16_length(text: str) -> int:
    """Length in UTF-16 code units, as Telegram counts."""
    return sum(2 if ord(char) > 0xFFFF else 1 for char in text)


def visible_text(markup: str) -> str:
    """The text a reader sees: tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^<>]*>", "", markup))


def visible_length(markup: str) -> int:
    """Message length after entity parsing, in UTF-16 code units."""
    return utf16_length(visible_text(markup))


def validate(markup: str) -> list[str]:
    """Why Telegram would reject ``markup`` (empty list: it is valid)."""
    errors: list[str] = []
    stack: list[str] = []
    for token in _TOKEN.findall(markup):
        if token.startswith("<") and token.endswith(">") and len(token) > 1:
            errors.extend(_check_tag(token, stack))
        elif token.startswith("&"):
            if not _ENTITY.match(token):
                errors.append(f"unescaped & in {token[:20]!r}")
        elif token in "<>":
            errors.append(f"unescaped {token}")
    errors.extend(f"unclosed <{name}>" for name in reversed(stack))
    return errors


def _check_tag(token: str, stack: list[str]) -> list[str]:
    match = _TAG.match(token)
    if not match:
        return [f"malformed tag {token[:30]!r}"]
    closing, name, attributes, self_closing = match.groups()
    name = name.lower()
    if name not in ALLOWED_TAGS:
        return [f"unsupported tag <{name}>"]
    if self_closing:
        return [f"self-closing tag {token[:30]!r}"]
    if closing:
        if not stack or stack[-1] != name:
            return [f"</{name}> does not close the open tag"]
        stack.pop()
        return []
    errors = []
    for attribute, value in _ATTRIBUTE.findall(attributes or ""):
        if attribute not in _ALLOWED_ATTRIBUTES.get(name, set()):
            errors.append(f"attribute {attribute} not allowed on <{name}>")
        elif value and "&" in value and not _entities_ok(value):
            errors.append(f"unescaped & in attribute of <{name}>")
    if name == "span" and 'class="tg-spoiler"' not in (attributes or ""):
        errors.append('<span> needs class="tg-spoiler"')
    stack.append(name)
    return errors


def _entities_ok(value: str) -> bool:
    return all(_ENTITY.match(m) for m in re.findall(r"&[^&;\s]*;?", value))


def truncate_text(text: str, limit: int, ellipsis: str = "…") -> str:
    """``text`` cut to at most ``limit`` UTF-16 units, at a sentence end if one fits,
    else at a word boundary with an ellipsis; never inside a word."""
    if utf16_length(text) <= limit:
        return text
    if limit <= utf16_length(ellipsis):
        return ""
    head = text
    while utf16_length(head) > limit:
        head = head[: max(0, len(head) - max(1, utf16_length(head) - limit))]
    ends = [m.end() for m in _SENTENCE_END.finditer(head + " ")]
    if ends and ends[-1] >= len(head) // 3:
        return head[: ends[-1]].rstrip()
    room = head[: len(head) - len(ellipsis)]
    cut = room.rfind(" ")
    room = room[:cut] if cut > 0 else room
    return room.rstrip(" ,;:–-") + ellipsis


def split_html_blocks(
    blocks: Sequence[str], limit: int = TELEGRAM_LIMIT, separator: str = "\n\n"
) -> list[str]:
    """Pack whole blocks into as few messages as fit ``limit`` visible characters.

    A block is never split. A block longer than ``limit`` on its own raises
    ValueError: callers shorten it first (render_digest truncates the summary).
    """
    messages: list[str] = []
    current: list[str] = []
    length = 0
    separator_length = visible_length(separator)
    for block in blocks:
        if not block.strip():
            continue
        size = visible_length(block)
        if size > limit:
            raise ValueError(f"block of {size} characters exceeds the {limit} limit")
        extra = size + (separator_length if current else 0)
        if current and length + extra > limit:
            messages.append(separator.join(current))
            current, length = [], 0
            extra = size
        current.append(block)
        length += extra
    if current:
        messages.append(separator.join(current))
    return messages
