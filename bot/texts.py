"""Every user-facing text, rendered from the Jinja2 templates in bot/templates/<lang>/.

Bot templates come first, then digests' (company, search, digest…); an
operator's ``template_dir`` overrides either.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from digests.templating import LANGUAGES, render

PACKAGES = ("bot", "digests")


def html(template: str, lang: str, override_dir: Path | None = None, **context: Any) -> str:
    """Telegram HTML from ``template`` (autoescaped)."""
    return render(
        template, lang=lang, fmt="html", packages=PACKAGES, override_dir=override_dir, **context
    )


def plain(template: str, lang: str, override_dir: Path | None = None, **context: Any) -> str:
    """Plain text (buttons, command menu) from ``template``."""
    return render(
        template, lang=lang, fmt="txt", packages=PACKAGES, override_dir=override_dir, **context
    )


@dataclass(frozen=True)
class CommandSpec:
    name: str
    args: str  # how the arguments are written in /help, e.g. "HH:MM"; "" for none
    description: str
    example: str


def command_specs(lang: str, override_dir: Path | None = None) -> list[CommandSpec]:
    """The commands as /help, usage lines and the command menu describe them."""
    return list(_specs(lang if lang in LANGUAGES else "vi", override_dir))


@lru_cache(maxsize=8)
def _specs(lang: str, override_dir: Path | None) -> tuple[CommandSpec, ...]:
    specs = []
    for line in plain("commands", lang, override_dir).splitlines():
        if not line.strip():
            continue
        name, args, description, example = (part.strip() for part in line.split("|", 3))
        specs.append(CommandSpec(name, args, description, example))
    return tuple(specs)


def command_spec(name: str, lang: str, override_dir: Path | None = None) -> CommandSpec:
    for spec in command_specs(lang, override_dir):
        if spec.name == name:
            return spec
    raise KeyError(f"no help text for /{name} in {lang}/commands.txt.j2")
