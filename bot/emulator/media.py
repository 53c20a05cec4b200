"""Photos and the bot's profile in the emulator: sendPhoto, set/getMyDescription,
set/getMyShortDescription.

sendPhoto takes an uploaded PNG or JPEG (multipart) and checks what Telegram checks:
at most 10 MB, width + height at most 10000, sides within a ratio of 20, a caption of
at most 1024 units after HTML parsing. The message carries ``photo`` sizes and the
caption; it is recorded like any sent message (``visible_text`` is the caption).

Descriptions are kept per language code (512 and 120 characters at most).

Control API: ``sent_photos(chat_id=None)`` (dicts: chat_id, message_id, bytes, width,
height, caption, message_thread_id), ``my_description(language_code="")``,
``my_short_description(language_code="")``.
"""

from __future__ import annotations

import struct
from typing import Any

from bot.emulator.entities import utf16_length
from bot.emulator.methods import check_reply_markup, parse_message_text
from bot.emulator.params import ApiError, bad_request, get_int, get_json, get_str

MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_CAPTION_UNITS = 1024
MAX_DESCRIPTION = 512
MAX_SHORT_DESCRIPTION = 120


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG or baseline/progressive JPEG, else None."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR":
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data[:2] == b"\xff\xd8":
        index = 2
        while index + 9 < len(data):
            if data[index] != 0xFF:
                return None
            marker = data[index + 1]
            length = struct.unpack(">H", data[index + 2 : index + 4])[0]
            if marker in (0xC0, 0xC1, 0xC2):
                height, width = struct.unpack(">HH", data[index + 5 : index + 9])
                return int(width), int(height)
            index += 2 + length
    return None


class MediaMixin:
    """Mixed into the emulator (before EmulatorCore)."""

    _lock: Any

    def _media_state(self) -> dict[str, Any]:
        return self.__dict__.setdefault("_media", {"photos": [], "descriptions": {}})

    def send_photo(self, params: dict[str, Any]) -> dict[str, Any]:
        photo = params.get("photo")
        if isinstance(photo, str) and photo.startswith("attach://"):
            photo = params.get(photo[len("attach://") :])
        if not isinstance(photo, bytes):
            raise bad_request("wrong file identifier/HTTP URL specified")
        if len(photo) > MAX_PHOTO_BYTES:
            raise bad_request("PHOTO_SAVE_FILE_INVALID")
        size = image_size(photo)
        if size is None:
            raise bad_request("IMAGE_PROCESS_FAILED")
        width, height = size
        if width + height > 10000 or max(width, height) > 20 * max(1, min(width, height)):
            raise bad_request("PHOTO_INVALID_DIMENSIONS")
        caption = get_str(params, "caption")
        parse_mode = get_str(params, "parse_mode")
        with self._lock:
            chat = self._chat_for_bot(params)  # type: ignore[attr-defined]
            self._check_thread(chat, params)  # type: ignore[attr-defined]
            text, entities = "", []
            if caption:
                parsed = parse_message_text(
                    caption, parse_mode, get_json(params, "caption_entities")
                )
                if utf16_length(parsed.text) > MAX_CAPTION_UNITS:
                    raise bad_request("message caption is too long")
                text, entities = parsed.text, parsed.entities
            markup = check_reply_markup(get_json(params, "reply_markup"))
            retry_after = self._limiter.try_acquire(chat.id)  # type: ignore[attr-defined]
            if retry_after:
                raise ApiError(
                    429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after
                )
            message: dict[str, Any] = {
                "message_id": chat.take_message_id(),
                "from": self.bot_user.to_api(),  # type: ignore[attr-defined]
                "chat": chat.to_api(),
                "date": self._now(),  # type: ignore[attr-defined]
                "photo": [
                    {
                        "file_id": f"photo-{chat.id}-{chat.next_message_id}",
                        "file_unique_id": f"u{chat.id}{chat.next_message_id}",
                        "width": width,
                        "height": height,
                        "file_size": len(photo),
                    }
                ],
            }
            if text:
                message["caption"] = text
                if entities:
                    message["caption_entities"] = entities
            if markup is not None:
                message["reply_markup"] = markup
            thread_id = get_int(params, "message_thread_id")
            if thread_id is not None:
                message["message_thread_id"] = thread_id
                if chat.is_forum:
                    message["is_topic_message"] = True
            seq = self._store_message(chat, message)  # type: ignore[attr-defined]
            record = {**message, "text": text, "entities": entities}
            self._record_send(chat, record, caption or "", parse_mode, markup, seq, None)  # type: ignore[attr-defined]
            self._media_state()["photos"].append(
                {
                    "chat_id": chat.id,
                    "message_id": message["message_id"],
                    "bytes": photo,
                    "width": width,
                    "height": height,
                    "caption": text,
                    "message_thread_id": thread_id,
                }
            )
            return message

    def _set_text(self, params: dict[str, Any], kind: str, limit: int) -> bool:
        value = get_str(params, kind) or ""
        if len(value) > limit:
            raise bad_request(f"{kind.upper()}_INVALID")
        language = get_str(params, "language_code") or ""
        with self._lock:
            self._media_state()["descriptions"][(kind, language)] = value
        return True

    def _get_text(self, params: dict[str, Any], kind: str) -> dict[str, str]:
        language = get_str(params, "language_code") or ""
        with self._lock:
            texts = self._media_state()["descriptions"]
            return {kind: texts.get((kind, language), texts.get((kind, ""), ""))}

    def set_my_description(self, params: dict[str, Any]) -> bool:
        return self._set_text(params, "description", MAX_DESCRIPTION)

    def set_my_short_description(self, params: dict[str, Any]) -> bool:
        return self._set_text(params, "short_description", MAX_SHORT_DESCRIPTION)

    def get_my_description(self, params: dict[str, Any]) -> dict[str, str]:
        return self._get_text(params, "description")

    def get_my_short_description(self, params: dict[str, Any]) -> dict[str, str]:
        return self._get_text(params, "short_description")

    # ------------------------------------------------------------------ control API

    def sent_photos(self, chat_id: int | None = None) -> list[dict[str, Any]]:
        with self._lock:
            photos = self._media_state()["photos"]
            return [p for p in photos if chat_id is None or p["chat_id"] == chat_id]

    def my_description(self, language_code: str = "") -> str:
        with self._lock:
            return str(self._media_state()["descriptions"].get(("description", language_code), ""))

    def my_short_description(self, language_code: str = "") -> str:
        with self._lock:
            found = self._media_state()["descriptions"].get(("short_description", language_code))
            return str(found or "")


MEDIA_METHODS = {
    "sendphoto": MediaMixin.send_photo,
    "setmydescription": MediaMixin.set_my_description,
    "setmyshortdescription": MediaMixin.set_my_short_description,
    "getmydescription": MediaMixin.get_my_description,
    "getmyshortdescription": MediaMixin.get_my_short_description,
}
