"""How the bot's messages and buttons look in a terminal: plain text, links as
``title ‹url›``, inline buttons as ``[1] label``."""

from __future__ import annotations

from typing import Any

from bot import texts


def console_text(what: str, lang: str, **values: Any) -> str:
    """The console's own lines (welcome, button hints, apologies) in ``lang``."""
    return texts.plain("console", lang, None, what=what, **values).strip()


def welcome(lang: str) -> str:
    return console_text("welcome", lang) + "\n"


def to_plain_text(text: str, entities: list[dict[str, Any]]) -> str:
    """Visible text with links shown as ``title ‹url›`` and quotes indented with ``│``."""
    units = _utf16_index(text)
    inserts: list[tuple[int, int, str]] = []  # (python index, order, text)
    quote_ranges: list[tuple[int, int]] = []
    for entity in entities:
        start = units.get(entity["offset"], len(text))
        end = units.get(entity["offset"] + entity["length"], len(text))
        if entity["type"] == "text_link":
            url = entity.get("url", "")
            if url and url.rstrip("/") != text[start:end].strip().rstrip("/"):
                inserts.append((end, 0, f" ‹{url}›"))
        elif entity["type"] in ("blockquote", "expandable_blockquote"):
            quote_ranges.append((start, end))
    pieces = []
    cursor = 0
    for index, _, insert in sorted(inserts):
        pieces.append(_quote(text, cursor, index, quote_ranges))
        pieces.append(insert)
        cursor = index
    pieces.append(_quote(text, cursor, len(text), quote_ranges))
    return "".join(pieces)


def _quote(text: str, start: int, end: int, quotes: list[tuple[int, int]]) -> str:
    """``text[start:end]`` with a ``│ `` bar at each line start inside a quote."""
    out = []
    for index in range(start, end):
        at_line_start = index == 0 or text[index - 1] == "\n"
        if at_line_start and any(q_start <= index < q_end for q_start, q_end in quotes):
            out.append("│ ")
        out.append(text[index])
    return "".join(out)


def _utf16_index(text: str) -> dict[int, int]:
    """UTF-16 offset → Python string index, for every character boundary."""
    mapping = {}
    units = 0
    for index, char in enumerate(text):
        mapping[units] = index
        units += 2 if ord(char) > 0xFFFF else 1
    mapping[units] = len(text)
    return mapping


def keyboard_buttons(markup: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The inline buttons of a keyboard, row by row (numbered from 1 when shown)."""
    if not markup:
        return []
    return [button for row in markup.get("inline_keyboard", []) for button in row]


def format_buttons(buttons: list[dict[str, Any]]) -> str:
    labels = []
    for number, button in enumerate(buttons, start=1):
        label = f"[{number}] {button['text']}"
        if "url" in button:
            label += f" ‹{button['url']}›"
        labels.append(label)
    return "  ".join(labels)


def format_event(event: dict[str, Any]) -> str:
    """One bot action (message, edit or button answer) as terminal text."""
    if event["kind"] == "answer":
        return f"ⓘ {event['text']}"
    buttons = keyboard_buttons(event.get("reply_markup"))
    if event["kind"] == "edit" and "text" in event and event["text"] is None:
        # Only the keyboard changed (e.g. "Xem thêm" removed once pressed): the text is
        # already on screen, so show the new buttons, or nothing.
        return f"✎ {format_buttons(buttons)}" if buttons else ""
    body = to_plain_text(event["visible_text"] or "", event.get("entities") or [])
    if event.get("photo"):  # a terminal shows no picture: say one was sent, with its caption
        body = f"🖼 [PNG] {body}".rstrip()
    if event["kind"] == "edit":
        body = f"✎ {body}"
    return f"{body}\n{format_buttons(buttons)}" if buttons else body
