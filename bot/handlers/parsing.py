"""Pure decisions of the command handlers: arguments, callback data, who a message is for."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

from bot import indoubt
from digests.analysis.themes import Theme
from digests.templating import LANGUAGES
from digests.textnorm import fold

MAX_CALLBACK_BYTES = 64


LONG_MESSAGE = 1000  # a non-command message longer than this is answered as "too long"


def split_words(args: Sequence[str]) -> list[str]:
    """Command arguments split on spaces and commas: "postal, ai" → ["postal", "ai"]."""
    return [word for arg in args for word in re.split(r"[,\s]+", arg) if word]


ALL_THEMES = "*"


ALL_WORDS = ("all", "tat ca", "moi chu de", "all themes")


MAX_THEME_WORDS = 6  # the longest theme name, in words ("Báo chí – Xuất bản" is 4)


def theme_names(themes: Iterable[Theme]) -> dict[str, str]:
    """Every way a reader may name a theme, folded → key: key, vi and en labels, and each
    part of a two-part label ("báo chí", "xuất bản"); "all"/"tất cả" → ALL_THEMES."""
    names = {name: ALL_THEMES for name in ALL_WORDS}
    for theme in themes:
        for name in (theme.key, theme.label_vi, theme.label_en):
            parts = [name, *re.split(r"\s*[–&/,]\s*", name)]
            for part in parts:
                folded = fold_name(part)
                if folded:
                    names.setdefault(folded, theme.key)
    return names


def fold_name(text: str) -> str:
    """Case, diacritics and punctuation folded: "Báo chí – Xuất bản" → "bao chi xuat ban"."""
    return " ".join(re.findall(r"\w+", fold(text)))


def parse_theme_keys(args: Sequence[str], themes: Sequence[Theme]) -> tuple[list[str], list[str]]:
    """(theme keys in the order named, without repeats; names not understood).

    Names may be keys or labels in either language, with or without diacritics, several
    words long: "Bưu chính, AI" → ["postal", "ai"]. "all"/"tất cả" chooses every theme."""
    names = theme_names(themes)
    emoji = {theme.emoji.replace("\ufe0f", ""): theme.key for theme in themes if theme.emoji}
    # /help shows each theme's emoji: "📮" names the postal theme; "&", "–" name nothing.
    words = [emoji.get(w.replace("\ufe0f", ""), w) for w in split_words(args)]
    words = [word for word in words if fold_name(word) or _has_symbol(word)]
    folded = [fold_name(word) for word in words]
    chosen: list[str] = []
    unknown: list[str] = []
    stray: list[str] = []  # consecutive words no name starts with, told as one phrase
    index = 0
    while index < len(words):
        for size in range(min(MAX_THEME_WORDS, len(words) - index), 0, -1):
            key = names.get(" ".join(folded[index : index + size]))
            if key is not None:
                break
        else:
            stray.append(words[index])
            index += 1
            continue
        if stray:
            unknown.append(" ".join(stray))
            stray = []
        keys = [t.key for t in themes] if key == ALL_THEMES else [key]
        chosen.extend(k for k in keys if k not in chosen)
        index += size
    if stray:
        unknown.append(" ".join(stray))
    return chosen, unknown


def _has_symbol(word: str) -> bool:
    """An emoji or other symbol: it names something (maybe no theme), unlike "&" or "–"."""
    return any(unicodedata.category(char) == "So" for char in word)


def parse_language(args: Sequence[str]) -> str | None:
    words = split_words(args)
    if len(words) != 1:
        return None
    lang = words[0].lower()
    return lang if lang in LANGUAGES else None


def toggle_theme(
    current: Sequence[str] | None, key: str, all_keys: Sequence[str]
) -> tuple[str, ...] | None:
    """The chat's themes after pressing ``key``; None means every theme."""
    selected = set(all_keys if current is None else current)
    selected ^= {key}
    if not selected or selected >= set(all_keys):
        return None  # switching the last one off means "no filter", never "no digest"
    return tuple(k for k in all_keys if k in selected)


def more_data(query_id: int, page: int) -> str:
    data = f"more:{query_id}:{page}"
    assert len(data.encode()) <= MAX_CALLBACK_BYTES
    return data


def theme_data(key: str) -> str:
    data = f"theme:{key}"
    if len(data.encode()) > MAX_CALLBACK_BYTES:
        raise ValueError(f"theme key too long for a button: {key!r}")
    return data


def pick_data(key: str) -> str | None:
    """A candidate button's data, "pick:viettel" or "pick:@Name"; None if too long for one."""
    data = f"pick:{key}"
    return data if len(data.encode()) <= MAX_CALLBACK_BYTES and "\n" not in key else None


def parse_callback(data: str | None) -> tuple[str, list[str]]:
    """("more", ["12", "1"]), ("theme", ["ai"]), ("pick", ["viettel"]) or ("", [])."""
    if not data or len(data.encode()) > MAX_CALLBACK_BYTES:
        return "", []
    kind, _, rest = data.partition(":")
    if kind == "pick" and re.fullmatch(r"[a-z0-9][a-z0-9-]*|@[^\x00-\x1f]{2,}", rest):
        return kind, [rest]
    # Bounded digit counts: forged ids past SQLite's INTEGER are refused, not crashed on.
    if kind == "more" and re.fullmatch(r"\d{1,18}:\d{1,4}", rest):
        return kind, rest.split(":")
    if kind == "resend" and indoubt.parse_resend(rest) is not None:
        return kind, rest.split(":")
    if kind == "theme" and rest:
        return kind, [rest]
    return "", []


def addressed_to_me(text: str, bot_username: str, chat_type: str) -> bool:
    """Is the command at the start of ``text`` for this bot? Bare commands in groups are not."""
    match = re.match(r"^/\w+(?:@(\w+))?", text or "")
    if not match:
        return False
    if match.group(1):
        return match.group(1).lower() == bot_username.lower()
    return chat_type == "private"


def greeting_name(first_name: str | None) -> str:
    """The name to greet with; "" when the name is only a stand-in ("Bạn", "You")."""
    name = (first_name or "").strip()
    return "" if fold_name(name) in ("ban", "you", "") else name
