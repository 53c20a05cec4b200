"""Bytes to text for pages and files, without mojibake and without guessing wildly.

A byte-order mark wins; bytes that are valid UTF-8 with multi-byte sequences are
UTF-8 whatever the label says (Vietnamese cannot be written in Latin-1, so a page
labelled ISO-8859-1 that is valid UTF-8 is UTF-8); then the declared charset, then
the in-document one; then a legacy Windows code page (windows-1258, windows-1252)
only when charset-normalizer finds that it decodes cleanly; else a clear "not
UTF-8" failure rather than garbled figures and names.
"""

from __future__ import annotations

import codecs
import re

from digests.sources.problems import SourceProblem

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)["']""", re.I)


def decode(data: bytes, declared: str | None) -> str:
    """Text from bytes: a BOM; else UTF-8 when the bytes are UTF-8 with multi-byte
    sequences, whatever the label says (Vietnamese cannot be written in Latin-1, so a
    page labelled ISO-8859-1 that is valid UTF-8 is UTF-8); else the declared charset,
    then the in-document one; else a legacy Windows code page when it decodes cleanly."""
    for bom, bom_encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(bom_encoding, errors="strict").lstrip("\ufeff")
            except UnicodeDecodeError as exc:
                raise SourceProblem("encoding", tried=f"{bom_encoding} (BOM)") from exc
    if b"\x00" in data[:8192]:
        raise SourceProblem("binary")
    utf8 = _strict_utf8(data)
    if utf8 is not None and not data.isascii():
        return utf8
    tried: list[str] = []
    for candidate in (declared, _in_document_charset(data), "utf-8"):
        encoding = _known_encoding(candidate)
        if encoding is None or encoding in tried:
            continue
        tried.append(encoding)
        try:
            return data.decode(encoding, errors="strict")
        except UnicodeDecodeError:
            continue
    guessed = _legacy_guess(data)
    if guessed is not None:
        return guessed
    raise SourceProblem("encoding", tried=", ".join(tried))


def _strict_utf8(data: bytes) -> str | None:
    try:
        return data.decode("utf-8", errors="strict")
    except UnicodeDecodeError:
        return None


# Windows code pages a Vietnamese page without a declared charset may be in, tried by
# charset-normalizer; its "chaos" (0 = clean text) must stay under the bar to be used.
LEGACY_ENCODINGS = ("cp1258", "cp1252")
MAX_LEGACY_CHAOS = 0.1


def _legacy_guess(data: bytes) -> str | None:
    """The text in the legacy code page it decodes most cleanly in, or None if none does."""
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=list(LEGACY_ENCODINGS)).best()
    if best is None or best.chaos > MAX_LEGACY_CHAOS:
        return None
    try:
        return data.decode(best.encoding, errors="strict")
    except (UnicodeDecodeError, LookupError):
        return None


def _in_document_charset(data: bytes) -> str | None:
    head = data[:4096]
    match = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    return match.group(1).decode("ascii") if match else None


def _known_encoding(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None
