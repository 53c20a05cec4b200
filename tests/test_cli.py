"""The command line: help everywhere, --db/--lang/--json, usage errors without tracebacks."""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path

import pytest

from digests import cli, store
from digests.model import Analysis, CleanArticle, RawDocument, Sentence, Target


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    parser = cli.build_parser()
    try:
        args = parser.parse_args(list(argv))
    except SystemExit as exc:
        code = int(exc.code or 0)
    else:
        code = cli.dispatch(args, parser)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def filled_db(db_path: Path) -> Path:
    db = store.open_db(db_path)
    text = "Năm 2045, các lĩnh vực do Bộ TT&TT quản lý phấn đấu trong top 30 thế giới."
    article = CleanArticle("Lĩnh vực số", date(2023, 11, 28), None, (text,))
    analysis = Analysis(
        sentences=[Sentence(0, 0, text)],
        targets=[Target(2045, None, "trong top 30 thế giới", "Bộ TT&TT", 0, text)],
    )
    doc = RawDocument(origin="/x/a.txt", source="seeds/a.txt", raw=text, kind="text")
    store.save_article(db, doc, article, analysis)
    db.close()
    return db_path


def test_every_subcommand_has_help() -> None:
    parser = cli.build_parser()
    choices = cli.subcommands(parser).choices
    expected = {
        "ingest",
        "articles",
        "company",
        "companies",
        "target",
        "search",
        "summarize",
        "digest",
        "backup",
        "restore",
    }
    assert expected <= set(choices)
    helps = {a.dest: a.help for a in cli.subcommands(parser)._choices_actions}
    for name in choices:
        assert helps.get(name), f"{name} has no help"
        assert choices[name].description, f"{name} has no description"


