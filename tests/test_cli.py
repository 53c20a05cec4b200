"""The command line: help everywhere, --db/--lang/--json, usage errors without tracebacks."""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path

import pytest

from digests import cli
from digests.model import Analysis, CleanArticle, RawDocument, Sentence, Target
from digests.store.articles import save_article
from digests.store.connection import open_db


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
    db = open_db(db_path)
    text = "Năm 2045, các lĩnh vực do Bộ TT&TT quản lý phấn đấu trong top 30 thế giới."
    article = CleanArticle("Lĩnh vực số", date(2023, 11, 28), None, (text,))
    analysis = Analysis(
        sentences=[Sentence(0, 0, text)],
        targets=[Target(2045, None, "trong top 30 thế giới", "Bộ TT&TT", 0, text)],
    )
    doc = RawDocument(origin="/x/a.txt", source="seeds/a.txt", raw=text, kind="text")
    save_article(db, doc, article, analysis)
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
            "Xem chi tiết: target NĂM, ví dụ target 2045\n"
        )


def test_db_from_environment(
    filled_db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ICTDIGEST_DB", str(filled_db))
    code, out, _ = run(capsys, "--lang", "en", "articles")
    assert code == 0
    assert out == "Stored articles 1–1 of 1:\n#1  28 Nov 2023  seeds/a.txt  Lĩnh vực số\n"


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
        (["ingest", "x" * 5000], "Tệp, thư mục hoặc URL quá dài (5000 ký tự; tối đa 4096)."),
        (["target", "2" * 300], "Đó không phải là một năm (dài 300 ký tự)."),
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


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["search", "x" * 300], "The search text is too long (300 characters; at most 200)."),
        (["target", "2" * 300], "That is not a year (it is 300 characters long)."),
    ],
)
def test_bad_arguments_in_english(
    db_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, _, err = run(capsys, "--db", str(db_path), "--lang", "en", *argv)
    assert code == 2
    assert message in err


def test_argparse_errors_show_example(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--db", str(db_path), "--lang", "en", "articles", "--limit", "x")
    assert code == 2
    assert "--limit needs a number, not “x”." in err
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
    assert "BƯU CHÍNH" in out and "Bưu điện" in out
    code, _, err = run(capsys, *db, "digest", "--theme", "no-such-theme")
    assert code == 2 and "Cách dùng: ictdigest digest" in err
    code, _, err = run(capsys, *db, "digest", "--since", "2024-13-01")
    assert code == 2 and "--since: “2024-13-01” không phải là ngày" in err

    code, out, _ = run(capsys, *db, "summarize", str(seeds_dir / "000_94929e6b3cb0ed3c.txt"))
    assert code == 0 and out.strip()
    code, out, err = run(capsys, *db, "summarize", str(tmp_path / "missing.txt"))
    assert (code, out, err) == (
        1,
        "",
        f"ictdigest summarize: không có tệp {tmp_path / 'missing.txt'}.\n",
    )

    copy = tmp_path / "backup.db"
    code, out, err = run(capsys, *db, "backup", str(copy))
    assert (code, err) == (0, "")
    assert copy.exists()
    code, _, err = run(capsys, *db, "restore", str(tmp_path / "nothing.db"))
    assert code == 1 and err.startswith("ictdigest: ") and err.count("\n") == 1


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--sentences", "0"], "--sentences phải từ 1 đến 10 (bạn ghi 0)."),
        (["--sentences", "-3"], "--sentences phải từ 1 đến 10 (bạn ghi -3)."),
        (["--max-chars", "50"], "--max-chars phải từ 80 trở lên (bạn ghi 50)"),
    ],
)
def test_summarize_rejects_out_of_range_options(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    article = tmp_path / "a.txt"
    article.write_text("Tiêu đề\n\nViettel đạt doanh thu 10 tỷ USD trong năm qua.", "utf-8")
    code, out, err = run(capsys, "summarize", str(article), *argv)
    assert (code, out) == (2, "")
    assert err.startswith(message)


def test_summarize_jsonl_reports_each_bad_line_and_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = {"id": "a", "title": "T", "body": "Viettel đạt doanh thu 10 tỷ USD trong năm qua."}
    lines = ["{oops", json.dumps(good), json.dumps({"id": "b"}), json.dumps({"body": " "})]
    path = tmp_path / "x.jsonl"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    code, out, err = run(capsys, "summarize", str(path))
    assert code == 1
    assert [json.loads(line)["id"] for line in out.splitlines()] == ["a"]
    assert err == (
        f"ictdigest summarize: {path}, dòng 1: không phải JSON.\n"
        f'ictdigest summarize: {path}, dòng 3: cần một đối tượng JSON có trường "body" là chuỗi.\n'
        f"ictdigest summarize: {path}, dòng 4: bài không có nội dung.\n"
    )
    code, _, err = run(capsys, "--lang", "en", "summarize", str(tmp_path / "none.txt"))
    assert (code, err) == (1, f"ictdigest summarize: there is no file {tmp_path / 'none.txt'}.\n")


def test_read_only_commands_do_not_create_a_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "no" / "such" / "x.db"
    for command in (["articles"], ["companies"], ["company", "Viettel"], ["search", "5G"]):
        code, out, err = run(capsys, "--db", str(missing), *command)
        assert (code, out) == (1, "")
        assert err == (
            f"Chưa có cơ sở dữ liệu ở {missing}. Hãy nạp bài trước để tạo nó: "
            f"ictdigest --db {missing} ingest THƯ_MỤC_HOẶC_URL\n"
        )
    assert not (tmp_path / "no").exists()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["articles", "--limit", "abc"], "--limit cần một con số, không phải “abc”."),
        (["digest", "--since", "31/13/2023"], "--since: “31/13/2023” không phải là ngày"),
        (
            ["digest", "--since", "2025-01-01", "--until", "31/12/2023"],
            "Khoảng ngày bị ngược: --since 01/01/2025 sau --until 31/12/2023.",
        ),
        (["digest", "--theme", "bogus"], "Không có chủ đề “bogus”. Các chủ đề: postal,"),
        (["target", "2,045"], "“2,045” không phải là năm"),
    ],
)
def test_argparse_and_range_errors_are_polite_in_vietnamese(
    filled_db: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, out, err = run(capsys, "--db", str(filled_db), *argv)
    assert (code, out) == (2, "")
    assert err.startswith(message), err
    assert "Traceback" not in err and "invalid" not in err


def test_dates_in_both_spellings() -> None:
    assert cli.parse_date("31/12/2023") == date(2023, 12, 31)
    assert cli.parse_date("2023-12-31") == date(2023, 12, 31)
    assert cli.parse_date("1/2/2024") == date(2024, 2, 1)


def test_help_speaks_vietnamese_by_default_and_english_on_request() -> None:
    vi = cli.build_parser("vi").format_help()
    assert "tìm theo từ khoá, có đoạn trích tô đậm" in vi
    assert "hiện hướng dẫn này rồi thoát" in vi
    en = cli.build_parser("en").format_help()
    assert "full-text search with highlighted snippets" in en
    for lang in ("vi", "en"):
        parser = cli.build_parser(lang)
        helps = {a.dest: a.help for a in cli.subcommands(parser)._choices_actions}
        assert all(helps[name] for name in cli.COMMAND_HELP[lang])


def test_target_accepts_nam_and_en_dash(
    filled_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for words in (["năm", "2045"], ["2040–2050"]):
        code, out, _ = run(capsys, "--db", str(filled_db), "target", *words)
        assert code == 0
        assert "trong top 30 thế giới" in out
    _, out, _ = run(capsys, "--db", str(filled_db), "target", "2040-2050")
    assert out.startswith("Mục tiêu cho các năm 2040–2050 (1/1):")


def test_target_years_hint_takes_the_bot_command_prefix() -> None:
    from digests.templating import render

    text = render(
        "target_years", lang="vi", fmt="txt", years=[(2025, 1), (2030, 2)], command_prefix="/"
    )
    assert text.endswith("Xem chi tiết: /target NĂM, ví dụ /target 2030 hoặc /target 2025-2030")


def test_a_closed_pipe_ends_quietly(filled_db: Path) -> None:
    import subprocess
    import sys

    command = [sys.executable, "-m", "digests", "--db", str(filled_db), "--json", "articles"]
    reader = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert reader.stdout is not None
    reader.stdout.close()  # like `| head -0`
    _, err = reader.communicate()
    assert b"Traceback" not in err and b"BrokenPipe" not in err


def test_a_page_with_no_article_is_refused_in_the_readers_language(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    menu = tmp_path / "menu.html"
    menu.write_text(
        "<html><body><nav><a href='/a'>Thời sự</a> <a href='/b'>Kinh tế</a>"
        " <a href='/c'>Số hóa</a></nav></body></html>",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "--db", str(db_path), "ingest", str(menu))
    assert code == 1
    assert out.splitlines()[0] == (f"✗ {menu}: trang không có bài viết (chỉ có menu hoặc trống)")
    code, out, _ = run(capsys, "--db", str(db_path), "--lang", "en", "ingest", str(menu))
    assert out.splitlines()[0] == f"✗ {menu}: no article text in page (navigation or empty)"


@pytest.mark.parametrize(
    ("lang", "usage", "options"),
    [("vi", "cách dùng: ", "tùy chọn:"), ("en", "usage: ", "options:")],
)
def test_help_headings_speak_the_chosen_language(
    lang: str, usage: str, options: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        cli.main(["--lang", lang, "digest", "--help"])
    out = capsys.readouterr().out
    assert out.startswith(usage + "ictdigest digest")
    assert f"\n{options}\n" in out
    assert "--format" in out and "json" in out.split("--format", 2)[2]  # the option is explained
