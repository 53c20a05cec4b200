"""Run every benchmark and write the figures into docs/BENCHMARKS.md.

Each benchmark module exposes ``run(quick: bool) -> str`` returning a Markdown
section. ``python -m bench --only corpus`` runs one; ``--quick`` shrinks sizes
for a smoke run (its figures are marked as such).
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

BENCHES = (
    "corpus",
    "digest_speed",
    "quality",
    "broadcast",
    "roundtrip",
    "relevance",
    "feeds",
    "pages",
    "trend",
    "stories",
    "faults",
)
OUT = Path(__file__).resolve().parent.parent / "docs" / "BENCHMARKS.md"


def _machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores ({cpu}){mem}, "
        f"Python {platform.python_version()}"
    )


def _commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


_MARK = "<!-- bench:{} -->"


def _existing_sections() -> dict[str, str]:
    """Sections of the current file by bench name, so a partial run keeps the others."""
    if not OUT.exists():
        return {}
    sections: dict[str, str] = {}
    text = OUT.read_text(encoding="utf-8")
    for name in BENCHES:
        mark = _MARK.format(name)
        if mark in text:
            body = text.split(mark, 1)[1]
            sections[name] = mark + body.split("<!-- bench:", 1)[0].rstrip() + "\n"
    return sections


def main(argv: list[str] | None = None) -> int:
    args_list = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--only", choices=BENCHES, action="append")
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    args = parser.parse_args(args_list)
    names = args.only or list(BENCHES)
    command = "make bench" if not args_list else "python -m bench " + " ".join(args_list)
    sections = _existing_sections()
    for name in names:
        started = time.perf_counter()
        print(f"bench: {name} …", file=sys.stderr, flush=True)
        module = importlib.import_module(f"bench.{name}")
        section = module.run(quick=args.quick)
        took = time.perf_counter() - started
        stamp = f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {_commit()}"
        sections[name] = (
            f"{_MARK.format(name)}\n{section.rstrip()}\n\n"
            f"_Measured by `{command}` on {stamp}, in {took:.0f} s._\n"
        )
    header = (
        "# Benchmarks\n\n"
        "Written by `make bench` (`python -m bench`; `--only NAME` re-measures one section and\n"
        "keeps the others). Each section names the command and commit that measured it.\n\n"
        f"Machine: {_machine()}.\n\n"
        "Each figure is measured in the same run as its peer or limit and given as a ratio.\n"
    )
    ordered = [sections[name] for name in BENCHES if name in sections]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(header + "\n" + "\n".join(ordered), encoding="utf-8")
    print(f"wrote {OUT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