def test_db_option_before_or_after_command(
    filled_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for argv in (["--db", str(filled_db), "target"], ["target", "--db", str(filled_db)]):
        code, out, err = run(capsys, *argv)
        assert (code, err) == (0, "")
        assert (
            out == "Các năm có mục tiêu (năm: số mục tiêu):\n• 2045: 1\n"
            "Xem chi tiết: target NĂM, ví dụ target 2045 hoặc target 2045-2045\n"
        )


def test_db_from_environment(
    filled_db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ICTDIGEST_DB", str(filled_db))
    code, out, _ = run(capsys, "--lang", "en", "articles")
    assert code == 0
    assert out == "Stored articles 1–1 of 1:\n#1  2023-11-28  seeds/a.txt  Lĩnh vực số\n"


def test_json_output(filled_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--db", str(filled_db), "--json", "target", "2045")
    assert code == 0
    data = json.loads(out)
    assert data["year_from"] == 2045 and data["total"] == 1
    assert data["targets"][0]["goal"] == "trong top 30 thế giới"
    assert data["targets"][0]["setter"] == "Bộ TT&TT"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["target", "20x5"], "“20x5” không phải là năm: cần 4 chữ số, ví dụ 2030, hoặc một khoảng"),
        (["target", "2030-2025"], "Khoảng năm bị ngược: 2030 lớn hơn 2025. Ý bạn là 2025-2030?"),
        (["company"], "Thiếu tên doanh nghiệp."),
        (["company", ""], "Thiếu tên doanh nghiệp."),
        (["search", "x" * 300], "Từ khoá quá dài (300 ký tự; tối đa 200)."),
        (["search", "*"], "Không có từ nào để tìm (chỉ có dấu câu hoặc ký hiệu)."),
        (["ingest"], "Thiếu tệp, thư mục hoặc URL."),
        (["articles", "--offset", "-3"], "Vị trí bắt đầu phải từ 0 trở lên."),
    ],
)
def test_bad_arguments_get_usage_and_exit_2(
    db_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, out, err = run(capsys, "--db", str(db_path), *argv)
    assert code == 2
    assert out == ""
    assert message in err
    assert "Cách dùng: ictdigest " in err
    assert "Traceback" not in err


def test_argparse_errors_show_example(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--db", str(db_path), "--lang", "en", "articles", "--limit", "x")
    assert code == 2
    assert "argument --limit: invalid int value: 'x'" in err
    assert "Usage: ictdigest articles --limit 20" in err


def test_locked_or_broken_database_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database" * 200)
    code, out, err = run(capsys, "--db", str(junk), "articles")
    assert out == ""
    assert code == 1
    assert err.startswith("ictdigest: not an ictdigest database or damaged")
    assert err.count("\n") == 1


def test_add_command_lets_the_bot_extend_the_parser(capsys: pytest.CaptureFixture[str]) -> None:
    parser = cli.build_parser()

    def hello(args: argparse.Namespace) -> int:
        print(f"hello {args.db}")
        return 0

    cli.add_command(parser, "hello", "say hello", hello)
    args = parser.parse_args(["hello", "--db", "x.db"])
    assert cli.dispatch(args, parser) == 0
    assert capsys.readouterr().out == "hello x.db\n"


def test_ingest_seeds_then_reingest(
    db_path: Path, seeds_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "--db", str(db_path), "ingest", str(seeds_dir))
    assert (code, out, err) == (0, "Đã thêm 5, cập nhật 0, bỏ qua 0 (không đổi), lỗi 0.\n", "")
    code, out, _ = run(capsys, "--db", str(db_path), "--lang", "en", "ingest", str(seeds_dir))
    assert (code, out) == (0, "added 0, updated 0, skipped 5, failed 0\n")


def test_ingest_reports_bad_items_and_exits_1(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    missing = tmp_path / "nope"
    code, out, err = run(
        capsys, "--db", str(db_path), "ingest", str(tmp_path / "empty.txt"), str(missing)
    )
    assert code == 1
    assert out == (
        f"✗ {tmp_path / 'empty.txt'}: tệp rỗng\n"
        f"✗ {missing}: không có tệp hay thư mục này\n"
        "Đã thêm 0, cập nhật 0, bỏ qua 0 (không đổi), lỗi 2.\n"
    )
    assert err == ""  # progress stays quiet when stderr is not a terminal
    code, out, _ = run(capsys, "--db", str(db_path), "--json", "ingest", str(missing))
    data = json.loads(out)
    assert data["failed"] == 1
    assert data["failures"] == [
        {"item": str(missing), "reason": "no such file or folder", "code": "missing", "params": {}}
    ]


def test_digest_summarize_backup_and_restore_are_wired(
    db_path: Path, seeds_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = ["--db", str(db_path)]
    assert run(capsys, *db, "ingest", str(seeds_dir))[0] == 0
    code, out, err = run(capsys, *db, "digest", "--theme", "postal", "--since", "2020-01-01")
    assert (code, err) == (0, "")
    assert "seeds/000_94929e6b3cb0ed3c.txt" in out
    code, _, err = run(capsys, *db, "digest", "--theme", "no-such-theme")
    assert code == 2 and "Cách dùng: ictdigest digest" in err
    code, _, err = run(capsys, *db, "digest", "--since", "2024-13-01")
    assert code == 2 and "not a date (YYYY-MM-DD): '2024-13-01'" in err

    code, out, _ = run(capsys, *db, "summarize", str(seeds_dir / "000_94929e6b3cb0ed3c.txt"))
    assert code == 0 and out.strip()
    code, out, err = run(capsys, *db, "summarize", str(tmp_path / "missing.txt"))
    assert (code, out) == (1, "")
    assert err.startswith("ictdigest: ") and err.count("\n") == 1

    copy = tmp_path / "backup.db"
    code, out, err = run(capsys, *db, "backup", str(copy))
    assert (code, err) == (0, "")
    assert copy.exists()
    code, _, err = run(capsys, *db, "restore", str(tmp_path / "nothing.db"))
    assert code == 1 and err.startswith("ictdigest: ") and err.count("\n") == 1
