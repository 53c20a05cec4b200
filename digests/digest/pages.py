"""The short digest a chat gets by default, and the pages that continue it.

The default digest is ONE Telegram message: the top ``per_theme`` stories of each
section, fewer if they do not fit (a section showing the most gives one up
first). What is left out stays in each section's ``rest``, in rank order; the
"Xem thêm" pages show exactly those, so paging only moves forward.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from digests.digest import story_rank
from digests.digest.render import render_digest
from digests.digest.select import Digest
from digests.digest.telegram_html import TELEGRAM_LIMIT


def cut(digest: Digest, shown: list[int]) -> Digest:
    """``digest`` showing the first ``shown[i]`` stories of section i, the others in rest."""
    sections = []
    for section, count in zip(digest.sections, shown, strict=True):
        everything = section.items + section.rest
        if count <= 0:
            continue
        sections.append(
            replace(
                section,
                items=everything[:count],
                rest=everything[count:],
                more=len(everything) - count,
            )
        )
    return replace(digest, sections=tuple(sections))


def short_digest(
    digest: Digest,
    *,
    per_theme: int = story_rank.SHORT_PER_THEME,
    one_message: bool = True,
    lang: str = "vi",
    override_dir: Path | None = None,
    limit: int = TELEGRAM_LIMIT,
) -> Digest:
    """The digest cut to ``per_theme`` stories per section and (``one_message``) to one
    message; a long digest a chat chose may take several. ``digest`` must show at least
    ``per_theme`` stories per section (``build_digest``'s ``per_section``), as bullets
    left in ``rest`` carry no summary."""
    shown = [min(per_theme, len(s.items) + len(s.rest)) for s in digest.sections]
    if not one_message:
        return cut(digest, shown)
    while True:
        candidate = cut(digest, shown)
        if len(render_digest(candidate, lang=lang, override_dir=override_dir, limit=limit)) <= 1:
            return candidate
        index = story_rank.trim_order(shown)
        if index is None:
            return candidate
        shown[index] -= 1


def rest_of(digest: Digest) -> Digest:
    """What a short digest left out, every story shown: the "Xem thêm" pages."""
    sections = tuple(
        replace(section, items=section.rest, rest=(), more=0)
        for section in digest.sections
        if section.rest
    )
    return replace(digest, sections=sections)


def pages(
    digest: Digest,
    *,
    per_theme: int = story_rank.SHORT_PER_THEME,
    one_message: bool = True,
    lang: str = "vi",
    override_dir: Path | None = None,
    limit: int = TELEGRAM_LIMIT,
) -> list[str]:
    """The short digest as page(s) 1, then what it left out, one message per page."""
    short = short_digest(
        digest, per_theme=per_theme, one_message=one_message, lang=lang, override_dir=override_dir
    )
    first = render_digest(short, lang=lang, override_dir=override_dir, limit=limit)
    rest = rest_of(short)
    if not rest.sections:
        return first
    more = render_digest(rest, lang=lang, override_dir=override_dir, limit=limit, continued=True)
    return first + more
