"""Telegram's HTML parse mode, as the Bot API server applies it to a message text.

Independent of ``digests.digest.telegram_html`` on purpose: the emulator checks what the digest
renderer produces, so the two must not share a bug.

``parse_html`` returns the visible text and its entities (offsets in UTF-16 code units, as
the Bot API counts them) or raises ``EntityParseError`` whose message mimics Telegram's
``can't parse entities: …`` descriptions. One deliberate difference: Telegram tolerates a
bare ``&`` that starts no entity; we reject it, because the Bot API documentation says it
must be escaped and a renderer relying on the tolerance is a latent bug.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}

# Tag name → Bot API entity type (None: decided by attributes or context).
TAG_TYPES: dict[str, str | None] = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": None,
    "tg-emoji": "custom_emoji",
}

_TAG_NAME = re.compile(r"[A-Za-z0-9-]*")
_ENTITY = re.compile(r"&(?:#(\d{1,8})|#[xX]([0-9A-Fa-f]{1,7})|([A-Za-z]{1,8}));")
_SPACE = " \t\r\n\f\v"


class EntityParseError(ValueError):
    """Text Telegram would refuse; ``str()`` is the part after "can't parse entities: "."""


@dataclass
class _OpenTag:
    name: str
    byte_offset: int
    start: int  # UTF-16 offset of the first visible character inside the tag
    attributes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ParsedText:
    """Visible text and Bot API entity dicts (offset/length in UTF-16 code units)."""

    text: str
    entities: list[dict[str, Any]]

    @property
    def length(self) -> int:
        return utf16_length(self.text)


def utf16_length(text: str) -> int:
    """Length as Telegram counts it: characters outside the BMP take two units."""
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def parse_html(source: str) -> ParsedText:
    """Parse Telegram HTML into visible text and entities, or raise ``EntityParseError``."""
    parser = _HtmlParser(source)
    return parser.run()


def plain_text(source: str, parse_mode: str | None) -> ParsedText:
    """The visible text of a message sent with ``parse_mode`` (only HTML is interpreted)."""
    if parse_mode is not None and parse_mode.upper() == "HTML":
        return parse_html(source)
    return ParsedText(source, [])


class _HtmlParser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.pos = 0
        self.out: list[str] = []
        self.units = 0  # UTF-16 length of the text produced so far
        self.stack: list[_OpenTag] = []
        self.entities: list[dict[str, Any]] = []

    def run(self) -> ParsedText:
        source = self.source
        while self.pos < len(source):
            char = source[self.pos]
            if char == "<":
                self._tag()
            elif char == "&":
                self._entity()
            elif char == ">":
                raise EntityParseError(
                    f'Unexpected ">" at byte offset {self._byte_offset(self.pos)}; use "&gt;"'
                )
            else:
                self._emit(char)
                self.pos += 1
        if self.stack:
            raise EntityParseError(
                f'Can\'t find end tag corresponding to start tag "{self.stack[-1].name}"'
            )
        self.entities.sort(key=lambda entity: (entity["offset"], -entity["length"]))
        return ParsedText("".join(self.out), self.entities)

    def _byte_offset(self, index: int) -> int:
        return len(self.source[:index].encode("utf-8"))

    def _emit(self, text: str) -> None:
        self.out.append(text)
        self.units += utf16_length(text)

    def _entity(self) -> None:
        match = _ENTITY.match(self.source, self.pos)
        decoded = _decode_entity(match) if match else None
        if decoded is None:
            raise EntityParseError(
                f'Unexpected "&" at byte offset {self._byte_offset(self.pos)}: it starts no '
                'HTML entity; use "&amp;"'
            )
        assert match is not None
        self._emit(decoded)
        self.pos = match.end()

    def _tag(self) -> None:
        begin = self.pos
        if self.source.startswith("</", begin):
            self._end_tag(begin)
        else:
            self._start_tag(begin)

    def _start_tag(self, begin: int) -> None:
        source = self.source
        name_match = _TAG_NAME.match(source, begin + 1)
        assert name_match is not None
        name = name_match.group().lower()
        self.pos = name_match.end()
        byte_offset = self._byte_offset(begin)
        if name not in TAG_TYPES:
            raise EntityParseError(f'Unsupported start tag "{name}" at byte offset {byte_offset}')
        if self.pos < len(source) and source[self.pos] not in _SPACE + ">":
            raise EntityParseError(f'Unsupported start tag "{name}" at byte offset {byte_offset}')
        attributes = self._attributes(name, byte_offset)
        if name == "span" and attributes.get("class") != "tg-spoiler":
            raise EntityParseError(
                f'Tag "span" must have class "tg-spoiler" at byte offset {byte_offset}'
            )
        if name == "tg-emoji" and not attributes.get("emoji-id", "").isdigit():
            raise EntityParseError(
                f'Tag "tg-emoji" must have a numeric "emoji-id" at byte offset {byte_offset}'
            )
        self.stack.append(_OpenTag(name, byte_offset, self.units, attributes))

    def _attributes(self, tag: str, byte_offset: int) -> dict[str, str]:
        source = self.source
        attributes: dict[str, str] = {}
        while True:
            while self.pos < len(source) and source[self.pos] in _SPACE:
                self.pos += 1
            if self.pos >= len(source):
                raise EntityParseError(f"Unclosed start tag at byte offset {byte_offset}")
            if source[self.pos] == ">":
                self.pos += 1
                return attributes
            name_start = self.pos
            while self.pos < len(source) and source[self.pos] not in _SPACE + "=>":
                self.pos += 1
            name = source[name_start : self.pos].lower()
            if not name:
                raise EntityParseError(
                    f'Empty attribute name in the tag "{tag}" at byte offset {byte_offset}'
                )
            if self.pos >= len(source) or source[self.pos] != "=":
                if tag == "blockquote" and name == "expandable":
                    attributes[name] = ""
                    continue
                raise EntityParseError(
                    "Expected equal sign in declaration of an attribute of the tag "
                    f'"{tag}" at byte offset {byte_offset}'
                )
            self.pos += 1
            attributes[name] = self._attribute_value(tag, byte_offset)

    def _attribute_value(self, tag: str, byte_offset: int) -> str:
        source = self.source
        if self.pos >= len(source):
            raise EntityParseError(f'Unclosed start tag "{tag}" at byte offset {byte_offset}')
        quote = source[self.pos]
        if quote in "\"'":
            end = source.find(quote, self.pos + 1)
            if end < 0:
                raise EntityParseError(f'Unclosed start tag "{tag}" at byte offset {byte_offset}')
            raw = source[self.pos + 1 : end]
            self.pos = end + 1
        else:
            start = self.pos
            while self.pos < len(source) and source[self.pos] not in _SPACE + ">":
                self.pos += 1
            raw = source[start : self.pos]
        return _decode_attribute(raw)

    def _end_tag(self, begin: int) -> None:
        source = self.source
        byte_offset = self._byte_offset(begin)
        close = source.find(">", begin)
        if close < 0:
            raise EntityParseError(f"Unclosed end tag at byte offset {byte_offset}")
        name = source[begin + 2 : close].strip(_SPACE).lower()
        if not self.stack:
            raise EntityParseError(f"Unexpected end tag at byte offset {byte_offset}")
        expected = self.stack[-1].name
        if name != expected:
            raise EntityParseError(
                f'Unmatched end tag at byte offset {byte_offset}, expected "</{expected}>", '
                f'found "</{name}>"'
            )
        self.pos = close + 1
        self._close(self.stack.pop())

    def _close(self, tag: _OpenTag) -> None:
        length = self.units - tag.start
        entity = self._entity_for(tag)
        if entity is None or length == 0:
            return
        entity.update(offset=tag.start, length=length)
        self.entities.append(entity)

    def _entity_for(self, tag: _OpenTag) -> dict[str, Any] | None:
        kind = TAG_TYPES[tag.name]
        if tag.name == "blockquote":
            expandable = "expandable" in tag.attributes
            return {"type": "expandable_blockquote" if expandable else "blockquote"}
        if tag.name == "a":
            href = tag.attributes.get("href", "")
            # Telegram drops a link whose URL is empty or unusable but keeps its text.
            return {"type": "text_link", "url": href} if _usable_url(href) else None
        if tag.name == "tg-emoji":
            return {"type": "custom_emoji", "custom_emoji_id": tag.attributes["emoji-id"]}
        if tag.name == "code" and self.stack and self.stack[-1].name == "pre":
            language = tag.attributes.get("class", "")
            if language.startswith("language-"):
                self.stack[-1].attributes["language"] = language.removeprefix("language-")
            return None if language.startswith("language-") else {"type": "code"}
        if tag.name == "pre":
            pre_language = tag.attributes.get("language")
            return {"type": "pre", "language": pre_language} if pre_language else {"type": "pre"}
        assert kind is not None
        return {"type": kind}


def _decode_entity(match: re.Match[str]) -> str | None:
    decimal, hexadecimal, named = match.groups()
    if named is not None:
        return NAMED_ENTITIES.get(named)
    code = int(decimal) if decimal is not None else int(hexadecimal, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code)


def _decode_attribute(raw: str) -> str:
    def replace(match: re.Match[str]) -> str:
        decoded = _decode_entity(match)
        return match.group() if decoded is None else decoded

    return _ENTITY.sub(replace, raw)


def _usable_url(href: str) -> bool:
    return bool(re.match(r"(?i)(https?|tg|ftp|mailto)://|tg:|mailto:", href.strip()))
