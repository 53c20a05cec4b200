"""Checks the Bot API server applies to what a bot sends: text, keyboards, commands."""

from __future__ import annotations

import re
from typing import Any

from bot.emulator.entities import EntityParseError, ParsedText, parse_html, utf16_length
from bot.emulator.params import bad_request

MAX_TEXT_UNITS = 4096
MAX_CALLBACK_DATA_BYTES = 64
MAX_CALLBACK_ANSWER = 200
VALID_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_COMMAND = re.compile(r"(?<![\w/@])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w@])")


def parse_message_text(
    text: str | None, parse_mode: str | None, entities: Any = None
) -> ParsedText:
    """The visible text Telegram would store, or the 400 it would answer."""
    if text is None or not text.strip():
        raise bad_request("message text is empty")
    if entities is not None and not parse_mode:
        parsed = ParsedText(text, _explicit_entities(text, entities))
    elif parse_mode is not None and parse_mode not in ("", "HTML", "html"):
        if parse_mode.lower() not in ("markdown", "markdownv2"):
            raise bad_request(f"unsupported parse_mode {parse_mode!r}")
        # The bot under test only uses HTML; other modes are stored verbatim.
        parsed = ParsedText(text, [])
    elif parse_mode:
        try:
            parsed = parse_html(text)
        except EntityParseError as exc:
            raise bad_request(f"can't parse entities: {exc}") from None
    else:
        parsed = ParsedText(text, [])
    if not parsed.text.strip():
        raise bad_request("message text is empty")
    if utf16_length(parsed.text.strip()) > MAX_TEXT_UNITS:
        raise bad_request("message is too long")
    return parsed


def _explicit_entities(text: str, entities: Any) -> list[dict[str, Any]]:
    """Entities sent instead of a parse mode must be objects inside the text."""
    if not isinstance(entities, list):
        raise bad_request("can't parse entities JSON object")
    size = utf16_length(text)
    for entity in entities:
        if not isinstance(entity, dict) or not isinstance(entity.get("type"), str):
            raise bad_request("can't parse MessageEntity JSON object")
        offset, length = entity.get("offset"), entity.get("length")
        if not isinstance(offset, int) or not isinstance(length, int):
            raise bad_request("can't parse MessageEntity JSON object")
        if offset < 0 or length <= 0 or offset + length > size:
            raise bad_request("entity beginning out of bounds")
    return [dict(entity) for entity in entities]


def check_reply_markup(markup: Any) -> dict[str, Any] | None:
    """Validate a reply_markup object; returns the inline keyboard to store, if any."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" not in markup:
        if not any(k in markup for k in ("keyboard", "remove_keyboard", "force_reply")):
            raise bad_request("can't parse reply keyboard markup JSON object")
        return None
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request("can't parse inline keyboard markup JSON object")
    for row in rows:
        for button in row:
            _check_inline_button(button)
    return {"inline_keyboard": rows}


def _check_inline_button(button: Any) -> None:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise bad_request("can't parse inline keyboard button: Text must be a String")
    if not button["text"].strip():
        raise bad_request("BUTTON_TEXT_EMPTY")
    actions = [key for key in button if key != "text"]
    if not actions:
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if "callback_data" in button:
        data = button["callback_data"]
        size = len(data.encode("utf-8")) if isinstance(data, str) else 0
        if not 1 <= size <= MAX_CALLBACK_DATA_BYTES:
            raise bad_request("BUTTON_DATA_INVALID")
    if "url" in button:
        url = button["url"]
        if not isinstance(url, str) or not re.match(r"(?i)(https?|tg)://\S+$", url):
            raise bad_request("BUTTON_URL_INVALID")


def command_entities(text: str) -> list[dict[str, Any]]:
    """``bot_command`` entities Telegram attaches to a user's text (UTF-16 offsets)."""
    entities = []
    for match in _COMMAND.finditer(text):
        entities.append(
            {
                "type": "bot_command",
                "offset": utf16_length(text[: match.start()]),
                "length": utf16_length(match.group()),
            }
        )
    return entities


def commands_in(text: str) -> list[str]:
    """The ``/command[@bot]`` words of a text, as Telegram marks them."""
    return [match.group() for match in _COMMAND.finditer(text)]


def inline_callback_data(markup: dict[str, Any] | None) -> list[str]:
    """Every callback_data of an inline keyboard, row by row."""
    if not markup:
        return []
    return [
        button["callback_data"]
        for row in markup.get("inline_keyboard", [])
        for button in row
        if "callback_data" in button
    ]
