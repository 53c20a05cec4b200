"""Readers never see a file name as a source: no outlet known means the date alone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from digests.cli import main

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
DATE_ONLY = re.compile(r"^\s*\d{2}/\d{2}/\d{4}$")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(list(argv)) == 0
    return capsys.readouterr().out


def test_local_files_without_an_outlet_show_the_date_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "x.db")
    run(capsys, "--db", db, "ingest", str(SEEDS))
    digest = run(capsys, "--db", db, "digest", "--since", "2000-01-01")
    search = run(capsys, "--db", db, "search", "Viettel")
    shown = digest + search
    assert ".txt" not in shown and "000_" not in shown
    assert any(DATE_ONLY.match(line) for line in digest.splitlines())  # "    30/01/2024"
    assert "    30/01/2024\n" in digest
    assert "   30/01/2024\n" in search
    assert not re.search(r"(^|\n)\s*(·|,) ", shown)  # no separator left without a source


def test_the_operator_names_the_outlet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "x.db")
    run(
        capsys,
        "--db",
        db,
        "ingest",
        "--outlet",
        "Báo Thử",
        str(SEEDS / sorted(p.name for p in SEEDS.glob("*.txt"))[0]),
    )
    digest = run(capsys, "--db", db, "digest", "--since", "2000-01-01")
    assert "    Báo Thử · 30/01/2024\n" in digest


def test_an_operator_named_outlet_beats_a_bare_host() -> None:
    from digests.model import RawDocument
    from digests.sources.clean import clean_document

    body = "".join(
        f"<p>Câu thứ {n} của bài viết về mạng 5G của Viettel, đủ dài để là một đoạn văn.</p>"
        for n in range(1, 6)
    )
    page = (
        "<html><head><title>Viettel mở rộng mạng 5G</title></head><body><article>"
        f"<h1>Viettel mở rộng mạng 5G</h1>{body}</article></body></html>"
    )

    def outlet(source: str) -> str | None:
        doc = RawDocument(
            origin="https://example.vn/a",
            source=source,
            raw=page,
            kind="html",
            url="https://example.vn/a",
        )
        return clean_document(doc).source

    assert outlet("Báo Mẫu") == "Báo Mẫu"  # a sources-file entry or --outlet
    assert outlet("") in (None, "example.vn")  # nothing named: the host, never a file name
